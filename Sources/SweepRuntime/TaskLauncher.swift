import Foundation
import Logging
import SweepCore
import SweepProtocol

/// The worker's side of running tasks, on its socket thread: sweep setups and the files they
/// need (fetched by hash into the BlobStore), tasks waiting for those files, GPU ids handed to
/// running tasks (never two at once), and cancellation flags.
struct TaskLauncher {
    let store: BlobStore
    let inbox: Mailbox<WorkerService.Inbox>
    let pool: TaskPool
    let logger: Logger
    var freeGPUs: [Int]
    var contexts: [UInt64: SweepContext] = [:]
    var pendingSetup: Setup?
    var downloads: [String: BlobDownload] = [:]
    var waiting: [(Assignment, UInt64)] = []
    var running: [LeaseRef: (cancel: CancelFlag, gpus: [Int])] = [:]
    let launcher = LocalWorkers.currentExecutable.path

    init(store: BlobStore, gpus: [Int], inbox: Mailbox<WorkerService.Inbox>, pool: TaskPool, logger: Logger) {
        self.store = store
        self.freeGPUs = gpus
        self.inbox = inbox
        self.pool = pool
        self.logger = logger
    }

    /// Takes a sweep's setup; returns FETCH requests for files this host does not hold yet.
    mutating func load(_ setup: Setup) -> [Message] {
        guard let command = setup.command else {
            contexts = [setup.sweepID: SweepContext(setup)]
            startWaiting()
            return []
        }
        pendingSetup = setup
        downloads = [:]
        for blob in command.blobs {
            if store.has(blob) {
                logger.info("using cached file \(blob.sha256.prefix(12)) (\(blob.size) bytes)")
            } else {
                logger.info("fetching file \(blob.sha256.prefix(12)) (\(blob.size) bytes) from the coordinator")
                downloads[blob.sha256] = BlobDownload(blob)
            }
        }
        return finishSetupIfReady() ?? requests()
    }

    /// Takes a CHUNK; returns further FETCH requests.
    mutating func deliver(_ hash: String, offset: Int, total: Int, bytes: [UInt8]) -> [Message] {
        guard var download = downloads[hash] else { return [] }
        if total == 0 && download.blob.size > 0 {
            downloads[hash] = nil
            return fail("the coordinator no longer serves file \(hash.prefix(12))")
        }
        guard download.accept(offset: offset, total: total, chunk: bytes) else { return [] }
        if download.isComplete {
            do {
                try store.store(download.bytes, as: download.blob)
                downloads[hash] = nil
                logger.info("fetched file \(hash.prefix(12)) (\(download.blob.size) bytes)")
            } catch {
                logger.warning("\(error)")
                download.restart()
                downloads[hash] = download
            }
        } else {
            downloads[hash] = download
        }
        return finishSetupIfReady() ?? requests()
    }

    /// FETCH requests for every chunk still missing (after a reconnect, requests may be lost).
    mutating func outstandingRequests() -> [Message] {
        for hash in downloads.keys { downloads[hash]!.restart() }
        return requests()
    }

    mutating func requests() -> [Message] {
        var messages: [Message] = []
        for hash in downloads.keys.sorted() {
            for (offset, length) in downloads[hash]!.requests() { messages.append(.fetch(sha256: hash, offset: offset, length: length)) }
        }
        return messages
    }

    /// Once every file is here: unpack the workdir, read the data, and start waiting tasks.
    mutating func finishSetupIfReady() -> [Message]? {
        guard let setup = pendingSetup, downloads.isEmpty, let command = setup.command else { return nil }
        pendingSetup = nil
        var problem: String?
        var data: CommandData?
        var workdir: URL?
        do {
            if let blob = command.workdir { workdir = try store.workdir(for: blob) }
            if let blob = command.data {
                data = try CommandData(csv: String(decoding: try Data(contentsOf: store.blobURL(blob)), as: UTF8.self),
                                       plan: setup.plan)
            }
        } catch {
            problem = "this worker could not prepare the sweep's files: \(error)"
            logger.error("\(problem!)")
        }
        contexts = [setup.sweepID: SweepContext(setup, commandData: data, workdir: workdir, problem: problem)]
        startWaiting()
        return []
    }

    mutating func fail(_ problem: String) -> [Message] {
        guard let setup = pendingSetup else { return [] }
        pendingSetup = nil
        downloads = [:]
        logger.error("\(problem)")
        contexts = [setup.sweepID: SweepContext(setup, commandData: nil, workdir: nil, problem: problem)]
        startWaiting()
        return []
    }

    mutating func run(_ assignment: Assignment, sweepID: UInt64) {
        guard let context = contexts[sweepID] else {
            if pendingSetup?.sweepID == sweepID { waiting.append((assignment, sweepID)) }
            else { inbox.post(.finished(BuiltinTrainer.run(assignment, in: nil))) }
            return
        }
        let inbox = self.inbox
        guard let command = context.command else {
            let cancel = CancelFlag()
            running[assignment.lease] = (cancel, [])
            let lease = assignment.lease
            pool.submit {
                let result = BuiltinTrainer.run(assignment, in: context, cancel: cancel) { step, metrics in
                    inbox.post(.progress(lease, step: step, metrics: metrics))
                }
                inbox.post(.finished(result))
            }
            return
        }
        if let problem = context.problem {
            inbox.post(.finished(TaskResult(lease: assignment.lease, succeeded: false, duration: 0, metrics: [:], error: problem)))
            return
        }
        let gpus = Array(freeGPUs.prefix(command.gpus))
        freeGPUs.removeFirst(gpus.count)
        let cancel = CancelFlag()
        running[assignment.lease] = (cancel, gpus)
        let lease = assignment.lease
        let task = CommandTask(
            assignment: assignment, command: command, folds: context.folds,
            taskDirectory: store.root.appendingPathComponent("tasks/\(String(sweepID, radix: 16))/trial-\(lease.trial)-fold-\(lease.fold)-attempt-\(lease.attempt)"),
            workdir: context.workdir, data: context.commandData, gpuIDs: gpus, launcher: launcher, cancel: cancel,
            progress: { step, metrics in inbox.post(.progress(lease, step: step, metrics: metrics)) })
        pool.submit { inbox.post(.finished(CommandTrainer.run(task))) }
    }

    mutating func startWaiting() {
        let ready = waiting
        waiting = []
        for (assignment, sweepID) in ready { run(assignment, sweepID: sweepID) }
    }

    /// A task ended: its GPUs are free again.
    mutating func finished(_ lease: LeaseRef) {
        if let entry = running.removeValue(forKey: lease) { freeGPUs = (freeGPUs + entry.gpus).sorted() }
    }

    func cancel(_ lease: LeaseRef) { running[lease]?.cancel.set() }

    func cancelAll() { for entry in running.values { entry.cancel.set() } }
}
