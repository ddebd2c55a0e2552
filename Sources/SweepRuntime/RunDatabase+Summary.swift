import Foundation
import GRDB
import SweepCore
import SweepML
import SweepReport

/// A sweep as its run database records it: what the report files are made of, read in one
/// transaction so that a coordinator writing meanwhile cannot tear it.
struct StoredRun {
    var summary: RunSummary
    /// The spec as the sweep ran it, and the name its copy gets in the run directory.
    var specText: String
    var specFileName: String
}

extension RunDatabase {
    /// Reads everything the report shows. Throws when the stored spec no longer parses (the
    /// objective and the metrics come from it).
    /// `restored`: the rows already read since the sweep ended (they no longer change), not read again.
    func storedRun(restored known: Restored? = nil) throws -> StoredRun {
        try read { db in
            let restored = try known ?? restore(db, attempts: false)
            let spec = try Self.parseStoredSpec(restored.sweep, path: path)
            return StoredRun(
                summary: try summary(db, restored: restored, spec: spec), specText: restored.sweep.specText,
                specFileName: Self.specFileName(restored.sweep.specPath))
        }
    }

    static func parseStoredSpec(_ sweep: SweepRow, path: String) throws -> Spec {
        do {
            return try SpecParser.parse(
                sweep.specText, file: sweep.specPath, defaultName: sweep.name, models: BuiltinModels.catalog)
        } catch {
            throw RunDatabaseError(
                description: "the spec stored in \(path) does not parse with this version of sweep:\n\(error)")
        }
    }

    /// `spec.yaml`, or `spec.json` (…) after the extension the spec file had.
    static func specFileName(_ specPath: String) -> String {
        let pathExtension = (specPath as NSString).pathExtension
        return "spec." + (pathExtension.isEmpty ? "yaml" : pathExtension)
    }

    /// The summary of the sweep as recorded: trials, counted tasks, early-stopping decisions,
    /// why the search ended, how the sweep ended and the refit.
    func summary(_ db: Database, restored: Restored, spec: Spec, ending known: Ending? = nil) throws -> RunSummary {
        var records: [TaskID: TaskRecord] = [:]
        records.reserveCapacity(restored.counted.count)
        var names = Set<String>()
        for record in restored.counted where records[record.task] == nil {
            records[record.task] = record
            // Command trainers may report more metrics than the objective: report every one seen.
            for name in record.metrics.keys where !names.contains(name) { names.insert(name) }
        }
        let seen = names.subtracting(spec.metricNames).sorted()
        let ending = try known ?? Ending(db, databasePath: path)
        var summary = RunSummary(
            name: restored.sweep.name, objective: spec.objective, metricNames: spec.metricNames + seen,
            folds: spec.scoredFolds, trials: restored.trials, records: records,
            wallSeconds: ending.wallSeconds, state: ending.state, moreObjectives: spec.moreObjectives,
            constraints: spec.constraints, taskFolds: spec.taskFolds)
        summary.algorithm =
            spec.search.algorithm.rawValue + (spec.earlyStopping.map { " with \($0.name) early stopping" } ?? "")
        summary.stops = restored.decisions
        summary.priorTrials = restored.lifecycle.priorTrials
        summary.retried = restored.lifecycle.superseded
        try refresh(&summary, db, ending: ending)
        return summary
    }

    /// What a summary shows that a finished sweep still adds to (its refit, its nested estimate,
    /// its artifacts, events): read again into a summary built before them, whose trials and
    /// results no longer change, instead of building it all again.
    func refresh(_ summary: inout RunSummary, _ db: Database, ending known: Ending? = nil) throws {
        let ending = try known ?? Ending(db, databasePath: path)
        summary.searchEnded = try String.fetchOne(
            db, sql: "SELECT detail FROM events WHERE kind = 'search-ended' ORDER BY id DESC LIMIT 1")
        summary.healthEvents = try String.fetchAll(
            db,
            sql:
                "SELECT kind || ': ' || detail FROM events WHERE kind IN ('worker-paused', 'lease-abandoned', 'worker-refused', 'failed-fast') ORDER BY id LIMIT 50"
        )
        summary.refit = ending.refit
        summary.nested = ending.state == .finished ? try Self.storedNested(db) : nil
        summary.warmStartNotes = try String.fetchAll(
            db, sql: "SELECT detail FROM events WHERE kind = 'warm-start' ORDER BY id")
        summary.artifacts = try Self.artifactLines(db)
    }
}

/// How a sweep ended, as far as its run database says: its state, its wall time and its refit.
/// A database of schema version 2 has neither the coordinator process nor the wall time nor the
/// refit; what it lacks is derived from its timestamps or left out.
struct Ending {
    var state: RunState
    var wallSeconds: Double
    var refit: RefitOutcome?

    init(_ db: Database, databasePath: String) throws {
        let v3 = try db.tableExists("refit")
        let sweep = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = 1") ?? Row()
        state = try RunDatabase.runState(db)
        // The session the coordinator measured (since its start or resume), to its end; while it
        // runs, to now; after a crash, to its last record.
        let createdAt: Double = sweep["created_at"] ?? 0
        let sessionStart =
            try Double.fetchOne(db, sql: "SELECT max(at) FROM events WHERE kind IN ('started', 'resumed')") ?? createdAt
        if let recorded = sweep["wall_seconds"] as Double?, state == .finished || state == .stopped {
            wallSeconds = recorded
        } else if case .running = state {
            wallSeconds = max(0, Date().timeIntervalSince1970 - sessionStart)
        } else {
            let last =
                try Double.fetchOne(
                    db,
                    sql: """
                        SELECT max(at) FROM (SELECT max(at) AS at FROM events UNION ALL SELECT max(received_at) FROM results
                                             UNION ALL SELECT max(dispatched_at) FROM attempts UNION ALL SELECT finished_at FROM sweep)
                        """) ?? sessionStart
            wallSeconds = max(0, last - sessionStart)
        }
        // Only a finished sweep refits; a sweep resumed since has not refitted yet.
        guard state == .finished else { return }
        refit =
            v3
            ? try Row.fetchOne(db, sql: "SELECT * FROM refit WHERE id = 1").map { row in
                RefitOutcome(
                    modelFile: row["model_file"], note: row["note"],
                    holdout: (row["holdout_json"] as String?).map(decodeMetrics),
                    holdoutRows: row["holdout_rows"])
            } : Self.legacyRefit(databasePath: databasePath)
    }

    /// A version 2 database does not record the refit: the one exception to "run.db alone" is
    /// the model file its sweep left beside it (its holdout scores are lost).
    static func legacyRefit(databasePath: String) -> RefitOutcome? {
        let model = ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
            "model.json")
        guard FileManager.default.fileExists(atPath: model) else { return nil }
        return RefitOutcome(modelFile: "model.json", note: nil, holdout: nil, holdoutRows: 0)
    }
}
