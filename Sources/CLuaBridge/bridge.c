#include "CLuaBridge.h"
#include <string.h>

static loraf_dispatch_fn swift_dispatcher = NULL;
static loraf_release_fn swift_release = NULL;

static const char *const box_metatable = "loraf.SwiftFunction";

void loraf_set_dispatcher(loraf_dispatch_fn dispatcher) { swift_dispatcher = dispatcher; }
void loraf_set_release(loraf_release_fn release) { swift_release = release; }

int loraf_object_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot != NULL && *slot != NULL) {
        void *object = *slot;
        *slot = NULL; /* cleared first: a second __gc (resurrection) releases nothing */
        if (swift_release != NULL) swift_release(object);
    }
    return 0;
}

void loraf_push_object(lua_State *L, void *object, const char *metatable) {
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = object;
    luaL_setmetatable(L, metatable);
}

void *loraf_to_object(lua_State *L, int index, const char *metatable) {
    void **slot = (void **)luaL_testudata(L, index, metatable);
    return slot == NULL ? NULL : *slot;
}

/* Runs in C: the Swift dispatcher has returned (and unwound its frames) before lua_error. */
static int swift_trampoline(lua_State *L) {
    void *box = loraf_to_object(L, lua_upvalueindex(1), box_metatable);
    if (box == NULL || swift_dispatcher == NULL) {
        lua_pushliteral(L, "loraf: Swift function called after it was released");
        return lua_error(L);
    }
    int results = swift_dispatcher(L, box);
    if (results == LORAF_RAISE_WITH_POSITION) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (results < 0) return lua_error(L);
    return results;
}

void loraf_push_swift_function(lua_State *L, void *box) {
    if (luaL_newmetatable(L, box_metatable)) {
        lua_pushcfunction(L, loraf_object_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    loraf_push_object(L, box, box_metatable);
    lua_pushcclosure(L, swift_trampoline, 1);
}

/* Message handler: turns the error value into text and appends the stack traceback. */
static int traceback_handler(lua_State *L) {
    const char *text = lua_tostring(L, 1);
    if (text == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            text = lua_tostring(L, -1);
        } else {
            text = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    luaL_traceback(L, L, text, 1);
    return 1;
}

int loraf_pcall_traceback(lua_State *L, int nargs, int nresults) {
    int handler = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, handler);
    int status = lua_pcall(L, nargs, nresults, handler);
    lua_remove(L, handler);
    return status;
}

void loraf_set_owner(lua_State *L, void *owner) { memcpy(lua_getextraspace(L), &owner, sizeof owner); }
void *loraf_get_owner(lua_State *L) {
    void *owner;
    memcpy(&owner, lua_getextraspace(L), sizeof owner);
    return owner;
}

const char *loraf_tostring(lua_State *L, int index, size_t *length) { return lua_tolstring(L, index, length); }
void loraf_pop(lua_State *L, int n) { lua_pop(L, n); }
void loraf_newtable(lua_State *L) { lua_newtable(L); }
int loraf_registryindex(void) { return LUA_REGISTRYINDEX; }
void loraf_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
int loraf_isinteger_number(lua_State *L, int index) { return lua_isinteger(L, index); }
lua_Integer loraf_tointeger(lua_State *L, int index, int *isnum) { return lua_tointegerx(L, index, isnum); }
lua_Number loraf_tonumber(lua_State *L, int index, int *isnum) { return lua_tonumberx(L, index, isnum); }
void loraf_insert(lua_State *L, int index) { lua_insert(L, index); }
int loraf_getmetatable_named(lua_State *L, const char *name) { return luaL_getmetatable(L, name); }
int loraf_gc_step(lua_State *L, int kilobytes) { return lua_gc(L, LUA_GCSTEP, kilobytes); }
