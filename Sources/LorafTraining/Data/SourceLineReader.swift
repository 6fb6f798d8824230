import Foundation

/// One decoded line of a data file, without its line terminator (`\n` or `\r\n`).
struct SourceLine {
    let number: Int
    let text: String
}

/// Reads a whole file once and hands out its lines one at a time, decoding each in the declared
/// encoding only when it is asked for (so a `limit` stops before later bad bytes are seen).
struct SourceLineReader {
    let path: String
    private let bytes: [UInt8]
    private let encoding: TextEncoding
    private var offset = 0
    private var lineNumber = 0

    /// - Throws: ``DatasetError/unreadableFile(path:reason:)`` when the file cannot be read.
    init(path: String, encoding: TextEncoding) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file"
                                                                      : "no such file"
            throw DatasetError.unreadableFile(path: path, reason: reason)
        }
        self.path = path
        self.bytes = [UInt8](data)
        self.encoding = encoding
        skipUTF8ByteOrderMark()
    }

    /// The location of the line most recently returned by ``next()``.
    var location: SourceLocation { SourceLocation(file: path, line: lineNumber) }

    /// The next line, or `nil` at the end of the file.
    /// - Throws: ``DatasetError/malformed(_:reason:)`` when the line is not valid in the declared encoding.
    mutating func next() throws -> SourceLine? {
        guard offset < bytes.count else { return nil }
        lineNumber += 1
        let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n"))
        let end = newline ?? bytes.count
        var contentEnd = end
        if contentEnd > offset, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
        let start = offset
        offset = newline.map { $0 + 1 } ?? bytes.count
        let decoded = bytes.withUnsafeBytes { encoding.decode(UnsafeRawBufferPointer(rebasing: $0[start..<contentEnd])) }
        switch decoded {
        case let .success(text): return SourceLine(number: lineNumber, text: text)
        case let .failure(failure): throw DatasetError.malformed(location, reason: failure.reason)
        }
    }

    /// Drops a leading UTF-8 byte-order mark (as spreadsheet programs write) so it does not stick to the
    /// first header name or label. Only for UTF-8: in Latin-1 those bytes are ordinary letters.
    private mutating func skipUTF8ByteOrderMark() {
        if encoding == .utf8, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }
}
