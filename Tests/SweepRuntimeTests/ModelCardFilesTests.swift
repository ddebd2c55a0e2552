import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport
@testable import SweepRuntime

/// When `RunReport.write` writes, removes or leaves the model card: a running sweep keeps what
/// it has, a finished one without a model has none, and a damaged model file is said plainly
/// after the report files were written.
@Suite struct ModelCardFilesTests {
    /// Three trials × two folds counted, trial 2 best.
    static func recorded() throws -> RunDatabaseFixture {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        for trial in 0..<3 { for fold in 0..<2 { fixture.count(trial, fold, score: Double(trial + 1)) } }
        try fixture.database.commit()
        return fixture
    }

    static func staleCard(_ fixture: RunDatabaseFixture) throws {
        for name in ["MODEL.md", "model-card.json"] {
            try "stale".write(toFile: fixture.run + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    static func cardExists(_ fixture: RunDatabaseFixture) -> [Bool] {
        ["MODEL.md", "model-card.json"].map { FileManager.default.fileExists(atPath: fixture.run + "/" + $0) }
    }

    @Test func aRunningSweepKeepsTheCardItHas() throws {
        let fixture = try Self.recorded()
        try Self.staleCard(fixture)
        try RunReport.write(directory: fixture.run)
        #expect(try ModelCardFiles.write(directory: fixture.run) == .untouched)
        #expect(Self.cardExists(fixture) == [true, true])
    }

    @Test func aFinishedSweepWithoutAModelHasNoCard() throws {
        let fixture = try Self.recorded()
        fixture.database.finished(complete: true, wallSeconds: 1)
        try fixture.database.commit()
        try fixture.record.recordRefit(RefitOutcome(modelFile: nil, note: "refit: false", holdout: nil, holdoutRows: 0))
        try Self.staleCard(fixture)
        try RunReport.write(directory: fixture.run)
        #expect(Self.cardExists(fixture) == [false, false])
        #expect(try ModelCardFiles.write(directory: fixture.run) == .removed)
    }

    /// The recorded model.json is not a model file: the report files are written, the card is
    /// not, and the error says why.
    @Test func aDamagedModelFileIsSaidPlainly() throws {
        let fixture = try Self.recorded()
        fixture.database.finished(complete: true, wallSeconds: 1)
        try fixture.database.commit()
        try fixture.record.recordRefit(RefitOutcome(modelFile: "model.json", note: nil, holdout: nil, holdoutRows: 0))
        try "{\"not\": \"a model\"}".write(toFile: fixture.run + "/model.json", atomically: true, encoding: .utf8)
        #expect {
            try RunReport.write(directory: fixture.run)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("no model card written (the report files are): ")
                && text.hasSuffix("model.json is not a sweep model file (model.json from a run directory)")
        }
        #expect(FileManager.default.fileExists(atPath: fixture.run + "/report.md"))
        #expect(Self.cardExists(fixture) == [false, false])
    }
}
