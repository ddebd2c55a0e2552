import Foundation
import Logging
import Testing

@testable import SweepCore
@testable import SweepHTTP
@testable import SweepProtocol
@testable import SweepRuntime

/// `--notify` end to end in-process: a session watches a real run.db, written here as a
/// coordinator would, and posts to a real server.
@Suite struct NotifierSessionTests {
    /// A run directory of a no-op grid sweep (four trials × two folds) that this test writes to.
    struct Run {
        let directory: String
        let database: RunDatabase

        init() throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sweep-notify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let spec = root.appendingPathComponent("spec.yaml").path
            try """
            name: hooked
            cv: {folds: 2}
            trainer: {model: noop}
            space:
              score: {values: [1, 2, 3, 4]}
            objective: {metric: score, goal: maximize}
            """.write(toFile: spec, atomically: true, encoding: .utf8)
            directory = root.appendingPathComponent("run").path
            database = try RunRecord.create(
                directory: directory, sweep: SweepLoader.load(specPath: spec), mode: "run", bind: "tcp://127.0.0.1:*",
                keyPath: nil, allowPaths: [], insecure: false, localWorkers: nil
            ).database
        }

        /// Trial `number` (score number + 1) with both folds counted.
        func complete(_ number: Int) throws {
            database.trialAdded(Trial(number: number, params: Params(["score": .int(number + 1)])))
            for fold in 0..<2 {
                let lease = LeaseRef(TaskID(trial: number, fold: fold), attempt: 1)
                database.dispatched(lease, worker: "w", host: "h")
                database.counted(
                    TaskRecord(
                        task: lease.task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 0.1,
                        metrics: ["score": Double(number + 1)], error: nil))
            }
            try database.commit()
        }
    }

    static func options(newBestInterval: Double) -> NotifierSession.Options {
        NotifierSession.Options(
            pollInterval: 0.05, newBestInterval: newBestInterval, finalWait: 10,
            retry: NotifierRetry(attempts: 2, firstDelay: 0.05, timeout: 30))
    }

    @Test func aBurstOfBestsCoalescesAndTheEndCarriesTheLatest() async throws {
        let run = try Run()
        let server = try NotifierTestServer()
        let session = try NotifierSession(
            directory: run.directory, urls: [try #require(URL(string: server.url))],
            options: Self.options(newBestInterval: 60), logger: Logger(label: "test"))
        try run.complete(0)
        let first = await server.awaitRequests(1)
        #expect(first.first?.json?["event"] as? String == "new_best")
        #expect((first.first?.json?["best"] as? [String: Any])?["trial"] as? Int == 0)
        for number in 1..<4 { try run.complete(number) }  // within the 60 s: held, coalesced
        run.database.finished(complete: true, wallSeconds: 1)
        try run.database.commit()
        let all = await server.awaitRequests(2)
        await session.stop()
        let events = server.requests.map { $0.json?["event"] as? String }
        #expect(events == ["new_best", "finished"], "\(events)")
        let best = try #require(all.last?.json?["best"] as? [String: Any])
        #expect(best["trial"] as? Int == 3 && (best["params"] as? [String: Any])?["score"] as? Int == 4)
    }

    @Test func aProcessThatEndsBeforeTheSweepDidReportsAFailure() async throws {
        let run = try Run()
        let server = try NotifierTestServer()
        let session = try NotifierSession(
            directory: run.directory, urls: [try #require(URL(string: server.url))],
            options: Self.options(newBestInterval: 0), logger: Logger(label: "test"))
        try run.complete(0)
        await server.awaitRequests(1)
        await session.stop()
        let events = server.requests.compactMap { $0.json }
        #expect(events.map { $0["event"] as? String } == ["new_best", "failed"])
        #expect((events.last?["reason"] as? String)?.contains("before the sweep finished") == true)
    }
}
