import SweepCore

/// When and how `sweep predict` tells its progress on a big file: nothing for a file done within
/// `quiet` seconds, then a line every `interval` seconds (live on a terminal, plain lines
/// elsewhere), and a last line at the end if any was shown.
public struct CSVStreamProgress: Sendable {
    public let started: Double
    public let interval: Double
    public let quiet: Double
    /// The file's size in bytes, when known (for a percentage).
    public let totalBytes: Int?
    public private(set) var rows = 0
    public private(set) var shown = false
    private var lastShown = -Double.infinity

    public init(started: Double, interval: Double, quiet: Double = 1, totalBytes: Int?) {
        self.started = started
        self.interval = interval
        self.quiet = quiet
        self.totalBytes = totalBytes
    }

    /// Counts rows done; returns the line to show now, if one is due.
    public mutating func advance(rows more: Int, bytes: Int, now: Double) -> String? {
        rows += more
        guard now - started >= quiet, now - lastShown >= interval else { return nil }
        lastShown = now
        shown = true
        return text(bytes: bytes, elapsed: now - started)
    }

    /// The last line, when progress was shown at all.
    public func finish(now: Double) -> String? {
        guard shown else { return nil }
        return text(bytes: totalBytes ?? 0, elapsed: now - started, done: true)
    }

    public func text(bytes: Int, elapsed: Double, done: Bool = false) -> String {
        var text = "[sweep] predicted \(rows) rows"
        if done {
            text += " in \(formatNumber((elapsed * 10).rounded() / 10)) s"
        } else if let totalBytes, totalBytes > 0 {
            text += " (\(min(100, bytes * 100 / totalBytes))%)"
        }
        let rate = elapsed > 0 ? Int((Double(rows) / elapsed).rounded()) : 0
        text += " · \(rate) rows/s"
        if !done { text += " · \(Int(elapsed)) s" }
        return text
    }
}
