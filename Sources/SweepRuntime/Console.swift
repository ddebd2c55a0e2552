import Foundation
import Logging

/// The user's terminal (stderr): log lines, and on a TTY one live status line kept at the
/// bottom. One lock orders both, so a log line never lands in the middle of the status line.
public final class Console: @unchecked Sendable {  // safe: all state guarded by `lock`
    public static let shared = Console()

    private let lock = NSLock()
    public let isTTY = isatty(STDERR_FILENO) != 0
    private var statusShown = false

    public func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        var out = statusShown ? "\r\u{1B}[K" : ""
        statusShown = false
        out += text + "\n"
        FileHandle.standardError.write(Data(out.utf8))
    }

    /// On a TTY, replaces the live line; elsewhere prints the text as a plain line.
    public func status(_ text: String) {
        guard isTTY else { return line(text) }
        lock.lock()
        defer { lock.unlock() }
        statusShown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    public func endStatus() {
        lock.lock()
        defer { lock.unlock() }
        if statusShown { FileHandle.standardError.write(Data("\n".utf8)) }
        statusShown = false
    }
}

/// A swift-log handler that prints "[sweep] level: message" through the Console.
public struct ConsoleLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let prefix = event.level >= .warning ? "\(event.level.rawValue): " : ""
        Console.shared.line("[\(label)] \(prefix)\(event.message)")
    }
}
