/// A trial of an earlier sweep that this one learns from (`search.warm_start`): recorded in
/// run.db when the sweep starts, so a resume has exactly the same prior history.
public struct PriorTrial: Sendable, Equatable {
    /// The earlier run directory, as the spec names it.
    public var source: String
    /// Its number in the earlier sweep.
    public var sourceTrial: Int
    public var params: Params
    /// The mean objective over its folds; for a stopped trial the last intermediate value (nil:
    /// stopped before it reported one).
    public var value: Double?
    /// Stopped early in the earlier sweep (the sampler ranks it after the complete ones).
    public var pruned: Bool

    public init(source: String, sourceTrial: Int, params: Params, value: Double?, pruned: Bool) {
        self.source = source
        self.sourceTrial = sourceTrial
        self.params = params
        self.value = value
        self.pruned = pruned
    }

    /// The trial as the sampler sees it: its value as a loss (lower is better).
    public func entry(goal: Goal) -> SearchHistory.Entry {
        let loss = value.map { goal == .maximize ? -$0 : $0 }
        return SearchHistory.Entry(
            number: -1, params: params, state: pruned ? .pruned(loss) : .complete(loss ?? .nan))
    }
}
