import Foundation
import SweepCore
import SweepReport

/// The parts of `ReportDetails` that live beside run.db: the failed tasks' output tails in
/// `logs/`, and `progress.csv`, the intermediate values of a sweep without a stopping rule
/// (run.db keeps them only when a rule reads them). Read after the database, bounded in bytes.
extension ReportDetails {
    /// Lines and bytes of a log's end the report shows.
    static let tailLines = 20
    static let tailBytes = 4096
    /// The most failed tasks whose logs are read, and the most of progress.csv read (its end).
    static let tailTasks = 100
    static let progressBytes = 32 << 20

    /// Adds the log tails of `failures` and, when run.db had no intermediate values, those of
    /// `progress.csv` for `objective`.
    mutating func addFiles(directory: String, failures: [TaskRecord], objective: String) {
        for record in failures.prefix(Self.tailTasks) {
            let name = "logs/trial-\(record.task.trial)-fold-\(record.task.fold)-attempt-\(record.attempt).log"
            if let tail = Self.tail(of: (directory as NSString).appendingPathComponent(name)) {
                logTails[record.task] = tail
            }
        }
        if intermediate.isEmpty {
            intermediate = Self.progress(
                at: (directory as NSString).appendingPathComponent("progress.csv"), objective: objective)
        }
    }

    /// The last `tailLines` lines of the file, from at most its last `tailBytes` bytes (a line cut
    /// there starts the tail); nil when there is no such file or nothing but its header.
    static func tail(of path: String) -> String? {
        guard let data = readEnd(of: path, bytes: tailBytes) else { return nil }
        var lines = String(decoding: data.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        if data.cut, lines.count > 1 { lines.removeFirst() }
        if !data.cut, lines.first?.hasPrefix("# trial ") == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        return lines.suffix(tailLines).joined(separator: "\n")
    }

    /// The file's last `bytes` bytes, and whether that cut its beginning off.
    static func readEnd(of path: String, bytes: Int) -> (bytes: Data, cut: Bool)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(bytes) ? size - UInt64(bytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        return (data, start > 0)
    }

    /// The objective's rows of `progress.csv` (trial, fold, attempt, worker, step, metric, value),
    /// of each task's latest attempt.
    static func progress(at path: String, objective: String) -> [Intermediate] {
        guard let data = readEnd(of: path, bytes: progressBytes) else { return [] }
        var lines = String(decoding: data.bytes, as: UTF8.self).split(separator: "\n")
        if data.cut, !lines.isEmpty { lines.removeFirst() }
        var rows: [(task: TaskID, attempt: Int, step: Int, value: Double)] = []
        for line in lines where line.contains(objective) {
            let fields = csvFields(line)
            guard fields.count == 7, fields[5] == objective, let trial = Int(fields[0]), let fold = Int(fields[1]),
                let attempt = Int(fields[2]), let step = Int(fields[4]), let value = Double(fields[6])
            else { continue }
            rows.append((TaskID(trial: trial, fold: fold), attempt, step, value))
        }
        return RunDatabase.latestAttempts(rows)
    }

    /// The fields of one CSV line (RFC 4180 quoting: `"a, ""b"""` is `a, "b"`).
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var (quoted, afterQuote) = (false, false)
        for character in line {
            if quoted {
                if character == "\"" { (quoted, afterQuote) = (false, true) } else { field.append(character) }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }  // "" inside quotes: one quote
                quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r": break
            default: field.append(character)
            }
            afterQuote = false
        }
        fields.append(field)
        return fields
    }
}
