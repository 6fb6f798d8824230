import ArgumentParser
import Foundation
import LorafModels
import LorafStrategies

/// `loraf merge MODEL --adapter DIR --out PATH`: the model with the adapter folded in, as GGUF or safetensors.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a causal LM with a LoRA adapter merged into its weights (GGUF or safetensors).",
        discussion: """
            GGUF (the default for a GGUF model) keeps the base file's metadata and untouched tensors and writes \
            each merged tensor in F16 (--dtype f16, the default; f32, or requantize to the base tensor's type, \
            which keeps the file size but rounds most of a LoRA update away), so llama.cpp runs it like the base. safetensors writes a Hugging Face folder (model.safetensors, \
            config.json, tokenizer files of a folder model) in f32, f16 or bf16. Errors exit with status 1.
            """)

    @Argument(help: ArgumentHelp("A GGUF file or a Hugging Face model folder (a causal LM).", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("The PEFT adapter folder (LoRA) to merge.", valueName: "dir"))
    var adapter: String

    @Option(help: ArgumentHelp("The GGUF file to write, or the folder for safetensors.", valueName: "path"))
    var out: String

    @Option(help: "gguf or safetensors (default: gguf for a GGUF model, else safetensors).")
    var format: String?

    @Option(help: "f16 (default), f32 or requantize for gguf; f32 (default), f16 or bf16 for safetensors.")
    var dtype: String?

    /// The format asked for, or the default for the model's kind.
    private var chosenFormat: MergedModelExport.Format? {
        MergedModelExport.Format(rawValue: format ?? (model.lowercased().hasSuffix(".gguf") ? "gguf" : "safetensors"))
    }

    func validate() throws {
        guard let chosen = chosenFormat else { throw ValidationError("--format must be gguf or safetensors, got '\(format ?? "")'") }
        let allowed = MergedModelExport.DType.allowed(for: chosen)
        if let dtype, !allowed.contains(where: { $0.rawValue == dtype }) {
            throw ValidationError("--dtype must be \(allowed.map(\.rawValue).joined(separator: ", ")) for \(chosen.rawValue), got '\(dtype)'")
        }
    }

    func run() throws {
        do {
            let source = URL(fileURLWithPath: model)
            let adapted = AdaptedModel(try ModelLoader.load(source, task: .causalLM))
            let folder = URL(fileURLWithPath: adapter)
            try AdapterFiles.load(into: adapted, from: folder, name: "default")
            let report = try MergedModelExport.export(adapted, source: source, to: URL(fileURLWithPath: out), format: chosenFormat ?? .gguf,
                                                      dtype: dtype.flatMap(MergedModelExport.DType.init(rawValue:)))
            print("merged \(report.mergedTensors.count) tensors of \(folder.lastPathComponent)")
            report.files.forEach { print("wrote \($0.path)") }
            report.notes.forEach { print("note: \($0)") }
        } catch {
            FileHandle.standardError.write(Data("loraf merge: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
