import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

struct BundleTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("pkg/sub"), withIntermediateDirectories: true)
        return url
    }

    @Test func packAndUnpackRoundTripDeterministically() throws {
        let source = try directory()
        try "print(1)".write(to: source.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        try "x".write(to: source.appendingPathComponent("pkg/sub/data.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: source.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try "secret".write(to: source.appendingPathComponent(".git/config"), atomically: true, encoding: .utf8)
        let bytes = try BundleArchive.pack(directory: source)
        #expect(try BundleArchive.pack(directory: source) == bytes)
        let target = try directory().appendingPathComponent("out")
        try BundleArchive.unpack(bytes, into: target)
        #expect(try String(contentsOf: target.appendingPathComponent("pkg/sub/data.txt"), encoding: .utf8) == "x")
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent(".git").path))
    }

    /// `workdir: .` with the run directory inside it (`--out runs/x`): the run directory is the
    /// sweep's output, not the trainer's code; packing it made every resume see a changed workdir.
    @Test func runDirectoriesInsideTheWorkdirAreNotPacked() throws {
        let source = try directory()
        try "print(1)".write(to: source.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let before = try BundleArchive.pack(directory: source)
        let run = source.appendingPathComponent("runs/first")
        try FileManager.default.createDirectory(
            at: run.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try "db".write(to: run.appendingPathComponent("run.db"), atomically: true, encoding: .utf8)
        try "log".write(to: run.appendingPathComponent("logs/task.log"), atomically: true, encoding: .utf8)
        #expect(try BundleArchive.pack(directory: source) == before)
    }

    @Test func symlinksAreRefusedWhenPacking() throws {
        let source = try directory()
        try FileManager.default.createSymbolicLink(
            atPath: source.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        #expect(throws: BundleArchive.BundleError.self) { try BundleArchive.pack(directory: source) }
    }

    @Test(arguments: ["../evil", "/etc/passwd", "a/../../b", "a//b", "./a", "a\\b"])
    func pathsThatEscapeAreRefusedWhenUnpacking(_ path: String) throws {
        #expect(!isSafeRelativePath(path))
        var bytes = Array("SWB1".utf8)
        BundleArchive.append32(&bytes, 1)
        BundleArchive.append32(&bytes, UInt32(path.utf8.count))
        bytes += Array(path.utf8) + [0]
        BundleArchive.append64(&bytes, 1)
        bytes.append(65)
        let target = try directory().appendingPathComponent("out")
        #expect(throws: BundleArchive.BundleError.self) { try BundleArchive.unpack(bytes, into: target) }
    }

    @Test func truncatedBundlesAreRefused() throws {
        let source = try directory()
        try "abc".write(to: source.appendingPathComponent("f"), atomically: true, encoding: .utf8)
        let bytes = try BundleArchive.pack(directory: source)
        for length in [3, 8, bytes.count - 1] {
            let target = try directory().appendingPathComponent("out\(length)")
            #expect(throws: BundleArchive.BundleError.self) {
                try BundleArchive.unpack(Array(bytes.prefix(length)), into: target)
            }
        }
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(ContentHash.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            ContentHash.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            ContentHash.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            ContentHash.sha256([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func blobDownloadsAskInChunksWithABoundedWindow() {
        var download = BlobDownload(
            BlobRef(sha256: String(repeating: "0", count: 64), size: 5 * BlobDownload.chunkBytes + 10))
        let initial = download.requests()
        #expect(initial.count == BlobDownload.window)
        let none = download.requests()
        #expect(none.isEmpty)
        let size = download.blob.size
        let stray = download.accept(offset: 7, total: size, chunk: [1])
        #expect(!stray)
        let first = download.accept(
            offset: 0, total: size, chunk: [UInt8](repeating: 1, count: BlobDownload.chunkBytes))
        #expect(first)
        let more = download.requests()
        #expect(more.count == 1)
    }
}
