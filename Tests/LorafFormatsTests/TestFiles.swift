import Foundation
import XCTest

/// Raw safetensors bytes and file writing shared by the LorafFormats tests.
enum TestFiles {
    /// The bytes of a safetensors file: length prefix, `header` as given (no padding), `data`.
    static func rawFile(header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return rawFile(headerLength: UInt64(json.count), headerBytes: json, data: data)
    }

    static func rawFile(headerLength: UInt64, headerBytes: [UInt8], data: [UInt8] = []) -> [UInt8] {
        withUnsafeBytes(of: headerLength.littleEndian, Array.init) + headerBytes + data
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }
}
