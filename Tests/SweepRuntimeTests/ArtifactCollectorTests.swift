import Foundation
import Logging
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// The coordinator's side of a transfer, fed the chunks a worker would send: verified bytes are
/// placed under the task's directory; altered bytes and unsafe paths never are.
struct ArtifactCollectorTests {
    let peer = PeerID([7])

    func collector() throws -> (ArtifactCollector, URL) {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        return (ArtifactCollector(runDirectory: run.path, logger: Logger(label: "test")), run)
    }

    static func file(_ path: String, _ text: String) -> ArtifactFile {
        ArtifactFile(path: path, size: text.utf8.count, sha256: ContentHash.sha256(Array(text.utf8)), mode: 0o600)
    }

    @Test func verifiedBytesArePlacedAndAHeldHashIsNotFetchedAgain() throws {
        let (collector, run) = try collector()
        defer { try? FileManager.default.removeItem(at: run) }
        let file = Self.file("sub/model.bin", "weights")
        let task = TaskID(trial: 2, fold: 1)
        let sends = collector.want(ArtifactManifest(files: [file]), of: task, from: peer, now: 0)
        guard case .fetch(file.sha256, 0, 7)? = sends.first?.1, sends.count == 1 else {
            Issue.record("expected one FETCH, got \(sends)")
            return
        }
        _ = collector.observe(
            .chunk(sha256: file.sha256, offset: 0, total: 7, bytes: Array("weights".utf8)), from: peer, actions: [],
            now: 1)
        let placed = run.appendingPathComponent("artifacts/trial-2-fold-1/sub/model.bin")
        #expect((try? String(contentsOf: placed, encoding: .utf8)) == "weights")
        #expect(collector.rows.map(\.state) == [.arrived])
        #expect(!collector.isBusy)
        // The same content for another task is linked from what is held: no FETCH.
        #expect(
            collector.want(ArtifactManifest(files: [file]), of: TaskID(trial: 3, fold: 0), from: peer, now: 2).isEmpty)
        #expect(
            FileManager.default.fileExists(
                atPath: run.appendingPathComponent("artifacts/trial-3-fold-0/sub/model.bin").path))
    }

    @Test func alteredBytesAreLostAndUnsafePathsRefused() throws {
        let (collector, run) = try collector()
        defer { try? FileManager.default.removeItem(at: run) }
        let file = Self.file("model.bin", "weights")
        let escape = Self.file("../../escape", "x")
        _ = collector.want(ArtifactManifest(files: [file, escape]), of: TaskID(trial: 0, fold: 0), from: peer, now: 0)
        _ = collector.observe(
            .chunk(sha256: file.sha256, offset: 0, total: 7, bytes: Array("weighs!".utf8)), from: peer, actions: [],
            now: 1)
        #expect(collector.rows.map(\.state) == [.lost, .refused])
        #expect(collector.rows[0].reason.hasPrefix("its bytes did not match sha256"))
        #expect(collector.rows[1].reason == "the worker named a name with '..' ('../../escape')")
        #expect(
            !FileManager.default.fileExists(
                atPath: run.appendingPathComponent("artifacts/trial-0-fold-0/model.bin").path))
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("escape").path))
    }

    @Test func aTransferWhoseWorkerLeftIsLost() throws {
        let (collector, run) = try collector()
        defer { try? FileManager.default.removeItem(at: run) }
        _ = collector.want(
            ArtifactManifest(files: [Self.file("a", "abc")]), of: TaskID(trial: 0, fold: 0), from: peer, now: 0)
        collector.peerLost(peer)
        #expect(collector.rows.map(\.state) == [.lost])
        #expect(collector.rows[0].reason == "its worker disconnected before the file arrived")
        #expect(!collector.isBusy)
    }
}
