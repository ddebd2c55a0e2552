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
    /// A sweep's setup, until the files it names are in the store (a command's files, or a
    /// built-in sweep's data too large for one message).
    var pendingSetup: (setup: Setup, blobs: [BlobRef])?
    /// The sweep whose SETUP is being decoded, and the one whose files are being read, off the
    /// socket thread (TaskLauncher+Setup): its tasks wait meanwhile.
    var decoding: UInt64?
    var preparing: UInt64?
    /// The sweep whose cached files are being verified, and downloaded files being written, off
    /// the socket thread (hashing a large file would stall heartbeats).
    var checking: UInt64?
    var storing: [String: BlobRef] = [:]
    var downloads: [String: BlobDownload] = [:]
    var waiting: [(Assignment, UInt64)] = []
    var running: [LeaseRef: (cancel: CancelFlag, gpus: [Int])] = [:]
    /// Directories of finished command tasks, removed once the coordinator has their results.
    var finishedDirectories: [LeaseRef: (sweepID: UInt64, url: URL)] = [:]
    /// `--keep-task-dirs`: leave task directories in place, for debugging.
    let keepTaskDirectories: Bool
    let remover = DispatchQueue(label: "task-directory-removal")
    let launcher = LocalWorkers.currentExecutable.path
    /// This worker's name, in what a task says about this host.
    let workerName: String

    init(
        store: BlobStore, gpus: [Int], inbox: Mailbox<WorkerService.Inbox>, pool: TaskPool, logger: Logger,
        workerName: String, keepTaskDirectories: Bool = false
    ) {
        self.keepTaskDirectories = keepTaskDirectories
        self.store = store
        self.workerName = workerName
        self.freeGPUs = gpus
        self.inbox = inbox
        self.pool = pool
        self.logger = logger
    }

    /// Takes a sweep's setup; returns FETCH requests for files this host does not hold yet.
    mutating func load(_ setup: Setup) -> [Message] {
        forgetOtherSweeps(than: setup.sweepID)
        switch setup.trainer {
        case .builtin(let builtin):
            if let blob = builtin.dataBlob { return load(setup, blobs: [blob]) }
            (pendingSetup, downloads) = (nil, [:])  // a command sweep's files still on the way are no longer needed
            contexts = [setup.sweepID: SweepContext(setup, builtin: builtin)]
            startWaiting()
            return []
        case .command(let command):
            return load(setup, blobs: command.blobs)
        }
    }

    /// A sweep with files: they are fetched (or found in the cache) before its tasks start.
    mutating func load(_ setup: Setup, blobs: [BlobRef]) -> [Message] {
        (pendingSetup, downloads, storing, checking) = ((setup, blobs), [:], [:], setup.sweepID)
        checkCache(blobs, sweepID: setup.sweepID)  // answers with `.filesChecked`
        return []
    }

    /// Takes a CHUNK; returns further FETCH requests.
    mutating func deliver(_ hash: String, offset: Int, total: Int, bytes: [UInt8]) -> [Message] {
        // Taken out of the dictionary while the chunk is copied in: a copy left behind there would
        // make the first write copy the whole file, once per chunk.
        guard var download = downloads.removeValue(forKey: hash) else { return [] }
        if total == 0 && download.blob.size > 0 {
            return fail("the coordinator no longer serves file \(hash.prefix(12))")
        }
        guard download.accept(offset: offset, total: total, chunk: bytes) else {
            downloads[hash] = download
            return []
        }
        if download.isComplete {
            store(download)  // answers with `.fileStored`
            return []
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
            for (offset, length) in downloads[hash]!.requests() {
                messages.append(.fetch(sha256: hash, offset: offset, length: length))
            }
        }
        return messages
    }

    /// Once every file is here: the workdir is unpacked and the data read off the socket thread
    /// (`prepare`); the tasks start when `install` gets the outcome.
    mutating func finishSetupIfReady() -> [Message]? {
        guard let (setup, _) = pendingSetup, downloads.isEmpty, storing.isEmpty, checking == nil else { return nil }
        guard preparing != setup.sweepID else { return [] }
        preparing = setup.sweepID
        let (store, logger, inbox) = (self.store, self.logger, self.inbox)
        DispatchQueue.global(qos: .userInitiated).async {
            let runner = Self.prepare(setup, store: store, logger: logger)
            inbox.post(.setupPrepared(sweepID: setup.sweepID, runner))
        }
        return []
    }

    mutating func fail(_ problem: String) -> [Message] {
        guard let (setup, _) = pendingSetup else { return [] }
        pendingSetup = nil
        downloads = [:]
        logger.error("\(problem)")
        contexts = [setup.sweepID: SweepContext(setup, runner: .unavailable(problem))]
        startWaiting()
        return []
    }

    mutating func run(_ assignment: Assignment, sweepID: UInt64) {
        let lease = assignment.lease
        guard let context = contexts[sweepID] else {
            if pendingSetup?.setup.sweepID == sweepID || decoding == sweepID {
                waiting.append((assignment, sweepID))
            } else {
                inbox.post(
                    .finished(
                        TaskResult(
                            lease: lease, succeeded: false, duration: 0, metrics: [:],
                            error: "worker holds no setup for this sweep")))
            }
            return
        }
        let inbox = self.inbox
        switch context.runner {
        case .builtin(let builtin):
            let cancel = CancelFlag()
            running[lease] = (cancel, [])
            // The progress closure is made on the trainer thread: nothing more is allocated here,
            // on the socket thread, per task (the dispatch benchmark's path).
            pool.submit {
                if cancel.isSet { return inbox.post(.finished(Self.cancelledBeforeStart(lease))) }
                let result = BuiltinTrainer.run(assignment, builtin, plan: context.plan, cancel: cancel) {
                    step, metrics in
                    inbox.post(.progress(lease, step: step, metrics: metrics))
                }
                inbox.post(.finished(result))
            }
        case .command(let command):
            let progress: @Sendable (Int, [String: Double]) -> Void = { step, metrics in
                inbox.post(.progress(lease, step: step, metrics: metrics))
            }
            let gpus = Array(freeGPUs.prefix(command.command.gpus))
            freeGPUs.removeFirst(gpus.count)
            let cancel = CancelFlag()
            running[lease] = (cancel, gpus)
            let task = CommandTask(
                assignment: assignment, command: command.command, folds: context.folds,
                taskDirectory: taskDirectory(lease, sweepID: sweepID),
                workdir: command.workdir, data: command.data, gpuIDs: gpus, launcher: launcher, worker: workerName,
                cancel: cancel,
                progress: progress, artifactCache: ArtifactKeeper.directory(store: store.root, sweepID: sweepID))
            pool.submit {
                if cancel.isSet { return inbox.post(.finished(Self.cancelledBeforeStart(lease))) }
                inbox.post(.finished(CommandTrainer.run(task)))
            }
        case .unavailable(let problem):
            inbox.post(.finished(TaskResult(lease: lease, succeeded: false, duration: 0, metrics: [:], error: problem)))
        }
    }

    /// A task cancelled while it waited for a slot (prefetched) ends without starting.
    static func cancelledBeforeStart(_ lease: LeaseRef) -> TaskResult {
        TaskResult(
            lease: lease, succeeded: false, duration: 0, metrics: [:],
            error: "cancelled by the coordinator before it started")
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

    /// Where a command task runs: unique to this worker process, so workers sharing a cache never
    /// share one. Kept until its result is acknowledged.
    mutating func taskDirectory(_ lease: LeaseRef, sweepID: UInt64) -> URL {
        let url = store.root.appendingPathComponent(
            "tasks/\(String(sweepID, radix: 16))-trial-\(lease.trial)-fold-\(lease.fold)-attempt-\(lease.attempt)-pid-\(getpid())"
        )
        finishedDirectories[lease] = (sweepID, url)
        return url
    }

    /// Acknowledgements and a sweep's end, which let task directories go.
    mutating func observe(_ event: WorkerMachine.Event) {
        switch event {
        case .received(.work(_, let acks, _)) where !acks.isEmpty: acknowledged(acks)
        case .received(.sweepDone(let sweepID)):
            acknowledged(finishedDirectories.filter { $0.value.sweepID == sweepID }.map(\.key))
        default: break
        }
    }

    /// The coordinator holds these results: their task directories go (off the socket thread).
    mutating func acknowledged(_ leases: [LeaseRef]) {
        remove(leases.compactMap { running[$0] == nil ? finishedDirectories.removeValue(forKey: $0)?.url : nil })
    }

    /// A new sweep: directories of another sweep's tasks can never be acknowledged any more.
    mutating func forgetOtherSweeps(than sweepID: UInt64) {
        ArtifactKeeper.forget(store: store.root, keeping: sweepID)
        let stale = finishedDirectories.filter { $0.value.sweepID != sweepID && running[$0.key] == nil }
        for lease in stale.keys { finishedDirectories.removeValue(forKey: lease) }
        remove(stale.values.map(\.url))
    }

    func remove(_ directories: [URL]) {
        guard !keepTaskDirectories, !directories.isEmpty else { return }
        remover.async {
            for url in directories { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// Waits for removals under way (before the worker exits); the kept artifacts go too.
    func finishRemovals() {
        remover.sync {}
        ArtifactKeeper.forget(store: store.root, keeping: nil)
    }

    func cancel(_ lease: LeaseRef) { running[lease]?.cancel.set() }

    func cancelAll() { for entry in running.values { entry.cancel.set() } }
}
