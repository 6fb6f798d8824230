import CKernelSupport
import Foundation

/// The data caches of the CPU the process runs on (the first core's view), read once: the sizes the GEMM blocking
/// is derived from (`GEMMBlocking`).
///
/// Sources, first that answers: Linux sysfs (`/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size,
/// ways_of_associativity}`), then CPUID (leaf 4 on Intel, 0x8000001D on AMD: `loraf_cache_level`), then
/// `CacheInfo.fallback` for a cache neither reports. Each level is taken on its own, so a sysfs folder without L3
/// still gives L1 and L2.
public struct CacheInfo: Equatable, Sendable, CustomStringConvertible {
    /// One cache level: its size and associativity.
    public struct Level: Equatable, Sendable {
        /// Bytes.
        public let size: Int
        /// Ways of associativity (≥ 1).
        public let ways: Int

        public init(size: Int, ways: Int) {
            self.size = size
            self.ways = ways
        }
    }

    /// The first-level data cache, the second-level cache and the last-level (third-level) cache.
    public let l1d: Level, l2: Level, l3: Level

    public init(l1d: Level, l2: Level, l3: Level) {
        (self.l1d, self.l2, self.l3) = (l1d, l2, l3)
    }

    /// The caches of the running CPU (sysfs, else CPUID, else `fallback`), detected once.
    public static let current = CacheInfo(sysfsFolder: "/sys/devices/system/cpu/cpu0/cache", cpuid: true)

    /// Used for a level neither sysfs nor CPUID describes: 32 KiB 8-way L1d, 512 KiB 8-way L2, 8 MiB 16-way L3, at or
    /// below what x86-64 server cores of the last decade have, so the blocks derived from them fit everywhere.
    public static let fallback = CacheInfo(l1d: Level(size: 32 << 10, ways: 8), l2: Level(size: 512 << 10, ways: 8),
                                           l3: Level(size: 8 << 20, ways: 16))

    /// Reads the data and unified caches from a sysfs cache folder (one `index*` folder per cache); a level the
    /// folder lacks comes from CPUID when `cpuid`, else (or when CPUID lacks it too) from `fallback`. A missing
    /// or unreadable folder, or a file that does not parse, just leaves its level to the next source.
    public init(sysfsFolder: String, cpuid: Bool) {
        let found = Self.sysfsLevels(folder: sysfsFolder)
        func level(_ number: Int, _ fallback: Level) -> Level {
            found[number] ?? (cpuid ? Self.cpuidLevel(number) : nil) ?? fallback
        }
        self.init(l1d: level(1, Self.fallback.l1d), l2: level(2, Self.fallback.l2), l3: level(3, Self.fallback.l3))
    }

    public var description: String {
        func text(_ level: Level) -> String {
            let size = level.size % (1 << 20) == 0 ? "\(level.size >> 20) MiB" : "\(level.size >> 10) KiB"
            return "\(size) \(level.ways)-way"
        }
        return "L1d \(text(l1d)), L2 \(text(l2)), L3 \(text(l3))"
    }

    /// Level number → cache, for the `Data` and `Unified` entries of a sysfs cache folder.
    static func sysfsLevels(folder: String) -> [Int: Level] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var levels: [Int: Level] = [:]
        for entry in entries.sorted() where entry.hasPrefix("index") {
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(folder)/\(entry)/\(name)", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let type = read("type"), type == "Data" || type == "Unified",
                  let number = read("level").flatMap({ Int($0) }),
                  let size = read("size").flatMap(parseSize), let ways = read("ways_of_associativity").flatMap({ Int($0) }),
                  ways >= 1, levels[number] == nil else { continue }
            levels[number] = Level(size: size, ways: ways)
        }
        return levels
    }

    /// Bytes of a sysfs size ("32K", "1024K", "32M", "512"); nil for anything else or a size of 0.
    static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text), unit = 1
        if let last = text.last, let scale = units[Character(last.uppercased())] {
            digits = text.dropLast()
            unit = scale
        }
        guard let value = Int(digits), value > 0, value <= Int(Int32.max) else { return nil }
        return value * unit
    }

    /// The CPUID description of cache `level`, if CPUID has one.
    static func cpuidLevel(_ level: Int) -> Level? {
        var bytes: UInt32 = 0, ways: UInt32 = 0
        guard loraf_cache_level(Int32(level), &bytes, &ways) == 1, bytes > 0, ways > 0 else { return nil }
        return Level(size: Int(bytes), ways: Int(ways))
    }
}
