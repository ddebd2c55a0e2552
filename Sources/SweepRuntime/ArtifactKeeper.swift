import Foundation
import Glibc
import SweepProtocol

/// The worker's side of artifacts: after a command task, the files the program left under
/// `$SWEEP_ARTIFACTS` that pass `ArtifactCheck` are hashed and moved (a rename: same file
/// system) into the sweep's artifact cache, named by hash, where they stay until the worker
/// takes another sweep; the result carries their manifest. The coordinator fetches what its
/// policy wants with FETCH, answered by `chunk`.
enum ArtifactKeeper {
    /// This host's name in cache directory names: a cache shared by several hosts (a network home
    /// directory) holds other hosts' directories, whose process ids mean nothing here.
    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "host" }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.replacingOccurrences(of: "/", with: "_")
    }()

    /// The cache directory of one sweep's artifacts in this worker process.
    static func directory(store: URL, sweepID: UInt64) -> URL {
        store.appendingPathComponent("artifacts/\(String(sweepID, radix: 16))-\(host)-pid-\(getpid())")
    }

    /// Checks, hashes and keeps the tree at `tree`; the manifest says what was kept and refused.
    static func keep(_ tree: URL, limit: Int, into cache: URL) -> ArtifactManifest {
        let verdict = ArtifactCheck.judge(ArtifactCheck.walk(tree), limit: limit)
        var manifest = ArtifactManifest(refused: verdict.refused.joined(separator: "; "))
        do {
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            for entry in verdict.accepted {
                let source = tree.appendingPathComponent(entry.path)
                let hash = try ContentHash.sha256(fileAt: source)
                let target = cache.appendingPathComponent(hash)
                if !FileManager.default.fileExists(atPath: target.path) {
                    guard rename(source.path, target.path) == 0 else {
                        throw BlobError(description: "cannot keep \(entry.path): \(String(cString: strerror(errno)))")
                    }
                }
                manifest.files.append(ArtifactFile(path: entry.path, size: entry.size, sha256: hash, mode: entry.mode))
            }
        } catch {
            manifest.files = []
            manifest.refused = [manifest.refused, "could not keep the artifacts: \(error)"].filter { !$0.isEmpty }
                .joined(separator: "; ")
        }
        manifest.refused = WireLimits.prefix(manifest.refused, bytes: WireLimits.artifactNoteBytes)
        return manifest
    }

    /// A CHUNK answering the coordinator's FETCH of a kept artifact (total 0: not held here).
    static func chunk(_ hash: String, offset: Int, length: Int, cache: URL?) -> Message {
        let missing = Message.chunk(sha256: hash, offset: offset, total: 0, bytes: [])
        guard let cache, ArtifactPath.isHash(hash), offset >= 0 else { return missing }
        let url = cache.appendingPathComponent(hash)
        guard let handle = try? FileHandle(forReadingFrom: url) else { return missing }
        defer { try? handle.close() }
        guard let total = try? handle.seekToEnd(), offset <= Int(total) else { return missing }
        let count = min(max(0, length), WireLimits.artifactChunkBytes, Int(total) - offset)
        do {
            try handle.seek(toOffset: UInt64(offset))
            let bytes = try handle.read(upToCount: count) ?? Data()
            return .chunk(sha256: hash, offset: offset, total: Int(total), bytes: [UInt8](bytes))
        } catch {
            return missing
        }
    }

    /// Removes this process's artifact caches of sweeps other than `sweepID` (nil: all of them),
    /// and those of worker processes that no longer run (killed before they could clean up).
    static func forget(store: URL, keeping sweepID: UInt64?) {
        let root = store.appendingPathComponent("artifacts")
        let keep = sweepID.map { directory(store: store, sweepID: $0).lastPathComponent }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names where name != keep && isStale(name) {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Whether a cache directory (`SWEEP-HOST-pid-PID`) is this process's or a dead process's of this host.
    static func isStale(_ name: String) -> Bool {
        guard let range = name.range(of: "-\(host)-pid-", options: .backwards),
            let pid = pid_t(name[range.upperBound...])
        else { return false }
        return pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH)
    }
}
