import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SweepML
import Testing

@testable import SweepHTTP

/// A `PredictServer` in this process on a free loopback port, asked over real HTTP.
@Suite struct ServeServerTests {
    func serving(
        token: String? = nil, maxBody: Int = 4096, _ body: (PredictServer, Int) async throws -> Void
    ) async throws {
        let server = try PredictServer(
            model: try serveTestModel(classification: true), path: "model.json", fileHash: "abc123",
            address: DashboardAddress(host: "127.0.0.1", port: 0), token: token, maxBody: maxBody)
        let port = try await server.start()
        do { try await body(server, port) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func send(
        _ port: Int, _ method: HTTPMethod, _ path: String, body: String? = nil, chunked: Bool = false,
        headers: [(String, String)] = []
    ) async throws -> (status: Int, body: String, headers: [(String, String)]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            let bytes = ByteBuffer(string: body)
            request.body =
                chunked
                ? .stream(
                    AsyncStream {
                        $0.yield(bytes); $0.finish()
                    }, length: .unknown) : .bytes(bytes)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: text), response.headers.map { ($0.name, $0.value) })
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func predictHealthAndMetricsAnswerAndCount() async throws {
        try await serving { _, port in
            let body =
                #"{"rows": [{"a": 3.9, "colour": "green"}, {"a": "0.1", "colour": "blue"}, {"a": 1, "colour": "red"}]}"#
            let answer = try await send(port, .POST, "/predict", body: body)
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/json" })
            #expect(try json(answer.body)["predictions"] as? [String] == ["hi", "lo", "hi"])

            let health = try await send(port, .GET, "/health")
            #expect(health.status == 200)
            let status = try json(health.body)
            #expect(status["status"] as? String == "ok" && status["model"] as? String == "logistic_regression")
            #expect(status["version"] as? Int == 1 && status["sha256"] as? String == "abc123")
            #expect(status["features"] as? [String] == ["a", "colour"])

            _ = try await send(port, .POST, "/predict", body: #"{"rows": [{"a": 1}]}"#)
            let metrics = try await send(port, .GET, "/metrics")
            let lines = Set(metrics.body.split(separator: "\n").map(String.init))
            for expected in [
                "sweep_serve_predictions_total 3", "sweep_serve_request_duration_seconds_count 2",
                #"sweep_serve_errors_total{kind="missing_column"} 1"#, #"sweep_serve_errors_total{kind="too_large"} 0"#,
                "# TYPE sweep_serve_request_duration_seconds histogram",
            ] {
                #expect(lines.contains(expected), "\(expected) in\n\(metrics.body)")
            }
            #expect(metrics.body.contains(#"sweep_serve_model_info{model="logistic_regression""#))
        }
    }

    @Test func badBodiesGet400WithTheRowAndColumnAsJSON() async throws {
        try await serving { _, port in
            let missing = try await send(
                port, .POST, "/predict", body: #"{"rows": [{"a": 1, "colour": "red"}, {"a": 2}]}"#)
            #expect(missing.status == 400)
            let error = try json(missing.body)
            #expect(error["kind"] as? String == "missing_column" && error["row"] as? Int == 1)
            #expect((error["error"] as? String)?.contains("lacks 1 of the model's 2 feature columns: colour") == true)
            let mistyped = try await send(port, .POST, "/predict", body: #"{"rows": [{"a": "x", "colour": "red"}]}"#)
            #expect(try mistyped.status == 400 && (json(mistyped.body)["kind"] as? String) == "mistyped")
            let garbage = try await send(port, .POST, "/predict", body: "rows=1")
            #expect(try garbage.status == 400 && (json(garbage.body)["kind"] as? String) == "bad_json")
        }
    }

    @Test func bodiesOverTheBoundGet413WithOrWithoutALength() async throws {
        try await serving(maxBody: 1000) { _, port in
            let rows = Array(repeating: #"{"a": 1, "colour": "red"}"#, count: 100).joined(separator: ",")
            let body = #"{"rows": [\#(rows)]}"#
            for chunked in [false, true] {
                let answer = try await send(port, .POST, "/predict", body: body, chunked: chunked)
                #expect(answer.status == 413, "chunked: \(chunked)")
                #expect(try (json(answer.body)["error"] as? String)?.contains("larger than 1000 bytes") == true)
            }
            let small = try await send(port, .POST, "/predict", body: #"{"rows": [\#(rows.prefix(200))]}"#)
            #expect(small.status != 413)
        }
    }

    @Test func otherMethodsAndPathsGet405And404() async throws {
        try await serving { _, port in
            let get = try await send(port, .GET, "/predict")
            #expect(get.status == 405)
            #expect(get.headers.contains { $0.0.lowercased() == "allow" && $0.1 == "POST" })
            #expect(try await send(port, .POST, "/health", body: "{}").status == 405)
            // A load balancer's HEAD check of /health (and /metrics) is answered, not refused.
            #expect(try await send(port, .HEAD, "/health").status == 200)
            #expect(try await send(port, .HEAD, "/metrics").status == 200)
            let unknown = try await send(port, .GET, "/predictions")
            #expect(unknown.status == 404)
            #expect(try (json(unknown.body)["error"] as? String)?.contains("POST /predict") == true)
        }
    }

    @Test func withATokenEveryRequestMustCarryIt() async throws {
        let token = "0123456789abcdef0123"
        try await serving(token: token) { _, port in
            #expect(try await send(port, .GET, "/health").status == 401)
            #expect(try await send(port, .GET, "/health", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let answer = try await send(
                port, .POST, "/predict", body: #"{"rows": [{"a": 1, "colour": "red"}]}"#,
                headers: [("Authorization", "Bearer \(token)")])
            #expect(answer.status == 200)
            #expect(
                try await send(port, .GET, "/health", headers: [("Authorization", "bearer \(token)")]).status == 200)
            // An API client sends the header; a token in the URL would end up in proxies' access logs.
            #expect(try await send(port, .GET, "/health?token=\(token)").status == 401)
            let cookie = [("Cookie", "sweep_token=\(token)")]
            #expect(try await send(port, .GET, "/health", headers: cookie).status == 401)
        }
    }
}
