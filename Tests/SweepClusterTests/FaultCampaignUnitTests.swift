import Foundation
import Testing

/// The campaign's pure parts: the plan is a function of the seed, and the checker catches each
/// broken promise on made-up evidence (so a clean campaign means something).
struct FaultCampaignUnitTests {
    func plan(_ seed: UInt64, mix: CampaignMix = .all) -> FaultPlan {
        FaultPlan(seed: seed, faults: mix.faults, misbehaviours: mix.misbehaviours, trials: 20, faultCount: 6)
    }

    @Test func aSeedIsAPlan() {
        #expect(plan(42) == plan(42))
        #expect(plan(42).misbehaviourTable == plan(42).misbehaviourTable)
        #expect(plan(42) != plan(43))
    }

    @Test func faultsAreSpreadInOrderAndUndoneLater() {
        for seed in UInt64(1)...50 {
            let events = plan(seed).events
            #expect(events.count == 6)
            #expect(events.map(\.atCounted) == events.map(\.atCounted).sorted())
            #expect(events.allSatisfy { $0.atCounted >= 6 && $0.atCounted < 60 && $0.undoAtCounted >= $0.atCounted })
            #expect(events.allSatisfy { $0.target >= 0 && $0.target < 3 })
        }
    }

    @Test func onlyEarlyAttemptsMisbehave() {
        let plan = plan(7)
        var kinds = Set<Misbehaviour>()
        for trial in 0..<20 {
            for fold in 0..<3 {
                #expect(plan.misbehaviour(trial: trial, fold: fold, attempt: 3) == .none)
                kinds.insert(plan.misbehaviour(trial: trial, fold: fold, attempt: 1))
            }
        }
        #expect(kinds.count > 3, "a plan uses several misbehaviours: \(kinds)")
        let quiet = FaultPlan(seed: 7, faults: [], misbehaviours: [], trials: 20, faultCount: 6)
        #expect(quiet.events.isEmpty && quiet.misbehaviourTable == "\n")
    }

    @Test func theMixSwitchNamesWhatItDoesNotKnow() throws {
        #expect(try CampaignMix.parse("light").get() == .light)
        let listed = try CampaignMix.parse("workerKill, hang").get()
        #expect(listed.faults == [.workerKill] && listed.misbehaviours == [.hang])
        guard case .failure(let error) = CampaignMix.parse("workerKill,meteor") else {
            Issue.record("an unknown kind is refused")
            return
        }
        #expect(error.description.contains("unknown kind 'meteor'") && error.description.contains("coordinatorKill"))
    }

    /// Evidence of a perfect run of `plan`.
    func clean(_ plan: FaultPlan) -> CampaignEvidence {
        var evidence = CampaignEvidence()
        evidence.coordinatorExit = 0
        evidence.elapsed = 10
        evidence.bound = 100
        for trial in 0..<plan.trials {
            evidence.trialX[trial] = trial + 1
            for fold in 0..<plan.folds {
                let result = CampaignResult(
                    trial: trial, fold: fold, attempt: 1, worker: "w0", status: "ok",
                    metrics: [
                        "value": FaultCampaignProject.value(x: trial + 1, fold: fold), "overlap": 0, "rows": 40,
                        "idsum": FaultCampaignProject.expectedIDSum,
                    ], error: "")
                evidence.counted.append(result)
                evidence.csv.append(result)
            }
        }
        evidence.bestTrial = plan.trials - 1
        evidence.bestMean = FaultCampaignProject.value(x: plan.trials, fold: 0) + Double(plan.folds - 1) / 2
        return evidence
    }

    @Test func theCheckerPassesACleanRunAndCatchesEachBrokenPromise() {
        let plan = plan(1)
        #expect(CampaignChecker.check(plan, clean(plan)) == [])
        var evidence = clean(plan)
        evidence.counted[5] = CampaignResult(
            trial: 1, fold: 2, attempt: 2, worker: "w1", status: "ok", metrics: ["value": -1], error: "")
        evidence.counted.removeLast()
        evidence.counted.append(evidence.counted[0])
        evidence.leftovers = ["pid 9 (forkChild of task 1/1/1) alive, parent 1"]
        evidence.cacheProblems = ["cache-w0/blobs/abc… has SHA-256 def…"]
        evidence.progressRowsAtKill = [30]
        evidence.progressRowsAtEnd = 1
        evidence.supersedes = 40
        evidence.elapsed = 200
        let checks = Set(CampaignChecker.check(plan, evidence).map(\.check))
        #expect(
            checks == [
                "known values", "every task counted", "counted once", "run.db = results.csv", "no process left behind",
                "cache verifies", "progress.csv kept", "names are identities", "ended in bound", "best.json = run.db",
            ])
    }

    @Test func theCheckerNamesFailedTasksAndAWrongBest() {
        let plan = plan(1)
        var evidence = clean(plan)
        evidence.counted[0] = CampaignResult(
            trial: 0, fold: 0, attempt: 10, worker: "w2", status: "failed", metrics: [:], error: "no attempts left")
        evidence.csv[0] = evidence.counted[0]
        evidence.bestTrial = 3
        let violations = CampaignChecker.check(plan, evidence)
        #expect(violations.contains { $0.check == "every task ok" && $0.detail.contains("1× 'no attempts left'") })
        #expect(violations.contains { $0.check == "best.json = run.db" })
    }

    @Test func aFinishedAttemptWithoutAResultIsLostUnlessAFaultWasNear() {
        let plan = plan(1)
        var evidence = clean(plan)
        evidence.resultAttempts = ["0/0/1"]
        evidence.finished = [
            FinishedAttempt(task: TaskKey(trial: 0, fold: 0), attempt: 1, at: 100, kind: "none", place: "cache-w0"),
            FinishedAttempt(
                task: TaskKey(trial: 0, fold: 1), attempt: 1, at: 100, kind: "floodStderr", place: "cache-w1"),
        ]
        let lost = CampaignChecker.check(plan, evidence)
        #expect(lost.map(\.check) == ["no result lost"] && lost[0].detail.contains("0/1/1 (floodStderr) on cache-w1"))
        evidence.disturbances = [Disturbance(place: "cache-w2", from: 99, to: 101)]
        #expect(CampaignChecker.check(plan, evidence).count == 1, "a fault on another worker excuses nothing")
        evidence.disturbances.append(Disturbance(place: "cache-w1", from: 101, to: 102))
        #expect(CampaignChecker.check(plan, evidence) == [])
        evidence.disturbances = [Disturbance(place: nil, from: 90, to: 98)]
        #expect(CampaignChecker.check(plan, evidence) == [], "a coordinator kill excuses every worker")
    }

    @Test func resultsCSVFieldsMayHoldCommasAndQuotes() {
        let rows = CampaignCSV.rows("trial,error\n1,\"exited, \"\"badly\"\"\"\n2,\n")
        #expect(rows == [["trial": "1", "error": "exited, \"badly\""], ["trial": "2", "error": ""]])
    }
}
