import Foundation
import LorafDistributed
import LorafStrategies

/// `model:save_merged(path, {...})`: the model with its LoRA adapter folded in, as GGUF or a Hugging Face folder
/// (``MergedModelExport``).
enum MergedExportBindings {
    static func register(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("save_merged", doc: """
            model:save_merged(path [, {format = "gguf" | "safetensors", dtype = ..., adapter = name}]) -> {files = {string}, merged = {string}, notes = {string}}
            Writes the model with a LoRA adapter (default: the active one) merged (W + (alpha / r) B A for every \
            adapted linear; modules_to_save copies in place of the originals); the model itself is unchanged. \
            "gguf" (default for a model loaded from a GGUF file): the base file with all its metadata, each merged \
            tensor as dtype = "f16" (default) or "f32", or "requantize" to the base tensor's type (Q4_0, Q4_1, Q5_0, \
            Q5_1, Q8_0; other types become F16, listed in notes; keeps the file size but rounds most of a LoRA \
            update away); untouched tensors keep their bytes. \
            "safetensors" (default otherwise): a folder with model.safetensors (Hugging Face names), config.json and \
            the tokenizer files of a source folder, dtype = "f32" (default), "f16" or "bf16". Files are replaced \
            atomically. Returns the files written, the merged tensors' names and notes. Under mpirun only rank 0 writes.
            """) { object, args in
            let path = try args.string(2)
            let options = try args.options(3, keys: ["format", "dtype", "adapter"])
            let isGGUF = object.directory.pathExtension.lowercased() == "gguf"
            guard let format = MergedModelExport.Format(rawValue: try options.string("format") ?? (isGGUF ? "gguf" : "safetensors")) else {
                throw options.error("format", mustBe: "\"gguf\" or \"safetensors\"")
            }
            let allowed = MergedModelExport.DType.allowed(for: format)
            var dtype: MergedModelExport.DType?
            if let name = try options.string("dtype") {
                guard let given = MergedModelExport.DType(rawValue: name), allowed.contains(given) else {
                    throw options.error("dtype", mustBe: allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + " for \(format.rawValue)")
                }
                dtype = given
            }
            guard Distributed.world.isMain else { return [] }
            let report: MergedModelExport.Report
            do {
                report = try MergedModelExport.export(object.adapted, adapter: try options.string("adapter"), source: object.directory,
                                                      to: URL(fileURLWithPath: path), format: format, dtype: dtype)
            } catch StrategyError.invalidOption(let message) {
                throw LuaError.argument("\(args.function): \(message)")
            }
            return [.record(["files": .list(report.files.map { .string($0.path) }), "merged": .list(report.mergedTensors.map(LuaValue.string)),
                             "notes": .list(report.notes.map(LuaValue.string))])]
        }
    }
}
