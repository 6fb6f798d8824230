import Foundation
import LorafTensor
@testable import LorafFormats

/// GGUF files for the tests: a small valid one with every value type and several tensor types
/// (written by GGUFWriter), and raw byte builders for the files the writer refuses to make.
enum GGUFTestFiles {
    /// One metadata entry of every scalar type, arrays of every element type (one empty, one nested),
    /// and special float values (signed zero, infinity, subnormal, NaN).
    static let everyValueType: [GGUFMetadata.Entry] = [
        .init("general.architecture", .string("llama")),
        .init("u8", .uint8(200)), .init("i8", .int8(-100)), .init("u16", .uint16(60_000)), .init("i16", .int16(-30_000)),
        .init("u32", .uint32(4_000_000_000)), .init("i32", .int32(-2_000_000_000)),
        .init("u64", .uint64(UInt64.max)), .init("i64", .int64(Int64.min)),
        .init("f32", .float32(-0.0)), .init("f64", .float64(1.0 / 3)), .init("t", .bool(true)), .init("f", .bool(false)),
        .init("text", .string("ça va? 日本 🙂\n")), .init("empty", .string("")),
        .init("a.u8", .array(.uint8([0, 255]))), .init("a.i8", .array(.int8([-128, 127]))),
        .init("a.u16", .array(.uint16([1, 65535]))), .init("a.i16", .array(.int16([-32768, 7]))),
        .init("a.u32", .array(.uint32([3, 4_294_967_295]))), .init("a.i32", .array(.int32([-5, 6]))),
        .init("a.u64", .array(.uint64([0, 1 << 63]))), .init("a.i64", .array(.int64([-1, 1 << 62]))),
        .init("a.f32", .array(.float32([.infinity, .leastNonzeroMagnitude, .nan, -1.5]))),
        .init("a.f64", .array(.float64([-.infinity, .pi]))), .init("a.bool", .array(.bool([true, false, true]))),
        .init("a.str", .array(.string(["<|im_start|>", "", "Ġthe"]))), .init("a.empty", .array(.float32([]))),
        .init("a.nested", .array(.array([.int32([1, 2]), .string(["x"]), .array([.uint8([9])])]))),
    ]

    /// One tensor of each GGML type, shape outermost first, bytes drawn from `seed`.
    static func tensorOfEveryType(seed: UInt64) -> [GGUFWriter.Tensor] {
        var generator = RandomGenerator(seed: seed)
        return GGMLType.allCases.enumerated().map { position, type in
            let shape = [1 + position % 3, 2 * type.elementsPerBlock]
            let count = shape[0] * 2 * type.bytesPerBlock
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return GGUFWriter.Tensor(name: "t.\(type.name.lowercased())", shape: shape, type: type, bytes: bytes)
        }
    }

    /// The raw bytes of a GGUF file from its parts, with nothing checked: `magic`, `version`,
    /// the counts (the parts' own counts unless given), metadata as encoded values, tensor infos,
    /// padding to `alignment`, then `dataSize` zero bytes.
    struct Raw {
        struct Info {
            var name: String
            var dimensions: [UInt64]
            var type: UInt32 = GGMLType.f32.rawValue
            var offset: UInt64 = 0
        }

        var magic: [UInt8] = Array("GGUF".utf8)
        var version: UInt32 = 3
        var tensorCount: UInt64?
        var keyCount: UInt64?
        var metadata: [GGUFMetadata.Entry] = []
        var infos: [Info] = []
        var alignment = 32
        var dataSize = 0

        func bytes() -> [UInt8] {
            var writer = GGUFByteWriter()
            writer.integer(UInt32(littleEndian: magic.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
            writer.integer(version)
            writer.integer(tensorCount ?? UInt64(infos.count))
            writer.integer(keyCount ?? UInt64(metadata.count))
            for entry in metadata {
                writer.string(entry.key)
                writer.integer(entry.value.type.rawValue)
                writer.value(entry.value)
            }
            for info in infos {
                writer.string(info.name)
                writer.integer(UInt32(info.dimensions.count))
                info.dimensions.forEach { writer.integer($0) }
                writer.integer(info.type)
                writer.integer(info.offset)
            }
            writer.pad(to: alignment)
            return writer.bytes + [UInt8](repeating: 0, count: dataSize)
        }
    }
}
