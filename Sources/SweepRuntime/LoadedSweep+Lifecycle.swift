import SweepCore

extension LoadedSweep {
    /// The sweep with a budget raised by `sweep resume --trials/--time-limit` (nil: as the spec says).
    func withBudget(trials: Int?, timeLimit: Double?) -> LoadedSweep {
        guard trials != nil || timeLimit != nil else { return self }
        var sweep = self
        if let trials { sweep.spec.search.trials = trials }
        if let timeLimit { sweep.spec.search.timeLimit = timeLimit }
        sweep.plannedTrials = SweepLoader.plannedTrials(sweep.spec)
        return sweep
    }
}

extension RunRecord {
    /// The search this sweep runs: the spec's (with any raised budget), its enqueued
    /// configurations, and the warm-start trials recorded when it started.
    public func searchConfiguration(_ sweep: LoadedSweep) -> SearchDriver.Configuration {
        var configuration = sweep.searchConfiguration
        configuration.enqueue = sweep.spec.search.enqueue
        configuration.prior = lifecycle.priorTrials.map { $0.entry(goal: sweep.spec.objective.goal) }
        return configuration
    }

    /// What a warm start would take and skip from each earlier run (`sweep validate`); throws
    /// what starting the sweep would (a missing run, another objective).
    public static func warmStartNotes(_ sweep: LoadedSweep) throws -> [String] { try WarmStart.load(sweep).notes }
}
