/// What Lua plugins added to the `loraf` module of one Lua state (``LuaState/extensions``): named schedules,
/// dataset readers, target presets, strategies, and callbacks run by every `loraf.train`.
public final class LuaExtensions {
    /// The registered functions. A value type, so a failed plugin's additions are undone by restoring a copy.
    public struct Table {
        public var schedules: [String: LuaFunction] = [:]
        public var datasetReaders: [String: LuaFunction] = [:]
        public var targetPresets: [String: LuaFunction] = [:]
        /// Training callbacks by event ("step", "eval", "epoch"), in registration order.
        public var callbacks: [String: [LuaFunction]] = [:]
        /// Names of strategies registered with loraf.register_strategy (kept in `StrategyRegistry.shared`).
        public var strategies: [String] = []

        /// One line per registration: "schedule cosine_restarts", "target preset queries", "callback step".
        public var registrations: [String] {
            schedules.keys.sorted().map { "schedule \($0)" } + datasetReaders.keys.sorted().map { "dataset reader \($0)" }
                + targetPresets.keys.sorted().map { "target preset \($0)" }
                + strategies.sorted().map { "strategy \($0)" }
                + callbacks.keys.sorted().flatMap { event in Array(repeating: "callback \(event)", count: callbacks[event]?.count ?? 0) }
        }
    }

    /// Training events a callback can be registered for.
    public static let callbackEvents = ["step", "eval", "epoch"]

    public var table = Table()

    public init() {}

    /// See ``Table/registrations``.
    public var registrations: [String] { table.registrations }
}
