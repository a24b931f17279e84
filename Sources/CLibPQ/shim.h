// PostgreSQL's client library, libpq (Debian's libpq-dev), for --engine postgresql://.
#include <libpq-fe.h>
