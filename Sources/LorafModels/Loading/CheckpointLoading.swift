import LorafFormats
import LorafKernels
import LorafTensor

/// Fills a freshly built model from a weight source: every checkpoint tensor goes to the parameter at its mapped
/// path (shape checked, rows reordered when asked), and a block-quantized tensor turns its Linear or Embedding into
/// a ``QuantizedLinear`` / ``QuantizedEmbedding`` that keeps the blocks (no Float32 copy). Afterwards every
/// parameter must have been filled, except under `optional` module paths. The file pages of every tensor that was
/// copied are released (``WeightSource/releasePages(ofTensor:)``), so no weight is resident twice.
struct CheckpointLoading {
    /// Where a checkpoint tensor goes.
    enum Destination {
        /// The first of these parameter paths that exists in the model.
        case candidates([String])
        /// A buffer the model does not need.
        case ignored
        /// A name the family does not know: reported as unexpected.
        case unexpected
    }

    let model: TransformerModel
    let source: any WeightSource
    let optional: [String]

    /// - Parameters:
    ///   - path: the destination of a checkpoint name.
    ///   - rowOrder: for a parameter path, the checkpoint row to read for each row of the parameter (nil: as stored).
    func run(path: (String) -> Destination, rowOrder: (String) -> [Int]?) throws {
        let parameters = Dictionary(model.namedParameters().map { ($0.path, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        var filled = Set<ObjectIdentifier>()
        var quantizedTables: [ObjectIdentifier: QuantizedWeight] = [:]
        var unexpected: [String] = []
        for name in source.tensorNames {
            let candidates: [String]
            switch path(name) {
            case .ignored: continue
            case .unexpected: unexpected.append(name); continue
            case let .candidates(list): candidates = list
            }
            guard let target = candidates.first(where: { parameters[$0] != nil }), let parameter = parameters[target] else {
                unexpected.append(name)
                continue
            }
            let info = try source.tensorInfo(name)
            guard info.shape == parameter.shape else {
                throw ModelError.shapeMismatch(tensor: name, expected: parameter.shape, found: info.shape)
            }
            let order = rowOrder(target)
            // Blocks read in place stay in the mapping; copied values (reordered blocks, floats) release its pages.
            if case let .blocks(type) = info.dtype {
                let weight = try quantizedWeight(name, type: type, shape: info.shape, rowOrder: order)
                if try !installQuantized(weight, at: target) { try parameter.assign(weight.dequantized()) }
                quantizedTables[ObjectIdentifier(parameter)] = weight
                if order != nil { source.releasePages(ofTensor: name) }
            } else {
                try readFloats(name, into: parameter, rowOrder: order)
                source.releasePages(ofTensor: name)
            }
            filled.insert(ObjectIdentifier(parameter))
        }
        guard unexpected.isEmpty else { throw ModelError.unexpectedTensors(unexpected, source: source.url.lastPathComponent) }
        try replaceTiedLinears(quantizedTables)
        let missing = model.namedParameters().filter { path, tensor in
            !filled.contains(ObjectIdentifier(tensor)) && !optional.contains { path.hasPrefix($0 + ".") }
        }.map(\.path).sorted()
        guard missing.isEmpty else { throw ModelError.missingTensors(missing, source: source.url.lastPathComponent) }
    }

    private func quantizedWeight(_ name: String, type: GGMLType, shape: [Int], rowOrder: [Int]?) throws -> QuantizedWeight {
        guard shape.count == 2, let format = QuantFormat(rawValue: Int(type.rawValue)) else {
            throw ModelError.invalid("\(source.url.lastPathComponent): tensor '\(name)' is \(type.name) with shape \(shape); only 2-D tensors of \(QuantFormat.allCases.map(\.description).joined(separator: ", ")) are supported")
        }
        // Rows in file order are read in place from the mapping (which the weight keeps alive); reordered rows are copied.
        guard let rowOrder else {
            return try QuantizedWeight(format: format, rows: shape[0], columns: shape[1], borrowing: source.tensorBytes(name), owner: source.bytesOwner)
        }
        return try QuantizedWeight(format: format, rows: shape[0], columns: shape[1], copying: source.tensorBytes(name), rowOrder: rowOrder)
    }

    /// Puts `weight` in place of the Linear or Embedding whose `weight` is parameter `path`; false when that
    /// module is of another kind (the caller then stores the dequantized values).
    private func installQuantized(_ weight: QuantizedWeight, at path: String) throws -> Bool {
        let modulePath = String(path.dropLast(".weight".count))
        guard path.hasSuffix(".weight"), let module = model.module(at: modulePath) else { return false }
        switch module {
        case let linear as Linear:
            try model.replaceModule(at: modulePath) { _ in QuantizedLinear(weight: weight, bias: linear.bias) }
        case is Embedding:
            try model.replaceModule(at: modulePath) { _ in QuantizedEmbedding(weight: weight) }
        default:
            return false
        }
        return true
    }

    /// A Linear that shares its weight tensor with a table now held in blocks (a tied lm_head) reads the same blocks.
    private func replaceTiedLinears(_ tables: [ObjectIdentifier: QuantizedWeight]) throws {
        for (path, module) in model.namedModules() {
            guard let linear = module as? Linear, let weight = tables[ObjectIdentifier(linear.weight)] else { continue }
            try model.replaceModule(at: path) { _ in QuantizedLinear(weight: weight, bias: linear.bias) }
        }
    }

    /// Decodes tensor `name` straight into `parameter` (no intermediate arrays: a 113 MiB embedding table would
    /// otherwise be resident three times while it loads), then, with `rowOrder`, puts row `rowOrder[r]` at row r.
    private func readFloats(_ name: String, into parameter: Tensor, rowOrder: [Int]?) throws {
        guard parameter.isContiguous else { throw ModelError.invalid("the parameter for '\(name)' is a non-contiguous view") }
        try source.readFloats(name, into: UnsafeMutableBufferPointer(start: parameter.data, count: parameter.count))
        guard let rowOrder, let rows = parameter.shape.first, rows == rowOrder.count, rows > 0 else { return }
        let width = parameter.count / rows
        let stored = Array(UnsafeBufferPointer(start: parameter.data, count: parameter.count))
        for (r, source) in rowOrder.enumerated() {
            stored.withUnsafeBufferPointer { (parameter.data + r * width).update(from: $0.baseAddress! + source * width, count: width) }
        }
    }
}
