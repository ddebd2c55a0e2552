import Foundation
import GRDB
import SweepCore
import SweepReport

/// `sweep export`: a run directory's sweep in other tools' formats, from its run database alone,
/// read-only (a running coordinator is never made to wait; its sweep is exported as it stands).
public enum RunExport {
    /// What an optuna export wrote.
    public struct OptunaOutcome: Sendable {
        public var path: String
        public var studyName: String
        public var trials: Int
    }

    /// Adds the sweep in `directory` to the optuna storage `storageURL` (`sqlite:///…`) as a study
    /// named `studyName`, or the sweep's name.
    public static func optuna(directory: String, storageURL: String, studyName: String?) throws -> OptunaOutcome {
        let path = try OptunaStorage.path(ofURL: storageURL)
        let stored = try load(directory: directory)
        let study = try OptunaStudy(run: stored.run, spec: stored.spec, times: stored.times, reports: stored.reports)
        let name = studyName ?? stored.run.name
        try OptunaStorage.write(study, name: name, toPath: path)
        return OptunaOutcome(path: path, studyName: name, trials: study.trials.count)
    }

    /// Writes the sweep in `directory` to `file` as scikit-learn's `cv_results_` columns; returns
    /// how many trials (rows) it wrote.
    @discardableResult
    public static func cvResults(directory: String, to file: String) throws -> Int {
        let stored = try load(directory: directory)
        let (run, spec) = (stored.run, stored.spec)
        let text = CVResults.csv(run, lowerIsBetter: lowerIsBetter(run.metricNames, spec: spec))
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ExportError(description: "\(file) is a directory; give a file name, e.g. \(file)/cv_results.csv")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw ExportError(description: "cannot write \(file): \(error.localizedDescription)")
        }
        return run.trials.count
    }

    /// What an export is made of, read in one transaction of the run database.
    struct Stored {
        var run: RunSummary
        var spec: Spec
        var times: [Int: OptunaStudy.Times]
        var reports: [Int: [(step: Int, value: Double)]]
    }

    static func load(directory: String) throws -> Stored {
        let database = try RunDatabase.openForReading(directory: directory)
        return try database.read { db in
            let restored = try database.restore(db, attempts: false)
            let spec = try RunDatabase.parseStoredSpec(restored.sweep, path: database.path)
            return Stored(
                run: try database.summary(db, restored: restored, spec: spec), spec: spec, times: try times(db),
                reports: try fold0Reports(db))
        }
    }

    /// Metrics ranked ascending: objectives to minimize, and the built-in metrics where lower is
    /// better. Any other metric ranks as scikit-learn's scores do, higher first.
    static func lowerIsBetter(_ metrics: [String], spec: Spec) -> Set<String> {
        Set(
            metrics.filter { metric in
                if let objective = spec.objectives.first(where: { $0.metric == metric }) {
                    return objective.goal == .minimize
                }
                return MetricInfo.named(metric).map { !$0.higherIsBetter } ?? false
            })
    }

    /// Each trial's first dispatch, and its last counted result or early-stopping decision.
    static func times(_ db: Database) throws -> [Int: OptunaStudy.Times] {
        var times: [Int: OptunaStudy.Times] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT trial, min(dispatched_at) AS at FROM attempts GROUP BY trial") {
            times[row["trial"], default: .init(firstDispatch: nil, lastCounted: nil)].firstDispatch = row["at"]
        }
        let ends = """
            SELECT trial, max(at) AS at FROM (SELECT trial, received_at AS at FROM results WHERE counted = 1
                                              UNION ALL SELECT trial, at FROM decisions) GROUP BY trial
            """
        for row in try Row.fetchAll(db, sql: ends) {
            times[row["trial"], default: .init(firstDispatch: nil, lastCounted: nil)].lastCounted = row["at"]
        }
        return times
    }

    /// Fold 0's intermediate objective values per trial, in step order: those of the attempt that
    /// was counted (else of the latest attempt that reported); a step reported twice keeps its last.
    static func fold0Reports(_ db: Database) throws -> [Int: [(step: Int, value: Double)]] {
        let counted = try Row.fetchAll(db, sql: "SELECT trial, attempt FROM results WHERE counted = 1 AND fold = 0")
            .reduce(into: [Int: Int]()) { $0[$1["trial"]] = $1["attempt"] }
        var byAttempt: [Int: [Int: [Int: Double]]] = [:]  // trial → attempt → step → value
        for row in try Row.fetchAll(
            db, sql: "SELECT trial, attempt, step, value FROM reports WHERE fold = 0 ORDER BY id")
        {
            byAttempt[row["trial"], default: [:]][row["attempt"], default: [:]][row["step"]] = row["value"]
        }
        return byAttempt.reduce(into: [:]) { result, entry in
            let (trial, attempts) = entry
            guard let attempt = counted[trial].flatMap({ attempts[$0] }) ?? attempts.max(by: { $0.key < $1.key })?.value
            else { return }
            result[trial] = attempt.sorted { $0.key < $1.key }.map { (step: $0.key, value: $0.value) }
        }
    }
}
