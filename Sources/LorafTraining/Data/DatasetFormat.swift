/// The file formats ``TextClassificationDataset`` reads.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    /// `LABEL TEXT` per line, as in data/ (label first, then a space, then the text).
    case labelText = "txt"
    /// Comma-separated values with a header row, RFC 4180 quoting.
    case csv
    /// Tab-separated values with a header row, the same quoting as CSV.
    case tsv
    /// JSON Lines: one JSON object per line.
    case jsonl

    /// The format named by a path's extension: `.txt`, `.csv`, `.tsv`, `.jsonl` (or `.ndjson`), case-insensitive.
    /// - Throws: ``DatasetError/invalidOption(_:)`` for any other extension.
    public init(inferredFromPath path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        switch ext {
        case "txt": self = .labelText
        case "csv": self = .csv
        case "tsv": self = .tsv
        case "jsonl", "ndjson": self = .jsonl
        default:
            throw DatasetError.invalidOption("cannot tell the format of '\(path)' from its extension;"
                                             + " name one of txt, csv, tsv, jsonl")
        }
    }
}
