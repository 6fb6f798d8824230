// swift-tools-version:6.0
// loraf: parameter-efficient fine-tuning of transformer models in Swift, driven from Lua.
//
// One target per concern (see docs/architecture.md):
//   CLua / CLuaBridge      Lua 5.4 (Debian's liblua5.4-dev) and the C trampolines Swift cannot express
//   CKernelSupport         CPU feature detection for the run-time kernel choice; the prefetch hint
//   LorafKernels           SGEMM, thread pool, fused SIMD kernels, ggml quantized blocks (+ per-ISA modules,
//                          LorafKernelsAVX512Builtins: the vpermps/vpsrld intrinsics LorafKernelsAVX512 inlines,
//                          LorafKernelsVNNI: int8-activation products of the quantized formats,
//                          LorafKernelsBF16: the bf16 GEMM of frozen weights)
//   LorafTensor            Float32 tensors, ops and reverse-mode autodiff
//   LorafFormats           safetensors and GGUF readers/writers, the WeightSource protocol
//   LorafTokenizers        tokenizers: WordPiece, byte-level BPE, SentencePiece (tokenizer.json, vocab.txt, GGUF arrays)
//   LorafTemplates         the Jinja2 subset that renders models' chat templates
//   LorafModels            the named layer graph, layers, BERT
//   LorafStrategies        adaptation strategies (LoRA, BitFit, bottleneck adapters) and PEFT files
//   LorafTraining          datasets, optimisers, schedules, the training loop, checkpoints, the ProcessGroup seam
//   CMPI / CMPIShim        Open MPI (Debian's libopenmpi-dev) and the C shim over its macros (MPI_COMM_WORLD...)
//   LorafDistributed       data-parallel training on MPI: the only target that calls MPI (docs/distributed.md)
//   LorafGeneration        sampling and batched generation with a key/value cache (mixed adapters per row)
//   LorafLua               the Swift <-> Lua bridge and the `loraf` Lua module
//   LorafPluginAPI         what a Swift plugin links against besides the core: its ABI version and registrar
//   LorafPlugins           loading Swift and Lua plugins (plugins/NAME) and reporting what loaded
//   loraf                  the command-line tool
import PackageDescription

