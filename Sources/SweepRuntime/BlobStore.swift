import Foundation
import Logging
import SweepCore
import SweepProtocol

/// A worker host's cache of shipped files, by SHA-256: `blobs/HASH` for files and
/// `workdirs/HASH/` for unpacked workdir bundles. Entries appear atomically (written under a
/// temporary name, verified, then renamed over the old entry, never deleted first: worker
/// processes sharing the cache always find a whole file), so a crash never leaves a half file
/// under a real name. Reused across tasks and sweeps.
///
/// A cached file is trusted only after this process has hashed it once: a file altered in place
/// (same size, other bytes) is found before any task reads it, reported, and fetched again. An
/// unpacked workdir likewise, against its bundle.
// safe: `verified` and `verifiedWorkdirs` are guarded by `lock`; cached files are replaced by rename
final class BlobStore: @unchecked Sendable {
    let root: URL
    let logger: Logger
    private let lock = NSLock()
    /// Hashes whose cached file this process checked and found intact (or stored itself).
    private var verified: Set<String> = []
    /// Hashes of workdir bundles whose unpacked tree this process checked (or unpacked itself).
    private var verifiedWorkdirs: Set<String> = []

    init(root: URL, logger: Logger = Logger(label: "sweep.cache")) throws {
        self.root = root
        self.logger = logger
        for sub in ["blobs", "workdirs", "tmp", "tasks"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    func blobURL(_ blob: BlobRef) -> URL { root.appendingPathComponent("blobs/\(blob.sha256)") }
    func workdirURL(_ blob: BlobRef) -> URL { root.appendingPathComponent("workdirs/\(blob.sha256)") }

    /// Whether the cache holds `blob` intact. The first time in this process the file's SHA-256
    /// is computed; a file that does not match is reported and counts as missing (it is fetched
    /// again and replaced).
    func has(_ blob: BlobRef) -> Bool {
        let url = blobURL(blob)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return false }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        guard size == blob.size else {
            logger.warning(
                "cached file \(url.path) has \(size) bytes, not \(blob.size): it was altered; fetching it again")
            return false
        }
        if lock.withLock({ verified.contains(blob.sha256) }) { return true }
        do {
            let actual = try ContentHash.sha256(fileAt: url)
            guard actual == blob.sha256 else {
                logger.warning(
                    "cached file \(url.path) does not match its hash (sha256 \(actual.prefix(12))…, expected \(blob.sha256.prefix(12))…): it was altered; fetching it again"
                )
                return false
            }
        } catch {
            logger.warning("cannot read cached file \(url.path): \(error); fetching it again")
            return false
        }
        lock.withLock { _ = verified.insert(blob.sha256) }
        return true
    }

    /// Stores downloaded bytes after checking them against the announced hash and size.
    func store(_ bytes: [UInt8], as blob: BlobRef) throws {
        guard bytes.count == blob.size, ContentHash.sha256(bytes) == blob.sha256 else {
            throw BlobError(
                description:
                    "received file does not match its hash \(blob.sha256.prefix(12))…; it will be fetched again")
        }
        let temporary = root.appendingPathComponent("tmp/\(blob.sha256)-\(UUID().uuidString)")
        try Data(bytes).write(to: temporary)
        try Self.replace(blobURL(blob), with: temporary)
        lock.withLock { _ = verified.insert(blob.sha256) }
    }

    /// Renames `temporary` over `target`: rename(2) replaces it in one step, so a reader finds
    /// the old file or the new one, never none.
    static func replace(_ target: URL, with temporary: URL) throws {
        guard rename(temporary.path, target.path) == 0 else {
            let problem = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw BlobError(description: "cannot move a fetched file into the cache at \(target.path): \(problem)")
        }
    }

    /// The unpacked workdir for a bundle blob, unpacking it on first use. An unpacked tree is
    /// trusted after this process packed it again and found the bundle's hash; one that was
    /// altered is moved aside (a rename) and unpacked anew from the verified bundle.
    func workdir(for blob: BlobRef) throws -> URL {
        let target = workdirURL(blob)
        if lock.withLock({ verifiedWorkdirs.contains(blob.sha256) }) { return target }
        if FileManager.default.fileExists(atPath: target.path) {
            if Self.tree(target, matches: blob) {
                lock.withLock { _ = verifiedWorkdirs.insert(blob.sha256) }
                return target
            }
            logger.warning(
                "cached workdir \(target.path) differs from its bundle \(blob.sha256.prefix(12))… (a file in it was changed, added or removed): unpacking it again"
            )
            let stale = root.appendingPathComponent("tmp/stale-workdir-\(UUID().uuidString)")
            if rename(target.path, stale.path) == 0 { try? FileManager.default.removeItem(at: stale) }
        }
        let bytes = try [UInt8](Data(contentsOf: blobURL(blob)))
        guard bytes.count == blob.size, ContentHash.sha256(bytes) == blob.sha256 else {
            throw BlobError(description: "cached bundle \(blob.sha256.prefix(12))… does not match its hash")
        }
        let temporary = root.appendingPathComponent("tmp/workdir-\(UUID().uuidString)")
        try BundleArchive.unpack(bytes, into: temporary)
        do {
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch  where FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: temporary)  // another unpack won the race
        }
        lock.withLock { _ = verifiedWorkdirs.insert(blob.sha256) }
        return target
    }

