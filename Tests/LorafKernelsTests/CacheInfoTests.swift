import Foundation
import XCTest
@testable import LorafKernels

/// `CacheInfo`: sysfs parsing (on a fake folder), the per-level fallback, and agreement with CPUID on this machine.
final class CacheInfoTests: XCTestCase {
    /// Writes a fake sysfs cache folder: one `index<i>` folder per (level, type, size, ways); nil values are left out.
    func fakeSysfs(_ caches: [(level: String?, type: String?, size: String?, ways: String?)]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loraf-cache-\(UUID().uuidString)")
        for (index, cache) in caches.enumerated() {
            let entry = folder.appendingPathComponent("index\(index)")
            try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
            for (name, value) in [("level", cache.level), ("type", cache.type), ("size", cache.size),
                                  ("ways_of_associativity", cache.ways)] {
                if let value { try (value + "\n").write(to: entry.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            }
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.path
    }

    func testReadsTheDataAndUnifiedCachesOfAZen4Folder() throws {
        let folder = try fakeSysfs([("1", "Data", "32K", "8"), ("1", "Instruction", "32K", "8"),
                                    ("2", "Unified", "1024K", "8"), ("3", "Unified", "32768K", "16")])
        let info = CacheInfo(sysfsFolder: folder, cpuid: false)
        XCTAssertEqual(info, CacheInfo(l1d: .init(size: 32 << 10, ways: 8), l2: .init(size: 1 << 20, ways: 8),
                                       l3: .init(size: 32 << 20, ways: 16)))
        XCTAssertEqual(info.description, "L1d 32 KiB 8-way, L2 1 MiB 8-way, L3 32 MiB 16-way")
    }

    func testALevelMissingOrUnreadableFallsBackOnItsOwn() throws {
        // L1d with an unparsable size, an instruction cache only at level 1, L2 fine, no L3.
        let folder = try fakeSysfs([("1", "Data", "lots", "12"), ("1", "Instruction", "64K", "4"),
                                    ("2", "Unified", "2M", "16"), (nil, "Unified", "8M", "16")])
        let info = CacheInfo(sysfsFolder: folder, cpuid: false)
        XCTAssertEqual(info.l1d, CacheInfo.fallback.l1d)
        XCTAssertEqual(info.l2, CacheInfo.Level(size: 2 << 20, ways: 16))
        XCTAssertEqual(info.l3, CacheInfo.fallback.l3)
        XCTAssertEqual(CacheInfo(sysfsFolder: folder + "/absent", cpuid: false), CacheInfo.fallback)
    }

    /// Without a sysfs folder each level comes from CPUID, or the fallback where CPUID has none.
    func testCPUIDFillsWhatSysfsLacks() {
        let info = CacheInfo(sysfsFolder: "/nonexistent/cache", cpuid: true)
        XCTAssertEqual(info.l1d, CacheInfo.cpuidLevel(1) ?? CacheInfo.fallback.l1d)
        XCTAssertEqual(info.l2, CacheInfo.cpuidLevel(2) ?? CacheInfo.fallback.l2)
        XCTAssertEqual(info.l3, CacheInfo.cpuidLevel(3) ?? CacheInfo.fallback.l3)
    }

    func testSizeSpellings() {
        XCTAssertEqual(CacheInfo.parseSize("48K"), 48 << 10)
        XCTAssertEqual(CacheInfo.parseSize("1280K"), 1280 << 10)
        XCTAssertEqual(CacheInfo.parseSize("2M"), 2 << 20)
        XCTAssertEqual(CacheInfo.parseSize("4096"), 4096)
        for bad in ["", "K", "0K", "-4K", "12Q", "1.5M"] { XCTAssertNil(CacheInfo.parseSize(bad), bad) }
    }

    /// On Linux x86-64 the kernel fills sysfs from the same CPUID leaves `loraf_cache_level` reads.
    func testSysfsAndCPUIDAgreeHere() throws {
        let sysfs = CacheInfo.sysfsLevels(folder: "/sys/devices/system/cpu/cpu0/cache")
        guard let l1 = sysfs[1], let cpuid = CacheInfo.cpuidLevel(1) else {
            throw XCTSkip("no sysfs cache folder or no CPUID cache leaf on this machine")
        }
        XCTAssertEqual(l1, cpuid)
        XCTAssertEqual(CacheInfo.current.l1d, l1)
        if let l2 = sysfs[2] { XCTAssertEqual(CacheInfo.current.l2, l2) }
    }
}
