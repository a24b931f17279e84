#include <string.h>
#include "CIQData.h"

// The tables written by `swift run build-dataset`, embedded whole (C23 #embed):
// clang reads a megabyte in milliseconds, where a Swift literal of the same
// size slows every build.
#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char areas[] = {
#embed "tables/areas.csv"
};
static const unsigned char delayed_days[] = {
#embed "tables/delayed_days.csv"
};
static const unsigned char delay_reasons_wide[] = {
#embed "tables/delay_reasons_wide.csv"
};
static const unsigned char england[] = {
#embed "tables/england.csv"
};
static const unsigned char bcf[] = {
#embed "tables/bcf.csv"
};
static const unsigned char headlines[] = {
#embed "tables/headlines.csv"
};
static const unsigned char care_home_admissions[] = {
#embed "tables/care_home_admissions.csv"
};

#define FILE_ENTRY(n) { #n ".csv", n, sizeof(n) }
static const struct { const char *name; const unsigned char *bytes; size_t length; } files[] = {
  FILE_ENTRY(areas), FILE_ENTRY(delayed_days), FILE_ENTRY(delay_reasons_wide), FILE_ENTRY(england),
  FILE_ENTRY(bcf), FILE_ENTRY(headlines), FILE_ENTRY(care_home_admissions),
};

const unsigned char *iq_embedded_file(const char *name, size_t *length) {
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    if (strcmp(files[i].name, name) == 0) {
      *length = files[i].length;
      return files[i].bytes;
    }
  }
  *length = 0;
  return NULL;
}
