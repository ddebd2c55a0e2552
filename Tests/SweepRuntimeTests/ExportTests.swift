import Foundation
import GRDB
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepReport
@testable import SweepRuntime

/// `sweep export` from a run database written as a coordinator writes it: the optuna storage's
/// rows (read back with SQL, as optuna's SQLAlchemy models read them), the refusals, the storage
/// URL rules, and the cv_results CSV. The same files read by optuna and pandas themselves are
/// checked in InteropClusterTests.
@Suite struct ExportTests {
    static let spec = """
        name: books
        cv: {folds: 2}
        trainer: {model: noop}
        search: {algorithm: random, trials: 4, seed: 1}
        space:
          kind: {values: [1, 2.5, yes, "it's"]}
          lr: {loguniform: [0.001, 1]}
          depth: {int: [1, 8], when: {kind: 1}}
          sleep: 0
        objective: {metric: score, goal: maximize}
        """

    /// A run directory with four trials: 0 complete, 1 failed on fold 1, 2 stopped early after
    /// fold 0's reports, 3 dispatched and still running.
    struct Fixture {
        let directory: URL
        let run: String

        /// `latency`: a second metric every successful fold reports (its fold number + 1 times this).
        init(latency: Double? = nil) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sweep-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let specPath = directory.appendingPathComponent("books.yaml").path
            try ExportTests.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
            run = directory.appendingPathComponent("run").path
            let record = try RunRecord.create(
                directory: run, sweep: SweepLoader.load(specPath: specPath), mode: "run", bind: "tcp://127.0.0.1:*",
                keyPath: nil, allowPaths: [], insecure: false)
            let database = record.database
            let trials = [
                Params(["kind": .int(1), "lr": .double(0.01), "depth": .int(3), "sleep": .int(0)]),
                Params(["kind": .double(2.5), "lr": .double(0.5), "sleep": .int(0)]),
                Params(["kind": .bool(true), "lr": .double(0.001), "sleep": .int(0)]),
                Params(["kind": .string("it's"), "lr": .double(1), "sleep": .int(0)]),
            ]
            for (number, params) in trials.enumerated() { database.trialAdded(Trial(number: number, params: params)) }
            func count(_ trial: Int, _ fold: Int, _ status: TaskStatus, _ metrics: [String: Double], attempt: Int = 1) {
                let lease = LeaseRef(TaskID(trial: trial, fold: fold), attempt: attempt)
                var metrics = metrics
                if let latency, status == .ok { metrics["latency"] = latency * Double(fold + 1) }
                database.dispatched(lease, worker: "w\(fold)", host: "host-\(fold)")
                database.counted(
                    TaskRecord(
                        task: lease.task, status: status, worker: "w\(fold)", host: "host-\(fold)", attempt: attempt,
                        duration: 0.5 + Double(fold), metrics: metrics, error: status == .failed ? "exit 1" : nil))
            }
            count(0, 0, .ok, ["score": 0.75])
            count(0, 1, .ok, ["score": 0.25])
            count(1, 0, .ok, ["score": 0.5])
            count(1, 1, .failed, [:])
            // Trial 2: a first attempt of fold 0 reported and was lost; the second was counted.
            database.reported(LeaseRef(TaskID(trial: 2, fold: 0), attempt: 1), step: 1, value: 9)
            for (step, value) in [(1, 0.25), (2, 0.125), (2, 0.0625)] {
                database.reported(LeaseRef(TaskID(trial: 2, fold: 0), attempt: 2), step: step, value: value)
            }
            database.reported(LeaseRef(TaskID(trial: 2, fold: 1), attempt: 1), step: 1, value: 7)
            count(2, 0, .pruned, [:], attempt: 2)
            database.stopped(
                StopDecision(trial: 2, rule: .asha, fold: 0, step: 2, reason: "rung 0"), dropped: 1, cancelled: 1)
            database.dispatched(LeaseRef(TaskID(trial: 3, fold: 0), attempt: 1), worker: "w0", host: "host-0")
            try database.commit()
        }

