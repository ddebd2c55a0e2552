import Dispatch
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import SweepRuntime

/// The live dashboard (`--http`): the report at `/`, `/api/status`, `/api/trials` and the
/// Prometheus metrics at `/metrics`, served by Hummingbird on its own event loops. Pages read
/// run.db read-only on a queue of their own; the metrics are atomics the socket loop updates.
/// The coordinator's socket loop never waits for a client.
public final class DashboardServer: Sendable {
    public let address: DashboardAddress
    public let directory: String
    /// Where the metrics are kept; `metrics` counts into it.
    public let registry: PrometheusCollectorRegistry
    /// Hand these to `SweepLifecycle.measure(with:)`.
    public let metrics: SweepMetrics
    let token: String?
    let logger: Logger
    private let running = Running()

    /// Checks access (off loopback: keys and a token) and makes the metrics; `start` serves.
    public init(
        address: DashboardAddress, directory: String, keyed: Bool, token: String?,
        logger: Logger = Logger(label: "sweep.http")
    ) throws {
        try DashboardAccess.check(address, keyed: keyed, token: token)
        self.address = address
        self.directory = directory
        self.token = token
        self.logger = logger
        registry = PrometheusCollectorRegistry()
        metrics = SweepMetrics(factory: PrometheusHelpFactory(registry: registry))
    }

    /// Starts serving; returns the bound port once it listens (port 0 picks one); throws if
    /// the address cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        let port: Int
        do {
            port = try await withCheckedThrowingContinuation { continuation in
                let bound = ResumeOnce(continuation)
                let app = Application(
                    router: makeRouter(),
                    server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                    configuration: .init(address: .hostname(address.host, port: address.port), serverName: "sweep"),
                    onServerRunning: { channel in bound.resume(.success(channel.localAddress?.port ?? 0)) },
                    logger: quietLogger)
                running.set(
                    Task.detached {
                        do {
                            try await app.run()
                        } catch {
                            bound.resume(.failure(error))
                        }
                        bound.resume(.failure(DashboardError("it stopped before it listened")))
                    })
            }
        } catch {
            throw DashboardError("cannot serve the dashboard on \(address): \(error)")
        }
        logger.info(
            "dashboard on http://\(DashboardAddress(host: address.host, port: port))/ (/api/status, /api/trials, /metrics)"
        )
        return port
    }

    /// Stops serving and closes its connections; waits at most `timeout` for that.
    public func stop(timeout: Duration = .seconds(5)) async {
        guard let task = running.take() else { return }
        task.cancel()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await task.result }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// `start`, for a caller outside Swift concurrency (the command line's main thread).
    @discardableResult
    public func startBlocking() throws -> Int {
        let result = Once<Result<Int, any Error>>()
        Task.detached {
            do { result.set(.success(try await self.start())) } catch { result.set(.failure(error)) }
        }
        return try result.wait().get()
    }

    /// `stop`, for a caller outside Swift concurrency.
    public func stopBlocking() {
        let done = Once<Bool>()
        Task.detached {
            await self.stop()
            done.set(true)
        }
        _ = done.wait()
    }

    /// Hummingbird's own log lines are left out (stopping by cancellation logs one as an error);
    /// a failure to bind is thrown by `start`.
    private var quietLogger: Logger {
        var quiet = logger
        quiet.logLevel = .critical
        return quiet
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: TokenMiddleware<BasicRequestContext>(token: token)) }
        let reads = PageReader(directory: directory)
        router.get("/") { _, _ in try await reads.page(.html, "/") { try DashboardPages.report(directory: $0) } }
        router.get("/api/status") { _, _ in
            try await reads.page(.json, "/api/status") { try DashboardPages.status(directory: $0) }
        }
        router.get("/api/trials") { _, _ in
            try await reads.page(.json, "/api/trials") { try DashboardPages.trials(directory: $0) }
        }
        router.get("/metrics") { [registry] _, _ in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer))
        }
        return router
    }
}

/// The task serving, while it serves.
final class Running: @unchecked Sendable {  // safe: `task` guarded by `lock`
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func set(_ task: Task<Void, Never>) { lock.withLock { self.task = task } }
    func take() -> Task<Void, Never>? {
        lock.withLock {
            defer { task = nil }
            return task
        }
    }
}

/// Resumes a continuation once, whoever comes first (the server running, or failing to).
final class ResumeOnce: @unchecked Sendable {  // safe: `continuation` guarded by `lock`
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Int, any Error>?

    init(_ continuation: CheckedContinuation<Int, any Error>) { self.continuation = continuation }

    func resume(_ result: Result<Int, any Error>) {
        lock.withLock {
            continuation?.resume(with: result)
            continuation = nil
        }
    }
}

/// A value set once by one thread and awaited by another (the first `set` wins).
final class Once<Value: Sendable>: @unchecked Sendable {  // safe: `value` guarded by `condition`
    private let condition = NSCondition()
    private var value: Value?

    func set(_ newValue: Value) {
        condition.lock()
        if value == nil { value = newValue }
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
