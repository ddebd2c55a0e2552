import Testing

@testable import SweepCore

struct AggregationTests {
    func record(_ trial: Int, _ fold: Int, _ score: Double?, status: TaskStatus = .ok) -> TaskRecord {
        TaskRecord(
            task: TaskID(trial: trial, fold: fold), status: status, worker: "w", host: "h", attempt: 1,
            duration: 0.1, metrics: score.map { ["acc": $0] } ?? [:], error: status == .failed ? "boom" : nil)
    }

    func trials(_ count: Int) -> [Trial] {
        (0..<count).map { Trial(number: $0, params: Params(["x": .int($0)])) }
    }

    @Test func meanAndPopulationStd() {
        let stats = MeanStd([1, 2, 3, 4])
        #expect(stats.mean == 2.5)
        #expect(abs(stats.std - 1.118033988749895) < 1e-12)
    }

    @Test func bestIsHighestMeanThenLowestStdThenLowestTrial() {
        var records: [TaskID: TaskRecord] = [:]
        for r in [
            record(0, 0, 0.8), record(0, 1, 0.8),  // mean 0.8, std 0
            record(1, 0, 0.9), record(1, 1, 0.7),  // mean 0.8, std 0.1
            record(2, 0, 0.9), record(2, 1, 0.9),  // mean 0.9, std 0
            record(3, 0, 0.9), record(3, 1, 0.9),
        ] {  // same as trial 2, later
            records[r.task] = r
        }
        let summaries = Aggregation.summarize(
            trials: trials(4), records: records, folds: 2, metricNames: ["acc"], objective: "acc")
        let ranked = Aggregation.ranked(summaries, goal: .maximize).map(\.trial.number)
        #expect(ranked == [2, 3, 0, 1])
        #expect(Aggregation.ranked(summaries, goal: .minimize).map(\.trial.number) == [0, 1, 2, 3])
    }

    @Test func failedAndIncompleteTrialsAreNotRanked() {
        var records: [TaskID: TaskRecord] = [:]
        for r in [
            record(0, 0, 0.5), record(0, 1, nil, status: .failed), record(1, 0, 0.6), record(2, 0, 0.1),
            record(2, 1, 0.2),
        ] {
            records[r.task] = r
        }
        let summaries = Aggregation.summarize(
            trials: trials(3), records: records, folds: 2, metricNames: ["acc"], objective: "acc")
        #expect(summaries[0].status == .failed)
        #expect(summaries[0].error == "fold 1: boom")
        #expect(summaries[1].status == .incomplete)
        #expect(summaries[2].status == .ok)
        #expect(Aggregation.best(summaries, goal: .maximize)?.trial.number == 2)
        #expect(summaries[2].foldScores == [0.1, 0.2])
    }
}
