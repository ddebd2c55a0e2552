import Foundation
import Logging
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Setup work runs off the worker's socket thread (issue 12, housekeeping): decoding a SETUP and
/// reading a command sweep's files happen on a background queue, the outcome comes back through
/// the inbox, and tasks of that sweep wait meanwhile instead of failing.
struct WorkerSetupTests {
    static let plan = FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[]])

    func launcher() throws -> (TaskLauncher, Mailbox<WorkerService.Inbox>, TaskPool) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-setup-\(UUID())")
        let inbox = Mailbox<WorkerService.Inbox>()
        let pool = TaskPool(threads: 1, name: "test-trainer")
        let tasks = TaskLauncher(
            store: try BlobStore(root: root), gpus: [], inbox: inbox, pool: pool, logger: Logger(label: "test"),
            workerName: "w")
        return (tasks, inbox, pool)
    }

    /// Waits (polling, generous deadline) for the inbox to deliver an item that `match` takes.
    func next<T>(in inbox: Mailbox<WorkerService.Inbox>, _ match: (WorkerService.Inbox) -> T?) -> T? {
        var ignored: TaskLauncher? = nil
        return pump(&ignored, inbox, match)
    }

    /// Like `next`, applying the setup outcomes that come first to `tasks` (as the worker's loop
    /// does); FETCH requests they lead to are added to `requests`.
    func pump<T>(
        _ tasks: inout TaskLauncher?, _ inbox: Mailbox<WorkerService.Inbox>, requests: inout [Message],
        _ match: (WorkerService.Inbox) -> T?
    ) -> T? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            for item in inbox.drain() {
                if let found = match(item) { return found }
                requests += tasks?.take(item) ?? []
            }
            usleep(1000)
        }
        return nil
    }

    func pump<T>(
        _ tasks: inout TaskLauncher?, _ inbox: Mailbox<WorkerService.Inbox>, _ match: (WorkerService.Inbox) -> T?
    ) -> T? {
        var requests: [Message] = []
        return pump(&tasks, inbox, requests: &requests, match)
    }

    @Test func aSetupIsDecodedOffTheSocketThreadAndItsTasksWait() throws {
        var (tasks, inbox, pool) = try launcher()
        defer { pool.stop() }
        let setup = Setup(
            sweepID: 5, folds: 2, plan: Self.plan, trainer: .builtin(WireBuiltin(model: "noop", data: nil)))
        let bytes = Codec.encode(.setup(setup))
        #expect(Codec.setupSweepID(bytes) == 5)
        #expect(Codec.setupSweepID(Codec.encode(.heartbeat)) == nil)
        tasks.decodeSetup(bytes, sweepID: 5)
        #expect(tasks.contexts[5] == nil, "nothing is decoded on the calling thread")
        let lease = LeaseRef(trial: 0, fold: 0, attempt: 1)
        tasks.run(Assignment(lease: lease, params: Params(["score": .int(2)])), sweepID: 5)
        #expect(tasks.waiting.count == 1, "a task of a sweep being decoded waits")
        let decoded = try #require(next(in: inbox) { if case .setupDecoded(let setup) = $0 { setup } else { nil } })
        let awaited = tasks.decoded(decoded.sweepID)
        #expect(awaited)
        _ = tasks.load(decoded)
        let result = try #require(next(in: inbox) { if case .finished(let result) = $0 { result } else { nil } })
        #expect(result.succeeded && result.metrics["score"] == 2, "\(result)")
    }

    @Test func anUndecodableSetupFailsTheTasksThatWaitedForIt() throws {
        var (tasks, inbox, pool) = try launcher()
        defer { pool.stop() }
        var bytes = Codec.encode(
            .setup(
                Setup(sweepID: 6, folds: 2, plan: Self.plan, trainer: .builtin(WireBuiltin(model: "noop", data: nil)))))
        bytes.append(0)  // a trailing byte: malformed
        tasks.decodeSetup(bytes, sweepID: 6)
        let lease = LeaseRef(trial: 0, fold: 1, attempt: 1)
        tasks.run(Assignment(lease: lease, params: Params([:])), sweepID: 6)
        let error = try #require(next(in: inbox) { if case .setupMalformed(6, let error) = $0 { error } else { nil } })
        #expect(error.reason.contains("unexpected bytes"))
        tasks.undecodable(6)
        let result = try #require(next(in: inbox) { if case .finished(let result) = $0 { result } else { nil } })
        #expect(!result.succeeded && result.lease == lease)
    }

    @Test func aCommandSweepsFilesAreCheckedAndReadOffTheSocketThread() throws {
        var (launcher, inbox, pool) = try launcher()
        defer { pool.stop() }
        let csv = Array("x,y\n1,2\n3,4\n".utf8)
        let blob = BlobRef(sha256: ContentHash.sha256(csv), size: csv.count)
        try launcher.store.store(csv, as: blob)
        let command = WireCommand(
            arguments: ["true"], env: [:], cpus: 1, gpus: 0, objective: "score", seed: 0, timeout: 10, data: blob,
            workdir: nil)
        let plan = FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1]])
        #expect(launcher.load(Setup(sweepID: 7, folds: 2, plan: plan, trainer: .command(command))).isEmpty)
        #expect(launcher.contexts[7] == nil && launcher.checking == 7, "the cache is checked in the background")
        launcher.run(Assignment(lease: LeaseRef(trial: 0, fold: 0, attempt: 1), params: Params([:])), sweepID: 7)
        #expect(launcher.waiting.count == 1)
        var tasks: TaskLauncher? = launcher
        var requests: [Message] = []
        let runner = try #require(
            pump(&tasks, inbox, requests: &requests) {
                if case .setupPrepared(7, let runner) = $0 { runner } else { nil }
            })
        #expect(requests.isEmpty, "the file was in the cache: nothing to fetch")
        guard case .command(let prepared) = runner else {
            Issue.record("expected a command runner, got \(runner)")
            return
        }
        #expect(prepared.data != nil)
        tasks!.install(7, runner)
        #expect(tasks!.contexts[7] != nil && tasks!.waiting.isEmpty)
    }
}
