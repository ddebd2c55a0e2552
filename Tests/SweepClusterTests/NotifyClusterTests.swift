import Foundation
import GRDB
import Glibc
import Testing

/// `--notify` and `sweep status --watch` on real sweeps, with the `sweep` binary and a real HTTP
/// server on loopback.
@Suite struct NotifyClusterTests {
    static func project() throws -> URL {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 4, sleep: 0.1).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aRunNotifiesNewBestsAndItsEndWithTheBestOfBestJSON() throws {
        let directory = try Self.project()
        let server = try HookServer()
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "out", "--notify", server.url], directory: directory,
            timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        let events = server.requests.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let kinds = events.map { $0["event"] as? String ?? "?" }
        #expect(kinds.first == "new_best" && kinds.last == "finished", "\(kinds)")
        #expect(kinds.filter { $0 == "finished" }.count == 1)
        let bestJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("out/best.json")))
                as? [String: Any])
        let best = try #require(events.last?["best"] as? [String: Any])
        #expect(best["trial"] as? Int == bestJSON["trial"] as? Int)
        #expect(best["value"] as? Double == bestJSON["mean"] as? Double)
        #expect(
            NSDictionary(dictionary: best["params"] as? [String: Any] ?? [:]).isEqual(
                to: bestJSON["params"] as? [String: Any] ?? [:]))
        let runDirectory = events.last?["run_directory"] as? String ?? ""
        #expect(runDirectory.hasPrefix("/") && runDirectory.hasSuffix("/out"), "\(runDirectory)")
        #expect(events.last?["sweep"] as? String == "noop-test")
        #expect((events.last?["text"] as? String)?.hasPrefix("sweep 'noop-test' finished") == true)
    }

    @Test func aDeadEndpointCostsTheSweepNothingAndABadURLIsRefusedUpFront() throws {
        let directory = try Self.project()
        let dead = try HookServer(listening: false)  // refuses connections, and keeps its port
        let url = dead.url
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "out", "--notify", url], directory: directory, timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.stderr.contains("not delivered"), "\(run.transcript)")
        let bad = try FinishedCommand(
            ["run", "spec.yaml", "--out", "other", "--notify", url, "--notify", "ftp://hooks.example"],
            directory: directory)
        #expect(bad.status == 64 && bad.stderr.contains("'ftp://hooks.example'"), "\(bad.transcript)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("other").path))
    }

    @Test func watchingAFinishedRunPrintsTheTableAndExits() throws {
        let directory = try Self.project()
        let run = try FinishedCommand(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: directory)
        #expect(run.status == 0, "\(run.transcript)")
        let watch = try FinishedCommand(["status", "out", "--watch", "--interval", "0.1"], directory: directory)
        #expect(watch.status == 0, "\(watch.transcript)")
        for line in [
            "sweep 'noop-test': finished", "trials   4/4 suggested", "tasks    8/8 counted: 8 ok, 0 failed",
            "best     trial 3 score=3 sleep=0.1 — score 3", "rate     ",
        ] {
            #expect(watch.stdout.contains(line), "\(watch.transcript)")
        }
    }

    @Test func watchingARunningRunFollowsItToItsEnd() throws {
        let directory = try Self.project()
        let run = try FinishedCommand(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: directory)
        #expect(run.status == 0, "\(run.transcript)")
        // Make it a sweep still running on another host, two tasks short of its end.
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("out/run.db").path)
        let held = try queue.write { db -> [Row] in
            try db.execute(
                sql: "UPDATE sweep SET status = 'running', coordinator_host = 'elsewhere', finished_at = NULL")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM results WHERE trial = 3")
            try db.execute(sql: "DELETE FROM results WHERE trial = 3")
            return rows
        }
        let watch = try ChildProcess(["status", "out", "--watch", "--interval", "0.1"], directory: directory)
        defer { watch.stop() }
        #expect(watch.awaitStdout(containing: "tasks    6/8 counted"), "\(watch.stdout)")
        #expect(watch.stdout.contains("sweep 'noop-test': unknown") && watch.stdout.contains("best     trial 2"))
        try queue.write { db in
            for row in held {
                try db.execute(
                    sql: """
                        INSERT INTO results (trial, fold, attempt, worker, host, status, duration, metrics_json, error, counted, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        row["trial"], row["fold"], row["attempt"], row["worker"], row["host"], row["status"],
                        row["duration"], row["metrics_json"], row["error"], row["counted"], row["received_at"],
                    ])
            }
        }
        #expect(watch.awaitStdout(containing: "tasks    8/8 counted"), "\(watch.stdout)")
        #expect(watch.stdout.contains("best     trial 3"))
        try queue.write { db in
            try db.execute(
                sql: "UPDATE sweep SET status = 'finished', finished_at = ?", arguments: [Date().timeIntervalSince1970])
        }
        #expect(watch.awaitExit(timeout: 30) == 0, "\(watch.stdout)")
        #expect(watch.stdout.contains("sweep 'noop-test': finished"))
    }
}

/// A loopback HTTP server that answers every request 200 and keeps their bodies.
private final class HookServer: @unchecked Sendable {  // safe: `bodies` guarded by `lock`
    private let listener: Int32
    private let lock = NSLock()
    private var bodies: [Data] = []
    let port: Int

    init(listening: Bool = true) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        var length = size
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, size) == 0 && (!listening || listen(listener, 16) == 0)
                    && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard listening else { return }
        Thread.detachNewThread { [self] in
            while case let connection = accept(listener, nil, nil), connection >= 0 {
                Thread.detachNewThread { [self] in serve(connection) }
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [Data] { lock.withLock { bodies } }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func serve(_ connection: Int32) {
        var buffer = Data()
        let separator = Data("\r\n\r\n".utf8)
        while true {
            while buffer.range(of: separator) == nil {
                guard receive(connection, &buffer) else { return finish(connection) }
            }
            let end = buffer.range(of: separator)!
            let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self).lowercased()
            let length =
                head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            buffer.removeSubrange(buffer.startIndex..<end.upperBound)
            while buffer.count < length { guard receive(connection, &buffer) else { return finish(connection) } }
            lock.withLock { bodies.append(Data(buffer.prefix(length))) }
            buffer.removeFirst(length)
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
            _ = send(connection, answer, answer.count, 0)
        }
    }

    private func receive(_ connection: Int32, _ buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func finish(_ connection: Int32) { Glibc.close(connection) }
}
