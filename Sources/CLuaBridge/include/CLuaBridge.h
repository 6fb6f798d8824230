#ifndef LORAF_CLUABRIDGE_H
#define LORAF_CLUABRIDGE_H
#include <lua.h>
#endif
