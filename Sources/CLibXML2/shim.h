// libxml2's push parser and SAX2 callbacks: the workbook reader streams
// each part of an .xlsx through them, never building a tree.
//
// Debian builds libxml2 with ICU, and its encoding header then includes
// ICU's, which clash with the copy of ICU inside Foundation. iq never
// uses libxml2's encoders (a workbook's parts are UTF-8), and the ICU
// fields are behind pointers it never follows, so the ICU half is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
