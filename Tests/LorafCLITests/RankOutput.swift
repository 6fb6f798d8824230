import Foundation
import LorafFormats

/// What the mpirun tests read back from their ranks.
enum RankOutput {
    /// The numbers after `key` on rank `rank`'s line `rank R key ...` of `text` (up to the line's end).
    static func numbers(_ text: String, rank: Int, key: String) -> [Double] {
        let prefix = "rank \(rank) \(key) "
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return [] }
        return line.dropFirst(prefix.count).split(separator: " ").compactMap { Double($0) }
    }

    /// Every tensor of a safetensors file, by name, as Float32 values.
    static func tensors(_ url: URL) throws -> [String: [Float]] {
        let file = try SafeTensorsFile(contentsOf: url)
        return try Dictionary(uniqueKeysWithValues: file.entries.map { ($0.name, try file.floats($0.name)) })
    }
}
