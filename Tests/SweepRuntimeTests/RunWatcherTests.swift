import Foundation
import GRDB
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// What `RunWatcher` reports between two looks at a run: the pure decision on hand-made
/// snapshots, then the polling shell on a real run.db written as a coordinator would.
@Suite struct RunWatcherTests {
    static func snapshot(
        state: String = "running", best: (trial: Int, mean: Double)? = nil, failedFast: String? = nil,
        counted: Int = 0, planned: Int? = nil, timeLimit: Double? = nil, searchSeconds: Double = 0,
        recent: (Int, Double) = (0, 0)
    ) -> RunSnapshot {
        let status = RunStatus(
            name: "s", state: state, coordinator: nil, trials: 10, tasks: 20, succeeded: counted, failed: 0, stopped: 0,
            pending: 20 - counted, countedResults: counted, duplicates: 0, requeued: 0, workersLost: 0,
            attempts: counted,
            resumes: 0,
            best: best.map {
                RunStatus.Best(trial: $0.trial, params: Params(["x": .int($0.trial)]), metric: "m", mean: $0.mean)
            },
            front: nil, recentEvents: [])
        return RunSnapshot(
            status: status, running: 0, folds: 2, workers: 2, busyWorkers: 1, plannedTasks: planned,
            timeLimit: timeLimit,
            searchSeconds: searchSeconds, sessionStart: 0, recent: recent, failedFast: failedFast, readAt: 100)
    }

    @Test func theFirstLookIsABaselineThatReportsNothing() {
        #expect(RunEvent.changes(from: nil, to: Self.snapshot(state: "finished", best: (1, 0.5))).isEmpty)
        #expect(RunEvent.changes(from: nil, to: Self.snapshot(failedFast: "3 failures")).isEmpty)
    }

    @Test func aBetterOrDifferentBestIsReportedOnceAndAnUnchangedOneNever() {
        let first = Self.snapshot(best: (1, 0.5))
        #expect(RunEvent.changes(from: Self.snapshot(), to: first) == [.newBest(first.status.best!)])
        #expect(RunEvent.changes(from: first, to: Self.snapshot(best: (1, 0.5))).isEmpty)
        let better = Self.snapshot(best: (4, 0.75))
        #expect(RunEvent.changes(from: first, to: better) == [.newBest(better.status.best!)])
    }

    @Test func theEndsAreReportedInOrderAfterANewBest() {
        let old = Self.snapshot(best: (1, 0.5))
        let new = Self.snapshot(state: "stopped", best: (2, 0.9), failedFast: "every task failed")
        #expect(
            RunEvent.changes(from: old, to: new) == [
                .newBest(new.status.best!), .failedFast(reason: "every task failed"), .stopped,
            ])
        #expect(RunEvent.changes(from: old, to: Self.snapshot(state: "finished", best: (1, 0.5))) == [.finished])
        #expect(RunEvent.changes(from: old, to: Self.snapshot(state: "interrupted", best: (1, 0.5))) == [.interrupted])
        #expect(RunEvent.changes(from: old, to: Self.snapshot(state: "unknown", best: (1, 0.5))).isEmpty)
    }

    @Test func theETAIsTheSoonerOfTheTasksLeftAndTheTimeLeft() {
        let byTasks = Self.snapshot(counted: 40, planned: 100, recent: (10, 5))
        #expect(byTasks.tasksPerSecond == 2 && byTasks.secondsLeft == 30)
        let byTime = Self.snapshot(counted: 40, planned: 100, timeLimit: 100, searchSeconds: 90, recent: (10, 5))
        #expect(byTime.secondsLeft == 10)
        #expect(Self.snapshot(counted: 40, planned: 100).secondsLeft == nil, "no rate yet, no time limit")
        #expect(Self.snapshot(state: "finished", counted: 40, planned: 100, recent: (10, 5)).secondsLeft == nil)
        #expect(WatchTable.duration(42) == "42s" && WatchTable.duration(185) == "3m05s")
        #expect(WatchTable.duration(7620) == "2h07m")
    }

    @Test func theTableShowsTrialsTasksWorkersBestAndRate() {
        let lines = WatchTable.lines(Self.snapshot(best: (3, 0.12346), counted: 4, planned: 20, recent: (4, 2)))
        #expect(lines[0] == "sweep 's': running")
        #expect(lines.contains("trials   10/10 suggested"))
        #expect(lines.contains("tasks    4/20 counted: 4 ok, 0 failed, 0 stopped early; 0 running, 16 pending"))
        #expect(lines.contains("workers  2 connected: 1 busy, 1 idle"))
        #expect(lines.contains("best     trial 3 x=3 — m 0.1235"))
        #expect(lines.contains("rate     2 tasks/s, ETA 8s"))
    }

    @Test func pollingARealRunReportsChangesOnlyWhenThereAreAny() throws {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        let watcher = try RunWatcher(directory: fixture.run)
        let baseline = try #require(try watcher.poll())
        #expect(baseline.events.isEmpty && baseline.snapshot.status.state == "running")
        #expect(baseline.snapshot.plannedTasks == 6, "a grid of 3 values × 2 folds")
        #expect(try watcher.poll() == nil, "nothing changed")

        for number in 0..<3 { database.trialAdded(fixture.trial(number, number + 1)) }
        database.event("worker-joined", "w1@h slots=1")
        database.event("worker-joined", "w2@h slots=1")
        fixture.count(0, 0, score: 1)
        fixture.count(0, 1, score: 1)
        database.dispatched(LeaseRef(TaskID(trial: 1, fold: 0), attempt: 1), worker: "w2", host: "h")
        try database.commit()
        let first = try #require(try watcher.poll())
        #expect(first.events.map(\.kind) == ["new-best"])
        #expect(first.snapshot.status.best?.trial == 0)
        #expect(first.snapshot.workers == 2 && first.snapshot.busyWorkers == 1 && first.snapshot.running == 1)

        fixture.count(1, 0, score: 2, worker: "w2")
        fixture.count(1, 1, score: 2, worker: "w2")
        database.event("worker-lost", "w1@h: no heartbeat for 3 s")
        try database.commit()
        let second = try #require(try watcher.poll())
        #expect(second.events.map(\.kind) == ["new-best"])
        #expect(second.snapshot.status.best?.params == Params(["score": .int(2)]))
        #expect(second.snapshot.workers == 1 && second.snapshot.busyWorkers == 0, "w1 was lost; w2 has no task")

        database.finished(complete: true, wallSeconds: 1)
        try database.commit()
        let last = try #require(try watcher.poll())
        #expect(last.events.map(\.kind) == ["finished"])
        #expect(last.snapshot.isEnded && last.snapshot.workers == 0, "an ended sweep has no workers")
    }
}

extension RunEvent {
    var kind: String {
        switch self {
        case .newBest: "new-best"
        case .failedFast: "failed-fast"
        case .finished: "finished"
        case .stopped: "stopped"
        case .interrupted: "interrupted"
        }
    }
}
