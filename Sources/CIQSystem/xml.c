// libxml2's generic error handler is a variadic function, which Swift can
// neither write nor pass; this file holds one that prints nothing. Declared
// here rather than by including libxml2's headers, so that this target
// needs none of them; only a program that calls iq_quiet_libxml2 (through
// the workbook reader, which links libxml2) pulls this file in.
#include "CIQSystem.h"

typedef void (*iq_generic_error)(void *context, const char *message, ...);
extern void xmlSetGenericErrorFunc(void *context, iq_generic_error handler);

static void iq_ignore(void *context, const char *message, ...) {
  (void)context;
  (void)message;
}

void iq_quiet_libxml2(void) { xmlSetGenericErrorFunc(0, iq_ignore); }