    /// Whether the tree at `url` packs to exactly the bundle `blob` (packing is deterministic).
    static func tree(_ url: URL, matches blob: BlobRef) -> Bool {
        guard let bytes = try? BundleArchive.pack(directory: url) else { return false }
        return bytes.count == blob.size && ContentHash.sha256(bytes) == blob.sha256
    }

    /// The default cache: $SWEEP_CACHE, else $XDG_CACHE_HOME/sweep, else ~/.cache/sweep.
    static func defaultRoot() -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SWEEP_CACHE"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("sweep")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sweep")
    }
}

struct BlobError: Error, CustomStringConvertible {
    let description: String
}

/// One file being fetched in chunks: which ranges to ask for next, with a bounded window.
struct BlobDownload {
    static let chunkBytes = 1 << 20
    static let window = 4

    let blob: BlobRef
    var bytes: [UInt8]
    var nextOffset = 0
    var received = 0
    var inFlight: Set<Int> = []

    /// Nothing is allocated for the size the peer announced: the buffer grows as chunks arrive
    /// (at most `window` chunks past what was received), so a false size costs no memory.
    init(_ blob: BlobRef) {
        self.blob = blob
        bytes = []
    }

    var isComplete: Bool { received == blob.size }

    /// FETCH requests to send now (keeps up to `window` chunks outstanding).
    mutating func requests() -> [(offset: Int, length: Int)] {
        var out: [(Int, Int)] = []
        while inFlight.count < Self.window && nextOffset < blob.size {
            let length = min(Self.chunkBytes, blob.size - nextOffset)
            out.append((nextOffset, length))
            inFlight.insert(nextOffset)
            nextOffset += length
        }
        return out
    }

    /// Takes a chunk; false if it does not belong (wrong range or size).
    mutating func accept(offset: Int, total: Int, chunk: [UInt8]) -> Bool {
        guard total == blob.size, inFlight.contains(offset), offset + chunk.count <= blob.size,
            !chunk.isEmpty
                || blob.size == 0
        else { return false }
        inFlight.remove(offset)
        if bytes.count < offset + chunk.count {
            bytes.append(contentsOf: repeatElement(0, count: offset + chunk.count - bytes.count))
        }
        bytes.replaceSubrange(offset..<(offset + chunk.count), with: chunk)
        received += chunk.count
        return true
    }

    /// Starts over (after a reconnect, or a hash mismatch).
    mutating func restart() {
        nextOffset = 0
        received = 0
        inFlight = []
    }
}
