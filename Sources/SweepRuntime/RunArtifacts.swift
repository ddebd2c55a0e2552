import Foundation
import SweepCore
import SweepProtocol

/// Files the coordinator writes into the run directory while the sweep runs: each attempt's
/// output tail in `logs/`, and intermediate reports in `progress.csv`.
final class RunArtifacts {
    let directory: URL
    private var progressFile: FileHandle?

    init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(
            at: self.directory.appendingPathComponent("logs"), withIntermediateDirectories: true)
    }

    deinit { try? progressFile?.close() }

    func log(_ lease: LeaseRef, worker: String, host: String, text: String) {
        let name = "logs/trial-\(lease.trial)-fold-\(lease.fold)-attempt-\(lease.attempt).log"
        let header =
            "# trial \(lease.trial), fold \(lease.fold), attempt \(lease.attempt) on \(worker) (\(host)): last lines of stderr\n"
        try? Data((header + text + "\n").utf8).write(to: directory.appendingPathComponent(name))
    }

    func progress(_ lease: LeaseRef, worker: String, step: Int, metrics: [String: Double]) {
        if progressFile == nil {
            let url = directory.appendingPathComponent("progress.csv")
            _ = FileManager.default.createFile(
                atPath: url.path, contents: Data("trial,fold,attempt,worker,step,metric,value\n".utf8))
            progressFile = try? FileHandle(forWritingTo: url)
            _ = try? progressFile?.seekToEnd()
        }
        var lines = ""
        for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
            lines += csvLine([
                String(lease.trial), String(lease.fold), String(lease.attempt), worker, String(step), name, "\(value)",
            ])
        }
        progressFile?.write(Data(lines.utf8))
    }
}
