import LorafTensor

/// Swift functions that exist only so tests can drive the bridge from Lua scripts, e.g. through the
/// `loraf` binary. Installed as the `loraf_test` module when `LORAF_TEST_HOOKS=1` (never by default,
/// and never in docs/lua-api.md).
public enum TestHooks {
    /// A Swift object that counts its instances, to observe retain/release from Lua.
    final class Tracked {
        static var created = 0
        static var released = 0
        init() { Tracked.created += 1 }
        deinit { Tracked.released += 1 }
    }

    /// Set when the `defer` of `loraf_test.fail_after_alloc` ran.
    static var deferRan = false

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    public static func register(in state: LuaState) throws {
        let module = state.module("loraf_test", doc: "Test-only hooks (LORAF_TEST_HOOKS=1).")
        module.defineClass(Tracked.self, name: "Tracked", doc: "A counted Swift object.")
        module.function("tracked", doc: "loraf_test.tracked() -> Tracked\nA new counted Swift object.") { _ in
            [.object(Tracked())]
        }
        module.function("counts", doc: "loraf_test.counts() -> created, released\nCounts of Tracked objects.") { _ in
            [.integer(Tracked.created), .integer(Tracked.released)]
        }
        module.function("fail", doc: "loraf_test.fail(message)\nThrows a Swift error with that message.") { args in
            throw Failure(description: try args.string(1))
        }
        module.function("fail_after_alloc", doc: """
            loraf_test.fail_after_alloc()
            Allocates a Tracked object, then throws; its defer sets the flag read by defer_ran().
            """) { _ in
            let object = Tracked()
            defer { deferRan = true; withExtendedLifetime(object) {} }
            throw Failure(description: "failed after allocating")
        }
        module.function("defer_ran", doc: "loraf_test.defer_ran() -> boolean\nWhether fail_after_alloc's defer ran.") { _ in
            [.boolean(deferRan)]
        }
        module.function("call", doc: """
            loraf_test.call(f, ...) -> ...
            Calls the Lua function f from Swift with the other arguments and returns its results.
            """) { args in
            let function = try args.function(1)
            return try function.call((2 ..< args.count + 1).map(args.value))
        }
        module.function("options", doc: """
            loraf_test.options{ r = integer, name = string }
            Validates a table of named arguments and returns r and name.
            """) { args in
            let options = try args.options(1, keys: ["r", "name"])
            return [.integer(try options.required("r", options.positiveInteger)),
                    try options.string("name").map(LuaValue.string) ?? .nil]
        }
        module.function("trainable", doc: """
            loraf_test.trainable(model) -> {path = Tensor}
            The model's trainable tensors (shared, not copied), e.g. to save each rank's weights in a distributed test.
            """) { args in
            let model = try args.object(1, as: ModelObject.self)
            return [.record(Dictionary(uniqueKeysWithValues: model.adapted.trainableParameters.map { ($0.path, LuaValue.object($0.tensor)) }))]
        }
        module.function("allocator_tuned", doc: """
            loraf_test.allocator_tuned() -> boolean
            Whether malloc has been tuned for training in this process (it is once a gradient is recorded).
            """) { _ in
            [.boolean(TensorStorage.isAllocatorTunedForTraining)]
        }
    }
}
