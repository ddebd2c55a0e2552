import Foundation
import SweepCore
import SweepProtocol

/// A worker host's cache of shipped files, by SHA-256: `blobs/HASH` for files and
/// `workdirs/HASH/` for unpacked workdir bundles. Entries appear atomically (written under a
/// temporary name, verified, then renamed), so a crash never leaves a half file under a real name.
/// Reused across tasks and sweeps.
final class BlobStore: @unchecked Sendable {  // safe: used only from the worker's socket thread
    let root: URL

    init(root: URL) throws {
        self.root = root
        for sub in ["blobs", "workdirs", "tmp", "tasks"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    func blobURL(_ blob: BlobRef) -> URL { root.appendingPathComponent("blobs/\(blob.sha256)") }
    func workdirURL(_ blob: BlobRef) -> URL { root.appendingPathComponent("workdirs/\(blob.sha256)") }

    func has(_ blob: BlobRef) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: blobURL(blob).path) else {
            return false
        }
        return (attributes[.size] as? NSNumber)?.intValue == blob.size
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
        try? FileManager.default.removeItem(at: blobURL(blob))
        try FileManager.default.moveItem(at: temporary, to: blobURL(blob))
    }

    /// The unpacked workdir for a bundle blob, unpacking it on first use.
    func workdir(for blob: BlobRef) throws -> URL {
        let target = workdirURL(blob)
        if FileManager.default.fileExists(atPath: target.path) { return target }
        let bytes = try [UInt8](Data(contentsOf: blobURL(blob)))
        let temporary = root.appendingPathComponent("tmp/workdir-\(UUID().uuidString)")
        try BundleArchive.unpack(bytes, into: temporary)
        do {
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch  where FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: temporary)  // another unpack won the race
        }
        return target
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