/// Targets compiled for a wider vector ISA than the x86-64 baseline. The kernels pick one at
/// run time (CPU feature check), so the binary still runs on any x86-64 CPU. The manifest is
/// compiled for the host, so on arm64 these modules are simply absent (NEON is the baseline).
var isaTargets: [Target] = []
var isaDependencies: [Target.Dependency] = []
/// The int8-activation module, which the kernel tests also read directly (its quantized blocks).
var vnniDependency: [Target.Dependency] = []
#if arch(x86_64)
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
isaTargets = [
    .target(name: "LorafKernelsAVX2", dependencies: ["CKernelSupport"], swiftSettings: kernelFlags + [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"])]),
    .target(name: "LorafKernelsAVX512", dependencies: ["CKernelSupport", "LorafKernelsAVX512Builtins"], swiftSettings: kernelFlags + [.unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mavx512vl", "-Xcc", "-mfma"])]),
    // The AVX-512F intrinsics LorafKernelsAVX512 inlines (vpermps): -parse-stdlib gives LLVM's x86 intrinsics through `Builtin`.
    .target(name: "LorafKernelsAVX512Builtins", swiftSettings: kernelFlags + [.unsafeFlags([
        "-parse-stdlib", "-Xcc", "-mavx512f", "-Xcc", "-mavx512vl",
    ])]),
    // The int8-activation kernels (vpdpbusd): -parse-stdlib gives them LLVM's x86 intrinsics through `Builtin`.
    .target(name: "LorafKernelsVNNI", dependencies: ["CKernelSupport"], swiftSettings: kernelFlags + [.unsafeFlags([
        "-parse-stdlib", "-Xcc", "-mavx512f", "-Xcc", "-mavx512vl", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512vnni", "-Xcc", "-mfma",
    ])]),
    // The bf16 GEMM (vdpbf16ps through CKernelSupport's one-instruction `loraf_dpbf16`), run only on AVX512_BF16 CPUs.
    .target(name: "LorafKernelsBF16", dependencies: ["CKernelSupport"], swiftSettings: kernelFlags + [.unsafeFlags([
        "-Xcc", "-mavx512f", "-Xcc", "-mavx512vl", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512bf16", "-Xcc", "-mfma",
    ])]),
]
isaDependencies = ["LorafKernelsAVX2", "LorafKernelsAVX512", "LorafKernelsVNNI", "LorafKernelsBF16"]
vnniDependency = ["LorafKernelsVNNI"]
#else
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
#endif

let package = Package(
    name: "loraf",
    products: [
        .executable(name: "loraf", targets: ["loraf"]),
        .library(name: "Loraf", targets: ["LorafTensor", "LorafFormats", "LorafTokenizers", "LorafTemplates", "LorafModels",
                                         "LorafStrategies", "LorafTraining", "LorafDistributed", "LorafGeneration", "LorafLua",
                                         "LorafPluginAPI", "LorafPlugins"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: isaTargets + [
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "CLuaBridge", dependencies: ["CLua"]),
        .target(name: "CKernelSupport"),
        .target(name: "LorafKernels", dependencies: ["CKernelSupport"] + isaDependencies, swiftSettings: kernelFlags),
        .target(name: "LorafTensor", dependencies: ["LorafKernels"]),
        .target(name: "LorafFormats"),
        .target(name: "LorafTokenizers"),
        .target(name: "LorafTemplates"),
        .target(name: "LorafModels", dependencies: ["LorafTensor", "LorafKernels", "LorafFormats", "LorafTokenizers"]),
        .target(name: "LorafStrategies", dependencies: ["LorafModels"]),
        .target(name: "LorafTraining", dependencies: ["LorafStrategies", "LorafKernels", "LorafTokenizers", "LorafTemplates", "LorafGeneration"]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPIShim", dependencies: ["CMPI"]),
        .target(name: "LorafDistributed", dependencies: ["CMPIShim", "LorafKernels", "LorafTraining"]),
        .target(name: "LorafGeneration", dependencies: ["LorafStrategies", "LorafTemplates"]),
        .target(name: "LorafLua", dependencies: ["CLua", "CLuaBridge", "LorafTraining", "LorafGeneration", "LorafDistributed"]),
        // Plugins are compiled against this build's modules and resolve loraf's symbols in the program that
        // loads them, so there is one copy of every type and registry (docs/plugins.md). Whatever links the
        // loader therefore exports its symbols.
        .target(name: "LorafPluginAPI", dependencies: ["LorafStrategies"]),
        .target(name: "LorafPlugins", dependencies: ["LorafPluginAPI", "LorafLua"],
                linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]),
        .executableTarget(name: "loraf", dependencies: [
            "LorafLua", "LorafPlugins", "LorafGeneration", "LorafTemplates", "LorafStrategies", "LorafKernels", "LorafDistributed",
            "CEditLine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Shared by the test targets (repository paths, the MiniLM folder, seeded data, comparisons); in no product.
        .target(name: "LorafTestSupport", dependencies: ["LorafTensor"]),
        .testTarget(name: "LorafKernelsTests", dependencies: ["LorafKernels", "LorafFormats", "LorafTestSupport"] + vnniDependency),
        .testTarget(name: "LorafTensorTests", dependencies: ["LorafTensor", "LorafKernels", "LorafTestSupport"]),
        .testTarget(name: "LorafFormatsTests", dependencies: ["LorafFormats", "LorafTestSupport"]),
        .testTarget(name: "LorafTokenizersTests", dependencies: ["LorafTokenizers", "LorafTestSupport"]),
        .testTarget(name: "LorafTemplatesTests", dependencies: ["LorafTemplates", "LorafTensor", "LorafTestSupport"]),
        .testTarget(name: "LorafModelsTests", dependencies: ["LorafModels", "LorafTestSupport"]),
        .testTarget(name: "LorafStrategiesTests", dependencies: ["LorafStrategies", "LorafTestSupport"]),
        .testTarget(name: "LorafTrainingTests", dependencies: ["LorafTraining", "LorafTestSupport"]),
        .testTarget(name: "LorafGenerationTests", dependencies: ["LorafGeneration", "LorafTestSupport"]),
        .testTarget(name: "LorafLuaTests", dependencies: ["LorafLua", "LorafTestSupport"]),
        .testTarget(name: "LorafCLITests", dependencies: ["loraf", "LorafFormats", "LorafTestSupport"]),
        .testTarget(name: "LorafPluginsTests", dependencies: ["LorafPlugins", "loraf", "LorafTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
