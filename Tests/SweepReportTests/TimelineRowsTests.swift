import SweepCore
import Testing

@testable import SweepReport

struct TimelineRowsTests {
    /// An attempt without a result ends where its task went out again, its worker was lost, or
    /// (nothing says so) at the end, still running; each tooltip says which.
    @Test func attemptsWithoutAResultEndWhereTheRecordSays() {
        let a = TaskID(trial: 0, fold: 0), b = TaskID(trial: 0, fold: 1), c = TaskID(trial: 1, fold: 0)
        let details = ReportDetails(
            startedAt: 100,
            attempts: [
                .init(task: a, attempt: 1, worker: "w1", host: "h", dispatchedAt: 101),
                .init(task: b, attempt: 1, worker: "w1", host: "h", dispatchedAt: 102),
                .init(task: a, attempt: 2, worker: "w2", host: "h", dispatchedAt: 104),
                .init(
                    task: a, attempt: 3, worker: "w2", host: "h", dispatchedAt: 107, receivedAt: 108, duration: 1,
                    status: .ok, counted: true),
                .init(task: c, attempt: 1, worker: "w3", host: "h", dispatchedAt: 103),
            ],
            events: [.init(at: 109, kind: "worker-lost", detail: "w3@h")])
        let rows = TimelineRows.build(details)
        #expect(rows.map(\.worker) == ["w1", "w3", "w2"], "in order of first dispatch")
        let (w1, w3, w2) = (rows[0].bars, rows[1].bars, rows[2].bars)
        #expect(w1[0].kind == .lost && w1[0].start == 1 && w1[0].end == 4, "a1 ends where a2 went out")
        #expect(w1[0].title == "trial 0 fold 0 attempt 1: no result, dispatched again at 4 s")
        #expect(w2[0].end == 7 && w2[0].title.hasSuffix("dispatched again at 7 s"), "a2 ends where a3 went out")
        #expect(w2[1].title == "trial 0 fold 0 attempt 3: ok, 1 s (7–8 s)")
        #expect(w1[1].kind == .running && w1[1].end == 9, "b1: nothing says it ended; drawn to the last record")
        #expect(w3[0].title == "trial 1 fold 0 attempt 1: no result, worker lost at 9 s")
    }

    /// run.db gives the attempts in dispatch order, which the rows then use as they are: the
    /// same rows as from the same attempts in any order.
    @Test func attemptsInDispatchOrderGiveTheSameRowsAsShuffledOnes() {
        let attempts: [ReportDetails.Attempt] = (0..<200).map { n in
            let task = TaskID(trial: n / 3, fold: n % 3)
            return n % 7 == 0
                ? .init(task: task, attempt: 1, worker: "w\(n % 4)", host: "h", dispatchedAt: Double(n))
                : .init(
                    task: task, attempt: 1, worker: "w\(n % 4)", host: "h", dispatchedAt: Double(n),
                    receivedAt: Double(n) + 2, duration: 1, status: .ok, counted: true)
        }
        var generator = SeededGenerator(seed: 7)
        let ordered = TimelineRows.build(ReportDetails(startedAt: 0, attempts: attempts))
        let shuffled = TimelineRows.build(ReportDetails(startedAt: 0, attempts: attempts.shuffled(using: &generator)))
        #expect(ordered.map(\.worker) == shuffled.map(\.worker))
        #expect(ordered.map { $0.bars.map(\.title) } == shuffled.map { $0.bars.map(\.title) })
        #expect(ordered[0].bars.count == 50)
    }
}
