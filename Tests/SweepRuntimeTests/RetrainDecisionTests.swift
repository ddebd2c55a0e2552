import SweepCore
import Testing

@testable import SweepRuntime

/// The promotion rule of `sweep retrain`, case by case, and where the report's section goes.
struct RetrainDecisionTests {
    func decide(
        _ candidate: Double?, _ baseline: Double?, goal: Goal = .maximize, kind: String = "model",
        minimum: Double = 0, sameData: Bool = false, hasModel: Bool = true
    ) -> RetrainDecision.Verdict {
        RetrainDecision.decide(
            .init(
                metric: goal == .maximize ? "accuracy" : "rmse", goal: goal, candidate: candidate, baseline: baseline,
                kind: kind, minImprovement: minimum, sameData: sameData, candidateHasModel: hasModel))
    }

    @Test func promotesOnlyWhenTheCandidateBeatsTheBaselineByMoreThanTheMinimum() {
        #expect(decide(0.9, 0.8).promoted)
        #expect(
            decide(0.9, 0.8).reason
                == "the candidate's accuracy 0.9000 (CV on the new data) beats the previous model's 0.8000 on the same validation folds by 0.1000, more than the minimum improvement 0"
        )
        #expect(!decide(0.8, 0.8).promoted, "a tie keeps the previous model")
        #expect(!decide(0.85, 0.8, minimum: 0.05).promoted, "the improvement must be more than the minimum")
        #expect(decide(0.86, 0.8, minimum: 0.05).promoted)
        #expect(decide(0.7, 0.8).reason.contains("does not beat the previous model's 0.8000"))
    }

    @Test func followsTheObjectivesDirection() {
        #expect(decide(1.0, 2.0, goal: .minimize).promoted)
        #expect(!decide(2.0, 1.0, goal: .minimize).promoted)
        #expect(decide(2.0, 1.0, goal: .minimize).reason.contains("(improvement -1.0000)"))
    }

    @Test func theSameDataNeverPromotes() {
        let verdict = decide(0.92, 0.90, sameData: true)
        #expect(!verdict.promoted)
        #expect(verdict.reason.hasPrefix("the candidate's accuracy 0.9200 (CV on the new data) would beat"))
        #expect(verdict.reason.contains("nothing changed, so the previous model stays (its score on its own"))
        #expect(!decide(0.92, 0.90, kind: "configuration", sameData: true).promoted)
    }

    @Test func configurationsAndMissingScoresAreSaidPlainly() {
        #expect(decide(0.9, 0.8, kind: "configuration").reason.contains("the previous best configuration's 0.8000"))
        let noModel = decide(0.9, 0.8, hasModel: false)
        #expect(!noModel.promoted && noModel.reason.hasSuffix("nothing to promote"))
        #expect(!decide(nil, 0.8).promoted)
        #expect(decide(0.9, nil, kind: "configuration").promoted, "the previous best failed on the new data")
    }

    @Test func theSectionGoesAfterTheReportsHeader() {
        let report = "# Sweep report: x\n\n- Trials: 3\n\n## Best configuration\n\nTrial 1\n"
        #expect(
            RetrainReport.insert("## Retraining\n\nWhy.\n", into: report)
                == "# Sweep report: x\n\n- Trials: 3\n\n## Retraining\n\nWhy.\n\n## Best configuration\n\nTrial 1\n")
    }
}

/// The paired comparison shown beside the verdict: signed so positive favours the candidate.
struct RetrainPairedTests {
    @Test func aGainOnEveryFoldIsPairedAndSignedForTheGoal() throws {
        let up = try #require(RetrainPlan.paired([0.9, 0.8, 0.85], [0.7, 0.7, 0.6], goal: .maximize))
        #expect(up.folds == 3 && abs(up.meanImprovement - 0.1833) < 1e-3 && up.t > 0 && up.pValue < 0.1)
        let down = try #require(RetrainPlan.paired([1.0, 2.0, 1.5], [2.0, 2.5, 3.0], goal: .minimize))
        #expect(down.meanImprovement == 1 && down.t > 0)
        #expect(RetrainPlan.paired([0.9], [0.8, 0.7], goal: .maximize) == nil, "different folds")
    }
}
