/// The key-value metadata of a GGUF file, in file order, with lookup by key and typed getters
/// whose errors name the file and the key.
///
/// ```swift
/// let blocks = try file.metadata.int("llama.block_count")              // 30
/// let tokens = try file.metadata.stringArray("tokenizer.ggml.tokens")   // 49152 strings
/// let base = file.metadata["llama.rope.freq_base"]?.float              // optional lookup
/// ```
public struct GGUFMetadata: Equatable, Sendable {
    /// Every key and its value, in file order; keys are unique.
    public let entries: [Entry]
    /// The file the metadata came from (named in errors).
    public let file: String
    private let index: [String: Int]

    public struct Entry: Equatable, Sendable {
        public let key: String
        public let value: GGUFValue

        public init(_ key: String, _ value: GGUFValue) {
            self.key = key
            self.value = value
        }
    }

    /// - Throws: `GGUFError.Problem.duplicateKey` naming the key.
    init(entries: [Entry], file: String) throws {
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() where index.updateValue(position, forKey: entry.key) != nil {
            throw GGUFError(file: file, subject: .key(entry.key), problem: .duplicateKey)
        }
        self.entries = entries
        self.file = file
        self.index = index
    }

    /// Equal when the entries are (the file names may differ).
    public static func == (left: GGUFMetadata, right: GGUFMetadata) -> Bool {
        left.entries == right.entries
    }

    /// The keys, in file order.
    public var keys: [String] { entries.map(\.key) }

    /// The value of `key`, or nil when the file has no such key.
    public subscript(key: String) -> GGUFValue? {
        index[key].map { entries[$0].value }
    }

    /// The value of `key` through `accessor` (one of `GGUFValue`'s typed views).
    /// - Throws: `missingKey`; `wrongValueType` naming `expected` and the type found.
    public func required<T>(_ key: String, _ accessor: (GGUFValue) -> T?, expected: String) throws -> T {
        guard let value = self[key] else { throw GGUFError(file: file, subject: .key(key), problem: .missingKey) }
        guard let typed = accessor(value) else {
            let found = value.array.map { "array of \($0.elementType)" } ?? "\(value.type)"
            throw GGUFError(file: file, subject: .key(key), problem: .wrongValueType(expected: expected, found: found))
        }
        return typed
    }

    /// An integer value (any integer type that fits `Int`). - Throws: see `required`.
    public func int(_ key: String) throws -> Int {
        try required(key, \.int, expected: "an integer")
    }

    /// A float32 or float64 value, as `Float`. - Throws: see `required`.
    public func float(_ key: String) throws -> Float {
        try required(key, \.float, expected: "a float")
    }

    /// A bool value. - Throws: see `required`.
    public func bool(_ key: String) throws -> Bool {
        try required(key, \.bool, expected: "a bool")
    }

    /// A string value. - Throws: see `required`.
    public func string(_ key: String) throws -> String {
        try required(key, \.string, expected: "a string")
    }

    /// An array of strings. - Throws: see `required`.
    public func stringArray(_ key: String) throws -> [String] {
        try required(key, \.stringArray, expected: "an array of strings")
    }

    /// An array of integers, each fitting `Int`. - Throws: see `required`.
    public func intArray(_ key: String) throws -> [Int] {
        try required(key, \.intArray, expected: "an array of integers")
    }

    /// An array of float32 or float64, as `Float`. - Throws: see `required`.
    public func floatArray(_ key: String) throws -> [Float] {
        try required(key, \.floatArray, expected: "an array of floats")
    }
}
