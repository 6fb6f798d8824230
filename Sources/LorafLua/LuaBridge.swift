import Foundation
import CLua
import CLuaBridge

/// A Swift function exposed to Lua: what the C trampoline's upvalue holds.
final class SwiftFunctionBox {
    /// Name used in error messages, e.g. `loraf.lora` or `Tensor:shape`.
    let name: String
    let body: (LuaArguments) throws -> [LuaValue]

    init(name: String, body: @escaping (LuaArguments) throws -> [LuaValue]) {
        self.name = name
        self.body = body
    }
}

/// The Swift half of the C trampoline (CLuaBridge/bridge.c).
enum LuaBridge {
    private static let installation: Void = {
        loraf_set_dispatcher(dispatchSwiftCall)
        loraf_set_release(releaseSwiftObject)
    }()

    /// Registers the dispatch and release callbacks with the C bridge (once per process).
    static func installCallbacks() { _ = installation }

    /// Pushes a Lua function that runs `box`.
    static func pushFunction(_ box: SwiftFunctionBox, on L: OpaquePointer) {
        loraf_push_swift_function(L, Unmanaged<AnyObject>.passRetained(box).toOpaque())
    }
}

/// Releases a Swift object retained by a userdata (its `__gc` ran).
private func releaseSwiftObject(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<AnyObject>.fromOpaque(pointer).release()
}

/// Runs one call from Lua. Never raises a Lua error itself: an error is pushed as a message and
/// reported by the return value, and the C trampoline raises it after this frame has returned.
private func dispatchSwiftCall(_ thread: OpaquePointer?, _ pointer: UnsafeMutableRawPointer?) -> Int32 {
    guard let thread else { return LORAF_RAISE_AS_IS }
    guard let pointer, let box = Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? SwiftFunctionBox else {
        lua_pushstring(thread, "loraf: corrupt Swift function upvalue")
        return LORAF_RAISE_WITH_POSITION
    }
    guard let state = LuaState.owner(of: thread) else {
        lua_pushstring(thread, "\(box.name): called while its Lua state is closing")
        return LORAF_RAISE_WITH_POSITION
    }
    return state.using(thread: thread) { state.run(box) }
}

extension LuaState {
    /// Runs `box` with the arguments on the stack, pushes its results and returns their count,
    /// or pushes an error message and returns one of the LORAF_RAISE_* codes.
    fileprivate func run(_ box: SwiftFunctionBox) -> Int32 {
        do {
            let results = try box.body(LuaArguments(state: self, function: box.name, count: Int(lua_gettop(L))))
            try reserve(results.count)
            for result in results { try push(result) }
            return Int32(results.count)
        } catch let error as LuaError where error.kind != .argument {
            // It came from Lua code (a callback, a hook, a Lua strategy) and already names its position; its
            // traceback goes along, so the error shows where inside that code it happened.
            pushString(error.description)
            return LORAF_RAISE_AS_IS
        } catch let error as LuaError {
            pushString(error.message)
            return LORAF_RAISE_WITH_POSITION
        } catch {
            pushString("\(box.name): \(describe(error))")
            return LORAF_RAISE_WITH_POSITION
        }
    }
}

/// The most readable text of a Swift error.
func describe(_ error: Error) -> String {
    if let localized = error as? LocalizedError, let text = localized.errorDescription { return text }
    return String(describing: error)
}
