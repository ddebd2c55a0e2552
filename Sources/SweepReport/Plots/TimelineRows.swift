import SweepCore

/// The timeline's rows from the attempts: where each bar starts and ends, why it ends there,
/// how busy each worker was, and the merging that bounds a row's bars.
enum TimelineRows {
    enum Kind: Equatable { case ok, failed, pruned, lost, running }

    struct Bar {
        var start: Double
        var end: Double
        var kind: Kind
        var counted: Bool
        var label: Label

        /// Its tooltip, worded only for the bars drawn (a big sweep thins most of them away).
        var title: String {
            switch label {
            case .result(let name, let status):
                "\(name): \(status), \(SVG.number(end - start)) s (\(SVG.number(start))–\(SVG.number(end)) s)"
                    + (counted ? "" : ", not counted")
            case .lostWithWorker(let name): "\(name): no result, worker lost at \(SVG.number(end)) s"
            case .dispatchedAgain(let name): "\(name): no result, dispatched again at \(SVG.number(end)) s"
            case .running(let name): "\(name): no result yet (running since \(SVG.number(start)) s)"
            case .merged(let count, let tally): "\(count) attempts \(SVG.number(start))–\(SVG.number(end)) s: \(tally)"
            }
        }
    }

    /// What a bar's tooltip says, kept as values until it is drawn.
    enum Label {
        case result(AttemptName, status: String)
        case lostWithWorker(AttemptName)
        case dispatchedAgain(AttemptName)
        case running(AttemptName)
        case merged(count: Int, tally: String)
    }

    /// "trial T fold F attempt A".
    struct AttemptName: CustomStringConvertible {
        var task: TaskID
        var attempt: Int
        var description: String { "\(task) attempt \(attempt)" }
    }

    struct Row {
        var worker: String
        var host: String
        var bars: [Bar]
        var losses: [(at: Double, detail: String)]

        /// Seconds covered by at least one bar, and from the first bar's start to the last's end.
        var busy: Double {
            var total = 0.0, reach = -Double.infinity
            for bar in bars.sorted(by: { $0.start < $1.start }) {
                let from = max(bar.start, reach)
                if bar.end > from { total += bar.end - from }
                reach = max(reach, bar.end)
            }
            return total
        }

        var span: Double { (bars.map(\.end).max() ?? 0) - (bars.map(\.start).min() ?? 0) }
    }

    /// Rows in order of each worker's first dispatch; times in seconds since `startedAt`.
    static func build(_ details: ReportDetails) -> [Row] {
        let t0 = details.startedAt
        let losses = details.events.filter { $0.kind == "worker-lost" || $0.kind == "worker-left" }
        let last = max(
            details.attempts.map { ($0.receivedAt ?? $0.dispatchedAt) - t0 }.max() ?? 0,
            details.events.map { $0.at - t0 }.max() ?? 0)
        var rows: [Row] = []
        var index: [WorkerPlace: Int] = [:]
        let before = { (a: ReportDetails.Attempt, b: ReportDetails.Attempt) in
            (a.dispatchedAt, a.task) < (b.dispatchedAt, b.task)
        }
        // run.db gives them in this order already: checked, not sorted again (a million at scale).
        let attempts = details.attempts
        let inOrder = zip(attempts, attempts.dropFirst()).allSatisfy { !before($1, $0) }
        let sorted = inOrder ? attempts : attempts.sorted(by: before)
        let redispatched = redispatches(sorted, since: t0)
        for attempt in sorted {
            let place = WorkerPlace(worker: attempt.worker, host: attempt.host)
            let row: Int
            if let known = index[place] {
                row = known
            } else {
                row = rows.count
                index[place] = row
                let own = losses.filter { belongs($0, attempt.worker, attempt.host) }.map {
                    (at: $0.at - t0, detail: "\($0.kind) \($0.detail)")
                }
                rows.append(Row(worker: attempt.worker, host: attempt.host, bars: [], losses: own))
            }
            rows[row].bars.append(
                bar(attempt, startedAt: t0, losses: rows[row].losses, again: redispatched, last: last))
        }
        return rows
    }

