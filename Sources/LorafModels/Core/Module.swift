import LorafTensor

/// A node of the layer graph: named parameters and named child modules, in declaration order.
///
/// Paths join names with "." from the root, so they are the Hugging Face parameter names
/// (`encoder.layer.3.attention.self.query.weight`). Strategies find modules by path and may replace a child
/// with a wrapper (`replaceChild`) or insert new modules; nothing else in the graph needs to know.
///
/// Subclasses declare their parameters and children in `init` with `register(parameter:)` / `register(child:)`
/// and read them back in `forward` with `parameter(_:)` / `child(_:)`, so the graph (and not a second list kept by
/// hand) is what save, load, summaries and strategies see.
open class Module: CustomStringConvertible {
    /// A short name of the layer's kind ("Linear", "LayerNorm", "BertSelfAttention", ...).
    open var kind: String { String(describing: type(of: self)) }
    /// Training mode (dropout active) or evaluation mode. Set for a whole tree with `train()` / `eval()`.
    public private(set) var isTraining = true

    public private(set) var parameterNames: [String] = []
    private var parameterTable: [String: Tensor] = [:]
    public private(set) var childNames: [String] = []
    private var childTable: [String: Module] = [:]
    /// Functions run on this module's output, in order, each time a parent calls it through ``child(_:)``; each
    /// returns the output to pass on (its argument, or a replacement of the same shape). Managed by the Lua
    /// bindings' `model:on_forward`; empty for every module unless someone is watching.
    public var forwardHooks: [ForwardHook] = []

    public init() {}

    /// Declares (or replaces) a parameter tensor under `name`.
    public func register(parameter name: String, _ tensor: Tensor) {
        if parameterTable[name] == nil { parameterNames.append(name) }
        parameterTable[name] = tensor
    }

    /// Declares (or replaces, keeping its position) a child module under `name`.
    public func register(child name: String, _ module: Module) {
        if childTable[name] == nil { childNames.append(name) }
        childTable[name] = module
        module.setTraining(isTraining)
    }

    /// Removes a child module; returns it (nil when absent).
    @discardableResult
    public func removeChild(_ name: String) -> Module? {
        childNames.removeAll { $0 == name }
        return childTable.removeValue(forKey: name)
    }

    /// Removes a parameter; returns it (nil when absent).
    @discardableResult
    public func removeParameter(_ name: String) -> Tensor? {
        parameterNames.removeAll { $0 == name }
        return parameterTable.removeValue(forKey: name)
    }

    /// The parameter `name`. Throws `ModelError.missing` when it is not registered.
    public func parameter(_ name: String) throws -> Tensor {
        guard let t = parameterTable[name] else { throw ModelError.missing(path: name, in: kind) }
        return t
    }

    /// The parameter `name`, or nil.
    public func parameterIfPresent(_ name: String) -> Tensor? { parameterTable[name] }

    /// The child `name`, or nil.
    public func childIfPresent(_ name: String) -> Module? { childTable[name] }

    /// The child `name` as a `UnaryModule` (what layers call in `forward`). Throws when absent or of another kind.
    public func child(_ name: String) throws -> UnaryModule {
        guard let m = childTable[name] else { throw ModelError.missing(path: name, in: kind) }
        guard let unary = m as? UnaryModule else {
            throw ModelError.invalid("child '\(name)' of \(kind) is a \(m.kind), which has no forward(x)")
        }
        return unary.forwardHooks.isEmpty ? unary : HookedCall(unary)
    }

