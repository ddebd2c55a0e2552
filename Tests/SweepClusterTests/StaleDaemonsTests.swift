import Foundation
import Testing

/// A test runner killed mid-suite leaves its Slurm daemons running; the next runner stops them.
@Suite struct StaleDaemonsTests {
    @Test func anOwnerIsAliveOnlyWithItsPidAndStartTime() throws {
        #expect(StaleDaemons.ownerIsAlive("\(StaleDaemons.ownerTag)-x"))
        #expect(!StaleDaemons.ownerIsAlive("\(getpid())-1-x"), "same pid, another start: a reused pid")
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        #expect(!StaleDaemons.ownerIsAlive("\(finished.processIdentifier)-1-x"))
        #expect(!StaleDaemons.ownerIsAlive("garbage"))
    }

    @Test(.disabled(if: SlurmSingleNode.unavailableReason != nil, "\(SlurmSingleNode.unavailableReason ?? "")"))
    func theDaemonsOfADeadRunnerAreStoppedByTheNextOne() throws {
        let directory = try temporaryDirectory().appendingPathComponent("slurm")
        defer { SlurmSingleNode.down(directory) }
        let up = SlurmSingleNode.run(["/bin/bash", SlurmSingleNode.script.path, "up", directory.path])
        try #require(up.status == 0, "\(up.stderr)")
        let pids = try ["slurmctld", "slurmd", "munged"].map { name in
            let text = try String(
                contentsOf: directory.appendingPathComponent("run/\(name).pid"), encoding: .utf8)
            return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        #expect(pids.allSatisfy { kill($0, 0) == 0 })
        // Listed as a runner's that has died (a pid that started at tick 1 is not running now).
        try FileManager.default.createDirectory(at: StaleDaemons.registry, withIntermediateDirectories: true)
        let entry = StaleDaemons.registry.appendingPathComponent("\(getpid())-1-\(UUID().uuidString)")
        try Data(directory.path.utf8).write(to: entry)
        // A live runner's entry is left alone.
        let live = try StaleDaemons.register(URL(fileURLWithPath: "/nonexistent/slurm"))
        defer { try? FileManager.default.removeItem(at: live) }
        var stopped: [String] = []
        StaleDaemons.reap { stale in
            stopped.append(stale.path)
            SlurmSingleNode.down(stale)
        }
        #expect(stopped.contains(directory.path))
        #expect(!FileManager.default.fileExists(atPath: entry.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(pids.allSatisfy { kill($0, 0) != 0 }, "the dead runner's daemons are stopped")
    }
}
