#include <malloc.h>
#include "CIQData.h"

void iq_release_free_memory(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}
