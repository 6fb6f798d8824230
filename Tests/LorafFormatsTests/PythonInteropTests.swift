import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// Our files against the Python `safetensors` package (pip install safetensors numpy).
final class PythonInteropTests: XCTestCase {
    private func requirePythonSafeTensors() throws {
        let probe = try? python(["-c", "import safetensors.numpy, numpy"])
        guard let probe, probe.status == 0 else {
            throw XCTSkip("python3 with the safetensors and numpy packages is not available (pip install safetensors numpy)")
        }
    }

    /// Python loads our file, checks every value against its own computation of the
    /// same numbers, and re-saves it; the re-saved file must equal ours byte for byte
    /// and read back through our reader.
    func testPythonReadsOurFileAndWritesTheSameBytes() throws {
        try requirePythonSafeTensors()
        let directory = try makeScratchFolder("loraf-formats")
        let ours = directory.appendingPathComponent("ours.safetensors")
        let theirs = directory.appendingPathComponent("theirs.safetensors")
        let weights = (0..<12).map { Float($0) * 0.37 - 2 }
        let halves: [UInt16] = (0..<5).map { UInt16($0) * 0x1234 }
        try SafeTensorsWriter.write([
            .float32("weights", shape: [3, 4], values: weights),
            .int64("ids", shape: [2, 2], values: [-5, 0, 7, 1 << 40]),
            .init(name: "half", dtype: .f16, shape: [5], bytes: halves.flatMap(littleEndianBytes)),
            .init(name: "bytes", dtype: .u8, shape: [3], bytes: [0, 128, 255]),
            .init(name: "mask", dtype: .bool, shape: [2], bytes: [1, 0]),
            .init(name: "d", dtype: .f64, shape: [], bytes: littleEndianBytes((1.0 / 3).bitPattern)),
            .init(name: "n", dtype: .i32, shape: [0], bytes: []),
        ], metadata: ["format": "np"], to: ours)

        let script = """
        import sys, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1])
        expected = {
            "weights": (np.arange(12, dtype=np.float32) * np.float32(0.37) - np.float32(2)).reshape(3, 4),
            "ids": np.array([[-5, 0], [7, 1 << 40]], dtype=np.int64),
            "half": (np.arange(5, dtype=np.uint16) * 0x1234).view(np.float16),
            "bytes": np.array([0, 128, 255], dtype=np.uint8),
            "mask": np.array([True, False]),
            "d": np.array(1.0 / 3),
            "n": np.zeros(0, dtype=np.int32),
        }
        assert sorted(t) == sorted(expected), sorted(t)
        for k, v in expected.items():
            assert t[k].dtype == v.dtype and t[k].shape == v.shape, (k, t[k].dtype, t[k].shape)
            assert t[k].tobytes() == v.tobytes(), (k, t[k], v)
        with safe_open(sys.argv[1], "np") as f:
            assert f.metadata() == {"format": "np"}, f.metadata()
            save_file(t, sys.argv[2], metadata=f.metadata())
        """
        let result = try python(["-c", script, ours.path, theirs.path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(try Data(contentsOf: theirs), try Data(contentsOf: ours))
        let file = try SafeTensorsFile(contentsOf: theirs)
        XCTAssertEqual(try file.floats("weights").map(\.bitPattern), weights.map(\.bitPattern))
        XCTAssertEqual(try file.integers("ids"), [-5, 0, 7, 1 << 40])
        XCTAssertEqual(file.metadata, ["format": "np"])
    }

    /// A file Python writes from its own arrays reads back with the values Python reports.
    func testWeReadPythonWrittenFile() throws {
        try requirePythonSafeTensors()
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("py.safetensors")
        let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        rng = np.random.default_rng(3)
        a = rng.standard_normal((4, 5)).astype(np.float32)
        h = rng.standard_normal(7).astype(np.float16)
        i = rng.integers(-1000, 1000, size=(3,), dtype=np.int16)
        save_file({"a": a, "h": h, "i": i}, sys.argv[1], metadata={"who": "python"})
        print(" ".join(str(x) for x in a.view(np.uint32).ravel()))
        print(" ".join(str(float(x).hex()) for x in h))
        print(" ".join(str(x) for x in i))
        """
        let result = try python(["-c", script, url.path])
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.count, 3, result.output)
        guard lines.count == 3 else { return }
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.metadata, ["who": "python"])
        XCTAssertEqual(try file.entry("a").shape, [4, 5])
        XCTAssertEqual(try file.floats("a").map { String($0.bitPattern) }, lines[0])
        XCTAssertEqual(try file.floats("h").map { Double($0) }, lines[1].compactMap { Double($0) })
        XCTAssertEqual(lines[1].count, 7)
        XCTAssertEqual(try file.integers("i").map(String.init), lines[2])
    }
}
