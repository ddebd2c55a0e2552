import Crypto
import Foundation
import Glibc
import Logging
import SweepCore
import SweepProtocol

/// One artifact of one task as the run records it (table `artifacts` of run.db).
struct ArtifactRow: Equatable {
    enum State: String { case pending, arrived, lost, refused, dropped }

    var task: TaskID
    var path: String
    var size: Int
    var sha256: String
    var state: State
    var reason: String = ""
    /// Permission bits the worker reported (not recorded).
    var mode = 0o644
}

/// A file being received: where its bytes go, and its SHA-256 computed as they arrive in order
/// (chunks come in the order asked for; one that overtakes waits in `early`), so verifying a
/// large file never stalls the coordinator's loop with a second read.
private final class Incoming {
    var transfer: ArtifactTransfer
    let handle: FileHandle
    let temporary: URL
    var hasher = SHA256()
    var hashed = 0
    var early: [Int: [UInt8]] = [:]

    init(transfer: ArtifactTransfer, handle: FileHandle, temporary: URL) {
        self.transfer = transfer
        self.handle = handle
        self.temporary = temporary
    }

    func digest(_ offset: Int, _ bytes: [UInt8]) {
        early[offset] = bytes
        while let next = early.removeValue(forKey: hashed) {
            hasher.update(data: next)
            hashed += next.count
        }
    }

    var sha256: String { ContentHash.hex(hasher.finalize()) }
}

/// The coordinator's side of artifacts (policies `best` and `all`): when a task's success is
/// counted, the files its manifest names are fetched from the worker that ran it, chunk by
/// chunk, into `artifacts/.blobs/` under a temporary name; verified against their SHA-256,
/// renamed, and hard-linked to `artifacts/trial-T-fold-F/PATH`. A file already held (same hash)
/// is linked, not fetched again. Files are fetched as results arrive, because a worker may
/// leave once its results are acknowledged; `ArtifactFinish` keeps the best trial's at the end.
/// What arrived, was lost or refused is kept in `rows` for run.db.
final class ArtifactCollector {
    /// A transfer with no chunk for this long is lost (its worker is gone or stuck).
    static let stallSeconds = 20.0

    let root: URL
    let logger: Logger
    private(set) var rows: [ArtifactRow] = []
    private var held: Set<String> = []
    private var transfers: [String: Incoming] = [:]
    /// Rows waiting for each hash.
    private var waiting: [String: [Int]] = [:]

    init(runDirectory: String, logger: Logger) {
        root = URL(fileURLWithPath: runDirectory).appendingPathComponent("artifacts")
        self.logger = logger
    }

    var blobs: URL { root.appendingPathComponent(".blobs") }
    var isBusy: Bool { !transfers.isEmpty }

    /// What a message from a worker means for artifacts: chunks are taken; the manifests of
    /// results whose success the machine just counted (`actions`) start fetches.
    func observe(_ message: Message, from peer: PeerID, actions: [CoordinatorMachine.Action], now: Double)
        -> [(PeerID, Message)]
    {
        switch message {
        case .chunk(let hash, let offset, let total, let bytes):
            return deliver(hash, offset: offset, total: total, bytes: bytes, now: now)
        case .results(_, let results):
            var counted: Set<LeaseRef> = []
            for case .record(let record) in actions where record.status == .ok {
                counted.insert(LeaseRef(record.task, attempt: record.attempt))
            }
            return results.filter { counted.contains($0.lease) }.flatMap {
                want($0.artifacts, of: $0.lease.task, from: peer, now: now)
            }
        default:
            return []
        }
    }

    /// A counted task's manifest: refusals are recorded; files are fetched unless held.
    func want(_ manifest: ArtifactManifest, of task: TaskID, from peer: PeerID, now: Double) -> [(PeerID, Message)] {
        if !manifest.refused.isEmpty {
            logger.warning("trial \(task.trial) fold \(task.fold): artifacts \(manifest.refused)")
            rows.append(
                ArtifactRow(task: task, path: "", size: 0, sha256: "", state: .refused, reason: manifest.refused))
        }
        var sends: [(PeerID, Message)] = []
        for file in manifest.files {
            let index = rows.count
            rows.append(
                ArtifactRow(
                    task: task, path: file.path, size: file.size, sha256: file.sha256, state: .pending, mode: file.mode)
            )
            if let problem = ArtifactPath.problem(file.path) {
                settle([index], .refused, "the worker named \(problem)")
            } else if held.contains(file.sha256) || file.size == 0 {
                place([index])
            } else if transfers[file.sha256] != nil {
                waiting[file.sha256, default: []].append(index)
            } else {
                waiting[file.sha256, default: []].append(index)
                sends += start(file, from: peer, now: now)
            }
        }
        return sends
    }

