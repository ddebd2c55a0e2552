import Foundation

/// A counted (or final) result as run.db or results.csv holds it.
struct CampaignResult: Equatable, Sendable {
    let trial: Int
    let fold: Int
    let attempt: Int
    let worker: String
    let status: String
    let metrics: [String: Double]
    let error: String
}

/// What a campaign run left behind, gathered after the sweep (see `CampaignEvidence.gather`).
struct CampaignEvidence: Sendable {
    var trialX: [Int: Int] = [:]
    /// Every result run.db counted (counted = 1), possibly more than one per task if the books broke.
    var counted: [CampaignResult] = []
    /// results.csv's rows.
    var csv: [CampaignResult] = []
    /// best.json's trial and mean (nil when it is missing or says no trial succeeded).
    var bestTrial: Int?
    var bestMean: Double?
    var coordinatorExit: Int32?
    var elapsed: Double = 0
    var bound: Double = 0
    /// Processes still alive at the end: trainers, their children, sweep processes.
    var leftovers: [String] = []
    /// Cached files whose SHA-256 is not their name, or workdirs that differ from what was shipped.
    var cacheProblems: [String] = []
    /// Workers that did not exit within the grace after SIGTERM.
    var stubbornWorkers: [String] = []
    var supersedes = 0
    var allowedSupersedes = 0
    /// progress.csv's data rows when the coordinator was killed, and at the end.
    var progressRowsAtKill: [Int] = []
    var progressRowsAtEnd = 0
    /// Attempts whose trainer finished with a final report, and every attempt run.db has a result for.
    var finished: [FinishedAttempt] = []
    var resultAttempts: Set<String> = []
    /// When faults hit which worker place (a cache directory's name; nil: every worker).
    var disturbances: [Disturbance] = []
    /// Numbers worth printing that are not (yet) promises: dispatches, task directories left, …
    var observations: [String] = []
    /// Anything the driver could not do (a worker that would not start, run.db unreadable, …).
    var driverProblems: [String] = []
}

/// One broken promise, worded for the person replaying the seed.
struct Violation: Equatable, Sendable, CustomStringConvertible {
    let check: String
    let detail: String
    var description: String { "\(check): \(detail)" }
}

/// Asserts the campaign's promises over its evidence (pure, so it is tested on made-up evidence).
enum CampaignChecker {
    static func check(_ plan: FaultPlan, _ evidence: CampaignEvidence) -> [Violation] {
        var found: [Violation] = evidence.driverProblems.map { Violation(check: "driver", detail: $0) }
        if evidence.elapsed > evidence.bound || evidence.coordinatorExit == nil {
            found.append(
                Violation(
                    check: "ended in bound",
                    detail: "the sweep did not end within \(Int(evidence.bound)) s (ran \(Int(evidence.elapsed)) s)"))
        } else if evidence.coordinatorExit != 0 {
            found.append(
                Violation(check: "exit status", detail: "the coordinator exited \(evidence.coordinatorExit!), not 0"))
        }
        found += books(plan, evidence)
        found += lostResults(evidence)
        found += agreement(plan, evidence)
        found += grouped("no process left behind", evidence.leftovers)
        found += grouped("worker stops on SIGTERM", evidence.stubbornWorkers)
        found += grouped("cache verifies", evidence.cacheProblems)
        if evidence.supersedes > evidence.allowedSupersedes {
            found.append(
                Violation(
                    check: "names are identities",
                    detail:
                        "\(evidence.supersedes) 'superseded by a new incarnation' drops for \(evidence.allowedSupersedes) restarts and duplicates"
                ))
        }
        for (index, before) in evidence.progressRowsAtKill.enumerated() where evidence.progressRowsAtEnd < before {
            found.append(
                Violation(
                    check: "progress.csv kept",
                    detail:
                        "progress.csv had \(before) rows at coordinator kill \(index + 1), \(evidence.progressRowsAtEnd) at the end"
                ))
        }
        return found
    }

