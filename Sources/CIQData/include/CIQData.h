#ifndef CIQDATA_H
#define CIQDATA_H
#include <stddef.h>

/// The bytes of an embedded dataset file by name ("areas.csv"), or NULL.
const unsigned char *iq_embedded_file(const char *name, size_t *length);

#endif
