/// Warm start and enqueued configurations in the search.
///
/// Prior trials (`search.warm_start`) join the history before this sweep's first trial: the
/// sampler learns from them (TPE counts them towards its startup trials and its densities), and
/// they are never evaluated again here (their configurations count as already tried). They do
/// not count as trials of this sweep, nor for its best or `stop_after_no_improvement`.
///
/// Enqueued configurations (`search.enqueue`) are trials 0, 1, … in the order given; they count
/// toward `search.trials`. As optuna's `enqueue_trial`, a parameter left out is chosen for
/// the trial: here drawn uniformly on its natural scale from a generator seeded by the sweep's
/// seed and the configuration's position, not by the sampler, so the sampler's own sequence (and
/// its replay on resume) is the same whether or not trials were enqueued. A configuration that
/// repeats an earlier one in the queue is dropped; one a prior trial has runs all the same (as
/// optuna's `enqueue_trial`): its earlier value was measured on the earlier run's data, which
/// `sweep retrain` has replaced. The sampler numbers its
/// suggestions from 0 after the queue, so grid runs its combinations from the first (skipping
/// those already tried) and random and sobol give the same sequence as without a queue.
extension SearchDriver {
    mutating func startQueue() {
        let space = SearchSpace(configuration.space)
        for (index, partial) in configuration.enqueue.enumerated() {
            let params = Self.complete(partial, space: space, seed: configuration.seed, index: index)
            if seen.insert(params).inserted { queue.append(params) }
        }
        for entry in configuration.prior {
            history.addPrior(entry)
            seen.insert(entry.params)
        }
    }

    /// An enqueued configuration with its missing active parameters drawn.
    static func complete(_ partial: Params, space: SearchSpace, seed: UInt64, index: Int) -> Params {
        var generator = SeededGenerator(seed: seed ^ 0x5eed_e0e0_0000_0000 ^ (UInt64(index) &* 0x9e37_79b9_7f4a_7c15))
        var values: [String: ParamValue] = [:]
        for dimension in space.dimensions where SearchSpace.isActive(dimension, in: values) {
            let unit = generator.unit()  // drawn for every active parameter, so one draw never shifts another
            values[dimension.name] = partial[dimension.name] ?? dimension.value(atUnit: unit)
        }
        return Params(values)
    }

    /// The next enqueued trial, while the queue lasts.
    mutating func nextQueued() -> Trial? {
        let number = history.count
        guard number < queue.count else { return nil }
        let trial = Trial(number: number, params: queue[number])
        history.add(trial)
        return trial
    }

    /// The sampler's own numbering: its first suggestion follows the queue.
    func samplerNumber(_ number: Int) -> Int { number - queue.count }

    /// How many trials the queue holds (after dropping duplicates).
    public var enqueuedCount: Int { queue.count }

    /// Extending a sweep restarts the `stop_after_no_improvement` count (a resume calls this at
    /// the point the extension was made, so a later resume counts the same way).
    public mutating func restartPatience() { finishedSinceImprovement = 0 }
}
