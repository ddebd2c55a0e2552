import SweepProtocol

/// Fits what a trainer reported to what the wire carries (`WireLimits`, the limits the decoder
/// enforces): a result the coordinator cannot decode would be lost, and its task never end. What
/// was cut is said at the start of the log.
enum ResultBounds {
    /// Drops metrics whose names are too long, then the ones over the count limit (the objective
    /// is kept first, the rest by name); returns what is kept and a note per kind of cut.
    static func metrics(_ metrics: [String: Double], objective: String) -> (kept: [String: Double], notes: [String]) {
        var notes: [String] = []
        let long = metrics.keys.filter { $0.utf8.count > WireLimits.nameBytes }.sorted()
        if !long.isEmpty {
            notes.append(
                "\(count(long.count, "metric")) with \(long.count == 1 ? "a name" : "names") over \(WireLimits.nameBytes) bytes dropped: \(sample(long))"
            )
        }
        var names = metrics.keys.filter { $0.utf8.count <= WireLimits.nameBytes }.sorted()
        if let index = names.firstIndex(of: objective) { names.insert(names.remove(at: index), at: 0) }
        if names.count > WireLimits.metricsPerReport {
            let over = Array(names[WireLimits.metricsPerReport...])
            names.removeLast(over.count)
            notes.append(
                "\(count(over.count, "metric")) over the \(WireLimits.metricsPerReport) a report may carry dropped: \(sample(over))"
            )
        }
        return (Dictionary(uniqueKeysWithValues: names.map { ($0, metrics[$0]!) }), notes)
    }

    /// The log with the notes first, cut at the front to the log limit; the error cut to its limit.
    static func result(_ result: TaskResult, objective: String, logCut: Bool) -> TaskResult {
        var (metrics, notes) = Self.metrics(result.metrics, objective: objective)
        if logCut { notes.append("stderr tail cut to its last \(WireLimits.logBytes >> 20) MiB") }
        let header = notes.map { "[sweep: \($0)]\n" }.joined()
        let kept = prefix(header, bytes: WireLimits.logBytes)
        let log = kept + suffix(result.log, bytes: WireLimits.logBytes - kept.utf8.count)
        return TaskResult(
            lease: result.lease, succeeded: result.succeeded, duration: result.duration, metrics: metrics,
            error: String(prefix(result.error, bytes: WireLimits.errorBytes)), log: String(log))
    }

    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// The first few names, each cut short, for a note.
    static func sample(_ names: [String]) -> String {
        let shown = names.prefix(3).map { $0.utf8.count > 40 ? prefix($0, bytes: 40) + "…" : Substring($0) }
        return shown.joined(separator: ", ") + (names.count > 3 ? ", …" : "")
    }

    /// At most `bytes` UTF-8 bytes from the start, on a character boundary.
    static func prefix(_ text: String, bytes: Int) -> Substring {
        let utf8 = text.utf8
        guard utf8.count > bytes else { return Substring(text) }
        var end = utf8.index(utf8.startIndex, offsetBy: max(bytes, 0))
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        return text[..<end]
    }

    /// At most `bytes` UTF-8 bytes from the end, on a character boundary.
    static func suffix(_ text: String, bytes: Int) -> Substring {
        let utf8 = text.utf8
        guard utf8.count > bytes else { return Substring(text) }
        var start = utf8.index(utf8.endIndex, offsetBy: -max(bytes, 0))
        while start < utf8.endIndex && utf8[start] & 0xC0 == 0x80 { start = utf8.index(after: start) }
        return text[start...]
    }
}
