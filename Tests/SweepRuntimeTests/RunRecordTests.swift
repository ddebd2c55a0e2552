import Foundation
import GRDB
import Logging
import Testing

@testable import SweepCore
@testable import SweepRuntime

/// The spec is read once: run.db keeps the text the sweep started with, and resume uses it.
struct RunRecordTests {
    func specFile(_ text: String) throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sweep-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("spec.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    let original = """
        name: kept
        cv: {folds: 2}
        trainer: {model: noop}
        space: {score: {values: [1, 2]}}
        objective: {metric: score}
        """

    @Test func resumeUsesTheStoredSpecAndSaysWhenTheFileChanged() throws {
        let (directory, path) = try specFile(original)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sweep = try SweepLoader.load(specPath: path)
        #expect(sweep.specText == original)
        let run = directory.appendingPathComponent("run").path
        _ = try RunRecord.create(
            directory: run, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil,
            allowPaths: [], insecure: false)
        #expect(try RunRecord.resume(directory: run).specFileChanged == false)

        try original.replacingOccurrences(of: "values: [1, 2]", with: "values: [1, 2, 3]").write(
            toFile: path, atomically: true, encoding: .utf8)
        let resumed = try RunRecord.resume(directory: run)
        #expect(resumed.specFileChanged == true)
        #expect(resumed.specText == original, "the text the sweep started with, not the file as it is now")

        try FileManager.default.removeItem(atPath: path)
        #expect(try RunRecord.resume(directory: run).specFileChanged == nil, "the file is gone: nothing to compare")
    }

    /// `search.time_limit` restarted on resume (issue 12): the search's time is kept in run.db.
    @Test func theSearchTimeOfEarlierRunsIsRestored() throws {
        let (directory, path) = try specFile(original)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sweep = try SweepLoader.load(specPath: path)
        let run = directory.appendingPathComponent("run").path
        let record = try RunRecord.create(
            directory: run, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil,
            allowPaths: [], insecure: false)
        #expect(try RunRecord.resume(directory: run).restoredState?.searchSeconds == 0)
        let journal = try RunJournal(
            database: record.database, directory: run, spec: sweep.spec, logger: Logger(label: "test"))
        journal.searchClock(nil, now: 99)  // no trial yet: nothing to keep
        journal.searchClock(12.5, now: 100)
        journal.searchClock(13, now: 101)  // kept now and then, not at every turn of the loop
        journal.searchClock(14.25, now: 102, final: true)
        try journal.commit()
        #expect(try RunRecord.resume(directory: run).restoredState?.searchSeconds == 14.25)
        let kept = try record.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE kind = 'search-seconds'")
        }
        #expect(kept == 2)
    }
}
