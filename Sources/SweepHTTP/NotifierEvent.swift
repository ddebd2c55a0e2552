import Foundation
import SweepReport
import SweepRuntime

/// One notification's JSON body, POSTed to every `--notify` URL:
/// `{"event", "sweep", "run_directory", "best": {trial, params, metric, value}, "trials", "tasks",
/// "at", "text", "reason"}`. `text` is a one-line summary, so a Slack or Discord incoming webhook
/// (which shows a body's `text`/`content`) says something useful as it is.
public struct NotifierEvent: Encodable, Sendable, Equatable {
    public enum Kind: String, Encodable, Sendable {
        case finished, failed, stopped
        case newBest = "new_best"
    }

    public struct Best: Encodable, Sendable, Equatable {
        public var trial: Int
        public var params: ParamsObject
        public var metric: String
        /// The mean objective over the trial's folds (null when not finite).
        public var value: Double?
    }

    public struct Trials: Encodable, Sendable, Equatable {
        public var suggested: Int
        /// The budget in trials, when known.
        public var planned: Int?
    }

    public struct Tasks: Encodable, Sendable, Equatable {
        public var total: Int
        public var ok: Int
        public var failed: Int
        public var stopped: Int
        public var running: Int
        public var pending: Int
    }

    public var event: Kind
    public var sweep: String
    public var runDirectory: String
    public var best: Best?
    public var trials: Trials
    public var tasks: Tasks
    /// ISO 8601, UTC.
    public var at: String
    public var text: String
    /// Why the sweep failed (failed events only).
    public var reason: String?
    /// Discord's incoming webhooks read `content` where Slack's read `text`.
    public var content: String { text }

    enum CodingKeys: String, CodingKey {
        case event, sweep, best, trials, tasks, at, text, reason, content
        case runDirectory = "run_directory"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(sweep, forKey: .sweep)
        try container.encode(runDirectory, forKey: .runDirectory)
        try container.encode(best, forKey: .best)  // null when there is none: the field is always there
        try container.encode(trials, forKey: .trials)
        try container.encode(tasks, forKey: .tasks)
        try container.encode(at, forKey: .at)
        try container.encode(text, forKey: .text)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(reason, forKey: .reason)
    }

    /// The event of this kind for a snapshot of the run in `directory`.
    public init(_ kind: Kind, snapshot: RunSnapshot, directory: String, reason: String? = nil, now: Date = Date()) {
        let status = snapshot.status
        event = kind
        sweep = status.name
        // Absolute: the receiver is elsewhere and the path as typed means nothing there.
        runDirectory = URL(fileURLWithPath: directory).standardizedFileURL.path
        best = status.best.map {
            Best(
                trial: $0.trial, params: ParamsObject($0.params), metric: $0.metric,
                value: $0.mean.isFinite ? $0.mean : nil)
        }
        trials = Trials(
            suggested: status.trials, planned: snapshot.plannedTasks.map { $0 / max(1, snapshot.folds) })
        tasks = Tasks(
            total: status.tasks, ok: status.succeeded, failed: status.failed, stopped: status.stopped,
            running: snapshot.running, pending: max(0, status.pending - snapshot.running))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        at = formatter.string(from: now)
        self.reason = reason
        text = ""
        text = summary
    }

    /// "sweep 'iris' finished: best trial 9 (C=0.1) accuracy 0.9667; 40 trials, 198 of 200 tasks ok (runs/iris-…)".
    var summary: String {
        let what: String =
            switch event {
            case .finished: "finished"
            case .stopped: "was stopped"
            case .failed: "failed" + (reason.map { ": \($0)" } ?? "")
            case .newBest: "has a new best"
            }
        let bestText =
            best.map {
                "best trial \($0.trial) (\($0.params.params.description)) \($0.metric) \($0.value.map { Significant.format($0) } ?? "nan")"
            } ?? "no best trial yet"
        let counted = tasks.ok + tasks.failed + tasks.stopped
        return
            "sweep '\(sweep)' \(what) — \(bestText); \(trials.suggested) trials, \(counted) of \(tasks.total) tasks counted (\(tasks.ok) ok, \(tasks.failed) failed) — \(runDirectory)"
    }

    /// The body as sent: JSON with sorted keys.
    public var body: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
