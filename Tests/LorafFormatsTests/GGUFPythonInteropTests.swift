import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// GGUFFile and GGUFWriter against the Python `gguf` package (pip install gguf), llama.cpp's own
/// reader and writer: each side reads what the other wrote.
final class GGUFPythonInteropTests: XCTestCase {
    private func requirePythonGGUF() throws {
        guard let probe = try? python(["-c", "import gguf, numpy"]), probe.status == 0 else {
            throw XCTSkip("python3 with the gguf and numpy packages is not available (pip install gguf numpy)")
        }
    }

    /// Prints one line per metadata key (`key<TAB>type[:element type]<TAB>values`, floats as their
    /// bit patterns, strings as UTF-8 hex) and one per tensor (`name<TAB>type<TAB>ne<TAB>absolute
    /// offset<TAB>bytes as hex`), as the Python reader sees the file.
    private static let dumpScript = """
    import sys, struct
    from gguf import GGUFReader, GGUFValueType as T
    def scalar(t, v):
        if t == T.FLOAT32: return format(struct.unpack('<I', struct.pack('<f', v))[0], 'x')
        if t == T.FLOAT64: return format(struct.unpack('<Q', struct.pack('<d', v))[0], 'x')
        if t == T.BOOL: return 'true' if v else 'false'
        if t == T.STRING: return v.encode('utf-8').hex()
        return str(int(v))
    r = GGUFReader(sys.argv[1])
    for key, f in r.fields.items():
        if key.startswith('GGUF.'): continue
        if f.types[0] == T.ARRAY:
            element = T(int(f.parts[3][0]))  # the element type, also for an empty array
            print(key, '%d:%d' % (T.ARRAY, element), ','.join(scalar(element, v) for v in f.contents()), sep='\\t')
        else:
            print(key, int(f.types[0]), scalar(f.types[0], f.contents()), sep='\\t')
    for t in r.tensors:
        data = t.data.tobytes().hex() if len(sys.argv) < 3 else ''
        print(t.name, int(t.tensor_type), ','.join(str(int(n)) for n in t.shape), t.data_offset, t.n_bytes, data, sep='\\t')
    """

    /// The same dump made from our reader.
    private func dump(_ file: GGUFFile, withData: Bool = true) throws -> [String] {
        let metadata = file.metadata.entries.map { entry -> String in
            guard let array = entry.value.array else { return "\(entry.key)\t\(entry.value.type.rawValue)\t\(render(entry.value))" }
            return "\(entry.key)\t9:\(array.elementType.rawValue)\t" + elements(array).map(render).joined(separator: ",")
        }
        let tensors = try file.tensors.map { tensor in
            let data = withData ? hex(try file.tensorBytes(tensor.name)) : ""
            return [tensor.name, "\(tensor.type.rawValue)", tensor.dimensions.map(String.init).joined(separator: ","),
                    "\(file.dataOffset + tensor.offset)", "\(tensor.byteCount)", data].joined(separator: "\t")
        }
        return metadata + tensors
    }

    private func render(_ value: GGUFValue) -> String {
        switch value {
        case .float32(let v): return String(v.bitPattern, radix: 16)
        case .float64(let v): return String(v.bitPattern, radix: 16)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return hex(v.utf8)
        case .uint64(let v): return "\(v)"
        default: return "\(value.int ?? 0)"
        }
    }

    private func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    private func elements(_ array: GGUFArray) -> [GGUFValue] {
        switch array {
        case .uint8(let v): return v.map(GGUFValue.uint8)
        case .int8(let v): return v.map(GGUFValue.int8)
        case .uint16(let v): return v.map(GGUFValue.uint16)
        case .int16(let v): return v.map(GGUFValue.int16)
        case .uint32(let v): return v.map(GGUFValue.uint32)
        case .int32(let v): return v.map(GGUFValue.int32)
        case .uint64(let v): return v.map(GGUFValue.uint64)
        case .int64(let v): return v.map(GGUFValue.int64)
        case .float32(let v): return v.map(GGUFValue.float32)
        case .float64(let v): return v.map(GGUFValue.float64)
        case .bool(let v): return v.map(GGUFValue.bool)
        case .string(let v): return v.map(GGUFValue.string)
        case .array(let v): return v.map(GGUFValue.array)
        }
    }

