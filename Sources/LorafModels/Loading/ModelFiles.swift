import Foundation
import LorafFormats

/// A model's files, opened once: a Hugging Face folder, or a GGUF file mapped and parsed once. ``ModelLoader`` reads
/// the configuration and weights from it and ``ModelTextFiles`` the tokenizer and chat template, so loading both
/// parses a GGUF file's metadata (its whole vocabulary and merges) once.
///
/// ```swift
/// let files = try ModelFiles.open(URL(fileURLWithPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
/// let model = try ModelLoader.load(files, task: .causalLM)
/// let (tokenizer, template) = try ModelTextFiles.load(for: files)
/// ```
public enum ModelFiles {
    /// config.json, the safetensors weights and the tokenizer files in one folder.
    case folder(URL)
    /// One GGUF file: configuration, weights, tokenizer and chat template.
    case gguf(GGUFFile)

    /// Opens `url`: a folder as it is, a file as GGUF (mapped, its metadata and tensor infos read and checked).
    /// - Throws: `ModelError.invalid` when nothing is at `url`; `GGUFError` for a file that is not valid GGUF.
    public static func open(_ url: URL) throws -> ModelFiles {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ModelError.invalid("\(url.path): no such file or folder")
        }
        return isFolder.boolValue ? .folder(url) : .gguf(try GGUFFile(contentsOf: url))
    }

    /// The folder or file.
    public var url: URL {
        switch self {
        case let .folder(url): return url
        case let .gguf(file): return file.url
        }
    }
}
