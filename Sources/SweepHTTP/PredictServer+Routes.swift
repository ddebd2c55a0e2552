import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import SweepCore
import SweepML

/// Who may use a served model: anyone on this host (loopback), or, off loopback, only a client
/// with the token.
public enum PredictAccess {
    public static func check(_ address: DashboardAddress, token: String?) throws {
        if let token {
            guard token.count >= DashboardAccess.minimumTokenLength, !token.contains(where: \.isWhitespace) else {
                throw DashboardError(
                    "the --http-token must be at least \(DashboardAccess.minimumTokenLength) characters without spaces (e.g. `openssl rand -hex 16`)"
                )
            }
        }
        guard !address.isLoopback, token == nil else { return }
        throw DashboardError(
            """
            refusing to serve the model on \(address): it is not a loopback address, and anyone who can reach it \
            could use the model. Add --http-token TOKEN or --http-token-file FILE (clients then send \
            Authorization: Bearer TOKEN), or serve on loopback (--http 127.0.0.1:\(address.port)) behind a proxy or \
            an SSH tunnel.
            """)
    }
}

/// Which method each path answers: a known path asked with another method gets 405 (with
/// `Allow`), an unknown path 404, both as JSON.
public enum PredictRoutes {
    public enum Decision: Equatable { case serve, methodNotAllowed(allow: String), notFound }

    public static let methods: [String: [HTTPRequest.Method]] = [
        // HEAD wherever GET works: load balancers' health checks use it.
        "/predict": [.post], "/health": [.get, .head], "/metrics": [.get, .head],
    ]

    public static func decide(path: String, method: HTTPRequest.Method) -> Decision {
        guard let allowed = methods[path] else { return .notFound }
        if allowed.contains(method) { return .serve }
        return .methodNotAllowed(allow: allowed.map(\.rawValue).joined(separator: ", "))
    }
}

struct PredictRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: PredictMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch PredictRoutes.decide(path: request.uri.path, method: request.method) {
        case .serve:
            return try await next(request, context)
        case .methodNotAllowed(let allow):
            metrics.failed(.methodNotAllowed)
            return PredictServer.response(
                .methodNotAllowed,
                json: PredictResponse.error(
                    "\(request.uri.path) answers \(allow), not \(request.method.rawValue)", kind: "method_not_allowed"),
                headers: [.allow: allow])
        case .notFound:
            metrics.failed(.notFound)
            return PredictServer.response(
                .notFound,
                json: PredictResponse.error(
                    "no such path \(request.uri.path): sweep serve answers POST /predict, GET /health and GET /metrics",
                    kind: "not_found"))
        }
    }
}

/// The served model's metrics, in Prometheus' text format at `/metrics`.
public final class PredictMetrics: Sendable {
    public enum ErrorKind: String, Sendable, CaseIterable {
        case badJSON = "bad_json", missingColumn = "missing_column", mistyped, tooLarge = "too_large"
        case notFound = "not_found", methodNotAllowed = "method_not_allowed"
    }

    /// Latency buckets, in seconds: from one row on a warm model to a 16 MiB body.
    public static let buckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    public let registry = PrometheusCollectorRegistry()
    let predictions: Counter
    let latency: DurationHistogram
    private let errors: [ErrorKind: Counter]

    init(model: ModelFile, fileHash: String) {
        func named(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        }
        predictions = registry.makeCounter(
            descriptor: named("sweep_serve_predictions_total", "Rows predicted by POST /predict."), labels: [])
        latency = registry.makeDurationHistogram(
            descriptor: named(
                "sweep_serve_request_duration_seconds",
                "Time to answer each POST /predict, from its head to its answer (reading the body included)."),
            labels: [], buckets: Self.buckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) })
        let refused = named(
            "sweep_serve_errors_total",
            "Requests refused, by kind (bad_json, missing_column, mistyped, too_large, not_found, method_not_allowed).")
        var errors: [ErrorKind: Counter] = [:]
        for kind in ErrorKind.allCases {
            errors[kind] = registry.makeCounter(descriptor: refused, labels: [("kind", kind.rawValue)])
        }
        self.errors = errors
        let info = registry.makeGauge(
            descriptor: named(
                "sweep_serve_model_info",
                "The model served (always 1; its name, task, file format version and file hash are labels)."),
            labels: [
                ("model", model.model), ("task", model.task), ("version", "\(model.version)"), ("sha256", fileHash),
            ])
        info.set(to: 1.0)
    }

    func failed(_ kind: ErrorKind) { errors[kind]?.increment() }
}

/// `--max-body`'s value: bytes, or a number with a unit (KiB, MiB, GiB; KB, MB, GB; K, M, G as
/// the binary ones), e.g. `16MiB`.
public enum ByteCount {
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double? =
            switch unit {
            case "", "b": 1
            case "k", "kib": 1024
            case "m", "mib": 1024 * 1024
            case "g", "gib": 1024 * 1024 * 1024
            case "kb": 1e3
            case "mb": 1e6
            case "gb": 1e9
            default: nil
            }
        guard let scale, let number = Double(digits), number > 0 else { return nil }
        let bytes = (number * scale).rounded()
        return bytes >= 1 && bytes < Double(1 << 40) ? Int(bytes) : nil
    }
}
