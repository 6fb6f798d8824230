import Foundation
import LorafFormats
import LorafTestSupport
import XCTest

/// `mpirun -np 2 loraf run ...` end to end: Lua collectives, failure on one rank, and data-parallel training
/// against a single process on real data (MiniLM, SST-2). Skips only when mpirun is absent.
final class DistributedRunTests: XCTestCase {
    private var loraf: LorafBinary!
    private var folder: URL!
    private let hooks = ["LORAF_TEST_HOOKS": "1"]

    override func setUpWithError() throws {
        loraf = try LorafBinary()
        folder = try makeScratchFolder("loraf-mpi")
    }

    private func script(_ name: String, _ source: String) throws -> String {
        try Data(source.utf8).write(to: folder.appendingPathComponent(name))
        return name
    }

    func testSingleProcessValuesWithoutMPIRun() throws {
        let result = try loraf.run(["run", "-e", """
            local d = loraf.distributed
            d.barrier()
            local t = loraf.tensor{1, 2, 3}
            print(d.rank(), d.size(), d.is_main(), d.all_reduce(t, {op = "mean"}), d.broadcast(t, 0))
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "0\t1\ttrue\tTensor [3] [1, 2, 3]\tTensor [3] [1, 2, 3]\n")
    }

    func testCollectivesOnSmallTensors() throws {
        let mpi = try MPIRun(loraf: loraf)
        let name = try script("collectives.lua", """
            local d = loraf.distributed
            local r = d.rank()
            local t = loraf.tensor{{r + 1, 10 * r}, {-r, 0.5}}
            local lines = {
              string.format("rank %d of %d main %s", r, d.size(), tostring(d.is_main())),
              "sum " .. tostring(d.all_reduce(t)),
              "mean " .. tostring(d.all_reduce(t, {op = "mean"})),
              "max " .. tostring(d.all_reduce(t, {op = "max"})),
              "min " .. tostring(d.all_reduce(t, {op = "min"})),
              "bcast " .. tostring(d.broadcast(t, 1)),
              "input " .. tostring(t),
            }
            local ok, message = pcall(d.all_reduce, loraf.zeros{r + 1})
            lines[#lines + 1] = "mismatch " .. tostring(ok) .. " " .. message
            local ok2, message2 = pcall(d.broadcast, t, 2)
            lines[#lines + 1] = "badroot " .. tostring(ok2) .. " " .. message2
            d.barrier()
            io.stderr:write(table.concat(lines, "\\n") .. "\\n")
            """)
        let result = try mpi.run(ranks: 2, ["run", name], directory: folder, timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        for rank in 0..<2 {
            XCTAssertTrue(result.stderr.contains("rank \(rank) of 2 main \(rank == 0)"), result.stderr)
            XCTAssertTrue(result.stderr.contains("input Tensor [2, 2] [[\(rank + 1), \(10 * rank)], [\(-rank), 0.5]]"), result.stderr)
        }
        // Both ranks print the same reduced values.
        for expected in ["sum Tensor [2, 2] [[3, 10], [-1, 1]]", "mean Tensor [2, 2] [[1.5, 5], [-0.5, 0.5]]",
                         "max Tensor [2, 2] [[2, 10], [0, 0.5]]", "min Tensor [2, 2] [[1, 0], [-1, 0.5]]",
                         "bcast Tensor [2, 2] [[2, 10], [-1, 0.5]]",
                         "mismatch false loraf.distributed.all_reduce: the 2 ranks disagree on the number of elements: from 1.0 to 2.0",
                         "badroot false bad argument #2 to 'broadcast' (root must be a rank from 0 to 1, got 2)"] {
            XCTAssertEqual(result.stderr.components(separatedBy: expected).count - 1, 2, "\(expected) in\n\(result.stderr)")
        }
    }

    func testErrorOnRankOneEndsBothRanksWithItsMessage() throws {
        let mpi = try MPIRun(loraf: loraf)
        // Rank 0 waits in a barrier that rank 1 never reaches: only the abort can end it.
        let name = try script("fail.lua", """
            local d = loraf.distributed
            if d.rank() == 1 then error("rank one gives up") end
            d.barrier()
            print("rank 0 passed the barrier")
            """)
        let result = try mpi.run(ranks: 2, ["run", name], directory: folder, timeout: 120)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("fail.lua:2: rank one gives up"), result.stderr)
        XCTAssertTrue(result.stderr.contains("loraf: rank 1 of 2 failed; ending the job"), result.stderr)
        XCTAssertFalse(result.stdout.contains("passed the barrier"), result.stdout)
    }

    func testARankKilledMidRunEndsTheJob() throws {
        let mpi = try MPIRun(loraf: loraf)
        // Rank 1's loraf process is killed (SIGKILL, no chance to clean up) while rank 0 waits in a barrier.
        let name = try script("killed.lua", """
            local d = loraf.distributed
            if d.rank() == 1 then os.execute("kill -KILL $PPID") end
            d.barrier()
            print("rank 0 passed the barrier")
            """)
        let result = try mpi.run(ranks: 2, ["run", name], directory: folder, timeout: 120)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("rank 1") && result.stderr.contains("signal 9"), result.stderr)
        XCTAssertFalse(result.stdout.contains("passed the barrier"), result.stdout)
    }
}
