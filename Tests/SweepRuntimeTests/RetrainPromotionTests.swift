import Foundation
import Testing

@testable import SweepRuntime

/// Where `sweep retrain` writes: `--promote-to` refused up front when it cannot be a model file,
/// copied through a link onto the file it points to (mode kept), and default run directories
/// claimed once each by retrains started together.
struct RetrainPromotionTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-promote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func refusal(_ path: String) -> String? {
        do { try RetrainPromotion.check(path) } catch let error as SweepError { return error.message } catch {
            return "\(error)"
        }
        return nil
    }

    @Test func aDirectoryOrADeviceIsRefusedUpFront() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(refusal(directory.path)?.contains("is a directory: give the path of the model file itself") == true)
        #expect(refusal("/dev/null")?.contains("/dev/null is not a regular file") == true)
        #expect(refusal(directory.appendingPathComponent("gone/model.json").path)?.contains("does not exist") == true)
        #expect(refusal(directory.appendingPathComponent("model.json").path) == nil)
    }

    @Test func aLinkIsFollowedAndTheReplacedFileKeepsItsMode() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("v1.json")
        try Data("old".utf8).write(to: real)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: real.path)
        let link = directory.appendingPathComponent("current.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "v1.json")
        #expect(refusal(link.path) == nil)
        let written = try RetrainPromotion.copy(Data("new".utf8), to: link.path)
        #expect(written == real.resolvingSymlinksInPath().path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "v1.json", "still a link")
        #expect(try Data(contentsOf: real) == Data("new".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: real.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["current.json", "v1.json"])
    }

    @Test func aFailedCopySaysWhatFailed() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("gone/model.json").path
        #expect(throws: RetrainPromotion.PromotionError.self) { try RetrainPromotion.copy(Data("x".utf8), to: target) }
        do { _ = try RetrainPromotion.copy(Data("x".utf8), to: target) } catch {
            #expect("\(error)".contains("cannot write"), "\(error)")
        }
    }

    @Test func retrainsStartedTogetherClaimDifferentDirectories() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let previous = directory.appendingPathComponent("old").path
        try FileManager.default.createDirectory(atPath: previous, withIntermediateDirectories: true)
        let claimed = Claimed()
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            claimed.add(try? RetrainPlan.outputDirectory(previous: previous, out: nil))
        }
        let names = claimed.names
        #expect(names.count == 12 && Set(names).count == 12, "\(names)")
        #expect(Set(names) == Set((1...12).map { "\(previous)-retrain-\($0)" }))
    }

    /// The directories the threads got (a lock: the threads run at once).
    final class Claimed: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ name: String?) { lock.withLock { list.append(name ?? "refused") } }
        var names: [String] { lock.withLock { list } }
    }
}
