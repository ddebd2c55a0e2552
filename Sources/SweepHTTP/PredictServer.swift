import Dispatch
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import SweepCore
import SweepML
import SweepRuntime

/// `sweep serve`: a refitted model behind HTTP — `POST /predict`, `GET /health` and the
/// Prometheus `GET /metrics` — served by Hummingbird. Bodies are read up to a bound, then decoded
/// and predicted on a queue of their own, never on an event loop.
public final class PredictServer: Sendable {
    public let address: DashboardAddress
    public let model: ModelFile
    public let maxBody: Int
    public let metrics: PredictMetrics
    let token: String?
    let health: String
    let logger: Logger
    private let predictor: Predictor
    private let service: HTTPService

    /// Checks access (off loopback: a token) and makes the metrics; `start` serves.
    /// `fileHash`: the model file's SHA-256, told by `/health` and the metrics.
    public init(
        model: ModelFile, path: String, fileHash: String, address: DashboardAddress, token: String?,
        maxBody: Int = 16 << 20, logger: Logger = Logger(label: "sweep.serve")
    ) throws {
        try PredictAccess.check(address, token: token)
        self.address = address
        self.model = model
        self.maxBody = maxBody
        self.token = token
        self.logger = logger
        metrics = PredictMetrics(model: model, fileHash: fileHash)
        predictor = Predictor(model: model, metrics: metrics)
        health = Self.healthJSON(model, path: path, fileHash: fileHash)
        service = HTTPService(address: address, what: "the model", idleTimeout: .seconds(60), logger: logger)
    }

    /// Starts serving; returns the bound port once it listens (port 0 picks one).
    @discardableResult
    public func start() async throws -> Int { try await service.start(makeRouter()) }

    /// Stops serving and closes its connections; waits at most `timeout` for that.
    public func stop(timeout: Duration = .seconds(5)) async { await service.stop(timeout: timeout) }

    /// `start`, for a caller outside Swift concurrency (the command line's main thread).
    public func startBlocking() throws -> Int { try HTTPService.blocking { try await self.start() } }

    /// `stop`, for a caller outside Swift concurrency.
    public func stopBlocking() { _ = try? HTTPService.blocking { await self.stop() } }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: TokenMiddleware<BasicRequestContext>(token: token, browserLogin: false)) }
        router.add(middleware: PredictRouteMiddleware<BasicRequestContext>(metrics: metrics))
        router.post("/predict") { [predictor, maxBody] request, _ in await predictor.respond(request, maxBody: maxBody)
        }
        router.get("/health") { [health] _, _ in Self.response(.ok, json: health) }
        router.head("/health") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"]) }
        router.head("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"])
        }
        router.get("/metrics") { [metrics] _, _ in HTTPService.metricsResponse(metrics.registry) }
        return router
    }

    static func response(_ status: HTTPResponse.Status, json: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }

    static func healthJSON(_ model: ModelFile, path: String, fileHash: String) -> String {
        let list = { (names: [String]) in "[" + names.map(jsonQuoted).joined(separator: ",") + "]" }
        return """
            {"status":"ok","model":\(jsonQuoted(model.model)),"task":\(jsonQuoted(model.task)),\
            "format":\(jsonQuoted(model.format)),"version":\(model.version),"file":\(jsonQuoted(path)),\
            "sha256":\(jsonQuoted(fileHash)),"target":\(jsonQuoted(model.target)),"features":\(list(model.features)),\
            "classes":\(list(model.classes)),"training_rows":\(model.trainingRows)}
            """
    }
}

/// Decodes, predicts and encodes `/predict` bodies on a concurrent queue: a 16 MiB body takes a
/// while, and the event loops must go on answering `/health` and `/metrics` meanwhile.
final class Predictor: Sendable {
    let model: ModelFile
    let encoder: FeatureEncoder
    let metrics: PredictMetrics
    private let queue = DispatchQueue(label: "sweep.serve.predict", attributes: .concurrent)

    init(model: ModelFile, metrics: PredictMetrics) {
        self.model = model
        self.metrics = metrics
        encoder = FeatureEncoder(model)
    }

    func respond(_ request: Request, maxBody: Int) async -> Response {
        let started = ContinuousClock.now
        let response = await answer(request, maxBody: maxBody)
        metrics.latency.record(ContinuousClock.now - started)
        return response
    }

    private func answer(_ request: Request, maxBody: Int) async -> Response {
        let tooLarge = PredictServer.response(
            .contentTooLarge,
            json: PredictResponse.error(
                "the body is larger than \(maxBody) bytes (sweep serve --max-body): send fewer rows per request",
                kind: "too_large"))
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
            metrics.failed(.tooLarge)
            return tooLarge
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maxBody) } catch is NIOTooManyBytesError {
            metrics.failed(.tooLarge)
            return tooLarge
        } catch {
            return PredictServer.response(
                .badRequest, json: PredictResponse.error("cannot read the body: \(error)", kind: "bad_body"))
        }
        let (model, encoder, metrics) = (self.model, self.encoder, self.metrics)
        let result: Result<(String, Int), PredictRequestError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Result { () throws(PredictRequestError) in
                        let raw = try PredictRequest.matrix(json: Data(body.readableBytesView), encoder: encoder)
                        return (PredictResponse.json(model.predict(raw: raw), classes: model.classes), raw.rows)
                    })
            }
        }
        switch result {
        case .success(let (json, rows)):
            metrics.predictions.increment(by: Int64(rows))
            return PredictServer.response(.ok, json: json)
        case .failure(let error):
            metrics.failed(PredictMetrics.ErrorKind(rawValue: error.kind.rawValue) ?? .badJSON)
            return PredictServer.response(
                .badRequest, json: PredictResponse.error(error.message, kind: error.kind.rawValue, row: error.row))
        }
    }
}
