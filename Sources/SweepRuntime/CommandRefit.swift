import Foundation
import Logging
import SweepCore
import SweepProtocol

/// `refit: true` for a command trainer: after the search, the program runs once more on the
/// coordinator's host, by the code path a worker uses (CommandTrainer, the shipped workdir
/// bundle unpacked, the same environment), with `SWEEP_FOLD=-1`, `SWEEP_REFIT=1` and every
/// search row in `SWEEP_TRAIN_CSV` (no `SWEEP_VALID_CSV`). What it leaves under
/// `$SWEEP_ARTIFACTS` (checked like a task's artifacts) becomes the run's model: `model/`.
/// A refit that fails leaves the sweep's result as it is; the outcome's note says why.
enum CommandRefit {
    static func run(
        _ best: TrialSummary, sweep: LoadedSweep, directory: String, launcher: URL, stopOnSignals: Bool = false,
        logger: Logger
    ) -> BestModelRefit.Outcome {
        let spec = sweep.spec
        guard spec.refitsCommand else {
            return BestModelRefit.Outcome(
                note: spec.refit
                    ? "a command trainer refits when the spec says refit: true (its program then sees SWEEP_REFIT=1)"
                    : "refit: false in the spec")
        }
        guard case .command(let wire) = sweep.setup(sweepID: 0).trainer else { return BestModelRefit.Outcome() }
        let run = URL(fileURLWithPath: directory)
        let scratch = run.appendingPathComponent(".refit")
        defer { try? FileManager.default.removeItem(at: scratch) }
        logger.info("refitting trial \(best.trial.number) with the command trainer on every search row")
        do {
            try? FileManager.default.removeItem(at: scratch)
            let task = try makeTask(best, wire: wire, sweep: sweep, scratch: scratch, launcher: launcher)
            // Ctrl-C (or SIGTERM) during a long refit stops its program, as it would a task's.
            let watcher = stopOnSignals ? SignalWatcher { [cancel = task.cancel] _ in cancel.set() } : nil
            let result = withExtendedLifetime(watcher) { CommandTrainer.run(task) }
            if task.cancel.isSet { return BestModelRefit.Outcome(note: "the refit was stopped by a signal") }
            guard result.succeeded else {
                let log = result.log.isEmpty ? "" : "; its output ends: \(result.log.suffix(400))"
                logger.warning("the refit failed: \(result.error)\(log)")
                return BestModelRefit.Outcome(note: "the refit failed: \(result.error)")
            }
            let tree = TaskLayout(task.taskDirectory).artifacts
            let verdict = ArtifactCheck.judge(
                ArtifactCheck.walk(tree), limit: max(spec.limits.maxArtifactBytes, wire.artifactLimit))
            guard !verdict.accepted.isEmpty else {
                let why = verdict.refused.isEmpty ? "" : " (\(verdict.refused.joined(separator: "; ")))"
                return BestModelRefit.Outcome(note: "the refit left no files under $SWEEP_ARTIFACTS\(why)")
            }
            try install(verdict.accepted, from: tree, into: run.appendingPathComponent("model"), scratch: scratch)
            for refusal in verdict.refused { logger.warning("refit artifacts: \(refusal)") }
            let note =
                verdict.refused.isEmpty ? nil : "some files were refused: \(verdict.refused.joined(separator: "; "))"
            return BestModelRefit.Outcome(file: "model/", note: note)
        } catch {
            logger.warning("the refit could not run: \(error)")
            return BestModelRefit.Outcome(note: "the refit could not run: \(error)")
        }
    }

    /// The refit as a task of fold −1: the best trial's parameters, the sweep's data and workdir.
    static func makeTask(
        _ best: TrialSummary, wire: WireCommand, sweep: LoadedSweep, scratch: URL, launcher: URL
    ) throws -> CommandTask {
        var workdir: URL?
        if let blob = sweep.workdirBlob, let bytes = sweep.blobs[blob.sha256] {
            workdir = scratch.appendingPathComponent("workdir")
            try BundleArchive.unpack(bytes, into: workdir!)
        }
        let data = try sweep.dataBlob.flatMap { blob in
            try sweep.blobs[blob.sha256].map {
                try CommandData(csv: String(decoding: $0, as: UTF8.self), plan: sweep.plan)
            }
        }
        return CommandTask(
            assignment: Assignment(
                lease: LeaseRef(trial: best.trial.number, fold: -1, attempt: 1), params: best.trial.params),
            command: wire, folds: sweep.spec.taskFolds, taskDirectory: scratch.appendingPathComponent("task"),
            workdir: workdir, data: data, gpuIDs: [], launcher: launcher.path, worker: "the coordinator",
            cancel: CancelFlag(), progress: { _, _ in })
    }

    /// Moves the accepted files into `model/` as one step: built beside it, then renamed over it.
    static func install(_ files: [ArtifactEntry], from tree: URL, into model: URL, scratch: URL) throws {
        let staging = scratch.appendingPathComponent("model")
        for file in files {
            let target = staging.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: tree.appendingPathComponent(file.path), to: target)
        }
        try? FileManager.default.removeItem(at: model)
        try FileManager.default.moveItem(at: staging, to: model)
    }
}
