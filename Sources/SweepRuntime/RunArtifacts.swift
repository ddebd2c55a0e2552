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
            progressFile = Self.openForAppending(directory.appendingPathComponent("progress.csv"))
        }
        var lines = ""
        for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
            lines += csvLine([
                String(lease.trial), String(lease.fold), String(lease.attempt), worker, String(step), name, "\(value)",
            ])
        }
        progressFile?.write(Data(lines.utf8))
    }

    /// Opens `progress.csv` to add lines at its end: a resumed sweep keeps what its earlier
    /// sessions wrote. A new file gets the header; a last line cut short by a crash is ended.
    static func openForAppending(_ url: URL) -> FileHandle? {
        if let handle = try? FileHandle(forUpdating: url), let end = try? handle.seekToEnd(), end > 0 {
            try? handle.seek(toOffset: end - 1)
            let last = try? handle.read(upToCount: 1)
            _ = try? handle.seekToEnd()
            if last != Data("\n".utf8) { handle.write(Data("\n".utf8)) }
            return handle
        }
        _ = FileManager.default.createFile(
            atPath: url.path, contents: Data("trial,fold,attempt,worker,step,metric,value\n".utf8))
        let handle = try? FileHandle(forWritingTo: url)
        _ = try? handle?.seekToEnd()
        return handle
    }
}
