// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sweep", targets: ["sweep"]),
        .executable(name: "sweep-bench", targets: ["SweepBench"]),
        // For the decoder fuzzer in Fuzz/ (a separate package, built with -sanitize=fuzzer).
        .library(name: "SweepProtocol", targets: ["SweepProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "CSystemShim"),
        .target(name: "SweepCore", dependencies: ["CKernels", .product(name: "Yams", package: "Yams")]),
        // Element-wise dense kernels with an AVX2 copy chosen at load time; no FMA contraction, so
        // every CPU computes the same bits.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "SweepML", dependencies: ["SweepCore", "CKernels"]),
        .target(name: "SweepProtocol", dependencies: ["SweepCore"], exclude: ["PROTOCOL.md"]),
        .target(name: "SweepReport", dependencies: ["SweepCore", "SweepML", "CSystemShim"]),
        .target(name: "SweepRuntime", dependencies: [
            "ZeroMQ", "SweepCore", "SweepML", "SweepProtocol", "SweepReport", "CSystemShim",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // The live dashboard, Prometheus metrics and notifications: HTTP beside the sweep, never on
        // its socket loop.
        .target(name: "SweepHTTP", dependencies: [
            "SweepRuntime", "SweepReport", "SweepCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "sweep", dependencies: [
            "SweepRuntime", "SweepCore", "SweepML", "SweepReport", "SweepHTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "SweepBench", dependencies: [
            "SweepRuntime", "ZeroMQ", "SweepCore", "SweepProtocol", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SweepCoreTests", dependencies: ["SweepCore", "SweepML"]),
        .testTarget(name: "SweepMLTests", dependencies: ["SweepML", "SweepCore"]),
        .testTarget(name: "SweepProtocolTests", dependencies: ["SweepProtocol", "SweepCore"], exclude: ["FuzzCrashers"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "SweepReportTests", dependencies: ["SweepReport", "SweepCore"], exclude: ["Golden"]),
        .testTarget(name: "SweepRuntimeTests", dependencies: [
            "SweepRuntime", "SweepProtocol", "SweepCore", "SweepReport", "SweepML",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SweepHTTPTests", dependencies: [
            "SweepHTTP", "SweepRuntime", "SweepReport", "SweepCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "SweepClusterTests", dependencies: ["SweepCore", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
