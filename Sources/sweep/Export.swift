import ArgumentParser
import Foundation
import SweepRuntime

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a sweep as an optuna study or as scikit-learn's cv_results_ columns.",
        discussion: """
            --to optuna STORAGE_URL adds the sweep to an optuna storage on SQLite (sqlite:///relative/path.db or \
            sqlite:////absolute/path.db) as one study that optuna.load_study reads and optuna.visualization plots: \
            a new file gets optuna's schema, an existing optuna storage gets one more study.
            --to cv-results FILE.csv writes one row per trial with scikit-learn's GridSearchCV.cv_results_ columns \
            (params, param_<p>, split<k>_test_<m>, mean_test_<m>, std_test_<m>, rank_test_<m>, mean_fit_time…), \
            for pandas.read_csv.
            run.db is only read: a running sweep is exported as it stands, and its coordinator never waits.
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case optuna
        case cvResults = "cv-results"
    }

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Option(help: "The format: optuna or cv-results.")
    var to: Target

    @Argument(help: "Where to: a storage URL (sqlite:///study.db) for optuna, a CSV file for cv-results.")
    var destination: String

    @Option(help: "The optuna study's name (default: the sweep's name).")
    var studyName: String?

    func validate() throws {
        if studyName != nil && to != .optuna {
            throw ValidationError("--study-name names an optuna study; it goes with --to optuna")
        }
        if let studyName, studyName.isEmpty { throw ValidationError("--study-name must not be empty") }
    }

    func run() throws {
        switch to {
        case .optuna:
            let outcome = try RunExport.optuna(directory: directory, storageURL: destination, studyName: studyName)
            print(
                "wrote study '\(outcome.studyName)' (\(outcome.trials) trials) to \(outcome.path); open it with "
                    + "optuna.load_study(study_name=\"\(outcome.studyName)\", storage=\"\(destination)\")")
        case .cvResults:
            let rows = try RunExport.cvResults(directory: directory, to: destination)
            print("wrote \(rows) trials to \(destination); read it with pandas.read_csv(\"\(destination)\")")
        }
    }
}
