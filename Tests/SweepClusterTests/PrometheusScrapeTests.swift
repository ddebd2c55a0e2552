import Foundation
import Testing

/// A real Prometheus server scrapes a running sweep's `/metrics` (`sweep run --http`), and its
/// query API finds the sweep's counted tasks.
@Suite(.serialized)
struct PrometheusScrapeTests {
    static let prometheus = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: prometheus != nil, "prometheus is not installed (Debian: apt-get install prometheus)"))
    func prometheusScrapesTheTaskCountOfARunningSweep() throws {
        let project = try temporaryDirectory()
        let marker = project.appendingPathComponent("release")
        try makeProject(project, marker: marker)
        // Trial 3's two folds wait for the marker: the sweep runs, with 4 tasks counted, until
        // Prometheus has seen them.
        let sweep = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "4", "--out", "run", "--http", "127.0.0.1:0"],
            directory: project)
        defer { sweep.stop() }
        let line = try #require(sweep.awaitLine(containing: "dashboard on http://"), "\(sweep.stderrLines)")
        let target = try #require(line.components(separatedBy: "http://").last?.split(separator: "/").first)

        let port = try freePort()
        try """
        global: {scrape_interval: 1s, scrape_timeout: 1s}
        scrape_configs:
          - job_name: sweep
            static_configs: [{targets: ["\(target)"]}]
        """.write(to: project.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let server = try ChildProcess(
            [
                "--config.file=\(project.appendingPathComponent("prometheus.yml").path)",
                "--storage.tsdb.path=\(project.appendingPathComponent("tsdb").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ], directory: project, executable: URL(fileURLWithPath: Self.prometheus!))
        defer { server.stop() }

        let counted = poll(until: "4", deadline: 90) { try? query(port: port, #"sweep_tasks_total{status="ok"}"#) }
        #expect(counted == "4", "prometheus: \(server.stderrLines.suffix(5))")
        #expect(poll(until: "1", deadline: 30) { try? query(port: port, "sweep_workers") } == "1")

        try Data().write(to: marker)
        #expect(sweep.awaitExit() == 0, "\(sweep.stderrLines.joined(separator: "\n"))")
        server.stop()
    }

    func makeProject(_ directory: URL, marker: URL) throws {
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try """
        if [ "$1" = "3" ]; then while [ ! -f "$MARKER" ]; do sleep 0.05; done; fi
        echo "@sweep {\\"score\\": $1}"
        """.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        let rows = (0..<20).map { "\($0),\($0 % 2 == 0 ? "even" : "odd")" }.joined(separator: "\n")
        try ("n,label\n" + rows + "\n").write(
            to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try """
        name: scraped
        data: {path: data.csv, target: label, task: classification}
        cv: {folds: 2}
        trainer: {command: [sh, train.sh, "{x}"], workdir: code, env: {MARKER: "\(marker.path)"}}
        space: {x: {values: [1, 2, 3]}}
        objective: {metric: score, goal: maximize}
        refit: false
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
    }

    /// The value of the query's first series, when Prometheus has one.
    func query(port: Int, _ promql: String) throws -> String? {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        let curl = try ChildProcess(
            ["-s", "--max-time", "5", components.url!.absoluteString], executable: URL(fileURLWithPath: "/usr/bin/curl")
        )
        guard curl.awaitExit(timeout: 10) == 0,
            let json = try JSONSerialization.jsonObject(with: Data(curl.stdout.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let value = result.first?["value"] as? [Any]
        else { return nil }
        return value.last as? String
    }

    /// Asks again every 0.2 s until `value` is `expected` or the deadline passes; the last answer.
    func poll(until expected: String, deadline seconds: Double, _ value: () -> String?) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var last: String?
        while Date() < deadline {
            last = value()
            if last == expected { return last }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return last
    }

    /// A port free on loopback now (the kernel's choice for a socket bound to port 0).
    func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(ok, "cannot find a free port")
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
