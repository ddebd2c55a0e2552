import Foundation
import Testing

@testable import SweepProtocol
@testable import SweepRuntime

/// The worker's checks of a task's artifact tree (pure), its walk of a real tree, and the
/// coordinator's bookkeeping of a transfer.
struct ArtifactCheckTests {
    static func file(_ path: String, _ size: Int = 10) -> ArtifactEntry {
        ArtifactEntry(path: path, kind: .file, size: size, mode: 0o644)
    }

    @Test func goodFilesPassAndBadEntriesAreRefusedOneByOne() {
        let verdict = ArtifactCheck.judge(
            [
                Self.file("model.pkl"), ArtifactEntry(path: "sub", kind: .directory, size: 0, mode: 0o755),
                Self.file("sub/a.txt"), ArtifactEntry(path: "latest", kind: .symlink, size: 0, mode: 0o777),
                ArtifactEntry(path: "pipe", kind: .special("FIFO"), size: 0, mode: 0o644),
                Self.file("bad\nname"), Self.file("../escape"), Self.file("/abs"),
            ], limit: 1000)
        #expect(verdict.accepted.map(\.path) == ["model.pkl", "sub/a.txt"])
        #expect(
            verdict.refused == [
                "refused symbolic link 'latest' (artifacts are regular files)",
                "refused FIFO 'pipe' (artifacts are regular files)",
                "refused a name with control characters \"bad\\nname\"",
                "refused a name with '..' ('../escape')",
                "refused an absolute path '/abs'",
            ])
    }

    @Test func aTreeOverTheLimitIsRefusedWhole() {
        let verdict = ArtifactCheck.judge([Self.file("a", 600), Self.file("b", 600)], limit: 1024)
        #expect(verdict.accepted.isEmpty)
        #expect(
            verdict.refused == ["refused all 2 files: they total 1200 bytes, over limits.max_artifact_size (1 KiB)"])
    }

    @Test func theWalkSeesLinksAsLinksAndKeepsOnlyRegularFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-walk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = root.appendingPathComponent("tree"), cache = root.appendingPathComponent("cache")
        try FileManager.default.createDirectory(
            at: tree.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("weights".utf8).write(to: tree.appendingPathComponent("sub/w.bin"))
        try FileManager.default.createSymbolicLink(
            at: tree.appendingPathComponent("secret"), withDestinationURL: URL(fileURLWithPath: "/etc/passwd"))
        let manifest = ArtifactKeeper.keep(tree, limit: 1 << 20, into: cache)
        let hash = ContentHash.sha256(Array("weights".utf8))
        #expect(manifest.files == [ArtifactFile(path: "sub/w.bin", size: 7, sha256: hash, mode: 0o644)])
        #expect(manifest.refused == "refused symbolic link 'secret' (artifacts are regular files)")
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent(hash).path))
        // Served back in chunks, and an unknown hash is answered with total 0.
        guard case .chunk(_, 0, 7, let bytes) = ArtifactKeeper.chunk(hash, offset: 0, length: 4, cache: cache) else {
            Issue.record("expected a chunk")
            return
        }
        #expect(bytes == Array("weig".utf8))
        let unknown = ArtifactKeeper.chunk(String(repeating: "0", count: 64), offset: 0, length: 4, cache: cache)
        guard case .chunk(_, _, 0, []) = unknown else {
            Issue.record("expected an empty chunk for an unknown hash")
            return
        }
    }

    @Test func aTransferAsksForAWindowAndTakesOnlyWhatItAskedFor() {
        let size = WireLimits.artifactChunkBytes * 5 + 3
        var transfer = ArtifactTransfer(
            sha256: String(repeating: "a", count: 64), size: size, peer: PeerID([1]), now: 0)
        #expect(transfer.requests().count == WireLimits.artifactWindow)
        #expect(transfer.accept(offset: 1, total: size, count: 10, now: 1) != nil)
        #expect(transfer.accept(offset: 0, total: size - 1, count: WireLimits.artifactChunkBytes, now: 1) != nil)
        #expect(transfer.accept(offset: 0, total: size, count: WireLimits.artifactChunkBytes, now: 1) == nil)
        #expect(transfer.accept(offset: 0, total: size, count: WireLimits.artifactChunkBytes, now: 1) != nil)
        #expect(transfer.requests().count == 1)
        #expect(transfer.accept(offset: 0, total: 0, count: 0, now: 2) == "the worker no longer holds it")
    }
}
