import Foundation
import SweepCore
import SweepProtocol

/// `search.warm_start`: the trials of earlier run directories that a new sweep's sampler learns
/// from. Each run.db is opened read-only (WAL: a coordinator still writing it is neither blocked
/// nor changed). Its search is replayed from the record exactly as a resume would, so its trials
/// are what its sampler had: complete ones with their mean, stopped ones with their last value;
/// failed and unfinished ones are left out. A trial is taken when its active parameters are
/// today's and its values lie inside today's space; the rest are skipped, with the reason.
enum WarmStart {
    struct Loaded {
        var trials: [PriorTrial] = []
        /// Per source: what was taken and skipped, and why (logged, recorded as events, reported).
        var notes: [String] = []
    }

    static func load(_ sweep: LoadedSweep) throws -> Loaded {
        var loaded = Loaded()
        let base = URL(fileURLWithPath: sweep.specPath).deletingLastPathComponent()
        let space = SearchSpace(sweep.spec.space)
        for source in sweep.spec.search.warmStart {
            let directory =
                source.hasPrefix("/") ? source : base.appendingPathComponent(source).standardizedFileURL.path
            let (trials, skipped) = try read(source: source, directory: directory, spec: sweep.spec, space: space)
            loaded.trials += trials
            var note = "\(source): \(trials.count) trials taken"
            if !skipped.isEmpty {
                note +=
                    ", \(skipped.count) skipped (" + skipped.prefix(5).joined(separator: "; ")
                    + (skipped.count > 5 ? "; …" : "") + ")"
            }
            loaded.notes.append(note)
        }
        return loaded
    }

    /// One earlier run's usable trials, and why the others were skipped.
    static func read(source: String, directory: String, spec: Spec, space: SearchSpace) throws -> (
        [PriorTrial], [String]
    ) {
        let field = "search.warm_start: \(source)"
        guard FileManager.default.fileExists(atPath: directory) else {
            throw SweepError(.invalidInput, "\(field): no such directory (\(directory))")
        }
        let database: RunDatabase
        do {
            database = try RunDatabase.openForReading(
                directory: directory, immutable: RunDatabase.walIsEmpty(directory: directory))
        } catch let error as RunDatabaseError {
            throw SweepError(.invalidInput, "\(field): \(error)")
        }
        let (restored, earlier) = try database.read { db in
            let restored = try database.restore(db, attempts: true)
            return (restored, try RunDatabase.parseStoredSpec(restored.sweep, path: database.path))
        }
        let theirs = earlier.objective, ours = spec.objective
        guard theirs.metric == ours.metric, theirs.goal == ours.goal else {
            throw SweepError(
                .invalidInput,
                "\(field) optimized \(theirs.metric) (\(theirs.goal.rawValue)); this sweep optimizes \(ours.metric) (\(ours.goal.rawValue)): a warm start needs the same objective metric and goal"
            )
        }
        var taken: [PriorTrial] = []
        var skipped: [String] = []
        for entry in history(restored, spec: earlier) {
            switch space.member(entry.params) {
            case .failure(let problem): skipped.append("trial \(entry.number): \(problem)")
            case .success(let params):
                let value: Double?
                let pruned: Bool
                switch entry.state {
                case .complete(let loss): (value, pruned) = (loss, false)
                case .pruned(let loss): (value, pruned) = (loss, true)
                case .running, .failed: continue
                }
                taken.append(
                    PriorTrial(
                        source: source, sourceTrial: entry.number, params: params,
                        value: value.map { theirs.goal == .maximize ? -$0 : $0 }, pruned: pruned))
            }
        }
        return (taken, skipped)
    }

    /// The earlier sweep's search history as its sampler had it, rebuilt from its record.
    static func history(_ restored: RunDatabase.Restored, spec: Spec) -> [SearchHistory.Entry] {
        let search = SearchDriver.Configuration(
            space: spec.space, algorithm: spec.search.algorithm, seed: spec.search.seed, tpe: spec.search.tpe,
            goal: spec.objective.goal, folds: spec.scoredFolds, earlyStopping: spec.earlyStopping)
        let state = CoordinatorMachine.Restored(
            trials: restored.trials, counted: restored.counted.map { ($0.task, $0.status, $0.metrics) },
            attempts: restored.attempts, decisions: restored.decisions.map(\.decision), reports: restored.reports)
        let machine = CoordinatorMachine(
            .init(
                sweepID: 0, search: search, objective: spec.objective.metric, maxAttempts: 1, taskTimeout: 1,
                taskFolds: spec.taskFolds),
            restored: state)
        return machine.search.history.entries.filter { $0.number >= 0 }
    }
}
