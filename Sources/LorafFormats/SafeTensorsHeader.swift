/// The validated content of a safetensors header: every entry's dtype, shape and
/// byte range checked, and the ranges proven to tile the data area exactly.
struct SafeTensorsHeader {
    /// Header lengths above this are refused, as the reference implementation does.
    static let maximumLength = 100_000_000
    static let metadataKey = "__metadata__"

    /// Entries in file order (ascending data offset).
    let entries: [SafeTensorsEntry]
    let metadata: [String: String]

    /// Parses and validates `json` (the header bytes) against a data area of
    /// `dataSize` bytes. Errors name `file`.
    init(json: UnsafeRawBufferPointer, dataSize: Int, file: String) throws {
        let root: HeaderJSON
        do {
            root = try HeaderJSONParser.parse(json)
        } catch let error as HeaderJSONError {
            throw Self.translate(error, file: file)
        }
        guard case .object(let members) = root else {
            throw SafeTensorsError(file: file, problem: .headerNotObject)
        }
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (key, value) in members {
            if key == Self.metadataKey {
                metadata = try Self.metadata(value, file: file)
            } else {
                entries.append(try EntryReader(file: file, name: key).entry(value, dataSize: dataSize))
            }
        }
        self.entries = try Self.checkCoverage(entries, dataSize: dataSize, file: file)
        self.metadata = metadata
    }

    private static func translate(_ error: HeaderJSONError, file: String) -> SafeTensorsError {
        switch error.kind {
        case .syntax(let reason):
            return SafeTensorsError(file: file, problem: .headerSyntax(offset: error.offset, reason: reason))
        case .invalidUTF8:
            return SafeTensorsError(file: file, problem: .headerNotUTF8(offset: error.offset))
        case .tooDeep(let limit):
            return SafeTensorsError(file: file, problem: .headerTooDeep(offset: error.offset, limit: limit))
        case .duplicateKey(let key):
            return SafeTensorsError(file: file, tensor: key, problem: .duplicateKey(offset: error.offset))
        }
    }

    private static func metadata(_ value: HeaderJSON, file: String) throws -> [String: String] {
        guard case .object(let members) = value else {
            throw SafeTensorsError(file: file, tensor: metadataKey, problem: .metadataNotObject)
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw SafeTensorsError(file: file, tensor: "\(metadataKey).\(key)", problem: .metadataValueNotString)
            }
            metadata[key] = text
        }
        return metadata
    }

    /// Sorts by begin offset and checks that consecutive ranges neither overlap nor
    /// leave a gap, and that together they end exactly at `dataSize`.
    private static func checkCoverage(_ entries: [SafeTensorsEntry], dataSize: Int, file: String) throws -> [SafeTensorsEntry] {
        let ordered = entries.enumerated().sorted {
            ($0.element.dataOffsets.lowerBound, $0.element.dataOffsets.upperBound, $0.offset)
                < ($1.element.dataOffsets.lowerBound, $1.element.dataOffsets.upperBound, $1.offset)
        }.map(\.element)
        var coveredEnd = 0
        var previous: SafeTensorsEntry?
        for entry in ordered {
            let begin = entry.dataOffsets.lowerBound
            if begin < coveredEnd, let previous {
                throw SafeTensorsError(file: file, tensor: entry.name,
                                       problem: .overlap(previous: previous.name, previousEnd: coveredEnd, begin: begin))
            }
            if begin > coveredEnd {
                throw SafeTensorsError(file: file, tensor: entry.name, problem: .hole(previousEnd: coveredEnd, begin: begin))
            }
            coveredEnd = entry.dataOffsets.upperBound
            previous = entry
        }
        if coveredEnd != dataSize {
            throw SafeTensorsError(file: file, problem: .uncoveredTail(coveredEnd: coveredEnd, dataSize: dataSize))
        }
        return ordered
    }
}

/// Reads one tensor entry object, reporting errors against its name.
private struct EntryReader {
    let file: String
    let name: String

    private func error(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
        SafeTensorsError(file: file, tensor: name, problem: problem)
    }

    func entry(_ value: HeaderJSON, dataSize: Int) throws -> SafeTensorsEntry {
        guard case .object(let members) = value else { throw error(.entryNotObject) }
        func field(_ key: String) throws -> HeaderJSON {
            guard let found = members.first(where: { $0.key == key }) else { throw error(.missingField(key)) }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw error(.fieldWrongType(field: "dtype", expected: "a string"))
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw error(.unknownDType(dtypeName)) }
        let shape = try integers(of: try field("shape"), field: "shape")
        let offsets = try integers(of: try field("data_offsets"), field: "data_offsets")
        guard offsets.count == 2 else { throw error(.wrongOffsetCount(count: offsets.count)) }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw error(.offsetsReversed(begin: begin, end: end)) }
        guard end <= dataSize else { throw error(.offsetsPastDataArea(end: end, dataSize: dataSize)) }
        guard let byteCount = dtype.byteCount(shape: shape) else { throw error(.shapeOverflow(shape: shape, dtype: dtype)) }
        guard byteCount == end - begin else {
            throw error(.byteCountMismatch(shape: shape, dtype: dtype, expected: byteCount, begin: begin, end: end))
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// An array of non-negative integers that fit in `Int`, written without
    /// fraction or exponent.
    private func integers(of value: HeaderJSON, field: String) throws -> [Int] {
        guard case .array(let elements) = value else {
            throw error(.fieldWrongType(field: field, expected: "an array of integers"))
        }
        return try elements.map { element in
            guard case .number(let text) = element else {
                throw error(.fieldWrongType(field: field, expected: "an array of integers"))
            }
            if text.hasPrefix("-") { throw error(.negativeNumber(field: field, text: text)) }
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw error(.nonIntegerNumber(field: field, text: text))
            }
            guard let number = Int(text) else { throw error(.numberTooLarge(field: field, text: text)) }
            return number
        }
    }
}
