import Foundation
import SweepCore
import SweepRuntime

/// `sweep-bench ship [--megabytes 50] [--repeats 5]`: the file-shipping path of a command trainer.
/// Three figures, each the median of `repeats` runs after one warm-up:
/// - hashing: SHA-256 of a blob in memory, the content address every shipped file gets;
/// - loading: `SweepLoader.load` of a spec whose workdir holds that blob (pack + hash, on the coordinator);
/// - shipping: `sweep run --workers 1` of that spec with an empty worker cache (load, fetch in chunks,
///   verify the hash, store, unpack, two trivial tasks), less the same run with an empty workdir.
enum ShipBench {
    static func run(_ arguments: [String]) throws {
        func value(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return Int(arguments[index + 1]) ?? fallback
        }
        let megabytes = value("--megabytes", 50), repeats = value("--repeats", 5)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sweep-bench-ship-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let blob = randomBytes(megabytes << 20)
        let large = try project(root.appendingPathComponent("large"), blob: blob)
        let small = try project(root.appendingPathComponent("small"), blob: [])
        let sweepBinary = LocalWorkers.currentExecutable.deletingLastPathComponent().appendingPathComponent("sweep")

        print(
            "file shipping: a \(megabytes) MiB workdir, \(repeats) repeats (+1 warm-up), \(ProcessInfo.processInfo.activeProcessorCount) cores\n"
        )
        let hashing = try measure(repeats) { _ = ContentHash.sha256(blob) }
        let loading = try measure(repeats) {
            _ = try SweepLoader.load(specPath: large.appendingPathComponent("spec.yaml").path)
        }
        let shipped = try measure(repeats) {
            try runSweep(sweepBinary, project: large, cache: root.appendingPathComponent("cache-\(UUID())"))
        }
        let baseline = try measure(repeats) {
            try runSweep(sweepBinary, project: small, cache: root.appendingPathComponent("cache-\(UUID())"))
        }
        let mebibytes = Double(megabytes)
        print("| measure | median | spread (min–max) |")
        print("|---|---:|---:|")
        print(row("SHA-256 of \(megabytes) MiB in memory", hashing.map { mebibytes / $0 }, "MiB/s"))
        print(row("SweepLoader.load: pack + hash the workdir", loading.map { $0 * 1000 }, "ms"))
        print(row("sweep run --workers 1, \(megabytes) MiB workdir, empty cache", shipped.map { $0 * 1000 }, "ms"))
        print(row("sweep run --workers 1, empty workdir", baseline.map { $0 * 1000 }, "ms"))
        let cost = median(shipped) - median(baseline)
        print(
            String(
                format: "| shipping cost (difference of medians) | %.0f ms | %.0f MiB/s end to end |", cost * 1000,
                mebibytes / cost))
    }

    /// A command-trainer project: `code/` holds the blob (if any) and a script that reports a score.
    static func project(_ directory: URL, blob: [UInt8]) throws -> URL {
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try "echo '@sweep {\"score\": 1}'\n".write(
            to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        if !blob.isEmpty { try Data(blob).write(to: code.appendingPathComponent("blob.bin")) }
        let spec = """
            name: ship-bench
            cv: {folds: 2}
            trainer: {command: [sh, train.sh], workdir: code}
            space: {x: {values: [1]}}
            objective: {metric: score, goal: maximize}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Runs `sweep run` on the project with a fresh worker cache; throws unless it exits 0.
    static func runSweep(_ binary: URL, project: URL, cache: URL) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "run", "spec.yaml", "--workers", "1", "--out", "run-\(UUID().uuidString)", "--log-level", "warning",
        ]
        process.currentDirectoryURL = project
        process.environment = ProcessInfo.processInfo.environment.merging(["SWEEP_CACHE": cache.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("sweep run exited with status \(process.terminationStatus)")
        }
    }

    /// Seconds per call of `body`, one warm-up call first.
    static func measure(_ repeats: Int, _ body: () throws -> Void) throws -> [Double] {
        var seconds: [Double] = []
        for round in 0...repeats {
            let start = MonotonicClock.now()
            try body()
            if round > 0 { seconds.append(MonotonicClock.now() - start) }
        }
        return seconds
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: 1)
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            for offset in stride(from: 0, to: count - count % 8, by: 8) {
                buffer.storeBytes(of: generator.next(), toByteOffset: offset, as: UInt64.self)
            }
        }
        return bytes
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func row(_ name: String, _ values: [Double], _ unit: String) -> String {
        let f = { (value: Double) in String(format: "%.0f", value) }
        return "| \(name) | \(f(median(values))) \(unit) | \(f(values.min()!))–\(f(values.max()!)) |"
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
