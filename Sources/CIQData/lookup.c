#include <string.h>
#include "CIQData.h"
#include "dataset.inc"

const unsigned char *iq_embedded_file(const char *name, size_t *length) {
  for (size_t i = 0; i < sizeof(iq_files) / sizeof(iq_files[0]); i++) {
    if (strcmp(iq_files[i].name, name) == 0) {
      *length = iq_files[i].length;
      return iq_files[i].bytes;
    }
  }
  *length = 0;
  return NULL;
}
