import Foundation
import LorafModels

/// Chooses modules by path, as PEFT's target_modules / layers_to_transform / exclude_modules:
/// - a list entry matches a module whose path equals it or ends with "." + entry;
/// - a single string is a regular expression that must match the whole path;
/// - `layers` keeps only modules inside `<...>.layer.<i>.` (or `layers`, `h`, `block`, `blocks`) with i listed;
/// - `exclude` removes matches (same rules as targets).
public struct TargetSelector {
    public enum Pattern: Equatable, CustomStringConvertible {
        case names([String])
        case regex(String)

        /// As the user wrote it: `{"query", "value"}` or `"regex"`.
        public var description: String {
            switch self {
            case let .names(names): return "{" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "}"
            case let .regex(pattern): return "\"\(pattern)\" (regular expression)"
            }
        }

        /// Reads an option that is either a list of names or one regular expression.
        public static func from(_ value: OptionValue?, key: String, context: String) throws -> Pattern? {
            switch value {
            case nil: return nil
            case let .string(s)?:
                guard (try? NSRegularExpression(pattern: s)) != nil else {
                    throw StrategyError.invalidOption("\(context): '\(key)' is not a valid regular expression: \(s)")
                }
                return .regex(s)
            case let .list(items)?:
                return .names(try items.map { item in
                    guard case let .string(s) = item else {
                        throw StrategyError.invalidOption("\(context): '\(key)' must be a list of module names or one regular expression, got \(item)")
                    }
                    return s
                })
            case let other?:
                throw StrategyError.invalidOption("\(context): '\(key)' must be a list of module names or one regular expression, got \(other)")
            }
        }

        /// Whether `path` matches.
        public func matches(_ path: String) -> Bool {
            switch self {
            case let .names(names):
                return names.contains { path == $0 || path.hasSuffix("." + $0) }
            case let .regex(pattern):
                guard let re = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
                return re.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
            }
        }
    }

    public var targets: Pattern
    public var layers: [Int]?
    public var exclude: Pattern?

    public init(targets: Pattern, layers: [Int]? = nil, exclude: Pattern? = nil) {
        self.targets = targets
        self.layers = layers
        self.exclude = exclude
    }

    /// The layer index in a path such as `bert.encoder.layer.3.attention.self.query`, if any.
    public static func layerIndex(of path: String) -> Int? {
        let parts = path.split(separator: ".")
        for (i, part) in parts.enumerated() where ["layer", "layers", "h", "block", "blocks"].contains(part) && i + 1 < parts.count {
            if let index = Int(parts[i + 1]) { return index }
        }
        return nil
    }

    /// Paths of `candidates` that are selected, in order.
    /// - Throws: `StrategyError.noMatch` when nothing is selected, listing a few paths that exist.
    public func select(from candidates: [String], context: String) throws -> [String] {
        let chosen = candidates.filter { path in
            guard targets.matches(path) else { return false }
            if let layers { guard let index = TargetSelector.layerIndex(of: path), layers.contains(index) else { return false } }
            if let exclude, exclude.matches(path) { return false }
            return true
        }
        guard !chosen.isEmpty else {
            let examples = candidates.filter { TargetSelector.layerIndex(of: $0) == 0 || TargetSelector.layerIndex(of: $0) == nil }.prefix(8)
            throw StrategyError.noMatch("\(context): target_modules \(targets) matched no module; modules that exist include: "
                                        + examples.joined(separator: ", "))
        }
        return chosen
    }
}
