import ArgumentParser
import Foundation
import SweepCore
import SweepReport
import SweepRuntime

struct Coordinator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Serve a sweep to workers that connect to it, then write the run directory and exit.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    @Option(help: "Address to listen on, e.g. tcp://*:5555 or tcp://10.0.0.5:5555.")
    var bind: String

    @Option(help: "Run directory to write (default: runs/NAME-TIMESTAMP).")
    var out: String?

    @Option(help: "This coordinator's secret key file (NAME.key_secret from `sweep keygen`).")
    var key: String?

    @Option(
        help:
            "Public keys of the workers to admit: a NAME.key file or a directory of them (repeatable; re-read at every connection)."
    )
    var allow: [String] = []

    @Flag(help: "Serve without encryption or authentication (trusted networks only).")
    var insecure = false

    @OptionGroup var common: CommonOptions
    @OptionGroup var notify: NotifyOptions
    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        if key == nil && !allow.isEmpty {
            throw ValidationError("--allow needs --key: the coordinator's own secret key file")
        }
        if key != nil && allow.isEmpty {
            throw ValidationError("--key needs --allow: the public keys (files or a directory) of the workers to admit")
        }
        if key != nil && insecure { throw ValidationError("--insecure and --key contradict each other; drop one") }
        try checkAddress(
            "--bind", bind, keyed: key != nil, insecure: insecure, what: "serve \(bind)",
            risk: "anyone who can reach that port could join and receive your data, or answer with false results")
        try dashboard.check(keyed: key != nil)
    }

    func run() throws {
        let security = try coordinatorSecurity(key: key, allow: allow)
        _ = try KeyFiles.allowedKeys(allow)  // fail now, not at the first handshake
        let sweep = try SweepLoader.load(specPath: spec)
        let directory = out ?? RunDirectory.defaultPath(name: sweep.spec.name)
        let record = try RunRecord.create(
            directory: directory, sweep: sweep, mode: "coordinator", bind: bind, keyPath: key,
            allowPaths: allow, insecure: insecure)
        let lifecycle = try SweepLifecycle(
            sweep: sweep, record: record,
            options: .init(
                bind: bind, heartbeatInterval: common.heartbeatSeconds, security: security),
            logger: common.logger("sweep"))
        try dashboard.serving(lifecycle, logger: common.logger("sweep")) {
            try notify.around(directory: directory, logger: common.logger("sweep")) { try finish(lifecycle) }
        }
    }
}

/// The coordinator's keys, when a secret key file is given.
func coordinatorSecurity(key: String?, allow: [String]) throws -> CoordinatorSecurity {
    guard let key else { return .plaintext }
    let keys = try KeyFiles.secretKeys(at: key)
    return .curve(publicKey: keys.publicKey, secretKey: keys.secretKey, allow: allow)
}

/// Serves a started sweep to its end (or to SIGINT/SIGTERM) and tells the user how it went.
/// Throws (exit status 1) unless the sweep finished with a best trial.
func finish(_ lifecycle: SweepLifecycle) throws {
    let end = try lifecycle.run()
    let spec = lifecycle.sweep.spec
    if let best = end.best, let objective = best.objective {
        print(
            "best: trial \(best.trial.number) \(best.trial.params) — \(spec.objective.metric) \(String(format: "%.4f", objective.mean))"
                + (objective.spread.map { " ± \(String(format: "%.4f", $0)) over \(spec.scoredFolds) folds" } ?? "")
        )
    } else {
        print("\(end.noBest); see \(end.directory)/report.md")
    }
    if let nested = end.nested { print(nestedLine(nested)) }
    if let front = end.front {
        print("pareto front: \(front) trial\(front == 1 ? "" : "s"); see \(end.directory)/pareto.svg")
    }
    if let model = end.modelFile { print("model: \(end.directory)/\(model)") }
    print("run directory: \(end.directory)")
    if !end.succeeded { throw SweepError(.incomplete, "") }
}

/// "nested estimate: accuracy 0.9533 ± 0.0200 over 3 outer folds", or why there is none.
func nestedLine(_ nested: NestedOutcome) -> String {
    guard let estimate = nested.estimate else {
        return "nested estimate: none (\(nested.note ?? "an outer fold has no score"))"
    }
    return
        "nested estimate: \(nested.metric) \(String(format: "%.4f ± %.4f", estimate.mean, estimate.std)) over \(nested.folds.count) outer folds (what to expect of this search on new data)"
}
