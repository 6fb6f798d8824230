/// Everything that can go wrong reading or writing a GGUF file.
///
/// `description` names the file, the metadata key or tensor concerned, the byte offset in the file
/// where the problem lies, and the numbers that disagree, e.g.
/// `model.gguf: tensor 'blk.0.attn_q.weight' at byte 1234: n_dims 5 is outside 1...4`.
public struct GGUFError: Error, CustomStringConvertible, Equatable {
    /// Path of the file being read or written.
    public let file: String
    /// The metadata key or tensor concerned, if any.
    public let subject: Subject?
    /// Byte offset in the file where the offending field starts, if the problem has one.
    public let offset: Int?
    /// What is wrong.
    public let problem: Problem

    public enum Subject: Equatable, Sendable {
        case key(String)
        case tensor(String)
    }

    public init(file: String, subject: Subject? = nil, offset: Int? = nil, problem: Problem) {
        self.file = file
        self.subject = subject
        self.offset = offset
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        // Opening and the fixed header.
        case cannotOpen(reason: String)
        case notARegularFile
        case fileTooSmall(size: Int)
        case badMagic(found: [UInt8])
        case unsupportedVersion(UInt32)
        case bigEndian
        // Reading fields.
        case truncated(field: String, needed: Int, available: Int)
        case countTooLarge(field: String, count: UInt64, available: Int, minimumEach: Int)
        case notUTF8(field: String)
        case unknownValueType(UInt32)
        case badBool(UInt8)
        case arrayTooDeep(limit: Int)
        // Metadata.
        case duplicateKey
        case badAlignment(found: String)
        // Tensor infos.
        case duplicateTensorName
        case badDimensionCount(UInt64)
        case badDimension(index: Int, value: UInt64)
        case unknownTensorType(UInt32)
        case notBlockMultiple(innermost: Int, type: GGMLType)
        case sizeOverflow(dimensions: [Int], type: GGMLType)
        case misalignedOffset(offset: UInt64, alignment: Int)
        case dataPastEndOfFile(begin: UInt64, byteCount: Int, dataSize: Int)
        case overlap(previous: String, previousEnd: Int, begin: Int)
        // Access.
        case noSuchTensor
        case missingKey
        case wrongValueType(expected: String, found: String)
        // Writing.
        case emptyName
        case nameTooLong(bytes: Int, limit: Int)
        case badShape([Int])
        case payloadSizeMismatch(expected: Int, given: Int)
        case ioFailure(operation: String, path: String, reason: String)
    }

    public var description: String {
        var text = file
        switch subject {
        case .key(let key)?: text += ": key '\(key)'"
        case .tensor(let name)?: text += ": tensor '\(name)'"
        case nil: break
        }
        if let offset { text += " at byte \(offset)" }
        return text + ": " + Self.text(problem)
    }

    // swiftlint:disable:next cyclomatic_complexity
    private static func text(_ problem: Problem) -> String {
        switch problem {
        case .cannotOpen(let reason): return "cannot open: \(reason)"
        case .notARegularFile: return "not a regular file"
        case .fileTooSmall(let size): return "file is \(size) bytes, shorter than the 8-byte GGUF magic and version"
        case .badMagic(let found):
            return "not a GGUF file: starts with bytes \(found.map { hex($0) }.joined(separator: " ")), not 'GGUF'"
        case .unsupportedVersion(1): return "GGUF version 1 (32-bit counts) is not supported; versions 2 and 3 are"
        case .unsupportedVersion(let version): return "GGUF version \(version) is not supported; versions 2 and 3 are"
        case .bigEndian: return "big-endian GGUF is not supported"
        case .truncated(let field, let needed, let available):
            return "\(field) needs \(needed) bytes but the file has \(available) left"
        case .countTooLarge(let field, let count, let available, let minimumEach):
            return "\(field) \(count) cannot fit in the \(available) bytes left (each takes at least \(minimumEach))"
        case .notUTF8(let field): return "\(field) is not valid UTF-8"
        case .unknownValueType(let type): return "unknown metadata value type \(type)"
        case .badBool(let byte): return "bool value is \(byte), not 0 or 1"
        case .arrayTooDeep(let limit): return "arrays nest deeper than \(limit) levels"
        case .duplicateKey: return "key appears twice in the metadata"
        case .badAlignment(let found): return "general.alignment must be a uint32 power of two, found \(found)"
        case .duplicateTensorName: return "name given to more than one tensor"
        case .badDimensionCount(let count): return "n_dims \(count) is outside 1...4"
        case .badDimension(let index, let value): return "ne[\(index)] is \(value), must be between 1 and \(Int.max)"
        case .unknownTensorType(let type): return "unknown ggml type \(type)"
        case .notBlockMultiple(let innermost, let type):
            return "ne[0] \(innermost) is not a multiple of the \(type.name) block size \(type.elementsPerBlock)"
        case .sizeOverflow(let dimensions, let type):
            return "ne \(dimensions) of \(type.name) overflows the byte count"
        case .misalignedOffset(let offset, let alignment):
            return "data offset \(offset) is not a multiple of the alignment \(alignment)"
        case .dataPastEndOfFile(let begin, let byteCount, let dataSize):
            return "data at offset \(begin) (\(byteCount) bytes) runs past the data section of \(dataSize) bytes"
        case .overlap(let previous, let previousEnd, let begin):
            return "data begins at offset \(begin), inside tensor '\(previous)' which ends at \(previousEnd)"
        case .noSuchTensor: return "no such tensor"
        case .missingKey: return "no such metadata key"
        case .wrongValueType(let expected, let found): return "value is \(found), expected \(expected)"
        case .emptyName: return "name is empty"
        case .nameTooLong(let bytes, let limit):
            return "name is \(bytes) bytes; llama.cpp reads at most \(limit)"
        case .badShape(let shape): return "shape \(shape) must have 1 to 4 dimensions, each at least 1"
        case .payloadSizeMismatch(let expected, let given):
            return "shape and type need \(expected) bytes but \(given) were given"
        case .ioFailure(let operation, let path, let reason): return "\(operation) '\(path)' failed: \(reason)"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// The GGUF form of an error the shared file helpers (`MappedFile`, `AtomicFileWriter`) throw.
    static func converting(_ error: Error, file: String) -> Error {
        guard let error = error as? SafeTensorsError else { return error }
        switch error.problem {
        case .cannotOpen(let reason): return GGUFError(file: file, problem: .cannotOpen(reason: reason))
        case .notARegularFile: return GGUFError(file: file, problem: .notARegularFile)
        case .fileTooSmall(let size): return GGUFError(file: file, problem: .fileTooSmall(size: size))
        case .ioFailure(let operation, let path, let reason):
            return GGUFError(file: file, problem: .ioFailure(operation: operation, path: path, reason: reason))
        default: return error
        }
    }
}