    /// One violation for many findings of a kind: how many, and the first few.
    static func grouped(_ check: String, _ findings: [String]) -> [Violation] {
        guard !findings.isEmpty else { return [] }
        let more = findings.count > 4 ? "; … \(findings.count - 4) more" : ""
        return [
            Violation(check: check, detail: "\(findings.count): " + findings.prefix(4).joined(separator: "; ") + more)
        ]
    }

    /// Every task counted exactly once, ok, with its known value and clean folds.
    static func books(_ plan: FaultPlan, _ evidence: CampaignEvidence) -> [Violation] {
        var found: [Violation] = []
        let byTask = Dictionary(grouping: evidence.counted) { TaskKey(trial: $0.trial, fold: $0.fold) }
        var missing: [TaskKey] = [], failed: [CampaignResult] = [], wrong: [String] = []
        for trial in 0..<plan.trials {
            for fold in 0..<plan.folds {
                let key = TaskKey(trial: trial, fold: fold)
                guard let results = byTask[key] else { missing.append(key); continue }
                if results.count > 1 {
                    found.append(Violation(check: "counted once", detail: "task \(key) counted \(results.count) times"))
                }
                let result = results[0]
                guard result.status == "ok" else { failed.append(result); continue }
                wrong += wrongMetrics(result, x: evidence.trialX[trial])
            }
        }
        if !missing.isEmpty {
            found.append(
                Violation(
                    check: "every task counted",
                    detail:
                        "\(missing.count) of \(plan.tasks) tasks have no counted result (first: \(missing.prefix(5)))"))
        }
        if !failed.isEmpty {
            let reasons = Dictionary(grouping: failed, by: \.error).map { "\($0.value.count)× '\($0.key)'" }
            found.append(
                Violation(
                    check: "every task ok",
                    detail:
                        "\(failed.count) tasks counted as failed: \(reasons.sorted().prefix(4).joined(separator: "; "))"
                ))
        }
        if !wrong.isEmpty {
            found.append(
                Violation(
                    check: "known values",
                    detail:
                        "\(wrong.count) counted results differ from the known values: \(wrong.prefix(6).joined(separator: "; "))"
                ))
        }
        return found
    }

    /// What is wrong with an ok result's metrics (empty when they are the known ones).
    static func wrongMetrics(_ result: CampaignResult, x: Int?) -> [String] {
        guard let x else { return ["task \(result.trial)/\(result.fold): trial has no x"] }
        let expected: [String: Double] = [
            "value": FaultCampaignProject.value(x: x, fold: result.fold), "overlap": 0,
            "rows": Double(FaultCampaignProject.dataRows), "idsum": FaultCampaignProject.expectedIDSum,
        ]
        let differences = expected.sorted { $0.key < $1.key }.compactMap { name, value in
            result.metrics[name] == value
                ? nil : "\(name) \(result.metrics[name].map { "\($0)" } ?? "missing") (expected \(value))"
        }
        guard !differences.isEmpty else { return [] }
        return [
            "task \(result.trial)/\(result.fold) attempt \(result.attempt) on \(result.worker): \(differences.joined(separator: ", "))"
        ]
    }

    /// A trainer that finished with a final report has its result in run.db (counted, duplicate or
    /// failed), unless a fault hit its worker (or the coordinator) around that time.
    static func lostResults(_ evidence: CampaignEvidence) -> [Violation] {
        let lost = evidence.finished.filter { attempt in
            !evidence.resultAttempts.contains("\(attempt.task.trial)/\(attempt.task.fold)/\(attempt.attempt)")
                && !evidence.disturbances.contains {
                    ($0.place == nil || $0.place == attempt.place) && $0.from - 3 <= attempt.at
                        && attempt.at <= $0.to + 3
                }
        }
        guard !lost.isEmpty else { return [] }
        let examples = lost.prefix(4).map { "\($0.task)/\($0.attempt) (\($0.kind)) on \($0.place)" }
        return [
            Violation(
                check: "no result lost",
                detail:
                    "\(lost.count) attempts finished with a final report but run.db has no result for them, with no fault near: \(examples.joined(separator: "; "))"
            )
        ]
    }

