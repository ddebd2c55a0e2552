import Foundation
import SweepProtocol
import Testing

@testable import SweepRuntime

/// The files the coordinator writes while a sweep runs, across a stop and a resume.
struct RunArtifactsTests {
    func directory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-artifacts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A resumed coordinator (a second RunArtifacts on the same directory) adds to progress.csv;
    /// it does not start it again with only its header.
    @Test func progressIsAppendedOnResume() throws {
        let run = try directory()
        let lease = LeaseRef(trial: 0, fold: 1, attempt: 1)
        do {
            let first = try RunArtifacts(directory: run)
            first.progress(lease, worker: "w", step: 1, metrics: ["loss": 0.5])
        }
        let resumed = try RunArtifacts(directory: run)
        resumed.progress(lease, worker: "w", step: 2, metrics: ["loss": 0.25])
        let text = try String(contentsOfFile: run + "/progress.csv", encoding: .utf8)
        #expect(
            text == "trial,fold,attempt,worker,step,metric,value\n0,1,1,w,1,loss,0.5\n0,1,1,w,2,loss,0.25\n",
            "\(text)")
    }

    /// A line cut short by a crash is ended before the next session's lines.
    @Test func aCutLineIsEndedBeforeNewLines() throws {
        let run = try directory()
        try "trial,fold,attempt,worker,step,metric,value\n0,0,1,w,1,lo".write(
            toFile: run + "/progress.csv", atomically: true, encoding: .utf8)
        let resumed = try RunArtifacts(directory: run)
        resumed.progress(LeaseRef(trial: 0, fold: 0, attempt: 1), worker: "w", step: 2, metrics: ["loss": 1])
        let lines = try String(contentsOfFile: run + "/progress.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines.last == "0,0,1,w,2,loss,1.0", "\(lines)")
    }
}
