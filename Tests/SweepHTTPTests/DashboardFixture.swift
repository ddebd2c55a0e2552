import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SweepCore
import SweepHTTP
import SweepRuntime

/// A real sweep (three trials × two folds of the no-op trainer, run by a worker process of the
/// `sweep` binary) counted into a dashboard's metrics while two clients stall on the dashboard;
/// the dashboard keeps serving the finished run directory.
struct FinishedRun: Sendable {
    let directory: String
    let server: DashboardServer
    let port: Int
    /// The stalled clients, still connected.
    let stalled: [RawClient]

    static let shared = Task { try await FinishedRun.make() }

    static var sweepBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("sweep")
    }

    static func make() async throws -> FinishedRun {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let specPath = root.appendingPathComponent("spec.yaml").path
        try """
        name: dashboard-test
        cv: {folds: 2}
        trainer: {model: noop}
        space:
          score: {values: [1, 2, 3]}
        objective: {metric: score, goal: maximize}
        refit: false
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        let directory = root.appendingPathComponent("run").path
        let server = try DashboardServer(
            address: DashboardAddress(host: "127.0.0.1", port: 0), directory: directory, keyed: false, token: nil,
            logger: quietLogger)
        let port = try await server.start()
        let stalled = try [RawClient.halfRequest(port: port), RawClient.neverReading(port: port)]
        try await runOnThread {
            let sweep = try SweepLoader.load(specPath: specPath)
            let record = try RunRecord.create(
                directory: directory, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil,
                allowPaths: [], insecure: false, localWorkers: (1, 2))
            let lifecycle = try SweepLifecycle(
                sweep: sweep, record: record,
                options: .init(
                    bind: "tcp://127.0.0.1:*", heartbeatInterval: 0.25, showProgress: false, stopOnSignals: false,
                    localWorkers: .init(count: 1, slots: 2, logLevel: "warning", executable: sweepBinary)),
                logger: quietLogger)
            try lifecycle.measure(with: server.metrics)
            _ = try lifecycle.run()
        }
        return FinishedRun(directory: directory, server: server, port: port, stalled: stalled)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "sweep-http-test")
        logger.logLevel = .warning
        return logger
    }
}

/// Runs blocking work on a thread of its own (not one of Swift concurrency's few).
func runOnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// One GET: status, body and headers.
func get(
    _ port: Int, _ path: String, headers: [(String, String)] = []
) async throws -> (status: Int, body: String, headers: [(String, String)]) {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 16 << 20)
    return (Int(response.status.code), String(buffer: body), response.headers.map { ($0.name, $0.value) })
}
