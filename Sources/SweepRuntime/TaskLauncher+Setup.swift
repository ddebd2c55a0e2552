import Foundation
import Logging
import SweepCore
import SweepProtocol

/// Setup work that would stall the socket thread (and with it heartbeats) runs on a background
/// queue: decoding a SETUP (a built-in sweep's data can be hundreds of MiB), unpacking a workdir
/// and reading a command sweep's CSV. The outcome comes back through the inbox; the socket thread
/// only installs it. Tasks of that sweep wait meanwhile, as they wait for its files.
extension TaskLauncher {
    /// Decodes a SETUP off the socket thread; the loop gets `.setupDecoded` or `.setupMalformed`.
    /// A SETUP of the sweep this worker holds or is decoding already is not decoded again.
    mutating func decodeSetup(_ bytes: [UInt8], sweepID: UInt64) {
        guard contexts[sweepID] == nil, pendingSetup?.setup.sweepID != sweepID, decoding != sweepID else { return }
        decoding = sweepID
        let inbox = self.inbox
        DispatchQueue.global(qos: .userInitiated).async {
            do throws(DecodeError) {
                guard case .setup(let setup) = try Codec.decode(bytes) else {
                    throw DecodeError("not a SETUP message")
                }
                inbox.post(.setupDecoded(setup))
            } catch {
                inbox.post(.setupMalformed(sweepID: sweepID, error))
            }
        }
    }

    /// The decoded SETUP is the one awaited (false: a newer one came since; drop it).
    mutating func decoded(_ sweepID: UInt64) -> Bool {
        guard decoding == sweepID else { return false }
        decoding = nil
        return true
    }

    /// A SETUP that did not decode: the tasks that waited for it fail, saying so.
    mutating func undecodable(_ sweepID: UInt64) {
        guard decoding == sweepID else { return }
        decoding = nil
        startWaiting()
    }

    /// Verifies a sweep's files in the cache off the socket thread (the first use hashes them).
    func checkCache(_ blobs: [BlobRef], sweepID: UInt64) {
        let (store, logger, inbox) = (self.store, self.logger, self.inbox)
        DispatchQueue.global(qos: .userInitiated).async {
            let missing = blobs.filter { blob in
                let cached = store.has(blob)
                logger.info(
                    cached
                        ? "using cached file \(blob.sha256.prefix(12)) (\(blob.size) bytes)"
                        : "fetching file \(blob.sha256.prefix(12)) (\(blob.size) bytes) from the coordinator")
                return !cached
            }
            inbox.post(.filesChecked(sweepID: sweepID, missing: missing))
        }
    }

    /// The cache is checked: fetch what it lacks (FETCH requests), or prepare the sweep.
    mutating func filesChecked(_ sweepID: UInt64, missing: [BlobRef]) -> [Message] {
        guard checking == sweepID, pendingSetup?.setup.sweepID == sweepID else { return [] }
        checking = nil
        for blob in missing { downloads[blob.sha256] = BlobDownload(blob) }
        return finishSetupIfReady() ?? requests()
    }

    /// Writes a downloaded file to the cache off the socket thread (it is hashed first).
    mutating func store(_ download: BlobDownload) {
        storing[download.blob.sha256] = download.blob
        let (store, logger, inbox) = (self.store, self.logger, self.inbox)
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                try store.store(download.bytes, as: download.blob)
                logger.info("fetched file \(download.blob.sha256.prefix(12)) (\(download.blob.size) bytes)")
                inbox.post(.fileStored(download.blob, error: nil))
            } catch {
                inbox.post(.fileStored(download.blob, error: "\(error)"))
            }
        }
    }

    /// A fetched file is in the cache (or did not match its hash: it is fetched again).
    mutating func fileStored(_ blob: BlobRef, error: String?) -> [Message] {
        guard storing.removeValue(forKey: blob.sha256) != nil else { return [] }
        if let error {
            logger.warning("\(error)")
            downloads[blob.sha256] = BlobDownload(blob)
            return requests()
        }
        return finishSetupIfReady() ?? requests()
    }

    /// The setup outcomes posted by the background work above, applied; the FETCH requests they
    /// lead to (nil: `item` is not one of them).
    mutating func take(_ item: WorkerService.Inbox) -> [Message]? {
        switch item {
        case .setupPrepared(let sweepID, let runner):
            install(sweepID, runner)
            return []
        case .filesChecked(let sweepID, let missing): return filesChecked(sweepID, missing: missing)
        case .fileStored(let blob, let error): return fileStored(blob, error: error)
        default: return nil
        }
    }

    /// A command sweep's files, read: its tasks start (unless another sweep's setup came since).
    mutating func install(_ sweepID: UInt64, _ runner: SweepContext.Runner) {
        guard let (setup, _) = pendingSetup, setup.sweepID == sweepID, preparing == sweepID else { return }
        (pendingSetup, preparing) = (nil, nil)
        contexts = [sweepID: SweepContext(setup, runner: runner)]
        startWaiting()
    }

    /// Reads a sweep's files once they are all in the store: a command's workdir is unpacked and
    /// its CSV read; a built-in sweep's served dataset is decoded.
    static func prepare(_ setup: Setup, store: BlobStore, logger: Logger) -> SweepContext.Runner {
        do {
            switch setup.trainer {
            case .builtin(var builtin):
                guard let blob = builtin.dataBlob else { return SweepContext.runner(builtin) }
                let bytes = try [UInt8](Data(contentsOf: store.blobURL(blob)))
                builtin.data = try Codec.decodeDataset(bytes, rows: setup.plan.rows)
                builtin.dataBlob = nil
                return SweepContext.runner(builtin)
            case .command(let command):
                let workdir = try command.workdir.map { try store.workdir(for: $0) }
                if let workdir { TaskLayout.makeReadOnly(workdir) }
                let data = try command.data.map { blob in
                    try CommandData(
                        csv: String(decoding: try Data(contentsOf: store.blobURL(blob)), as: UTF8.self),
                        plan: setup.plan)
                }
                return .command(SweepContext.Command(command: command, data: data, workdir: workdir))
            }
        } catch {
            let problem = "this worker could not prepare the sweep's files: \(error)"
            logger.error("\(problem)")
            return .unavailable(problem)
        }
    }
}
