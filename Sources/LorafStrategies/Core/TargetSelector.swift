import Foundation
import LorafModels

/// Chooses modules by path, as PEFT's target_modules / layers_to_transform / exclude_modules:
/// - a list entry matches a module whose path equals it or ends with "." + entry;
/// - a single string is a regular expression that must match the whole path;
/// - `layers` keeps only modules inside `<...>.layer.<i>.` (or `layers`, `h`, `block`, `blocks`) with i listed
///   (indices from 0; negative ones, counting from the end, are resolved before: `TargetShorthands.swift`);
/// - `target_modules = "all-linear"` is expanded before as well (`allLinearPaths(in:)`);
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
    /// - Parameters:
    ///   - unsupported: other modules of the model (path, kind) that the strategy cannot adapt; a target matching
    ///     one of them is reported by its kind, with `supported` saying what the strategy adapts.
    /// - Throws: `StrategyError.noMatch` when nothing is selected: for a layers_to_transform index the model
    ///   lacks (naming the valid range), a target that names only unsupported modules (naming their kind), or
    ///   else listing near matches and a few paths that exist.
    public func select(from candidates: [String], context: String,
                       unsupported: [(path: String, kind: String)] = [], supported: String = "") throws -> [String] {
        try checkLayers(against: candidates, context: context)
        let chosen = candidates.filter { path in
            guard targets.matches(path) else { return false }
            if let layers { guard let index = TargetSelector.layerIndex(of: path), layers.contains(index) else { return false } }
            if let exclude, exclude.matches(path) { return false }
            return true
        }
        guard chosen.isEmpty else { return chosen }
        if let other = unsupported.first(where: { targets.matches($0.path) }) {
            throw StrategyError.noMatch("\(context): target_modules \(targets) names '\(other.path)', a \(other.kind); \(supported)")
        }
        var message = "\(context): target_modules \(targets) matched no module"
        if case let .names(names) = targets {
            let near = names.flatMap { NearMatches.suggestions(for: $0, among: candidates) }
            if !near.isEmpty { message += " (near matches: \(near.joined(separator: ", ")))" }
        }
        let examples = candidates.filter { TargetSelector.layerIndex(of: $0) == 0 || TargetSelector.layerIndex(of: $0) == nil }.prefix(8)
        throw StrategyError.noMatch(message + "; modules that exist include: " + examples.joined(separator: ", "))
    }

    /// Throws for a layers_to_transform index that no candidate module has, naming the model's layer range.
    private func checkLayers(against candidates: [String], context: String) throws {
        guard let layers else { return }
        let present = Set(candidates.compactMap(TargetSelector.layerIndex(of:)))
        guard let missing = layers.first(where: { !present.contains($0) }) else { return }
        let count = present.max().map { $0 + 1 } ?? 0
        throw StrategyError.noMatch("\(context): layers_to_transform has layer \(missing), which does not exist (\(TargetSelector.layerRange(count)))")
    }
}
