import Foundation
import SweepCore
import SweepReport

/// Writes a run directory: results.csv, trials.csv, best.json, report.md and a copy of the spec.
/// Each file is written to a temporary name and renamed, so a reader never sees half a file.
public enum RunDirectory {
    /// `specText`: the spec the sweep ran with (from run.db), copied as `spec.EXT` after `specPath`.
    public static func write(_ run: RunSummary, specText: String, specPath: String, to directory: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, String)] = [
            ("results.csv", CSVWriter.results(run)),
            ("trials.csv", CSVWriter.trials(run)),
            ("best.json", BestJSON.render(run)),
            ("report.md", MarkdownReport.render(run)),
        ]
        for (name, text) in files { try atomicWrite(text, to: (directory as NSString).appendingPathComponent(name)) }
        let specName = "spec" + ((specPath as NSString).pathExtension.isEmpty ? ".yaml" : "." + (specPath as NSString).pathExtension)
        try atomicWrite(specText, to: (directory as NSString).appendingPathComponent(specName))
    }

    static func atomicWrite(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// `runs/NAME-YYYYMMDD-HHMMSS` under the current directory.
    public static func defaultPath(name: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "runs/\(name)-\(formatter.string(from: date))"
    }
}
