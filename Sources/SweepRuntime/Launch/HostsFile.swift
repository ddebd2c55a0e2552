import Foundation

/// One host of `sweep launch ssh --hosts FILE`: where to log in, and what its worker offers.
public struct HostEntry: Sendable, Equatable {
    /// The destination as ssh takes it: `host` or `user@host` (an alias from ~/.ssh/config works).
    public var destination: String
    /// `--slots` for its worker; nil leaves the worker's default (one per core of that host).
    public var slots: Int?
    /// `--gpus` for its worker; empty for none.
    public var gpus: [Int]

    public init(destination: String, slots: Int? = nil, gpus: [Int] = []) {
        self.destination = destination
        self.slots = slots
        self.gpus = gpus
    }

    /// The host part of the destination (what names the worker and refuses duplicates).
    public var host: String {
        guard let at = destination.lastIndex(of: "@") else { return destination }
        return String(destination[destination.index(after: at)...])
    }

    /// The worker's name in logs, run.db and the report: `ssh-HOST`.
    public var workerName: String { "ssh-\(host)" }
}

/// The hosts file: one host a line, `[user@]host [slots=N] [gpus=0,1]`; `#` starts a comment, blank
/// lines are skipped. Parsing is pure, so every refusal is unit-tested; each names the file, the
/// line number, the line itself and what a right line looks like.
public enum HostsFile {
    public static let format = "[user@]host [slots=N] [gpus=0,1]"
    public static let example = "alice@gpu-node-1 slots=4 gpus=0,1"

    /// Reads and parses `path`. Throws `SweepError(.invalidInput)`.
    public static func load(path: String) throws -> [HostEntry] {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists, !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            let why = !exists ? "does not exist" : isDirectory.boolValue ? "is a directory" : "cannot be read"
            throw SweepError(
                .invalidInput,
                "the hosts file \(path) \(why); give a file that lists one host a line: \(format), e.g. \(example)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SweepError(.invalidInput, "the hosts file \(path) is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses the text of a hosts file named `path` (for messages).
    public static func parse(_ text: String, path: String) throws -> [HostEntry] {
        var entries: [HostEntry] = []
        var lineOfHost: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if let control = line.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
                let shown = line.unicodeScalars.map {
                    $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0)
                }.joined()
                throw lineError(
                    path: path, number: number, line: shown,
                    "it holds the control character \\u{\(String(control.value, radix: 16))}; a line holds only printable text"
                )
            }
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !fields.isEmpty else { continue }
            let entry: HostEntry
            do {
                entry = try parseFields(fields)
            } catch let problem as LineProblem {
                throw lineError(path: path, number: number, line: line, problem.why)
            }
            let key = entry.host.lowercased()
            if let first = lineOfHost[key] {
                throw lineError(
                    path: path, number: number, line: line,
                    "host '\(entry.host)' is already listed on line \(first); list each host once")
            }
            lineOfHost[key] = number
            entries.append(entry)
        }
        guard !entries.isEmpty else {
            throw SweepError(
                .invalidInput, "the hosts file \(path) lists no hosts; write one a line: \(format), e.g. \(example)")
        }
        return entries
    }

    struct LineProblem: Error {
        let why: String
    }

    static func lineError(path: String, number: Int, line: String, _ why: String) -> SweepError {
        SweepError(
            .invalidInput,
            "\(path):\(number): '\(line.trimmingCharacters(in: .whitespaces))': \(why)\n"
                + "  a line reads \(format), e.g. \(example)")
    }

    static func parseFields(_ fields: [String]) throws -> HostEntry {
        var entry = HostEntry(destination: try destination(fields[0]))
        var seen = Set<String>()
        for field in fields.dropFirst() {
            guard let equals = field.firstIndex(of: "=") else {
                throw LineProblem(why: "'\(field)' is not key=value (one host a line; keys: slots, gpus)")
            }
            let key = String(field[..<equals]), value = String(field[field.index(after: equals)...])
            guard seen.insert(key).inserted else { throw LineProblem(why: "'\(key)' is given twice") }
            switch key {
            case "slots":
                guard let slots = Int(value), slots >= 1, slots <= 4096 else {
                    throw LineProblem(why: "slots=\(value): slots must be a whole number from 1 to 4096")
                }
                entry.slots = slots
            case "gpus":
                entry.gpus = try gpuList(value)
            default:
                throw LineProblem(why: "unknown key '\(key)'; the keys are slots and gpus")
            }
        }
        return entry
    }

    /// `host` or `user@host`; never something ssh would read as an option.
    static func destination(_ text: String) throws -> String {
        if text.contains("=") {
            throw LineProblem(why: "the line must start with the host, not '\(text)'")
        }
        guard !text.hasPrefix("-") else {
            throw LineProblem(why: "host '\(text)' starts with '-' (ssh would read it as an option)")
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw LineProblem(why: "'\(text)' is not host or user@host")
        }
        // Names and addresses only: nothing a shell, a path or ssh would read as more than a name.
        let plain = { (part: Substring) in part.allSatisfy { $0.isASCII && !"'\"/\\`$;&|<>()*?".contains($0) } }
        let host = parts.last!
        guard !host.hasPrefix("-"), plain(host) else {
            throw LineProblem(why: "'\(host)' is not a host name or address")
        }
        guard plain(parts.first!) else { throw LineProblem(why: "'\(parts.first!)' is not a user name") }
        return text
    }

    /// `0,1,3`: distinct non-negative GPU ids.
    static func gpuList(_ value: String) throws -> [Int] {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.compactMap { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        guard !value.isEmpty, ids.count == parts.count, Set(ids).count == ids.count else {
            throw LineProblem(why: "gpus=\(value): gpus must be distinct GPU ids like 0,1,2")
        }
        return ids
    }
}
