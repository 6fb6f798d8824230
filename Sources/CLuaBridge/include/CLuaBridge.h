#ifndef LORAF_CLUABRIDGE_H
#define LORAF_CLUABRIDGE_H
// CLuaBridge: the parts of the Lua 5.4 C API that Swift cannot import (function-like macros,
// variadic functions) and the trampoline through which Lua calls Swift.
//
// Rule: lua_error (a longjmp) is only ever raised from C frames of this file, after every Swift
// frame of the call has returned. Swift code reports an error by pushing a message and returning
// a negative count from its dispatch function (see loraf_set_dispatcher).
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/// Result of a Swift dispatch function meaning "the message on top of the stack is an error;
/// prefix it with the calling Lua position (file:line:) and raise it".
#define LORAF_RAISE_WITH_POSITION (-1)
/// Result meaning "raise the message on top of the stack as it is" (it already names a position).
#define LORAF_RAISE_AS_IS (-2)

/// Swift function that runs one call from Lua. `box` is the retained Swift object stored in the
/// closure's first upvalue. Returns the number of results pushed, or one of LORAF_RAISE_*.
typedef int (*loraf_dispatch_fn)(lua_State *L, void *box);
/// Swift function that releases one retained Swift object (called exactly once per object).
typedef void (*loraf_release_fn)(void *object);

void loraf_set_dispatcher(loraf_dispatch_fn dispatcher);
void loraf_set_release(loraf_release_fn release);

/// Pushes a C closure that calls the dispatcher with `box`. `box` must be a retained Swift object;
/// it is wrapped in a userdata (metatable LORAF_BOX_METATABLE) whose __gc releases it.
void loraf_push_swift_function(lua_State *L, void *box);

/// Pushes a new full userdata holding the retained pointer `object`, with the metatable registered
/// under `metatable` (created by luaL_newmetatable). Its __gc must be loraf_object_gc.
void loraf_push_object(lua_State *L, void *object, const char *metatable);
/// The retained pointer in the userdata at `index` if it has metatable `metatable`; NULL otherwise
/// (wrong type, or already released).
void *loraf_to_object(lua_State *L, int index, const char *metatable);
/// The __gc metamethod of object userdata: releases the Swift object once and clears the slot.
int loraf_object_gc(lua_State *L);

/// lua_pcall with a message handler that appends luaL_traceback to string errors.
int loraf_pcall_traceback(lua_State *L, int nargs, int nresults);

/// Storage for one pointer shared by a state and all its threads (lua_getextraspace).
void loraf_set_owner(lua_State *L, void *owner);
void *loraf_get_owner(lua_State *L);

// Macro wrappers.
const char *loraf_tostring(lua_State *L, int index, size_t *length);
void loraf_pop(lua_State *L, int n);
void loraf_newtable(lua_State *L);
int loraf_registryindex(void);
void loraf_pushglobaltable(lua_State *L);
int loraf_isinteger_number(lua_State *L, int index);
lua_Integer loraf_tointeger(lua_State *L, int index, int *isnum);
lua_Number loraf_tonumber(lua_State *L, int index, int *isnum);
void loraf_insert(lua_State *L, int index);
int loraf_getmetatable_named(lua_State *L, const char *name);
/// lua_gc(L, LUA_GCSTEP, kilobytes): a collector step as if `kilobytes` had been allocated (lua_gc is
/// variadic). Swift objects such as tensors hold memory Lua does not see; their bindings call this.
int loraf_gc_step(lua_State *L, int kilobytes);
#endif