    private func pythonDump(_ url: URL, withData: Bool = true) throws -> [String] {
        let result = try python(["-c", Self.dumpScript, url.path] + (withData ? [] : ["no-data"]))
        XCTAssertEqual(result.status, 0, result.output)
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Every value type and every tensor type Python knows the same way (all but nested arrays,
    /// which the Python reader flattens, and Q8_1, whose block size it still lists as 40 bytes).
    func testPythonReadsOurFile() throws {
        try requirePythonGGUF()
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("ours.gguf")
        let metadata = GGUFTestFiles.everyValueType.filter { $0.key != "a.nested" } + [.init("general.alignment", .uint32(64))]
        let tensors = GGUFTestFiles.tensorOfEveryType(seed: 5).filter { $0.type != .q8_1 }
        try GGUFWriter.write(metadata: metadata, tensors: tensors, to: url)
        let ours = try dump(GGUFFile(contentsOf: url))
        XCTAssertEqual(ours.count, metadata.count + tensors.count)
        let theirs = try pythonDump(url)
        XCTAssertEqual(theirs.count, ours.count)
        for (mine, python) in zip(ours, theirs) { XCTAssertEqual(mine, python) }
    }

    /// Python's GGUFWriter writes scalars of every type, arrays (typed and nested), and F32, F16,
    /// Q8_0 and Q4_1 tensors (quantized by the gguf package); we read the values it wrote.
    func testWeReadPythonWrittenFile() throws {
        try requirePythonGGUF()
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("py.gguf")
        let script = """
        import sys, numpy as np
        import gguf
        from gguf import GGUFValueType as T, GGMLQuantizationType as Q
        w = gguf.GGUFWriter(sys.argv[1], 'llama')
        for key, value, vtype in [('u8', 200, T.UINT8), ('i8', -100, T.INT8), ('u16', 60000, T.UINT16), ('i16', -30000, T.INT16),
                                  ('u32', 4000000000, T.UINT32), ('i32', -2000000000, T.INT32), ('u64', 2**64 - 1, T.UINT64),
                                  ('i64', -2**63, T.INT64), ('f32', 0.25, T.FLOAT32), ('f64', 1 / 3, T.FLOAT64),
                                  ('b', True, T.BOOL), ('s', 'ça 🙂', T.STRING)]:
            w.add_key_value(key, value, vtype)
        w.add_key_value('a.u16', [1, 65535], T.ARRAY, sub_type=T.UINT16)
        w.add_key_value('a.s', ['x', '', 'Ġy'], T.ARRAY)
        w.add_key_value('a.nested', [[1, 2], ['x']], T.ARRAY)
        rng = np.random.default_rng(4)
        a = rng.standard_normal((3, 64)).astype(np.float32)
        w.add_tensor('f32', a)
        w.add_tensor('f16', a.astype(np.float16))
        for q in (Q.Q8_0, Q.Q4_1):
            w.add_tensor(q.name.lower(), gguf.quants.quantize(a, q), raw_dtype=q)
        w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
        """
        let result = try python(["-c", script, url.path])
        XCTAssertEqual(result.status, 0, result.output)
        let file = try GGUFFile(contentsOf: url)
        let expected: [GGUFMetadata.Entry] = [
            .init("general.architecture", .string("llama")), .init("u8", .uint8(200)), .init("i8", .int8(-100)),
            .init("u16", .uint16(60000)), .init("i16", .int16(-30000)), .init("u32", .uint32(4_000_000_000)),
            .init("i32", .int32(-2_000_000_000)), .init("u64", .uint64(.max)), .init("i64", .int64(.min)),
            .init("f32", .float32(0.25)), .init("f64", .float64(1.0 / 3)), .init("b", .bool(true)), .init("s", .string("ça 🙂")),
            .init("a.u16", .array(.uint16([1, 65535]))), .init("a.s", .array(.string(["x", "", "Ġy"]))),
            .init("a.nested", .array(.array([.int32([1, 2]), .string(["x"])]))),
        ]
        XCTAssertEqual(file.metadata.entries, expected)
        XCTAssertEqual(try file.tensorInfo("f32"), WeightTensorInfo(name: "f32", shape: [3, 64], dtype: .element(.f32), byteCount: 768))
        XCTAssertEqual(try file.tensorInfo("f16").dtype, .element(.f16))
        XCTAssertEqual(try file.tensorInfo("q8_0"), WeightTensorInfo(name: "q8_0", shape: [3, 64], dtype: .blocks(.q8_0), byteCount: 3 * 2 * 34))
        XCTAssertEqual(try file.tensorInfo("q4_1").byteCount, 3 * 2 * 20)
        // Tensor bytes and offsets as Python's reader sees them.
        XCTAssertEqual(try dump(file).suffix(4), try pythonDump(url).suffix(4))
        let f32 = try file.floats("f32"), f16 = try file.floats("f16")
        XCTAssertEqual(zip(f32, f16).map { abs($0 - $1) }.max() ?? 1, 0, accuracy: 4e-3)
    }

    /// Every tensor of the real model (name, type, ne, offset, size) and every metadata value as the
    /// Python reader reports them.
    func testRealFileAgreesWithPythonReader() throws {
        try requirePythonGGUF()
        let url = try smolLM2GGUF()
        let ours = try dump(GGUFFile(contentsOf: url), withData: false)
        let theirs = try pythonDump(url, withData: false)
        XCTAssertEqual(ours.count, 33 + 272)
        XCTAssertEqual(ours, theirs)
    }
}