    private func start(_ file: ArtifactFile, from peer: PeerID, now: Double) -> [(PeerID, Message)] {
        let temporary = blobs.appendingPathComponent("\(file.sha256).part")
        do {
            try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)
            let handle = try FileHandle(forWritingTo: temporary)
            var transfer = ArtifactTransfer(sha256: file.sha256, size: file.size, peer: peer, now: now)
            let requests = transfer.requests()
            transfers[file.sha256] = Incoming(transfer: transfer, handle: handle, temporary: temporary)
            return requests.map { (peer, $0) }
        } catch {
            lose(file.sha256, "cannot write \(temporary.path): \(error)")
            return []
        }
    }

    private func deliver(_ hash: String, offset: Int, total: Int, bytes: [UInt8], now: Double) -> [(PeerID, Message)] {
        guard let entry = transfers[hash] else { return [] }
        if let problem = entry.transfer.accept(offset: offset, total: total, count: bytes.count, now: now) {
            if total == 0 || entry.transfer.size != total { lose(hash, problem) }
            return []
        }
        do {
            try entry.handle.seek(toOffset: UInt64(offset))
            try entry.handle.write(contentsOf: bytes)
        } catch {
            lose(hash, "cannot write \(entry.temporary.path): \(error)")
            return []
        }
        entry.digest(offset, bytes)
        let requests = entry.transfer.requests()
        if entry.transfer.isComplete { complete(hash) }
        return requests.map { (entry.transfer.peer, $0) }
    }

    /// Every byte is in: verify, rename into `.blobs/`, link into each waiting task's directory.
    private func complete(_ hash: String) {
        guard let entry = transfers.removeValue(forKey: hash) else { return }
        try? entry.handle.close()
        guard entry.hashed == entry.transfer.size, entry.sha256 == hash else {
            try? FileManager.default.removeItem(at: entry.temporary)
            settle(waiting.removeValue(forKey: hash) ?? [], .lost, "its bytes did not match sha256 \(hash.prefix(12))…")
            return
        }
        guard rename(entry.temporary.path, blobs.appendingPathComponent(hash).path) == 0 else {
            lose(hash, "cannot rename it into \(blobs.path): \(String(cString: strerror(errno)))")
            return
        }
        held.insert(hash)
        place(waiting.removeValue(forKey: hash) ?? [])
    }

    /// Links (or creates, for an empty file) each row's file under its task's directory.
    private func place(_ indices: [Int]) {
        for index in indices {
            let row = rows[index]
            let target = root.appendingPathComponent(Self.taskDirectory(row.task)).appendingPathComponent(row.path)
            do {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: target)
                if row.size == 0 {
                    _ = FileManager.default.createFile(atPath: target.path, contents: nil)
                } else if link(blobs.appendingPathComponent(row.sha256).path, target.path) != 0 {
                    try FileManager.default.copyItem(at: blobs.appendingPathComponent(row.sha256), to: target)
                }
                chmod(target.path, mode_t(row.mode & 0o777))
                settle([index], .arrived, "")
            } catch {
                settle([index], .lost, "cannot place it at \(target.path): \(error)")
            }
        }
    }

    /// A worker is gone: its transfers are lost.
    func peerLost(_ peer: PeerID) {
        for (hash, entry) in transfers where entry.transfer.peer == peer {
            lose(hash, "its worker disconnected before the file arrived")
        }
    }

    /// Transfers silent past `stallSeconds` are lost.
    func expire(now: Double) {
        for (hash, entry) in transfers where now - entry.transfer.lastProgress > Self.stallSeconds {
            lose(hash, "its worker sent nothing for \(Int(Self.stallSeconds)) s")
        }
    }

    /// The sweep is over: transfers still under way are lost.
    func close() {
        for hash in transfers.keys { lose(hash, "the sweep ended before the file arrived") }
    }

    private func lose(_ hash: String, _ reason: String) {
        if let entry = transfers.removeValue(forKey: hash) {
            try? entry.handle.close()
            try? FileManager.default.removeItem(at: entry.temporary)
        }
        settle(waiting.removeValue(forKey: hash) ?? [], .lost, reason)
    }

    private func settle(_ indices: [Int], _ state: ArtifactRow.State, _ reason: String) {
        for index in indices {
            rows[index].state = state
            rows[index].reason = reason
            if state != .arrived {
                let row = rows[index]
                logger.warning(
                    "trial \(row.task.trial) fold \(row.task.fold): artifact \(row.path) \(state.rawValue): \(reason)")
            }
        }
    }

    static func taskDirectory(_ task: TaskID) -> String { "trial-\(task.trial)-fold-\(task.fold)" }
}
