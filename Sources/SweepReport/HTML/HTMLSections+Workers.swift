import SweepCore

/// What failed and why (with the trainers' last lines), and where the time went per worker.
extension HTMLSections {
    /// Failed tasks the table lists at most, and log tails shown at most.
    static let failureRowLimit = ReportLimits.rows
    static let logTailLimit = 50

    func failuresSection() -> String {
        let failures = run.failures
        var out = ""
        if failures.isEmpty {
            out += "<p>None.</p>\n"
        } else {
            let rows = failures.prefix(Self.failureRowLimit).map { record -> [String] in
                let trial = "\(record.task.trial)"
                let error = "<span class=\"error\">\(HTMLText.escape(record.error ?? "failed"))</span>"
                let tail =
                    details.logTails[record.task] == nil ? "" : " <a href=\"#\(Self.logAnchor(record.task))\">log</a>"
                return [
                    trial, "\(record.task.fold)", HTMLText.escape(record.worker), HTMLText.escape(record.host),
                    "\(record.attempt)", error + tail,
                ]
            }
            out += HTMLText.table(["trial", "fold", "worker", "host", "attempts", "error"], rows, numeric: [0, 1, 4])
            if failures.count > Self.failureRowLimit {
                out += "<p class=\"note\">The first \(Self.failureRowLimit) of "
                out +=
                    "\(Significant.grouped(failures.count)) failed tasks; <code>results.csv</code> lists every one.</p>\n"
            }
            out += logTails(failures)
        }
        return out + retriedTable()
    }

    static func logAnchor(_ task: TaskID) -> String { "log-\(task.trial)-\(task.fold)" }

    /// The last lines each failed task wrote (from `logs/`), escaped in a `<pre>`.
    func logTails(_ failures: [TaskRecord]) -> String {
        let withTails = failures.filter { details.logTails[$0.task] != nil }.prefix(Self.logTailLimit)
        guard !withTails.isEmpty else { return "" }
        var out = "<h3>Last lines of their output</h3>\n"
        for record in withTails {
            let tail = details.logTails[record.task] ?? ""
            out += "<div class=\"log\" id=\"\(Self.logAnchor(record.task))\">"
            out += "<p>Trial \(record.task.trial), fold \(record.task.fold), attempt \(record.attempt) on "
            out += "<code>\(HTMLText.escape(record.worker))</code>:</p>\n"
            out += "<pre>\(HTMLText.escape(tail))</pre></div>\n"
        }
        return out
    }

    /// The failures `sweep retry` ran again, and how each retry ended.
    func retriedTable() -> String {
        guard !run.retried.isEmpty else { return "" }
        let rows = run.retried.map { old -> [String] in
            let now = run.records[old.task].map {
                "\($0.status.rawValue) (attempt \($0.attempt), \(HTMLText.escape($0.host)))"
            }
            return [
                "\(old.task.trial)", "\(old.task.fold)",
                "attempt \(old.attempt) on \(HTMLText.escape(old.host)): \(HTMLText.escape(old.error ?? ""))",
                now ?? "not finished",
            ]
        }
        return "<h3>Retried (<code>sweep retry</code>)</h3>\n"
            + HTMLText.table(["trial", "fold", "earlier failure", "retry"], rows, numeric: [0, 1])
    }

    /// Per worker: counted tasks, every attempt it was given, attempts that never answered, and
    /// the seconds its counted tasks ran; then the coordinator's worker-health events.
    func workersSection() -> String {
        struct Usage {
            var tasks = 0
            var seconds = 0.0
            var attempts = 0
            var unanswered = 0
        }
        var usage: [String: Usage] = [:]
        let key = { (worker: String, host: String) in worker + "\u{0}" + host }
        for counted in run.workerUsage {
            usage[key(counted.worker, counted.host), default: Usage()].tasks = counted.tasks
            usage[key(counted.worker, counted.host), default: Usage()].seconds = counted.seconds
        }
        for attempt in details.attempts where !attempt.worker.isEmpty {
            usage[key(attempt.worker, attempt.host), default: Usage()].attempts += 1
            if attempt.receivedAt == nil { usage[key(attempt.worker, attempt.host), default: Usage()].unanswered += 1 }
        }
        guard !usage.isEmpty else { return "<p>No task has been given to a worker yet.</p>\n" + healthList() }
        let ordered = usage.sorted { ($1.value.tasks, $0.key) < ($0.value.tasks, $1.key) }
        let rows = ordered.map { entry -> [String] in
            let parts = entry.key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            let value = entry.value
            return [
                "<code>\(HTMLText.escape(parts[0]))</code>", HTMLText.escape(parts.count > 1 ? parts[1] : ""),
                "\(value.tasks)", details.attempts.isEmpty ? "—" : "\(value.attempts)",
                details.attempts.isEmpty ? "—" : "\(value.unanswered)", HTMLText.number(value.seconds),
            ]
        }
        var out = HTMLText.table(
            ["worker", "host", "tasks counted", "attempts", "without a result", "busy seconds"], rows,
            numeric: [2, 3, 4, 5])
        out += "<p class=\"note\">Busy seconds: the run time of the tasks counted from the worker. "
        out += "Attempts without a result were lost with their worker, re-queued, or are still running.</p>\n"
        return out + healthList()
    }

    func healthList() -> String {
        guard !run.healthEvents.isEmpty else { return "" }
        return "<h3>Worker health</h3>\n<ul>\n"
            + run.healthEvents.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n"
    }
}
