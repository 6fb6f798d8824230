import Foundation
import XCTest
import LorafTestSupport
import LorafTensor
@testable import LorafFormats

/// Thousands of corrupted copies of a small valid GGUF file written by GGUFWriter: each must either
/// load, with every tensor inside the file and no two overlapping, or throw a GGUFError. Seeded,
/// so a failure reproduces.
final class GGUFCorruptionFuzzTests: XCTestCase {
    private static let iterations = 12_000

    private enum Corruption: CaseIterable {
        case truncate, flipHeaderBytes, flipDataBytes, editField, editCount, insertOrDeleteHeaderByte
    }

    private func original() throws -> (bytes: [UInt8], dataOffset: Int) {
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("small.gguf")
        let metadata = GGUFTestFiles.everyValueType.filter { ["general.architecture", "u32", "f32", "t", "text", "a.i32", "a.str", "a.nested"].contains($0.key) }
        let tensors = GGUFTestFiles.tensorOfEveryType(seed: 11).filter { [.f32, .f16, .bf16, .q4_0, .q4_1, .q8_0, .q4_K, .q6_K].contains($0.type) }
        try GGUFWriter.write(metadata: metadata + [.init("general.alignment", .uint32(16))], tensors: tensors, to: url)
        return (try [UInt8](Data(contentsOf: url)), try GGUFFile(contentsOf: url).dataOffset)
    }

    func testCorruptedFilesLoadInBoundsOrThrow() throws {
        let (bytes, dataOffset) = try original()
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("fuzz.gguf")
        let scratch = try RewritableFile(url)
        var generator = RandomGenerator(seed: 20_261_203)
        var tried: [Corruption: Int] = [:], loaded: [Corruption: Int] = [:], rejected: [Corruption: Int] = [:]
        var messages = Set<String>()

        for iteration in 0..<Self.iterations {
            let corruption = Corruption.allCases[iteration % Corruption.allCases.count]
            tried[corruption, default: 0] += 1
            let mutated = corrupt(bytes, dataOffset: dataOffset, corruption, &generator)
            try scratch.replaceContents(with: mutated)
            do {
                let file = try GGUFFile(contentsOf: url)
                try checkInBounds(file, fileSize: mutated.count, iteration: iteration)
                loaded[corruption, default: 0] += 1
            } catch let error as GGUFError {
                XCTAssertTrue(error.description.hasPrefix(url.path), "\(error)")
                messages.insert("\(error.problem)".prefix { $0 != "(" }.description)
                rejected[corruption, default: 0] += 1
            }
        }
        for corruption in Corruption.allCases where corruption != .flipDataBytes {
            XCTAssertGreaterThan(rejected[corruption, default: 0], 0, "\(corruption) never rejected")
        }
        // Tensor data is not validated (any bit pattern is a value).
        XCTAssertEqual(loaded[.flipDataBytes], tried[.flipDataBytes])
        XCTAssertGreaterThan(loaded[.editField, default: 0], 0)
        // The corruptions reached many different checks, not one early one.
        XCTAssertGreaterThanOrEqual(messages.count, 10, "\(messages.sorted())")
    }

    /// What a successful load promises: every tensor's bytes inside the file, no two overlapping,
    /// sizes that match the type's block geometry, and the metadata readable.
    private func checkInBounds(_ file: GGUFFile, fileSize: Int, iteration: Int) throws {
        var ranges: [Range<Int>] = []
        for tensor in file.tensors {
            let start = file.dataOffset + tensor.offset
            XCTAssertLessThanOrEqual(start + tensor.byteCount, fileSize, "iteration \(iteration)")
            XCTAssertEqual(tensor.type.byteCount(dimensions: tensor.dimensions), tensor.byteCount, "iteration \(iteration)")
            XCTAssertEqual(try file.tensorBytes(tensor.name).count, tensor.byteCount)
            if case .element(let dtype) = try file.tensorInfo(tensor.name).dtype, [.f32, .f16, .bf16].contains(dtype) {
                XCTAssertEqual(try file.floats(tensor.name).count, tensor.elementCount)
            }
            ranges.append(start..<(start + tensor.byteCount))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        for (previous, next) in zip(ranges, ranges.dropFirst()) {
            XCTAssertLessThanOrEqual(previous.upperBound, next.lowerBound, "iteration \(iteration)")
        }
        XCTAssertEqual(Set(file.metadata.keys).count, file.metadata.entries.count)
    }

    private func corrupt(_ bytes: [UInt8], dataOffset: Int, _ corruption: Corruption, _ generator: inout RandomGenerator) -> [UInt8] {
        var copy = bytes
        switch corruption {
        case .truncate:
            return Array(bytes[0..<Int.random(in: 0..<bytes.count, using: &generator)])
        case .flipHeaderBytes, .flipDataBytes:
            let range = corruption == .flipHeaderBytes ? 0..<dataOffset : dataOffset..<bytes.count
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                copy[Int.random(in: range, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
        case .editField:
            let width = [1, 4, 8][Int.random(in: 0..<3, using: &generator)]
            let position = Int.random(in: 0...(dataOffset - width), using: &generator)
            let old = copy[position..<(position + width)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let choices: [UInt64] = [0, 1, 2, 4, 5, 13, 31, 32, 1 << 32 - 1, 1 << 60, .max, old &+ 1, old &- 1, old &* 2,
                                     UInt64.random(in: 0...UInt64(bytes.count), using: &generator)]
            let value = choices[Int.random(in: 0..<choices.count, using: &generator)]
            for index in 0..<width { copy[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        case .editCount:
            let position = [8, 16][Int.random(in: 0..<2, using: &generator)]
            let value = [0, 1, 7, 8, 9, 100, 1 << 40, UInt64.max][Int.random(in: 0..<8, using: &generator)] as UInt64
            for index in 0..<8 { copy[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        case .insertOrDeleteHeaderByte:
            let position = Int.random(in: 8..<dataOffset, using: &generator)
            if Bool.random(using: &generator) {
                copy.remove(at: position)
            } else {
                copy.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            }
        }
        return copy
    }
}