    /// run.db and the run directory tell the same story: results.csv row for row, best.json's winner.
    static func agreement(_ plan: FaultPlan, _ evidence: CampaignEvidence) -> [Violation] {
        var found: [Violation] = []
        let database = Dictionary(evidence.counted.map { (TaskKey(trial: $0.trial, fold: $0.fold), $0) }) { a, _ in a }
        let file = Dictionary(evidence.csv.map { (TaskKey(trial: $0.trial, fold: $0.fold), $0) }) { a, _ in a }
        var differences: [String] = []
        for key in Set(database.keys).union(file.keys).sorted() {
            guard let stored = database[key], let written = file[key] else {
                differences.append("\(key) only in \(database[key] == nil ? "results.csv" : "run.db")")
                continue
            }
            if stored.status != written.status || stored.attempt != written.attempt || stored.worker != written.worker
                || stored.metrics["value"] != written.metrics["value"]
            {
                differences.append("\(key): run.db \(summary(stored)), results.csv \(summary(written))")
            }
        }
        if evidence.csv.count != file.count { differences.append("results.csv repeats a task") }
        if !differences.isEmpty {
            found.append(
                Violation(
                    check: "run.db = results.csv",
                    detail: "\(differences.count) differences: \(differences.prefix(4).joined(separator: "; "))"))
        }
        found += bestAgrees(plan, evidence)
        return found
    }

    /// best.json names the trial with the highest mean value among trials with every fold ok.
    static func bestAgrees(_ plan: FaultPlan, _ evidence: CampaignEvidence) -> [Violation] {
        let byTrial = Dictionary(grouping: evidence.counted.filter { $0.status == "ok" }, by: \.trial)
            .filter { Set($0.value.map(\.fold)).count == plan.folds }
        let means = byTrial.compactMapValues { results -> Double? in
            let values = results.compactMap { $0.metrics["value"] }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        guard let top = means.max(by: { $0.value < $1.value }) else {
            return evidence.bestTrial == nil
                ? [] : [Violation(check: "best.json = run.db", detail: "best.json names a trial but none succeeded")]
        }
        guard let trial = evidence.bestTrial, let mean = evidence.bestMean else {
            return [Violation(check: "best.json = run.db", detail: "best.json is missing or names no trial")]
        }
        if trial != top.key || abs(mean - top.value) > 1e-6 {
            return [
                Violation(
                    check: "best.json = run.db",
                    detail: "best.json: trial \(trial) mean \(mean); run.db: trial \(top.key) mean \(top.value)")
            ]
        }
        return []
    }

    static func summary(_ result: CampaignResult) -> String {
        "\(result.status) attempt \(result.attempt) on \(result.worker) value \(result.metrics["value"].map { "\($0)" } ?? "-")"
    }
}

struct TaskKey: Hashable, Comparable, CustomStringConvertible, Sendable {
    let trial: Int
    let fold: Int
    var description: String { "\(trial)/\(fold)" }
    static func < (a: TaskKey, b: TaskKey) -> Bool { (a.trial, a.fold) < (b.trial, b.fold) }
}

/// An attempt whose trainer reached its end and reported its final metrics.
struct FinishedAttempt: Equatable, Sendable {
    let task: TaskKey
    let attempt: Int
    /// Wall-clock time (seconds since 1970) it finished.
    let at: Double
    let kind: String
    /// The worker place (cache directory name) it ran in.
    let place: String
}

/// A span of wall-clock time in which a fault may legitimately lose a worker's results.
struct Disturbance: Equatable, Sendable {
    let place: String?
    let from: Double
    let to: Double
}