        func optunaRows(_ sql: String, in storage: String) throws -> [Row] {
            try DatabaseQueue(path: storage).read { try Row.fetchAll($0, sql: sql) }
        }
    }

    @Test func aSweepBecomesAnOptunaStudyInOptunasSchema() throws {
        let fixture = try Fixture()
        let storage = fixture.directory.appendingPathComponent("optuna.db").path
        let outcome = try RunExport.optuna(directory: fixture.run, storageURL: "sqlite:///\(storage)", studyName: nil)
        #expect(outcome.studyName == "books" && outcome.trials == 4 && outcome.path == storage)
        let rows = { (sql: String) in try fixture.optunaRows(sql, in: storage) }
        #expect(try rows("SELECT version_num FROM alembic_version").map { $0[0] as String } == ["v3.2.0.a"])
        #expect(try rows("SELECT schema_version FROM version_info").map { $0[0] as Int } == [12])
        #expect(
            try rows("SELECT direction, objective FROM study_directions").map { "\($0[0]!) \($0[1]!)" } == [
                "MAXIMIZE 0"
            ])
        let states = try rows("SELECT number, state FROM trials ORDER BY number").map { $0[1] as String }
        #expect(states == ["COMPLETE", "FAIL", "PRUNED", "RUNNING"])
        let values = try rows(
            "SELECT t.number, v.value, v.value_type FROM trial_values v JOIN trials t USING (trial_id)")
        #expect(values.map { "\($0[0]!) \($0[1]!) \($0[2]!)" } == ["0 0.5 FINITE", "2 0.0625 FINITE"])
        // Fold 0 of the counted attempt; a step reported twice keeps its last value.
        let steps = try rows(
            "SELECT step, intermediate_value FROM trial_intermediate_values ORDER BY step")
        #expect(steps.map { "\($0[0]!)=\($0[1]!)" } == ["1=0.25", "2=0.0625"])
        let params = try rows(
            "SELECT t.number, param_name, param_value, distribution_json FROM trial_params p JOIN trials t USING (trial_id) ORDER BY t.number, param_name"
        )
        let byTrial = params.map { "\($0[0]!) \($0[1]!)=\($0[2]!)" }
        #expect(
            byTrial == [
                "0 depth=3.0", "0 kind=0.0", "0 lr=0.01", "0 sleep=0.0", "1 kind=1.0", "1 lr=0.5", "1 sleep=0.0",
                "2 kind=2.0", "2 lr=0.001", "2 sleep=0.0", "3 kind=3.0", "3 lr=1.0", "3 sleep=0.0",
            ], "depth is absent where inactive; categoricals are indices into their choices")
        let distributions = Dictionary(params.map { ($0[1] as String, $0[3] as String) }, uniquingKeysWith: { $1 })
        #expect(
            distributions["kind"]
                == #"{"name": "CategoricalDistribution", "attributes": {"choices": [1, 2.5, true, "it's"]}}"#)
        #expect(
            distributions["lr"]
                == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.001, "high": 1.0, "log": true}}"#
        )
        #expect(
            distributions["depth"]
                == #"{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 1, "high": 8}}"#)
        #expect(distributions["sleep"] == #"{"name": "CategoricalDistribution", "attributes": {"choices": [0]}}"#)
        let attributes = try rows(
            "SELECT key, value_json FROM trial_user_attributes a JOIN trials t USING (trial_id) WHERE t.number = 1")
        let attribute = Dictionary(attributes.map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { $1 })
        #expect(attribute["sweep_trial"] == "1")
        #expect(attribute["folds_score"] == "[0.5, null]")
        #expect(attribute["workers"] == #"["w0", "w1"]"#)
        #expect(attribute["hosts"] == #"["host-0", "host-1"]"#)
        #expect(attribute["error"] == #""fold 1: exit 1""#)
        let times = try rows("SELECT datetime_start, datetime_complete FROM trials ORDER BY number")
        for (index, row) in times.enumerated() {
            let start: String? = row[0]
            #expect(start?.count == 26, "trial \(index): naive UTC with microseconds")
            #expect((row[1] as String?) == nil || index != 3, "a running trial has no completion time")
        }
        #expect(
            try rows("SELECT value_json FROM study_system_attributes WHERE key = 'study:metric_names'").map {
                $0[0] as String
            } == [#"["score"]"#])
    }

    @Test func anExistingStorageGetsAnotherStudyButNeverTheSameNameTwice() throws {
        let fixture = try Fixture()
        let storage = fixture.directory.appendingPathComponent("optuna.db").path
        let url = "sqlite:///\(storage)"
        _ = try RunExport.optuna(directory: fixture.run, storageURL: url, studyName: nil)
        let again = #expect(throws: ExportError.self) {
            try RunExport.optuna(directory: fixture.run, storageURL: url, studyName: nil)
        }
        #expect(again?.description.contains("already has a study named 'books'") == true)
        #expect(again?.description.contains("--study-name") == true)
        _ = try RunExport.optuna(directory: fixture.run, storageURL: url, studyName: "books-2")
        let studies = try fixture.optunaRows("SELECT study_name FROM studies ORDER BY study_id", in: storage)
        #expect(studies.map { $0[0] as String } == ["books", "books-2"])
        #expect(try fixture.optunaRows("SELECT count(*) FROM trials", in: storage).first?[0] == 8)
    }

    @Test func aStorageOfAnotherRevisionOrNotOptunasIsRefused() throws {
        let fixture = try Fixture()
        let old = fixture.directory.appendingPathComponent("old.db").path
        try DatabaseQueue(path: old).write { db in
            try db.execute(sql: OptunaStorage.schema)
            try db.execute(sql: "INSERT INTO alembic_version VALUES ('v3.0.0.d')")
        }
        let error = #expect(throws: ExportError.self) {
            try RunExport.optuna(directory: fixture.run, storageURL: "sqlite:///\(old)", studyName: nil)
        }
        #expect(error?.description.contains("revision v3.0.0.d") == true)
        #expect(error?.description.contains("optuna storage upgrade") == true)
        let other = fixture.directory.appendingPathComponent("other.db").path
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let notOptuna = #expect(throws: ExportError.self) {
            try RunExport.optuna(directory: fixture.run, storageURL: "sqlite:///\(other)", studyName: nil)
        }
        #expect(notOptuna?.description.contains("not an optuna storage") == true)
    }

    @Test(arguments: [
        ("sqlite:///runs/a.db", "runs/a.db"), ("sqlite:////tmp/a.db", "/tmp/a.db"), ("sqlite:///a%20b.db", "a b.db"),
        ("sqlite+pysqlite:///x.db", "x.db"),
    ])
    func storageURLsFollowSQLAlchemysRules(_ url: String, _ path: String) throws {
        #expect(try OptunaStorage.path(ofURL: url) == path)
    }

    @Test(arguments: [
        ("postgresql://u@h/db", "SQLite only"), ("mysql+pymysql://h/db", "SQLite only"), ("sqlite://", "names no file"),
        ("sqlite:///:memory:", "in-memory"), ("sqlite:///x.db?timeout=3", "query parameters"),
        ("study.db", "not a storage URL"),
    ])
    func otherStorageURLsAreRefusedWithWhatToWrite(_ url: String, _ phrase: String) {
        let error = #expect(throws: ExportError.self) { try OptunaStorage.path(ofURL: url) }
        #expect(error?.description.contains(phrase) == true, "\(error?.description ?? "")")
    }

    @Test func cvResultsToADirectoryIsRefusedWithAFileNameToUse() throws {
        let fixture = try Fixture()
        let error = #expect(throws: ExportError.self) {
            try RunExport.cvResults(directory: fixture.run, to: fixture.directory.path)
        }
        #expect(error?.description.contains("is a directory; give a file name") == true, "\(error?.description ?? "")")
    }

    @Test func cvResultsHaveScikitLearnsColumnsOneRowPerTrial() throws {
        let fixture = try Fixture()
        let file = fixture.directory.appendingPathComponent("cv.csv").path
        #expect(try RunExport.cvResults(directory: fixture.run, to: file) == 4)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "mean_fit_time,std_fit_time,mean_score_time,std_score_time,param_depth,param_kind,param_lr,param_sleep,params,split0_test_score,split1_test_score,mean_test_score,std_test_score,rank_test_score"
        )
        #expect(
            lines[1]
                == #"1.0,0.5,0.0,0.0,3,1,0.01,0,"{'depth': 3, 'kind': 1, 'lr': 0.01, 'sleep': 0}",0.75,0.25,0.5,0.25,1"#
        )
        #expect(lines[2] == #"1.0,0.5,0.0,0.0,,2.5,0.5,0,"{'kind': 2.5, 'lr': 0.5, 'sleep': 0}",0.5,,,,2"#)
        #expect(lines[3] == #",,,,,True,0.001,0,"{'kind': True, 'lr': 0.001, 'sleep': 0}",,,,,2"#)
        #expect(lines[4].hasPrefix(#",,,,,it's,1.0,0,"{'kind': ""it's"", 'lr': 1.0, 'sleep': 0}","#))
        #expect(lines.count == 5)
    }

    /// A study with several objectives and constraints: one direction per objective, each trial's
    /// values the objectives' means over its folds, the metric names in order, and each complete
    /// trial's constraint values as optuna's `constraints_func` gives them (≤ 0 when met).
    @Test func aMultiObjectiveSweepHasOneDirectionAndOneValuePerObjective() throws {
        let fixture = try Fixture(latency: 4)
        var stored = try RunExport.load(directory: fixture.run)
        stored.spec.moreObjectives = [Objective(metric: "latency", goal: .minimize)]
        stored.spec.constraints = [Constraint(metric: "latency", max: 5), Constraint(metric: "score", min: 0.25)]
        let study = try OptunaStudy(run: stored.run, spec: stored.spec, times: stored.times, reports: stored.reports)
        let storage = fixture.directory.appendingPathComponent("multi.db").path
        try OptunaStorage.write(study, name: "multi", toPath: storage)
        let rows = { (sql: String) in try fixture.optunaRows(sql, in: storage) }
        #expect(
            try rows("SELECT direction FROM study_directions ORDER BY objective").map { $0[0] as String } == [
                "MAXIMIZE", "MINIMIZE",
            ])
        let values = try rows(
            "SELECT t.number, v.objective, v.value FROM trial_values v JOIN trials t USING (trial_id) ORDER BY t.number, v.objective"
        )
        let shown = values.map { "\($0[0]!):\($0[1]!)=\($0[2]!)" }
        #expect(shown == ["0:0=0.5", "0:1=6.0"], "a pruned trial has no values")
        #expect(
            try rows("SELECT value_json FROM study_system_attributes WHERE key = 'study:metric_names'").map {
                $0[0] as String
            } == [#"["score", "latency"]"#])
        let constraints = try rows(
            "SELECT t.number, a.key, a.value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)")
        #expect(constraints.map { "\($0[0]!) \($0[1]!) \($0[2]!)" } == ["0 constraints [1.0, -0.25]"])
    }
}
