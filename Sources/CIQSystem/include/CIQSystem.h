#ifndef CIQSYSTEM_H
#define CIQSYSTEM_H
#include <stddef.h>

// What glibc offers that Swift's Glibc module does not export.

/// Hands memory malloc holds free back to the system (glibc's malloc_trim):
/// after a large read, the pieces it was built in are not kept.
void iq_release_free_memory(void);

/// Whether the needle's bytes occur in the haystack's (glibc's memmem, in
/// linear time); an empty needle always does.
int iq_contains_bytes(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// Stops libxml2 printing its errors to standard error, on this thread:
/// the workbook reader reports them itself, from the parser's context.
void iq_quiet_libxml2(void);

#endif
