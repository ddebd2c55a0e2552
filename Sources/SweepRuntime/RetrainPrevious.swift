import Foundation
import SweepCore
import SweepML
import SweepReport

/// The previous run as `sweep retrain` needs it — finished, with its stored spec, its succeeded
/// trials best first (the best trial, then as the report ranks them) and its model file — read
/// through a read-only connection, so the run directory is never changed.
struct RetrainPrevious {
    let row: RunDatabase.SweepRow
    let spec: Spec
    let ranked: [TrialSummary]
    let model: ModelFile?

    static func read(_ directory: String) throws -> RetrainPrevious {
        let file = (directory as NSString).appendingPathComponent(RunDatabase.fileName)
        guard FileManager.default.fileExists(atPath: file) else {
            throw RetrainPlan.invalid(
                "\(directory) is not a run directory: it has no run.db (give a directory that `sweep run` wrote)")
        }
        // With no WAL left (a finished run), read it as immutable: nothing is created in the
        // previous run directory, which may not even be writable.
        let database = try RunDatabase.openForReading(
            directory: directory, immutable: RunDatabase.walIsEmpty(directory: directory))
        let row = try database.read { db in try database.restore(db, attempts: false).sweep }
        let spec: Spec
        do { spec = try RunDatabase.parseStoredSpec(row, path: database.path) } catch {
            throw RetrainPlan.invalid(
                "the spec stored in \(directory) no longer loads: \(RetrainPlan.describe(error))")
        }
        let summary = try database.storedRun().summary
        guard summary.state.isFinished else {
            let advice: String
            if case .running = summary.state {
                advice = "wait for it to finish (`sweep status \(directory)`), then retrain it"
            } else {
                advice = "`sweep resume \(directory)` it to its end first, then retrain it"
            }
            throw RetrainPlan.invalid(
                "the sweep in \(directory) has not finished (it is \(RunDatabase.describe(summary.state).0)): \(advice)"
            )
        }
        guard spec.data != nil else {
            throw RetrainPlan.invalid("the sweep in \(directory) has no data section: there is no data to replace")
        }
        var ranked = summary.feasibleRanked
        if let best = summary.best { ranked = [best] + ranked.filter { $0.trial.number != best.trial.number } }
        guard !ranked.isEmpty else {
            throw RetrainPlan.invalid(
                "the sweep in \(directory) has no succeeded trial\(summary.constraints.isEmpty ? "" : " that meets its constraints") to retrain"
            )
        }
        var model: ModelFile?
        let modelPath = (directory as NSString).appendingPathComponent("model.json")
        if !spec.trainer.isCommand, let bytes = FileManager.default.contents(atPath: modelPath) {
            model = try ModelFile.decode(bytes, path: modelPath)
        }
        return RetrainPrevious(row: row, spec: spec, ranked: ranked, model: model)
    }

    /// Refuses new data lacking a column the previous run used: its target and group, and its
    /// features as the model file recorded them (else the previous data file's header, if it
    /// is still there). A built-in model would otherwise silently train on fewer features.
    func checkColumns(_ table: CSVTable, data: String) throws {
        guard let dataSpec = spec.data else { return }
        var needed = [dataSpec.target] + (spec.cv.group.map { [$0] } ?? [])
        if let model {
            needed += model.features
        } else if let header = previousHeader() {
            needed += header.filter { !dataSpec.drop.contains($0) }
        }
        var seen = Set<String>()
        let missing = needed.filter { seen.insert($0).inserted && !table.header.contains($0) }
        guard missing.isEmpty else {
            throw RetrainPlan.invalid(
                "the new data \(data) lacks \(missing.count == 1 ? "a column" : "\(missing.count) columns") the previous run used: \(missing.joined(separator: ", ")) (the new data has: \(table.header.joined(separator: ", ")))"
            )
        }
    }

    /// Columns of the new data that the previous model had no use for and a built-in model will
    /// take as features (nil: no model file to tell).
    func addedColumns(_ table: CSVTable) -> [String]? {
        guard let model, let dataSpec = spec.data else { return nil }
        let known = Set(model.features + [dataSpec.target] + dataSpec.drop + (spec.cv.group.map { [$0] } ?? []))
        return table.header.filter { !known.contains($0) }
    }

    /// The previous data file's path, as its spec named it (relative to the spec file).
    func previousDataPath() -> String? {
        guard let path = spec.data?.path else { return nil }
        let base = URL(fileURLWithPath: row.specPath).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    /// The previous data file's columns (nil: it is gone or unreadable).
    func previousHeader() -> [String]? {
        guard let path = previousDataPath(), let bytes = FileManager.default.contents(atPath: path) else { return nil }
        return try? CSVTable(parsing: String(decoding: bytes, as: UTF8.self)).header
    }
}
