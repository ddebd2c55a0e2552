import Foundation
import GRDB
import SweepCore

/// `sweep resume --trials/--time-limit` and `sweep retry`: checked against the run database as
/// it is (read-only), then written in one transaction before the sweep is resumed.
extension RunRecord {
    /// Raises the budget of the sweep in `directory` to `trials` trials or `timeLimit` seconds of
    /// search in all (kept in run.db: a later plain resume keeps it; the spec text is unchanged).
    /// Returns what was raised, for the user.
    @discardableResult
    public static func raiseBudget(directory: String, trials: Int?, timeLimit: Double?) throws -> String {
        let database = try RunDatabase.openForReading(directory: directory)
        let (patience, budgetBefore) = try database.read { db in
            try RunDatabase.checkNotServed(db, directory: directory)
            let restored = try database.restore(db, attempts: false)
            let spec = try RunDatabase.parseStoredSpec(restored.sweep, path: database.path)
            let detail = try String.fetchOne(
                db, sql: "SELECT detail FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1",
                arguments: [RunJournal.searchClockEvent])
            try checkRaise(
                spec: spec, lifecycle: restored.lifecycle, suggested: restored.trials,
                searched: detail.flatMap(Double.init) ?? 0, trials: trials, timeLimit: timeLimit)
            // A reached target ends the search again at once, whatever the budget.
            if let target = spec.objective.target,
                let ended = try String.fetchOne(
                    db, sql: "SELECT detail FROM events WHERE kind = 'search-ended' ORDER BY id DESC LIMIT 1"),
                ended.hasPrefix("the target (")
            {
                throw SweepError(
                    .invalidInput,
                    "\(ended): more budget would end the search again at once (objective.target: \(formatNumber(target))); start a new sweep with a higher target (search.warm_start can start it from this one)"
                )
            }
            return (spec.search.stopAfterNoImprovement, restored.lifecycle.trialsBudget ?? spec.search.trials)
        }
        try RunDatabase.open(directory: directory).raiseBudget(trials: trials, timeLimit: timeLimit)
        let raised = [trials.map { "\($0) trials" }, timeLimit.map { "\(formatNumber($0)) s of search" }]
        let verb = trials.map { new in budgetBefore.map { new < $0 } ?? false } == true ? "lowered" : "raised"
        return "\(verb) the budget to "
            + raised.compactMap { $0 }.joined(separator: " and ") + " in all"
            + (patience.map { "; the stop_after_no_improvement count (\($0)) starts again" } ?? "")
    }

    static func checkRaise(
        spec: Spec, lifecycle: LifecycleRecord, suggested: [Trial], searched: Double, trials: Int?, timeLimit: Double?
    ) throws {
        func refuse(_ message: String) -> SweepError { SweepError(.invalidInput, message) }
        let count = suggested.count
        if let trials {
            if spec.search.algorithm == .grid {
                throw refuse(
                    "--trials: grid search has no trials budget: it evaluates every combination; use a sampler (random, sobol, tpe) for a budget"
                )
            }
            if trials <= count { throw refuse("the sweep has \(count) trials; --trials must be above \(count)") }
        }
        if let timeLimit, timeLimit <= searched {
            throw refuse(
                "the sweep has searched for \(formatNumber(searched)) s; --time-limit must be above that (it counts the search time of every run)"
            )
        }
        let space = SearchSpace(spec.space)
        if let size = space.discreteSize, size <= 1_000_000 {
            let tried = Set(suggested.map(\.params)).union(lifecycle.priorTrials.map(\.params))
            if GridSampler.trials(spec.space).allSatisfy({ tried.contains($0.params) }) {
                throw refuse(
                    "the space is exhausted: every one of its \(GridSampler.trials(spec.space).count) configurations was tried; widen the space in a new sweep (search.warm_start can start it from this one)"
                )
            }
        }
        if trials == nil, let budget = lifecycle.trialsBudget ?? spec.search.trials, count >= budget {
            throw refuse("its trials budget (\(budget)) is spent too: give --trials as well")
        }
        if timeLimit == nil, let limit = lifecycle.timeLimit ?? spec.search.timeLimit, searched >= limit {
            throw refuse("its time limit (\(formatNumber(limit)) s) is spent too: give --time-limit as well")
        }
    }

    /// Sets the counted failures of `trials` (nil: every failed trial) aside, so that resuming the
    /// sweep runs them again with fresh attempts. Returns what will be retried, for the user.
    public static func retry(directory: String, trials: [Int]?) throws -> String {
        let chosen: [Int] = try RunDatabase.openForReading(directory: directory).read { db in
            try RunDatabase.checkNotServed(db, directory: directory)
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM trials") ?? 0
            let failed = Set(
                try Int.fetchAll(db, sql: "SELECT DISTINCT trial FROM results WHERE counted = 1 AND status = 'failed'"))
            guard let trials else {
                // A fail-fast stop leaves its failing tasks unrecorded: resuming runs them again.
                // (Only when the sweep's last session ended that way.)
                let failedFast =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM events WHERE kind = 'failed-fast'
                            AND id > coalesce((SELECT max(id) FROM events WHERE kind = 'resumed'), 0)
                            """) ?? 0
                if failed.isEmpty && failedFast == 0 {
                    throw SweepError(.invalidInput, "no failed trials in \(directory); nothing to retry")
                }
                return failed.sorted()
            }
            for trial in trials where !failed.contains(trial) {
                throw SweepError(.invalidInput, try whyNotFailed(db, trial: trial, count: count, directory: directory))
            }
            return trials
        }
        let tasks = try RunDatabase.open(directory: directory).supersedeFailures(trials: chosen)
        if chosen.isEmpty {
            return "the sweep stopped early (its first attempts all failed alike); its unfinished tasks run again"
        }
        let names = chosen.map(String.init).joined(separator: ", ")
        return
            "retrying \(chosen.count == 1 ? "trial" : "trials") \(names): \(tasks) failed \(tasks == 1 ? "task runs" : "tasks run") again"
    }

    /// Why `trial` has nothing to retry.
    static func whyNotFailed(_ db: Database, trial: Int, count: Int, directory: String) throws -> String {
        guard trial >= 0, trial < count else {
            return count == 0
                ? "trial \(trial) does not exist: the sweep has no trials yet"
                : "trial \(trial) does not exist: the sweep has \(count) trials (0–\(count - 1))"
        }
        let statuses = try String.fetchAll(
            db, sql: "SELECT status FROM results WHERE counted = 1 AND trial = ?", arguments: [trial])
        let folds = try Int.fetchOne(db, sql: "SELECT folds FROM sweep") ?? 1
        if statuses.contains("pruned") {
            return "trial \(trial) was stopped early (pruned), which is not a failure; nothing to retry"
        }
        if statuses.count == folds { return "trial \(trial) finished ok; nothing to retry" }
        return "trial \(trial) has not finished; `sweep resume \(directory)` runs it"
    }
}
