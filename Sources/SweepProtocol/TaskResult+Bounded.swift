/// Trimming what a worker reports to what the wire carries (WireLimits), so a trainer's output can
/// never make its result undeliverable. What was cut is said at the head of the log.
extension TaskResult {
    /// This result within every wire limit: the log keeps its last bytes, the error its first,
    /// metrics with over-long names are dropped, and at most `WireLimits.metricsPerReport` metrics
    /// are kept (`keeping` first, e.g. the objective, then by name).
    public func bounded(keeping priority: Set<String> = []) -> TaskResult {
        // The usual case, on every result: nothing to cut, nothing allocated.
        if log.utf8.count <= WireLimits.logBytes && error.utf8.count <= WireLimits.errorBytes
            && metrics.count <= WireLimits.metricsPerReport
            && !metrics.keys.contains(where: { $0.utf8.count > WireLimits.nameBytes })
        {
            return self
        }
        let (metrics, metricNote) = WireLimits.bounded(self.metrics, keeping: priority)
        var notes: [String] = metricNote.map { [$0] } ?? []
        var error = self.error
        if error.utf8.count > WireLimits.errorBytes {
            let note = " [sweep: error cut from \(error.utf8.count) bytes]"
            error = WireLimits.prefix(error, bytes: WireLimits.errorBytes - note.utf8.count) + note
        }
        var log = self.log
        let noteText = { (notes: [String]) in notes.map { "[sweep: \($0)]\n" }.joined() }
        if log.utf8.count + noteText(notes).utf8.count > WireLimits.logBytes {
            notes.append(
                "output cut to its last bytes: \(log.utf8.count) bytes exceed the \(WireLimits.describe(bytes: WireLimits.logBytes)) limit"
            )
            let room = max(WireLimits.logBytes - noteText(notes).utf8.count, 0)
            log = WireLimits.suffix(log, bytes: room)
        }
        var result = self
        result.metrics = metrics
        result.error = error
        result.log = notes.isEmpty ? log : WireLimits.prefix(noteText(notes), bytes: WireLimits.logBytes) + log
        return result
    }
}

extension WireLimits {
    /// Metrics within the wire's limits, and what was dropped (nil: nothing).
    public static func bounded(
        _ metrics: [String: Double], keeping priority: Set<String> = []
    ) -> (metrics: [String: Double], dropped: String?) {
        if metrics.count <= metricsPerReport && !metrics.keys.contains(where: { $0.utf8.count > nameBytes }) {
            return (metrics, nil)
        }
        let longNames = metrics.keys.filter { $0.utf8.count > nameBytes }.sorted()
        var kept = metrics
        for name in longNames { kept.removeValue(forKey: name) }
        var notes: [String] = []
        if !longNames.isEmpty {
            let shown = longNames.prefix(3).map { "'\(prefix($0, bytes: 40))…' (\($0.utf8.count) bytes)" }
            notes.append(
                "dropped \(longNames.count) metrics whose names exceed \(nameBytes) bytes: \(shown.joined(separator: ", "))"
            )
        }
        if kept.count > metricsPerReport {
            let order = kept.keys.sorted { (priority.contains($0) ? 0 : 1, $0) < (priority.contains($1) ? 0 : 1, $1) }
            for name in order.dropFirst(metricsPerReport) { kept.removeValue(forKey: name) }
            notes.append("dropped \(order.count - metricsPerReport) metrics beyond the limit of \(metricsPerReport)")
        }
        return (kept, notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// The first `bytes` bytes of `text` or fewer, cut between characters' scalars (valid UTF-8).
    public static func prefix(_ text: String, bytes limit: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > limit else { return text }
        var end = max(limit, 0)
        while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    /// The last `bytes` bytes of `text` or fewer, cut between scalars (valid UTF-8).
    public static func suffix(_ text: String, bytes limit: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > limit else { return text }
        var start = utf8.count - max(limit, 0)
        while start < utf8.count && utf8[start] & 0xC0 == 0x80 { start += 1 }
        return String(decoding: utf8[start...], as: UTF8.self)
    }

    /// A size for people: "1 MiB", "64 KiB", "300 bytes" ("300.5 MiB" past 1 MiB when not whole).
    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return "\((Double(bytes) / Double(1 << 20) * 10).rounded() / 10) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

extension WireLimits {
    /// Results grouped so that no RESULTS message comes near `messageBytes` (libzmq drops a larger
    /// one and the connection with it): a worker that finishes many tasks at once sends several.
    public static func batches(_ results: [TaskResult]) -> [[TaskResult]] {
        var batches: [[TaskResult]] = []
        var current: [TaskResult] = []
        var size = 0
        for result in results {
            let estimate =
                64 + result.log.utf8.count + result.error.utf8.count
                + result.metrics.keys.reduce(0) { $0 + $1.utf8.count + 10 }
                + result.artifacts.files.reduce(result.artifacts.refused.utf8.count) { $0 + $1.path.utf8.count + 90 }
            if !current.isEmpty && size + estimate > messageBytes / 2 {
                batches.append(current)
                (current, size) = ([], 0)
            }
            current.append(result)
            size += estimate
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
