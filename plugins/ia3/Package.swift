// swift-tools-version:6.0
// The IA³ strategy as a loraf plugin (docs/plugins.md). Build it with `loraf plugin build plugins/ia3`, which
// compiles it against the modules of the loraf build that runs the command; a plain
// `swift build -c release --package-path plugins/ia3` uses the repository's .build/release (or $LORAF_BUILD_DIR).
//
// The plugin declares no package dependency on loraf on purpose: it imports the host's modules and its undefined
// symbols resolve against the loraf program that loads it, so there is a single copy of loraf's types and
// registries in the process.
import PackageDescription

let hostBuild = Context.environment["LORAF_BUILD_DIR"] ?? Context.packageDirectory + "/../../.build/release"

let package = Package(
    name: "ia3",
    products: [.library(name: "ia3", type: .dynamic, targets: ["IA3"])],
    targets: [
        .target(name: "IA3", swiftSettings: [
            .unsafeFlags(["-I", hostBuild + "/Modules",
                          // LorafKernels imports this C module; its map names the header by absolute path.
                          "-Xcc", "-fmodule-map-file=" + hostBuild + "/CKernelSupport.build/module.modulemap"]),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
