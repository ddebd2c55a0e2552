// swift-tools-version:6.0
// libFuzzer target for the wire decoder. Not part of the main build; see Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "SweepFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "DecoderFuzz", dependencies: [.product(name: "SweepProtocol", package: "main")]),
        .executableTarget(name: "MakeCorpus", dependencies: [.product(name: "SweepProtocol", package: "main")]),
    ],
    swiftLanguageModes: [.v6]
)
