/// Everything that can go wrong reading or writing a safetensors file.
///
/// `description` always names the file, the tensor when one is concerned, and the
/// numbers that disagree, e.g.
/// `model.safetensors: tensor 'w': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20`.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// Path of the file being read or written.
    public let file: String
    /// The tensor (or metadata key) concerned, if any.
    public let tensor: String?
    /// What is wrong.
    public let problem: Problem

    public init(file: String, tensor: String? = nil, problem: Problem) {
        self.file = file
        self.tensor = tensor
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        // Opening and mapping.
        case cannotOpen(reason: String)
        case notARegularFile
        case fileTooSmall(size: Int)
        // The 8-byte length prefix.
        case headerTooLarge(length: UInt64, limit: Int)
        case headerPastEndOfFile(length: UInt64, fileSize: Int)
        // The JSON header.
        case headerNotUTF8(offset: Int)
        case headerSyntax(offset: Int, reason: String)
        case headerTooDeep(offset: Int, limit: Int)
        case duplicateKey(offset: Int)
        case headerNotObject
        case metadataNotObject
        case metadataValueNotString
        // One tensor entry.
        case entryNotObject
        case missingField(String)
        case fieldWrongType(field: String, expected: String)
        case unknownDType(String)
        case negativeNumber(field: String, text: String)
        case nonIntegerNumber(field: String, text: String)
        case numberTooLarge(field: String, text: String)
        case wrongOffsetCount(count: Int)
        case shapeOverflow(shape: [Int], dtype: SafeTensorsDType)
        case offsetsReversed(begin: Int, end: Int)
        case offsetsPastDataArea(end: Int, dataSize: Int)
        case byteCountMismatch(shape: [Int], dtype: SafeTensorsDType, expected: Int, begin: Int, end: Int)
        // Coverage of the data area.
        case overlap(previous: String, previousEnd: Int, begin: Int)
        case hole(previousEnd: Int, begin: Int)
        case uncoveredTail(coveredEnd: Int, dataSize: Int)
        // Access.
        case noSuchTensor
        case notConvertible(dtype: SafeTensorsDType, to: String)
        case valueOutOfRange(index: Int)
        // Writing.
        case duplicateTensorName
        case reservedTensorName
        case negativeDimension(shape: [Int])
        case payloadSizeMismatch(expected: Int, given: Int)
        case ioFailure(operation: String, path: String, reason: String)
    }

    public var description: String {
        let subject = tensor.map { "\(file): tensor '\($0)': " } ?? "\(file): "
        return subject + Self.text(problem)
    }

    private static func text(_ problem: Problem) -> String {
        switch problem {
        case .cannotOpen(let reason): return "cannot open: \(reason)"
        case .notARegularFile: return "not a regular file"
        case .fileTooSmall(let size):
            return "file is \(size) bytes, shorter than the 8-byte header length prefix"
        case .headerTooLarge(let length, let limit):
            return "header length \(length) exceeds the limit of \(limit) bytes"
        case .headerPastEndOfFile(let length, let fileSize):
            return "header length \(length) runs past the end of the file (\(fileSize) bytes, header must fit in \(max(0, fileSize - 8)))"
        case .headerNotUTF8(let offset): return "header is not valid UTF-8 (string starting at header byte \(offset))"
        case .headerSyntax(let offset, let reason): return "header is not valid JSON at byte \(offset): \(reason)"
        case .headerTooDeep(let offset, let limit):
            return "header JSON nests deeper than \(limit) levels at byte \(offset)"
        case .duplicateKey(let offset): return "key appears twice in the header (second at byte \(offset))"
        case .headerNotObject: return "header is not a JSON object"
        case .metadataNotObject: return "__metadata__ is not an object"
        case .metadataValueNotString: return "__metadata__ value is not a string"
        case .entryNotObject: return "entry is not an object"
        case .missingField(let field): return "entry lacks '\(field)'"
        case .fieldWrongType(let field, let expected): return "'\(field)' is not \(expected)"
        case .unknownDType(let name):
            return "unknown dtype '\(name)' (known: \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .negativeNumber(let field, let text): return "'\(field)' holds negative number \(text)"
        case .nonIntegerNumber(let field, let text): return "'\(field)' holds non-integer number \(text)"
        case .numberTooLarge(let field, let text): return "'\(field)' holds number \(text), too large"
        case .wrongOffsetCount(let count): return "'data_offsets' has \(count) numbers, expected 2"
        case .shapeOverflow(let shape, let dtype):
            return "shape \(shape) of \(dtype.rawValue) overflows the byte count"
        case .offsetsReversed(let begin, let end): return "data_offsets [\(begin), \(end)] begin after end"
        case .offsetsPastDataArea(let end, let dataSize):
            return "data_offsets end \(end) lies past the data area of \(dataSize) bytes"
        case .byteCountMismatch(let shape, let dtype, let expected, let begin, let end):
            return "shape \(shape) of \(dtype.rawValue) needs \(expected) bytes but data_offsets [\(begin), \(end)] span \(end - begin)"
        case .overlap(let previous, let previousEnd, let begin):
            return "data begins at \(begin), inside tensor '\(previous)' which ends at \(previousEnd)"
        case .hole(let previousEnd, let begin):
            return "data begins at \(begin), leaving bytes \(previousEnd)..<\(begin) of the data area unused"
        case .uncoveredTail(let coveredEnd, let dataSize):
            return "bytes \(coveredEnd)..<\(dataSize) at the end of the data area belong to no tensor"
        case .noSuchTensor: return "no such tensor"
        case .notConvertible(let dtype, let target): return "dtype \(dtype.rawValue) cannot be read as \(target)"
        case .valueOutOfRange(let index): return "element \(index) does not fit in Int"
        case .duplicateTensorName: return "name given to more than one tensor"
        case .reservedTensorName: return "name is reserved for the metadata"
        case .negativeDimension(let shape): return "shape \(shape) has a negative dimension"
        case .payloadSizeMismatch(let expected, let given):
            return "shape and dtype need \(expected) bytes but \(given) were given"
        case .ioFailure(let operation, let path, let reason): return "\(operation) '\(path)' failed: \(reason)"
        }
    }
}
