import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// The loader checks the data against whatever part of the spec parsed, so problems in the spec
/// and in its data come back together, each with its field and line.
struct SweepLoaderTests {
    /// Writes a data file beside a spec path in a fresh directory; returns the spec path.
    func directory(csv: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sweep-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try csv.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        return directory.appendingPathComponent("spec.yaml").path
    }

    func problems(_ spec: String, csv: String = "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n") throws -> [String] {
        do {
            _ = try SweepLoader.load(specText: spec, specPath: try directory(csv: csv))
            return []
        } catch let error as SpecError {
            return error.problems.map(\.description)
        }
    }

    @Test func dataProblemsComeInTheSamePassAsSpecProblems() throws {
        let found = try problems(
            """
            data: {path: d.csv, target: lable, task: classification}
            cv: {folds: 2, shufle: true}
            trainer: {model: logistic_regression}
            """)
        #expect(
            found == [
                "line 1: data.target: no column 'lable' in d.csv; columns: a, b, label; did you mean 'label'?",
                "line 2: cv.shufle: unknown key 'shufle'; expected one of: folds, stratified, shuffle, seed, repeats, group, time_series, test_size, outer; did you mean 'shuffle'?",
            ])
    }

    @Test func twoClassMetricsOfObjectivesAndConstraintsAreCheckedAgainstTheClasses() throws {
        let found = try problems(
            """
            data: {path: d.csv, target: label, task: classification}
            cv: {folds: 2}
            trainer: {model: logistic_regression}
            objectives: [{metric: accuracy}, {metric: roc_auc}]
            constraints: [{metric: f1, min: 0.5}]
            """, csv: "a,label\n1,x\n2,y\n3,z\n4,x\n5,y\n6,z\n")
        #expect(
            found == [
                "line 4: objectives[1].metric: 'roc_auc' is for two classes; the data has 3: use roc_auc_ovr",
                "line 5: constraints[0].metric: 'f1' is for two classes; the data has 3: use f1_macro or f1_weighted",
            ])
    }

    @Test func aWrongTrainerStillLetsTheDataBeChecked() throws {
        let found = try problems(
            """
            data: {path: d.csv, target: label, task: classification}
            cv: {folds: 5, group: patiet}
            trainer: {model: ridgee}
            """)
        #expect(found.contains("line 2: cv.group: no column 'patiet' in d.csv; columns: a, b, label"))
        #expect(found.contains("line 2: cv.folds: 5 folds need at least 5 rows outside the holdout; the data has 4"))
        #expect(
            found.contains {
                $0.hasPrefix("line 3: trainer.model: unknown model 'ridgee'") && $0.hasSuffix("did you mean 'ridge'?")
            })
        #expect(found.count == 3)
    }

    @Test func aMissingDataFileIsReportedWithTheSpecsOwnProblems() throws {
        let found = try problems(
            """
            data: {path: missing.csv, target: label, task: classification}
            trainer: {model: knn}
            objective: {metric: rmse}
            """)
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("line 1: data.path: cannot read"))
        #expect(found[1].hasPrefix("line 3: objective.metric: 'rmse' is for regression"))
    }

    @Test func parametersBoundedByTheTrainingRowsAreCheckedAgainstTheData() throws {
        let found = try problems(
            """
            data: {path: d.csv, target: label, task: classification}
            cv: {folds: 2, stratified: false}
            trainer: {model: knn}
            space: {k: {values: [1, 3]}}
            """)
        #expect(found == ["line 4: space.k: k reaches 3 but a training fold has only 2 rows"])
    }

    @Test func theSetupCarriesExactlyOneTrainer() throws {
        let path = try directory(csv: "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")
        let builtin = try SweepLoader.load(
            specText:
                "data: {path: d.csv, target: label, task: classification}\ncv: {folds: 2}\ntrainer: {model: knn}\nspace: {k: 1}",
            specPath: path
        ).setup(sweepID: 3)
        guard case .builtin(let wire) = builtin.trainer else { Issue.record("a built-in trainer expected"); return }
        #expect(wire.model == "knn" && wire.data?.rows == 4 && wire.progressMetrics.first == "accuracy")
        let command = try SweepLoader.load(
            specText:
                "data: {path: d.csv, target: label, task: classification}\ncv: {folds: 2}\ntrainer: {command: [run]}\nobjective: {metric: loss, goal: minimize}",
            specPath: path
        ).setup(sweepID: 3)
        guard case .command(let program) = command.trainer else { Issue.record("a command trainer expected"); return }
        #expect(program.arguments == ["run"] && program.data != nil && program.objective == "loss")
        let decoded = try Codec.decode(Codec.encode(.setup(command)))
        guard case .setup(let again) = decoded, case .command(let same) = again.trainer else {
            Issue.record("a command setup expected"); return
        }
        #expect(same == program)
    }
}