    /// The module at a dotted `path` below this one ("" is self), or nil.
    public func module(at path: String) -> Module? {
        if path.isEmpty { return self }
        var node: Module = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = node.childTable[String(part)] else { return nil }
            node = next
        }
        return node
    }

    /// Every module below (and including) this one with its path, depth first in declaration order.
    public func namedModules(prefix: String = "") -> [(path: String, module: Module)] {
        var out: [(String, Module)] = [(prefix, self)]
        for name in childNames {
            guard let child = childTable[name] else { continue }
            out += child.namedModules(prefix: prefix.isEmpty ? name : prefix + "." + name)
        }
        return out
    }

    /// Every parameter below this module with its full path (`encoder.layer.0.attention.self.query.weight`).
    public func namedParameters(prefix: String = "") -> [(path: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for name in parameterNames {
            if let t = parameterTable[name] { out.append((prefix.isEmpty ? name : prefix + "." + name, t)) }
        }
        for name in childNames {
            guard let child = childTable[name] else { continue }
            out += child.namedParameters(prefix: prefix.isEmpty ? name : prefix + "." + name)
        }
        return out
    }

    /// Replaces the module at `path` (which must exist) with the result of `transform` applied to it.
    public func replaceModule(at path: String, _ transform: (Module) throws -> Module) throws {
        guard let target = module(at: path), !path.isEmpty else { throw ModelError.missing(path: path, in: kind) }
        let parentPath = path.split(separator: ".").dropLast().joined(separator: ".")
        let name = String(path.split(separator: ".").last ?? "")
        guard let parent = module(at: parentPath) else { throw ModelError.missing(path: parentPath, in: kind) }
        parent.register(child: name, try transform(target))
    }

    /// Sets training mode on this module and every descendant.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for name in childNames { childTable[name]?.setTraining(training) }
    }

    /// Training mode (dropout on) for the whole tree.
    public func train() { setTraining(true) }
    /// Evaluation mode (dropout off) for the whole tree.
    public func eval() { setTraining(false) }

    /// A deep copy with fresh parameter tensors (used for `modules_to_save`). Layers that support it override;
    /// the default throws.
    open func copy() throws -> Module {
        throw ModelError.invalid("\(kind) cannot be copied (modules_to_save supports Linear and LayerNorm)")
    }

    /// One line describing this layer's own configuration (e.g. "in=384, out=384"); empty by default.
    open var summaryLine: String { "" }

    /// A tree with paths, kinds and parameter shapes, one module a line.
    public var description: String {
        namedModules().map { path, module in
            let depth = path.isEmpty ? 0 : path.split(separator: ".").count
            let params = module.parameterNames.compactMap { n in module.parameterTable[n].map { "\(n) \($0.shape)" } }
            let detail = ([module.summaryLine].filter { !$0.isEmpty } + params).joined(separator: ", ")
            return String(repeating: "  ", count: depth) + (path.isEmpty ? "(root)" : String(path.split(separator: ".").last!))
                + ": " + module.kind + (detail.isEmpty ? "" : " (" + detail + ")")
        }.joined(separator: "\n")
    }
}

/// A module with one tensor in and one tensor out: Linear, LayerNorm, Dropout, and the wrappers strategies put
/// around them. `context` carries training state, the dropout generator and per-row adapter choices.
open class UnaryModule: Module {
    /// Applies the layer to `x` ([..., features] for the built-in layers).
    open func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        throw ModelError.invalid("\(kind) does not implement forward")
    }
}

/// A function that sees (and may replace) a module's output: see ``Module/forwardHooks``.
public struct ForwardHook {
    /// Identifies the hook for removal.
    public let id: Int
    /// Gets the module's output [..., features] and returns the output to pass on.
    public let body: (Tensor) throws -> Tensor

    public init(id: Int, body: @escaping (Tensor) throws -> Tensor) {
        self.id = id
        self.body = body
    }
}

/// What ``Module/child(_:)`` hands out for a module with forward hooks: runs the module, then its hooks.
private final class HookedCall: UnaryModule {
    let target: UnaryModule

    init(_ target: UnaryModule) {
        self.target = target
        super.init()
    }

    override var kind: String { target.kind }

    override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        var y = try target.forward(x, context)
        for hook in target.forwardHooks { y = try hook.body(y) }
        return y
    }
}
