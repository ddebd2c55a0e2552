import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `sweep serve` as a real process on a free loopback port, asked over real HTTP (URLSession),
/// against `sweep predict` on the same rows; and `sweep predict` streaming a file bigger than
/// its chunk.
@Suite(.serialized)
struct ServeClusterTests {
    static let iris = SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv")

    /// A model refitted by a tiny sweep (logistic regression on iris), made once for the suite.
    static let model = Result { try makeModel() }

    static func makeModel() throws -> URL {
        let directory = try temporaryDirectory()
        try """
        data: {path: \(iris.path), target: target, task: classification}
        cv: {folds: 2}
        trainer: {model: logistic_regression}
        space: {C: 1}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: directory)
        guard run.awaitExit() == 0 else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: run.stderrLines.joined()])
        }
        return directory.appendingPathComponent("out/model.json")
    }

    /// Starts `sweep serve MODEL --http 127.0.0.1:0 EXTRA`; returns it and its base URL.
    func serve(_ extra: [String] = []) throws -> (ChildProcess, String) {
        let model = try Self.model.get()
        let server = try ChildProcess(["serve", model.path, "--http", "127.0.0.1:0"] + extra)
        let line = try #require(server.awaitLine(containing: "serving "), "\(server.stderrLines)")
        let address = try #require(line.components(separatedBy: "http://").last?.split(separator: "/").first)
        return (server, "http://\(address)")
    }

    /// Iris rows, as a CSV (with a quoted field and CRLF) and as a JSON body (numbers, and a
    /// number as a string).
    func rows(_ count: Int) throws -> (csv: String, json: String) {
        let lines = try String(contentsOf: Self.iris, encoding: .utf8).split(separator: "\n").dropFirst()
        let picked = (0..<count).map { lines[lines.startIndex + ($0 * 7) % lines.count].split(separator: ",") }
        let header = "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm"
        let csv =
            ([header] + picked.map { "\"\($0[0])\",\($0[1...3].joined(separator: ","))" })
            .joined(separator: "\r\n") + "\r\n"
        let names = header.split(separator: ",")
        let json = picked.map { fields in
            "{"
                + (0..<4).map { "\"\(names[$0])\": \($0 == 2 ? "\"\(fields[$0])\"" : String(fields[$0]))" }
                .joined(separator: ", ") + "}"
        }
        return (csv, #"{"rows": ["# + json.joined(separator: ", ") + "]}")
    }

    @Test func serveAnswersWhatPredictWritesAndCountsIt() throws {
        let directory = try temporaryDirectory()
        let (csv, json) = try rows(40)
        try csv.write(to: directory.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let predict = try ChildProcess(["predict", try Self.model.get().path, "new.csv"], directory: directory)
        #expect(predict.awaitExit() == 0, "\(predict.stderrLines)")
        let expected = predict.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(expected.count == 40)

        let (server, base) = try serve()
        defer { server.stop() }
        let answer = try http("POST", base + "/predict", body: json)
        #expect(answer.status == 200, "\(answer.body)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        let classes = try #require(body["classes"] as? [String])
        #expect(classes == ["setosa", "versicolor", "virginica"])
        #expect(body["predictions"] as? [String] == expected.map { String($0[0]) })
        // The probabilities digit for digit as `sweep predict` wrote them (as text: Foundation's JSON
        // parser on Linux may round a last digit).
        let objects = expected.map { fields in
            "{" + classes.enumerated().map { "\"\($0.element)\":\(fields[1 + $0.offset])" }.joined(separator: ",") + "}"
        }
        #expect(answer.body.contains(#""probabilities":["# + objects.joined(separator: ",") + "]}"), "\(answer.body)")

        let missing = try http("POST", base + "/predict", body: #"{"rows": [{"sepal_length_cm": 5}]}"#)
        #expect(missing.status == 400)
        #expect(missing.body.contains("row 0 lacks 3 of the model's 4 feature columns: sepal_width_cm"))
        let health = try http("GET", base + "/health")
        #expect(health.status == 200 && health.body.contains(#""model":"logistic_regression""#))
        let metrics = try http("GET", base + "/metrics")
        #expect(metrics.body.contains("\nsweep_serve_predictions_total 40\n"), "\(metrics.body)")
        #expect(metrics.body.contains(#"sweep_serve_errors_total{kind="missing_column"} 1"#))
        #expect(metrics.body.contains("sweep_serve_request_duration_seconds_count 2"))

        server.signal(SIGTERM)
        #expect(server.awaitExit(timeout: 20) == 0)
        #expect(server.stderrLines.contains { $0.contains("stopping") })
    }

    @Test func aBodyOverMaxBodyGets413AndSIGINTStopsTheServer() throws {
        let (server, base) = try serve(["--max-body", "2KiB"])
        defer { server.stop() }
        let answer = try http("POST", base + "/predict", body: try rows(100).json)
        #expect(answer.status == 413)
        #expect(answer.body.contains("larger than 2048 bytes"))
        #expect(try http("POST", base + "/predict", body: try rows(3).json).status == 200)
        server.signal(SIGINT)
        #expect(server.awaitExit(timeout: 20) == 0)
    }

    @Test func offLoopbackWithoutATokenOrWithABadModelServeRefusesAndSaysWhy() throws {
        let model = try Self.model.get().path
        let open = try FinishedCommand(["serve", model, "--http", "0.0.0.0:0"])
        #expect(open.status == 64)
        #expect(open.stderr.contains("refusing to serve the model on 0.0.0.0:0: it is not a loopback address"))
        let directory = try temporaryDirectory()
        try "{}".write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try FinishedCommand(["serve", "bad.json", "--http", "127.0.0.1:0"], directory: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.json is not a sweep model file"))
        let size = try FinishedCommand(["serve", model, "--max-body", "lots"])
        #expect(size.status == 64 && size.stderr.contains("--max-body 'lots' is not a size"))
    }

    @Test func predictStreamsAFileBiggerThanItsChunkAsItPredictsEachRow() throws {
        let directory = try temporaryDirectory()
        let model = try Self.model.get().path
        let (small, _) = try rows(150)
        try small.write(to: directory.appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        let lines = small.components(separatedBy: "\r\n").dropLast()
        let body = (0..<70).map { _ in lines.dropFirst().joined(separator: "\r\n") }.joined(separator: "\r\n")
        try (lines[0] + "\r\n" + body + "\r\n").write(
            to: directory.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        // Both to files: a pipe's last bytes may still be on their way when a loaded machine's
        // process has exited, and a half-read line would fail the comparison below.
        let one = try ChildProcess(["predict", model, "small.csv", "--out", "small.out.csv"], directory: directory)
        #expect(one.awaitExit() == 0)
        let many = try ChildProcess(["predict", model, "big.csv", "--out", "big.out.csv"], directory: directory)
        #expect(many.awaitExit() == 0, "\(many.stderrLines)")
        let expected = try String(contentsOf: directory.appendingPathComponent("small.out.csv"), encoding: .utf8)
            .split(separator: "\n")
        #expect(expected.count == 151)
        let written = try String(contentsOf: directory.appendingPathComponent("big.out.csv"), encoding: .utf8)
            .split(separator: "\n")
        #expect(written.count == 1 + 150 * 70)
        #expect(written[0] == expected[0])
        #expect(written.dropFirst().enumerated().allSatisfy { $0.element == expected[1 + $0.offset % 150] })

        // A malformed row far down is named by its line, and --out leaves no file behind.
        try (lines[0] + "\n" + body + "\n5.1,3.5,\"1.4\"x,0.2\n").write(
            to: directory.appendingPathComponent("broken.csv"), atomically: true, encoding: .utf8)
        let broken = try ChildProcess(
            ["predict", model, "broken.csv", "--out", "broken.out.csv"], directory: directory)
        #expect(broken.awaitExit() == 2)
        #expect(broken.stderrLines.joined().contains("broken.csv line 10502: unexpected text after a closing quote"))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!left.contains { $0.contains("broken.out") }, "\(left)")
    }
}

/// A blocking HTTP request with URLSession; the status and body.
func http(_ method: String, _ url: String, body: String? = nil) throws -> (status: Int, body: String) {
    var request = URLRequest(url: try #require(URL(string: url)), timeoutInterval: 30)
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let answer = HTTPAnswer()
    URLSession.shared.dataTask(with: request) { data, response, error in
        answer.set((response as? HTTPURLResponse)?.statusCode, data, error)
    }.resume()
    let (status, data, error) = answer.wait()
    if let error { throw error }
    return (try #require(status), String(decoding: data ?? Data(), as: UTF8.self))
}

/// URLSession's completion, handed to the waiting test thread.
private final class HTTPAnswer: @unchecked Sendable {  // safe: `value` guarded by `condition`
    private let condition = NSCondition()
    private var value: (Int?, Data?, (any Error)?)?

    func set(_ status: Int?, _ data: Data?, _ error: (any Error)?) {
        condition.lock()
        value = (status, data, error)
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> (Int?, Data?, (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
