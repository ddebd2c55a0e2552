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
    private let service: HTTPService

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
        service = HTTPService(address: address, what: "the dashboard", idleTimeout: .seconds(30), logger: logger)
    }

    /// Starts serving; returns the bound port once it listens (port 0 picks one); throws if
    /// the address cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        let port = try await service.start(makeRouter())
        logger.info(
            "dashboard on http://\(DashboardAddress(host: address.host, port: port))/ (/api/status, /api/trials, /metrics)"
        )
        return port
    }

    /// Stops serving and closes its connections; waits at most `timeout` for that.
    public func stop(timeout: Duration = .seconds(5)) async { await service.stop(timeout: timeout) }

    /// `start`, for a caller outside Swift concurrency (the command line's main thread).
    @discardableResult
    public func startBlocking() throws -> Int { try HTTPService.blocking { try await self.start() } }

    /// `stop`, for a caller outside Swift concurrency.
    public func stopBlocking() { _ = try? HTTPService.blocking { await self.stop() } }

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
        router.get("/metrics") { [registry] _, _ in HTTPService.metricsResponse(registry) }
        return router
    }
}
