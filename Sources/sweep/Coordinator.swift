import ArgumentParser
import Foundation
import SweepCore
import SweepML
import SweepReport
import SweepRuntime

struct Coordinator: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve a sweep to workers that connect to it, then write the run directory and exit.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    @Option(help: "Address to listen on, e.g. tcp://*:5555 or tcp://10.0.0.5:5555.")
    var bind: String

    @Option(help: "Run directory to write (default: runs/NAME-TIMESTAMP).")
    var out: String?

    @Option(help: "This coordinator's secret key file (NAME.key_secret from `sweep keygen`).")
    var key: String?

    @Option(help: "Public keys of the workers to admit: a NAME.key file or a directory of them (repeatable; re-read at every connection).")
    var allow: [String] = []

    @Flag(help: "Serve without encryption or authentication (trusted networks only).")
    var insecure = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if key == nil && !allow.isEmpty { throw ValidationError("--allow needs --key: the coordinator's own secret key file") }
        if key != nil && allow.isEmpty { throw ValidationError("--key needs --allow: the public keys (files or a directory) of the workers to admit") }
        if key != nil && insecure { throw ValidationError("--insecure and --key contradict each other; drop one") }
        if key == nil && !insecure && !isLocalEndpoint(bind) { throw ValidationError(keyAdvice("serve \(bind)", risk: "anyone who can reach that port could join and receive your data, or answer with false results")) }
    }

    func run() throws {
        let security: CoordinatorSecurity = try loadKeys {
            guard let key else { return .plaintext }
            let keys = try KeyFiles.secretKeys(at: key)
            _ = try KeyFiles.allowedKeys(allow)  // fail now, not at the first handshake
            return .curve(publicKey: keys.publicKey, secretKey: keys.secretKey, allow: allow)
        }
        let sweep = try loadSweep(spec)
        let logger = common.logger("sweep")
        let directory = out ?? RunDirectory.defaultPath(name: sweep.spec.name)
        let record = try openRecord {
            try RunRecord.create(directory: directory, sweep: sweep, mode: "coordinator", bind: bind, keyPath: key,
                                 allowPaths: allow, insecure: insecure)
        }
        let service = try startCoordinator(sweep, bind: bind, heartbeat: common.heartbeatSeconds, out: directory,
                                           security: security, record: record, logger: logger)
        let outcome = try serve(service, sweep: sweep, record: record, out: directory)
        if !outcome { throw ExitCode(1) }
    }
}

func startCoordinator(_ sweep: LoadedSweep, bind: String, heartbeat: Double, out: String,
                      security: CoordinatorSecurity = .plaintext, record: RunRecord, logger: Logging.Logger) throws -> CoordinatorService {
    do {
        return try CoordinatorService(sweep: sweep, options: .init(bind: bind, heartbeatInterval: heartbeat, runDirectory: out,
                                                                   security: security), logger: logger, record: record)
    } catch let error as BindError {
        Console.shared.line("error: \(error)")
        throw ExitCode(1)
    } catch let error as KeyError {
        Console.shared.line("error: \(error)")
        throw ExitCode(1)
    }
}

/// Refits the best configuration on all the data and saves it as model.json (built-in models).
func refitBest(_ trial: Trial, sweep: LoadedSweep, directory: String) -> (file: String?, note: String?, holdout: [String: Double]?) {
    let spec = sweep.spec
    guard spec.refit else { return (nil, "refit: false in the spec", nil) }
    guard let model = spec.trainer.model, model != "noop", let dataset = sweep.dataset, let data = spec.data else {
        return (nil, spec.trainer.isCommand ? "a command trainer's model is its program's to save" : nil, nil)
    }
    do {
        // Trained on every row the search used; the holdout (if any) is scored once, now.
        let file = try ModelFile.refit(model: model, params: trial.params, dataset: dataset, targetName: data.target,
                                       imputation: Preprocessor.Imputation(rawValue: data.impute) ?? .mean, rows: sweep.plan.searchRows)
        try file.encoded().write(to: URL(fileURLWithPath: directory).appendingPathComponent("model.json"))
        let holdout = sweep.plan.holdout
        return ("model.json", nil, holdout.isEmpty ? nil : file.score(dataset, rows: holdout))
    } catch {
        Console.shared.line("[sweep] warning: could not refit the best configuration: \(error)")
        return (nil, "refit failed: \(error)", nil)
    }
}

/// Opens or creates a run database, turning its problems into a clear error and exit status 2.
func openRecord(_ body: () throws -> RunRecord) throws -> RunRecord {
    do {
        return try body()
    } catch let error as RunDatabaseError {
        Console.shared.line("error: \(error)")
        throw ExitCode(2)
    }
}

/// Runs the coordinator to the end (or to SIGINT/SIGTERM), refits the best configuration and
/// writes the run directory from run.db. Returns true when the sweep finished with a best trial.
func serve(_ service: CoordinatorService, sweep: LoadedSweep, record: RunRecord, out directory: String) throws -> Bool {
    let control = service.control
    let watcher = SignalWatcher { _ in control.post(.stop) }
    defer { withExtendedLifetime(watcher) {} }
    let outcome = try service.run()
    service.close()
    if outcome.complete, let best = try RunReport.load(directory: directory).best {
        let refit = refitBest(best.trial, sweep: sweep, directory: directory)
        try record.recordRefit(RefitOutcome(modelFile: refit.file, note: refit.note, holdout: refit.holdout,
                                            holdoutRows: sweep.plan.holdout.count))
    }
    let summary = try RunReport.write(directory: directory)
    if let best = summary.best, let objective = best.objective {
        print("best: trial \(best.trial.number) \(best.trial.params) — \(summary.objective.metric) \(String(format: "%.4f", objective.mean)) ± \(String(format: "%.4f", objective.std)) over \(summary.folds) folds")
    } else {
        print("no trial succeeded; see \(directory)/report.md")
    }
    if let model = summary.modelFile { print("model: \(directory)/\(model)") }
    print("run directory: \(directory)")
    return summary.complete && summary.best != nil
}

import Logging
