import Foundation
import Logging

/// Starts a sweep's workers as one Slurm job array (`sbatch`), watches the queue from a thread of
/// its own for the progress line, and cancels the array (`scancel`) when the sweep ends, waiting
/// until `squeue` lists none of it. The workers run this very binary, so the nodes must see it at
/// the same path (a shared filesystem, as the run directory with the keys and logs is).
public final class SlurmLauncher: WorkerLauncher, @unchecked Sendable {  // safe: mutable state guarded by `condition`
    public let engine = "Slurm"
    public let submission: SlurmSubmission
    let tools: SlurmTools
    let logger: Logger
    /// How often the queue is polled for the progress line.
    let pollInterval: Double
    /// How long shutdown waits for the queue to empty before it gives up (with a warning).
    let shutdownTimeout: Double

    private let condition = NSCondition()
    private var jobID: String?
    private var queue: SlurmQueue?
    private var stopping = false
    private var pollerRunning = false

    public init(
        submission: SlurmSubmission, tools: SlurmTools, logger: Logger, pollInterval: Double = 3,
        shutdownTimeout: Double = 120
    ) {
        self.submission = submission
        self.tools = tools
        self.logger = logger
        self.pollInterval = pollInterval
        self.shutdownTimeout = shutdownTimeout
    }

    /// Asks Slurm whether it would accept the array (`sbatch --test-only`) without queueing
    /// anything: a wrong partition, account or size is refused before the sweep starts.
    public static func check(_ submission: SlurmSubmission, tools: SlurmTools) throws {
        let outcome = try runClient(tools.sbatch, submission.testOnlyArguments, timeout: 60)
        guard outcome.succeeded else {
            let said = outcome.status == nil ? "sbatch did not answer within a minute (is slurmctld up?)" : outcome.said
            throw SweepError(
                .cannotStart,
                """
                Slurm refused the job array of \(submission.workers) worker\(submission.workers == 1 ? "" : "s"):
                  \(said.replacingOccurrences(of: "\n", with: "\n  "))
                  Asked with: sbatch \(submission.testOnlyArguments.joined(separator: " "))
                  Fix what Slurm names (--sbatch-arg, --slots, --gpus-per-worker, --workers); nothing was started.
                """)
        }
    }

    public func launch(connect: String) throws {
        try FileManager.default.createDirectory(
            atPath: submission.launchDirectory, withIntermediateDirectories: true)
        cancelEarlierArrays()
        let script = submission.scriptPath
        guard FileManager.default.createFile(atPath: script, contents: Data(submission.script(connect: connect).utf8))
        else { throw SweepError(.cannotStart, "cannot write the batch script \(script)") }
        chmod(script, 0o700)
        let outcome = try Self.runClient(tools.sbatch, submission.sbatchArguments, timeout: 120)
        guard outcome.succeeded, let id = SlurmSubmission.jobID(fromParsable: outcome.stdout) else {
            throw SweepError(
                .cannotStart,
                outcome.succeeded
                    ? "sbatch printed no job id: \(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"
                    : outcome.status == nil
                        ? "sbatch did not answer within 2 minutes (is slurmctld up?); if it queued the array anyway, find it with squeue --name=\(submission.jobName) and scancel it"
                        : "Slurm refused the job array (sbatch exit \(outcome.status ?? 0)):\n\(outcome.said)")
        }
        recordSubmitted(id)
        let cancelNow = condition.withLock {
            jobID = id
            return stopping
        }
        logger.info(
            "submitted Slurm job array \(id): \(submission.workers) worker\(submission.workers == 1 ? "" : "s") named slurm-\(id)-INDEX; their logs: \(submission.launchDirectory)/slurm-\(id)_*.log"
        )
        if cancelNow {
            cancel(id)
            return
        }
        condition.withLock { pollerRunning = true }
        let poller = Thread { [self] in poll(id) }
        poller.name = "sweep-slurm-queue"
        poller.start()
    }

    public func progressNote() -> String? {
        condition.withLock {
            guard let jobID, !stopping else { return nil }
            return queue.map { $0.note(jobID: jobID) } ?? "\(submission.workers) workers submitted to Slurm"
        }
    }

    public func shutdown() {
        let id: String? = condition.withLock {
            guard !stopping else { return nil }
            stopping = true
            condition.broadcast()
            return jobID
        }
        guard let id else { return }
        cancel(id)
        // The poller sees `stopping` at once; wait for it so no squeue outlives the sweep.
        condition.withLock {
            while pollerRunning { condition.wait() }
        }
    }

