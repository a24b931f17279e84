// What glibc offers that Swift's Glibc module does not export.
#define _GNU_SOURCE
#include <malloc.h>
#include <string.h>
#include "CIQSystem.h"

void iq_release_free_memory(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

int iq_contains_bytes(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
  if (needle_length == 0) return 1;
  return memmem(haystack, haystack_length, needle, needle_length) != NULL;
}