    /// Whether an event names this worker ("name@host" or "name@host: reason").
    static func belongs(_ event: ReportDetails.Event, _ worker: String, _ host: String) -> Bool {
        let prefix = worker + "@" + host
        return event.detail == prefix || event.detail.hasPrefix(prefix + ":")
    }

    /// For each attempt without a result, when its task was next dispatched (seconds since `t0`),
    /// from the attempts in dispatch order: one pass, not a search per attempt.
    static func redispatches(_ sorted: [ReportDetails.Attempt], since t0: Double) -> [AttemptKey: Double] {
        // Only tasks with an unanswered attempt can have one (usually none of a million).
        let unanswered = Set(sorted.lazy.filter { $0.receivedAt == nil }.map(\.task))
        guard !unanswered.isEmpty else { return [:] }
        var next: [TaskID: Double] = [:]
        var again: [AttemptKey: Double] = [:]
        for attempt in sorted.reversed() where unanswered.contains(attempt.task) {
            if attempt.receivedAt == nil, let later = next[attempt.task] {
                again[AttemptKey(task: attempt.task, attempt: attempt.attempt)] = later
            }
            next[attempt.task] = attempt.dispatchedAt - t0
        }
        return again
    }

    struct AttemptKey: Hashable {
        var task: TaskID
        var attempt: Int
    }

    static func bar(
        _ attempt: ReportDetails.Attempt, startedAt t0: Double, losses: [(at: Double, detail: String)],
        again: [AttemptKey: Double], last: Double
    ) -> Bar {
        let dispatched = attempt.dispatchedAt - t0
        let name = AttemptName(task: attempt.task, attempt: attempt.attempt)
        if let received = attempt.receivedAt.map({ $0 - t0 }) {
            let start = attempt.duration.map { max(dispatched, received - $0) } ?? dispatched
            let kind: Kind = attempt.status == .failed ? .failed : attempt.status == .pruned ? .pruned : .ok
            return Bar(
                start: start, end: max(received, start), kind: kind, counted: attempt.counted,
                label: .result(name, status: attempt.status?.rawValue ?? "ok"))
        }
        if let lost = losses.first(where: { $0.at >= dispatched }) {
            return Bar(start: dispatched, end: lost.at, kind: .lost, counted: true, label: .lostWithWorker(name))
        }
        if let again = again[AttemptKey(task: attempt.task, attempt: attempt.attempt)] {
            return Bar(start: dispatched, end: again, kind: .lost, counted: true, label: .dispatchedAgain(name))
        }
        return Bar(
            start: dispatched, end: max(last, dispatched), kind: .running, counted: true, label: .running(name))
    }

    /// At most `Thinning.bars` bars: neighbours of the same kind closer than a 1/1500 of the
    /// span merged first, then even groups of neighbours, each drawn in its most common kind.
    static func bounded(_ bars: [Bar], span: Double) -> [Bar] {
        guard bars.count > Thinning.bars else { return bars }
        let sorted = bars.sorted { $0.start < $1.start }
        var merged: [[Bar]] = []
        for bar in sorted {
            if let group = merged.last, let previous = group.last, previous.kind == bar.kind,
                bar.start - previous.end < span / 1500
            {
                merged[merged.count - 1].append(bar)
            } else {
                merged.append([bar])
            }
        }
        if merged.count > Thinning.bars {
            let size = (merged.count + Thinning.bars - 1) / Thinning.bars
            merged = stride(from: 0, to: merged.count, by: size).map {
                Array(merged[$0..<min($0 + size, merged.count)].joined())
            }
        }
        return merged.map(combine)
    }

    static func combine(_ group: [Bar]) -> Bar {
        guard group.count > 1 else { return group[0] }
        var counts: [Kind: Int] = [:]
        for bar in group { counts[bar.kind, default: 0] += 1 }
        let kind = counts.max { ($0.value, $1.key == .ok ? 1 : 0) < ($1.value, $0.key == .ok ? 1 : 0) }!.key
        let (start, end) = (group.map(\.start).min()!, group.map(\.end).max()!)
        let tally = counts.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return Bar(start: start, end: end, kind: kind, counted: true, label: .merged(count: group.count, tally: tally))
    }
}
