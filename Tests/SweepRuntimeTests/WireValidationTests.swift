import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Issue 12, item 12: validation knows the wire. What the protocol cannot carry is refused at
/// `sweep validate` with its field and line, not discovered when every task fails.
struct WireValidationTests {
    func problems(_ spec: String, csv: String = "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n") throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-wire-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try csv.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        do {
            _ = try SweepLoader.load(specText: spec, specPath: directory.appendingPathComponent("spec.yaml").path)
            return []
        } catch let error as SpecError {
            return error.problems.map(\.description)
        }
    }

    @Test func seventyThousandFoldsAreRefusedWithTheirLine() throws {
        let found = try problems(
            """
            trainer: {command: [sh, t.sh]}
            cv: {folds: 70000, stratified: false}
            objective: {metric: score, goal: maximize}
            search: {algorithm: random, trials: 2}
            space: {x: {values: [1, 2]}}
            """)
        #expect(found == ["line 2: cv.folds: 70000 folds exceed the limit of 65,536 a sweep can carry"])
    }

    @Test func everyBoundTheWireKeepsIsChecked() throws {
        let long = String(repeating: "n", count: 300)
        let value = String(repeating: "v", count: 5000)
        let argument = String(repeating: "a", count: 70_000)
        let found = try problems(
            """
            trainer:
              command: [sh, \(argument)]
              env: {E: \(argument)}
              resources: {cpus: 70000, gpus: 5000}
            cv: {folds: 1000, repeats: 100, stratified: false}
            objective: {metric: \(long), goal: maximize}
            search: {algorithm: random, trials: 2}
            limits: {max_attempts: 70000}
            space:
              \(long): {values: [1, 2]}
              s: {values: [\(value)]}
            """)
        let expected = [
            "line 2: trainer.command: argument 1 has 70000 bytes; an argument may have at most 64 KiB",
            "line 3: trainer.env.E: 70000 bytes exceed the limit of 64 KiB for a value",
            "line 4: trainer.resources.cpus: 70000 cpus exceed the limit of 65,536 per task",
            "line 4: trainer.resources.gpus: 5000 GPUs exceed the limit of 4,096 per task",
            "line 5: cv.repeats: 1000 folds × 100 repeats = 100000 tasks per trial exceed the limit of 65,536",
            "line 6: objective.metric: the objective's metric name has 300 bytes; names may have at most 256 bytes",
            "line 8: limits.max_attempts: 70000 attempts exceed the limit of 65,536 per task",
            "line 10: space.\(long): the parameter name has 300 bytes; names may have at most 256 bytes",
        ]
        for line in expected { #expect(found.contains(line), "missing: \(line)") }
        #expect(found.contains { $0.hasPrefix("line 11: space.s: the value 'vvv") && $0.hasSuffix("at most 4096") })
        #expect(found.count == expected.count + 1, "\(found)")
    }

    @Test func aSpecWithinTheLimitsLoads() throws {
        #expect(
            try problems(
                """
                data: {path: d.csv, target: label, task: classification}
                cv: {folds: 2}
                trainer: {model: logistic_regression}
                """
            ).isEmpty)
    }

    func builtinSweep(rows: Int = 200) throws -> LoadedSweep {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-wire-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = "a,b,label\n" + (0..<rows).map { "\($0),\($0 % 7),\($0 % 2)" }.joined(separator: "\n")
        try csv.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        return try SweepLoader.load(
            specText: """
                data: {path: d.csv, target: label, task: classification}
                cv: {folds: 2}
                trainer: {model: logistic_regression}
                """,
            specPath: directory.appendingPathComponent("spec.yaml").path)
    }

    /// A SETUP that would exceed the message cap even without its data is refused up front.
    @Test func aSetupOverTheMessageCapIsRefusedWithItsSize() throws {
        let sweep = try builtinSweep()
        let exact = Codec.encode(.setup(sweep.setup(sweepID: 0))).count
        #expect(Codec.encodedSize(sweep.setup(sweepID: 0)) == exact)
        #expect(throws: Never.self) { try SweepLoader.checkSetupSize(sweep, cap: exact) }
        do {
            try SweepLoader.checkSetupSize(sweep, cap: exact - 1)
            Issue.record("a setup over the cap was accepted")
        } catch let error as SpecError {
            let text = error.problems.map(\.description).joined()
            #expect(text.hasPrefix("line 1: data.path: the sweep's setup for workers would be \(exact) bytes"))
            #expect(text.contains("200 rows × 1 repeats"))
        }
    }
}
