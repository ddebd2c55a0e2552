import Foundation
import Glibc
import SweepCore
import SweepReport

/// Writes a run directory: results.csv, trials.csv, best.json, report.md, report.html and a copy
/// of the spec.
/// Each file replaces the old one atomically (see `atomicWrite`): a reader sees the old file or
/// the new one, never half of one, and a crash never leaves none.
public enum RunDirectory {
    static func write(
        _ run: RunSummary, specText: String, specFileName: String, html: String, to directory: String
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [(String, String)] = [
            ("results.csv", CSVWriter.results(run)),
            ("trials.csv", CSVWriter.trials(run)),
            ("best.json", try BestJSON.render(run)),
            ("report.md", MarkdownReport.render(run)),
            ("report.html", html),
        ]
        if let plot = ParetoPlot.svg(run) { files.append(("pareto.svg", plot)) }
        if !specText.isEmpty { files.append((specFileName, specText)) }
        for (name, text) in files { try atomicWrite(text, to: (directory as NSString).appendingPathComponent(name)) }
    }

    /// Replaces the file at `path` with `text`: written to a temporary file beside it, flushed to
    /// disk (fsync), then renamed over the old one (rename(2) is atomic), and the directory
    /// flushed so the rename itself survives a crash.
    static func atomicWrite(_ text: String, to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = try retryingEINTR("create \(temporary)") {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        do {
            defer { close(descriptor) }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = try retryingEINTR("write \(temporary)") {
                    bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                }
                bytes = bytes.dropFirst(written)
            }
            _ = try retryingEINTR("flush \(temporary)") { fsync(descriptor) }
            _ = try retryingEINTR("rename \(temporary) to \(path)") { rename(temporary, path) }
        } catch {
            unlink(temporary)
            throw error
        }
        let directory = open(
            (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
            O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)  // best effort: some file systems cannot flush a directory
            close(directory)
        }
    }

    /// Runs a system call that returns -1 with errno on failure, again while it is interrupted.
    private static func retryingEINTR<T: BinaryInteger>(_ what: String, _ call: () -> T) throws -> T {
        while true {
            let result = call()
            if result >= 0 { return result }
            if errno != EINTR {
                throw RunDirectoryError(description: "cannot \(what): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// `runs/NAME-YYYYMMDD-HHMMSS` under the current directory.
    public static func defaultPath(name: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "runs/\(name)-\(formatter.string(from: date))"
    }
}

/// A run-directory file that could not be written, with the system's reason.
public struct RunDirectoryError: Error, CustomStringConvertible {
    public let description: String
}
