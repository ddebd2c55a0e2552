import Foundation
import SweepCore

/// Whether a retrained candidate replaces the previous model (TFX's "blessing"): only when it
/// beats the baseline by more than the minimum improvement, in the objective's direction. Pure,
/// so each case is a unit test; the command only carries out the verdict.
public enum RetrainDecision {
    public struct Verdict: Sendable, Equatable {
        public var promoted: Bool
        public var reason: String
    }

    /// What is compared: the objective's means on the new data, the baseline's kind (`model` or
    /// `configuration`) and whether the candidate has a model file to promote.
    public struct Inputs: Sendable {
        public var metric: String
        public var goal: Goal
        public var candidate: Double?
        public var baseline: Double?
        public var kind: String
        public var minImprovement: Double
        public var sameData: Bool
        public var candidateHasModel: Bool
    }

    public static func decide(_ inputs: Inputs) -> Verdict {
        let metric = inputs.metric
        guard let candidate = inputs.candidate else {
            return Verdict(promoted: false, reason: "no trial succeeded on the new data: nothing to promote")
        }
        let ours = "the candidate's \(metric) \(format(candidate)) (CV on the new data)"
        let theirs =
            inputs.kind == "model"
            ? "the previous model's" : "the previous best configuration's"
        guard let baseline = inputs.baseline else {
            return Verdict(
                promoted: true,
                reason:
                    "\(ours) stands alone: \(theirs) \(metric) could not be computed on the new data (it failed there)")
        }
        let place = inputs.kind == "model" ? "on the same validation folds" : "(CV on the new data)"
        let change = inputs.goal == .maximize ? candidate - baseline : baseline - candidate
        var reason: String
        var promoted = change > inputs.minImprovement
        if promoted {
            reason =
                "\(ours) beats \(theirs) \(format(baseline)) \(place) by \(format(change)), more than the minimum improvement \(formatNumber(inputs.minImprovement))"
            if inputs.kind == "model" && !inputs.candidateHasModel {
                promoted = false
                reason += ", but the candidate has no model file (its refit did not produce one): nothing to promote"
            }
        } else {
            reason =
                "\(ours) does not beat \(theirs) \(format(baseline)) \(place) by more than \(formatNumber(inputs.minImprovement)) (improvement \(format(change)))"
        }
        if inputs.sameData {
            // In-sample scores are not reliably optimistic (a strongly regularized model can score
            // below its own CV estimate on its training rows), so the rule is explicit: no change
            // of data, no change of model.
            if promoted { reason = reason.replacingOccurrences(of: " beats ", with: " would beat ") }
            promoted = false
            reason +=
                "; but the new data is the file the previous run was trained on (same sha256): nothing changed, so the previous model stays"
                + (inputs.kind == "model"
                    ? " (its score on its own training rows is in-sample, not comparable with a CV estimate)" : "")
        }
        return Verdict(promoted: promoted, reason: reason)
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