    /// Where this run directory's arrays are listed, one job id a line, so that a later launch (a
    /// resume) finds an array whose launcher was killed before it could cancel it.
    var submittedListPath: String { (submission.launchDirectory as NSString).appendingPathComponent("slurm-jobs") }

    private func recordSubmitted(_ id: String) {
        guard
            let handle = FileHandle(forWritingAtPath: submittedListPath)
                ?? {
                    _ = FileManager.default.createFile(atPath: submittedListPath, contents: nil)
                    return FileHandle(forWritingAtPath: submittedListPath)
                }()
        else { return logger.warning("cannot write \(submittedListPath); a later resume will not find array \(id)") }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data("\(id)\n".utf8))
    }

    /// An array of an earlier launch of this sweep that still runs (its launcher was SIGKILLed)
    /// holds the nodes' CPUs and its workers knock at an old port: cancel it before submitting.
    private func cancelEarlierArrays() {
        guard let text = try? String(contentsOfFile: submittedListPath, encoding: .utf8) else { return }
        for id in Set(text.split(whereSeparator: \.isNewline).map(String.init)).sorted()
        where SlurmSubmission.jobID(fromParsable: id) == id {
            guard let queue = queueState(id), !queue.isEmpty else { continue }
            logger.warning(
                "Slurm job array \(id) of an earlier launch of this sweep is still queued or running (was its launcher killed?); cancelling it first"
            )
            cancel(id)
        }
    }

    /// Cancels the array and waits (bounded) until squeue lists none of it.
    func cancel(_ id: String) {
        let started = Date()
        // Said first: a slow slurmctld can take a while to answer, and Ctrl-C should be seen to work.
        logger.info("cancelling Slurm job array \(id) (scancel, then waiting until squeue lists none of it)")
        do {
            let outcome = try Self.runClient(tools.scancel, [id], timeout: 60)
            if !outcome.succeeded { logger.warning("scancel \(id) failed: \(outcome.said)") }
        } catch {
            logger.warning("cannot run scancel: \(error)")
        }
        // Workers drain on SIGTERM (they have nothing left to deliver at the end of a sweep);
        // Slurm sends SIGKILL after its KillWait. Past half the bound, this asks for it at once.
        var killed = false
        while Date().timeIntervalSince(started) < shutdownTimeout {
            guard let queue = queueState(id) else { break }
            if queue.isEmpty {
                logger.info("cancelled Slurm job array \(id); squeue lists none of it")
                return
            }
            if !killed && Date().timeIntervalSince(started) > shutdownTimeout / 2 {
                killed = true
                _ = try? Self.runClient(tools.scancel, ["--full", "--signal=KILL", id], timeout: 60)
            }
            usleep(250_000)
        }
        logger.warning(
            "Slurm job array \(id) may still be in the queue after scancel; check with: squeue -j \(id), and cancel it with: scancel \(id)"
        )
    }

    /// squeue's view of the array: empty once Slurm forgot it; nil when squeue cannot answer.
    func queueState(_ id: String) -> SlurmQueue? {
        let arguments = ["--noheader", "--array", "--jobs=\(id)", "--format=\(SlurmQueue.format)"]
        guard let outcome = try? Self.runClient(tools.squeue, arguments, timeout: 30) else { return nil }
        if outcome.succeeded { return SlurmQueue.parse(outcome.stdout) }
        return SlurmQueue.isUnknownJob(stderr: outcome.stderr) ? SlurmQueue() : nil
    }

    /// The poller: refreshes the cached queue every `pollInterval` until shutdown.
    private func poll(_ id: String) {
        defer {
            condition.withLock {
                pollerRunning = false
                condition.broadcast()
            }
        }
        while true {
            let state = queueState(id)
            let go = condition.withLock {
                if let state, !stopping { queue = state }
                let deadline = Date().addingTimeInterval(pollInterval)
                while !stopping && condition.wait(until: deadline) {}
                return !stopping
            }
            if !go { return }
        }
    }

    static func runClient(_ program: String, _ arguments: [String], timeout: Double) throws -> SlurmTools.Outcome {
        do {
            return try SlurmTools.run(program, arguments, timeout: timeout)
        } catch {
            throw SweepError(.cannotStart, "cannot run \(program): \(error)")
        }
    }
}
