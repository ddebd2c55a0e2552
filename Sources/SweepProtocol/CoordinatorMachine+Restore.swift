import SweepCore

/// Starting a machine, fresh or from a run database's record: the recorded suggestions are
/// replayed into the search, then the counted results, decisions and intermediate reports, so a
/// resumed sweep continues exactly where it stopped.
extension CoordinatorMachine {
    /// What a resumed sweep had done before: counted tasks and attempts made so far (new
    /// attempts are numbered after them, so old leases still running on workers stay distinct).
    public struct Restored: Sendable {
        /// The trials suggested so far, in number order.
        public var trials: [Trial]
        /// Counted outcomes, in the order they were counted.
        public var counted: [(task: TaskID, status: TaskStatus, metrics: [String: Double])]
        public var attempts: [TaskID: Int]
        public var decisions: [StopDecision]
        /// Intermediate reports of the objective, in the order they arrived (for asha and median).
        public var reports: [(task: TaskID, step: Int, value: Double)]
        /// Seconds the search ran before (earlier runs), so `time_limit` counts across resumes.
        public var searchSeconds: Double
        /// The sweep was extended (`sweep resume --trials/--time-limit`) when this many of the
        /// counted outcomes were in: the `stop_after_no_improvement` count restarts there.
        public var patienceRestartsAfter: Int?

        public init(
            trials: [Trial], counted: [(task: TaskID, status: TaskStatus, metrics: [String: Double])],
            attempts: [TaskID: Int], decisions: [StopDecision] = [],
            reports: [(task: TaskID, step: Int, value: Double)] = [], searchSeconds: Double = 0,
            patienceRestartsAfter: Int? = nil
        ) {
            self.patienceRestartsAfter = patienceRestartsAfter
            self.searchSeconds = searchSeconds
            self.trials = trials
            self.counted = counted
            self.attempts = attempts
            self.decisions = decisions
            self.reports = reports
        }
    }

    public init(_ configuration: Configuration, restored: Restored? = nil) {
        self.configuration = configuration
        search = SearchDriver(configuration.search)
        guard let restored else { return }
        search.elapsedBefore = restored.searchSeconds
        // Replay the search exactly: its suggestions, then what was counted and decided.
        for trial in restored.trials {
            search.replay(trial)
            trials.append(trial)
            tasks.append(fresh: configuration.folds)
        }
        nextFresh = tasks.count
        for (task, attempts) in restored.attempts {
            if let index = taskIndex(task) { tasks[index].attempts = attempts }
        }
        var decided: [Action] = []
        let stoppedTrials = Set(restored.decisions.map(\.trial))
        for decision in restored.decisions { search.stop(decision) }
        for (offset, (task, status, metrics)) in restored.counted.enumerated() {
            if offset == restored.patienceRestartsAfter { search.restartPatience() }
            guard let index = taskIndex(task), !tasks.isDone(index) else { continue }
            tasks[index].done = true
            switch status {
            case .ok: succeeded += 1
            case .failed: failed += 1
            case .pruned: pruned += 1
            }
            guard !stoppedTrials.contains(task.trial), status != .pruned, configuration.scoresSearch(task) else {
                continue
            }
            let values = status == .ok ? searchedValues(metrics) : nil
            for decision in search.foldFinished(trial: task.trial, fold: task.fold, values: values) {
                stop(decision, now: 0, into: &decided)
            }
        }
        if restored.patienceRestartsAfter == restored.counted.count { search.restartPatience() }
        for report in restored.reports {
            if let decision = search.intermediate(
                trial: report.task.trial, fold: report.task.fold, step: report.step, value: report.value)
            {
                stop(decision, now: 0, into: &decided)
            }
        }
        deferred = decided
        // Unfinished tasks of the recorded trials run first.
        for index in tasks.indices where !tasks.isDone(index) {
            requeue(task: TaskID(trial: index / configuration.folds, fold: index % configuration.folds))
        }
        if search.exhausted != nil && succeeded + failed + pruned == tasks.count { phase = .done }
    }
}
