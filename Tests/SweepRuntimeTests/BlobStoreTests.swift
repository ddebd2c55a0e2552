import Foundation
import SweepProtocol
import Testing

@testable import SweepRuntime

/// The worker's file cache: what it trusts and how it replaces a file that several worker
/// processes may be reading.
struct BlobStoreTests {
    func store() throws -> BlobStore {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cache-\(UUID().uuidString)")
        return try BlobStore(root: url)
    }

    func blob(_ bytes: [UInt8]) -> BlobRef { BlobRef(sha256: ContentHash.sha256(bytes), size: bytes.count) }

    /// A cached file altered in place, same size, is not used: a new worker process (a new
    /// BlobStore on the same directory) hashes it before trusting it.
    @Test func aCachedFileAlteredInPlaceIsNotTrusted() throws {
        let bytes = Array("x,y\n1,2\n3,4\n".utf8), ref = blob(bytes)
        let first = try store()
        try first.store(bytes, as: ref)
        #expect(first.has(ref))
        let handle = try FileHandle(forWritingTo: first.blobURL(ref))
        try handle.seek(toOffset: 4)
        try handle.write(contentsOf: Data("9".utf8))
        try handle.close()
        #expect(try Data(contentsOf: first.blobURL(ref)).count == bytes.count, "same size")
        let restarted = try BlobStore(root: first.root)
        #expect(!restarted.has(ref), "an altered file must be fetched again")
        try restarted.store(bytes, as: ref)
        #expect(restarted.has(ref))
        #expect(try [UInt8](Data(contentsOf: restarted.blobURL(ref))) == bytes)
    }

    /// Verified once per process: a second look does not hash the file again (the file is
    /// altered behind the store's back to show it).
    @Test func aVerifiedFileIsHashedOncePerProcess() throws {
        let bytes = Array("abc".utf8), ref = blob(bytes)
        let cache = try store()
        try cache.store(bytes, as: ref)
        let worker = try BlobStore(root: cache.root)
        #expect(worker.has(ref))
        try Data("abd".utf8).write(to: worker.blobURL(ref))
        #expect(worker.has(ref), "already verified by this process")
    }

    /// Replacing a cached file renames the new one over it: a reader in another process never
    /// finds the name missing. (Deleting first, then moving, leaves a gap a reader can fall into.)
    @Test func replacingACachedFileNeverLeavesItMissing() throws {
        let bytes = [UInt8](repeating: 7, count: 4096), ref = blob(bytes)
        let cache = try store()
        try cache.store(bytes, as: ref)
        let path = cache.blobURL(ref).path
        let misses = Counter(), done = Counter()
        let reader = Thread {
            while done.value == 0 { if access(path, F_OK) != 0 { misses.add() } }
            done.add()
        }
        reader.start()
        for _ in 0..<2000 { try cache.store(bytes, as: ref) }
        done.add()
        while done.value < 2 { usleep(1000) }
        #expect(misses.value == 0, "the cached file was missing \(misses.value) times while it was replaced")
    }
}

/// A counter shared with a reader thread.
final class Counter: @unchecked Sendable {  // safe: `count` guarded by `lock`
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// Unpacked workdirs are cached files too: one altered after unpacking is unpacked anew.
struct CachedWorkdirTests {
    @Test func anAlteredWorkdirIsUnpackedAgain() throws {
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: source.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "print('train')\n".write(to: source.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        try "x = 1\n".write(to: source.appendingPathComponent("lib/util.py"), atomically: true, encoding: .utf8)
        let bundle = try BundleArchive.pack(directory: source)
        let ref = BlobRef(sha256: ContentHash.sha256(bundle), size: bundle.count)
        let first = try BlobStoreTests().store()
        try first.store(bundle, as: ref)
        let workdir = try first.workdir(for: ref)
        // Altered in place (same size), and a file added beside it.
        try "x = 2\n".write(to: workdir.appendingPathComponent("lib/util.py"), atomically: false, encoding: .utf8)
        try "junk".write(to: workdir.appendingPathComponent("lib/extra.py"), atomically: false, encoding: .utf8)
        let restarted = try BlobStore(root: first.root)
        let again = try restarted.workdir(for: ref)
        #expect(try String(contentsOf: again.appendingPathComponent("lib/util.py"), encoding: .utf8) == "x = 1\n")
        #expect(!FileManager.default.fileExists(atPath: again.appendingPathComponent("lib/extra.py").path))
        #expect(BlobStore.tree(again, matches: ref))
    }
}
