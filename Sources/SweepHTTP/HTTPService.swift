import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// One Hummingbird server's life, shared by the dashboard and `sweep serve`: started on its own
/// task (returning the bound port once it listens), stopped by cancelling that task, with blocking
/// forms for the command line's main thread, which is outside Swift concurrency.
final class HTTPService: Sendable {
    let address: DashboardAddress
    /// What is served, for the error when the address cannot be bound ("the dashboard").
    let what: String
    let idleTimeout: TimeAmount
    let logger: Logger
    private let running = Running()

    init(address: DashboardAddress, what: String, idleTimeout: TimeAmount, logger: Logger) {
        self.address = address
        self.what = what
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// Serves `router`; returns the bound port once it listens (port 0 picks one); throws if the
    /// address cannot be bound.
    func start(_ router: Router<BasicRequestContext>) async throws -> Int {
        // Hummingbird's own log lines are left out (stopping by cancellation logs one as an
        // error); a failure to bind is thrown here.
        var quiet = logger
        quiet.logLevel = .critical
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let bound = ResumeOnce(continuation)
                let app = Application(
                    router: router,
                    server: .http1(configuration: .init(idleTimeout: idleTimeout)),
                    configuration: .init(address: .hostname(address.host, port: address.port), serverName: "sweep"),
                    onServerRunning: { channel in bound.resume(.success(channel.localAddress?.port ?? 0)) },
                    logger: quiet)
                running.set(
                    Task.detached {
                        do { try await app.run() } catch { bound.resume(.failure(error)) }
                        bound.resume(.failure(DashboardError("it stopped before it listened")))
                    })
            }
        } catch {
            throw DashboardError("cannot serve \(what) on \(address): \(error)")
        }
    }

    /// Stops serving and closes its connections; waits at most `timeout` for that.
    func stop(timeout: Duration = .seconds(5)) async {
        guard let task = running.take() else { return }
        task.cancel()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await task.result }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Runs `body` (an async start) to its end from a thread outside Swift concurrency.
    static func blocking<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
        let result = Once<Result<Value, any Error>>()
        Task.detached {
            do { result.set(.success(try await body())) } catch { result.set(.failure(error)) }
        }
        return try result.wait().get()
    }

    /// Prometheus's text exposition of `registry`, for `GET /metrics`.
    static func metricsResponse(_ registry: PrometheusCollectorRegistry) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(registry.emitToBuffer())
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: buffer))
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
