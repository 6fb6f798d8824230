import Foundation
import XCTest
import LorafTestSupport
import LorafTensor
@testable import LorafFormats

/// Thousands of corrupted copies of a real file: each must either load, with every
/// tensor readable inside the file, or throw a SafeTensorsError. Seeded, so a
/// failure reproduces.
final class CorruptionFuzzTests: XCTestCase {
    private static let iterations = 12_000

    private struct Original {
        let bytes: [UInt8]
        let header: [UInt8]
        let data: [UInt8]
    }

    private enum Corruption: CaseIterable {
        case truncate, flipHeaderBytes, flipDataBytes, editNumber, editDType, editLengthPrefix, insertOrDeleteHeaderByte
    }

    func testCorruptedFilesLoadInBoundsOrThrow() throws {
        let bytes = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls_logits.safetensors")))
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let original = Original(bytes: bytes, header: Array(bytes[8..<(8 + headerLength)]), data: Array(bytes[(8 + headerLength)...]))
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("fuzz.safetensors")
        let scratch = try RewritableFile(url)
        var generator = RandomGenerator(seed: 20_251_129)
        var tried: [Corruption: Int] = [:]
        var loaded: [Corruption: Int] = [:]
        var rejected: [Corruption: Int] = [:]

        for iteration in 0..<Self.iterations {
            let corruption = Corruption.allCases[iteration % Corruption.allCases.count]
            tried[corruption, default: 0] += 1
            let mutated = corrupt(original, corruption, &generator)
            try scratch.replaceContents(with: mutated)
            do {
                let file = try SafeTensorsFile(contentsOf: url)
                try checkInBounds(file, fileSize: mutated.count, iteration: iteration)
                loaded[corruption, default: 0] += 1
            } catch let error as SafeTensorsError {
                XCTAssertFalse(error.description.isEmpty)
                rejected[corruption, default: 0] += 1
            }
        }
        // Every kind of corruption was both caught and (where harmless) survived, so the
        // test exercised the validator rather than one early check.
        for corruption in Corruption.allCases where corruption != .flipDataBytes {
            XCTAssertGreaterThan(rejected[corruption, default: 0], 0, "\(corruption) never rejected")
        }
        // Data bytes are not validated (any bit pattern is a value); a shortened file
        // can never have its data area covered.
        XCTAssertEqual(loaded[.flipDataBytes], tried[.flipDataBytes])
        XCTAssertEqual(rejected[.truncate], tried[.truncate])
        XCTAssertGreaterThan(loaded[.editNumber, default: 0], 0)
    }

    /// What a successful load promises: ranges that tile the data area inside the
    /// file, and every tensor readable through the conversions its dtype allows.
    private func checkInBounds(_ file: SafeTensorsFile, fileSize: Int, iteration: Int) throws {
        var coveredEnd = 0
        for entry in file.entries {
            XCTAssertEqual(entry.dataOffsets.lowerBound, coveredEnd, "iteration \(iteration)")
            coveredEnd = entry.dataOffsets.upperBound
            XCTAssertEqual(entry.byteCount, entry.dtype.byteCount(shape: entry.shape), "iteration \(iteration)")
            let count = try file.withUnsafeBytes(of: entry.name) { $0.count }
            XCTAssertEqual(count, entry.byteCount)
            switch entry.dtype {
            case .f32, .f16, .bf16, .f64: XCTAssertEqual(try file.floats(entry.name).count, entry.elementCount)
            case .f8e4m3, .f8e5m2: break
            case .u64: _ = try? file.integers(entry.name)
            default: XCTAssertEqual(try file.integers(entry.name).count, entry.elementCount)
            }
        }
        XCTAssertEqual(file.dataAreaOffset + coveredEnd, fileSize, "iteration \(iteration)")
    }

    private func corrupt(_ original: Original, _ corruption: Corruption, _ generator: inout RandomGenerator) -> [UInt8] {
        switch corruption {
        case .truncate:
            return Array(original.bytes[0..<Int.random(in: 0..<original.bytes.count, using: &generator)])
        case .flipHeaderBytes:
            var bytes = original.bytes
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                bytes[Int.random(in: 8..<(8 + original.header.count), using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            return bytes
        case .flipDataBytes:
            var bytes = original.bytes
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: (8 + original.header.count)..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            return bytes
        case .editNumber:
            return reassemble(editNumber(in: original.header, &generator), original.data)
        case .editDType:
            return reassemble(editDType(in: original.header, &generator), original.data)
        case .editLengthPrefix:
            let choices: [UInt64] = [0, 1, 2, UInt64(original.header.count - 1), UInt64(original.header.count + 1),
                                     UInt64(original.bytes.count), UInt64.max, 100_000_001,
                                     UInt64.random(in: 0...UInt64(original.bytes.count), using: &generator)]
            let length = choices[Int.random(in: 0..<choices.count, using: &generator)]
            return withUnsafeBytes(of: length.littleEndian, Array.init) + original.bytes[8...]
        case .insertOrDeleteHeaderByte:
            var header = original.header
            let position = Int.random(in: 0..<header.count, using: &generator)
            if Bool.random(using: &generator) {
                header.remove(at: position)
            } else {
                let structural = Array(#"{}[]",:-.0123456789e "#.utf8)
                header.insert(structural[Int.random(in: 0..<structural.count, using: &generator)], at: position)
            }
            return reassemble(header, original.data)
        }
    }

    /// Length prefix + header + data, with the prefix matching the edited header.
    private func reassemble(_ header: [UInt8], _ data: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + data
    }

    /// Replaces one run of digits (a shape dimension or an offset) with a hostile value.
    private func editNumber(in header: [UInt8], _ generator: inout RandomGenerator) -> [UInt8] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, byte) in header.enumerated() {
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if isDigit, start == nil { start = index }
            if !isDigit, let begin = start { runs.append(begin..<index); start = nil }
        }
        guard !runs.isEmpty else { return header }
        let run = runs[Int.random(in: 0..<runs.count, using: &generator)]
        let value = Int(String(decoding: header[run], as: UTF8.self)) ?? 0
        let replacements = ["-1", "0", "1", "1.5", "1e3", "18446744073709551616", "9223372036854775807",
                            "4611686018427387904", String(value + 1), String(max(0, value - 1)), String(value * 2),
                            String(value + 4), String(Int.random(in: 0...2_000, using: &generator))]
        var edited = header
        edited.replaceSubrange(run, with: Array(replacements[Int.random(in: 0..<replacements.count, using: &generator)].utf8))
        return edited
    }

    /// Replaces one dtype name with another, valid or not.
    private func editDType(in header: [UInt8], _ generator: inout RandomGenerator) -> [UInt8] {
        let text = String(decoding: header, as: UTF8.self)
        let names = SafeTensorsDType.allCases.map(\.rawValue) + ["F128", "f32", "", "I64 "]
        let ranges = SafeTensorsDType.allCases.flatMap { dtype in
            text.ranges(of: "\"dtype\":\"\(dtype.rawValue)\"")
        }
        guard !ranges.isEmpty else { return header }
        let target = ranges[Int.random(in: 0..<ranges.count, using: &generator)]
        let replacement = "\"dtype\":\"\(names[Int.random(in: 0..<names.count, using: &generator)])\""
        return Array(text.replacingCharacters(in: target, with: replacement).utf8)
    }
}

/// One file rewritten in place (pwrite + ftruncate), shared by the fuzz tests: thousands of truncate-to-zero
/// rewrites (ext4 flushes those on close) or create/delete cycles take a minute here.
final class RewritableFile {
    private let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit { close(descriptor) }

    func replaceContents(with bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
