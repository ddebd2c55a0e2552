import Foundation

/// What `squeue` says about one job array: how many of its workers wait, run or are ending.
/// Pure parsing of `squeue --noheader --array --jobs ID --format=FORMAT`, so it can be tested
/// without Slurm.
public struct SlurmQueue: Sendable, Equatable {
    /// Waiting for resources (PENDING, or CONFIGURING while a node boots): not yet a worker.
    public var pending = 0
    public var running = 0
    /// Any other state squeue still lists (COMPLETING, SUSPENDED, …).
    public var other = 0
    /// Why most pending tasks wait (squeue's %r), when Slurm gives a reason.
    public var pendingReason: String?

    public init(pending: Int = 0, running: Int = 0, other: Int = 0, pendingReason: String? = nil) {
        self.pending = pending
        self.running = running
        self.other = other
        self.pendingReason = pendingReason
    }

    /// Nothing of the job is left in the queue.
    public var isEmpty: Bool { pending + running + other == 0 }

    /// squeue's `--format` for `parse`: job id, state, reason.
    public static let format = "%i|%T|%r"

    /// Parses lines like `7_0|RUNNING|None` or `7_[2-5%2]|PENDING|Resources` (squeue folds pending
    /// array tasks into ranges unless asked not to). Unreadable lines are skipped.
    public static func parse(_ text: String) -> SlurmQueue {
        var queue = SlurmQueue()
        var reasons: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count >= 2, let count = taskCount(fields[0]) else { continue }
            switch fields[1] {
            case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "RESIZING":
                queue.pending += count
                if fields.count >= 3, !fields[2].isEmpty, fields[2] != "None" {
                    reasons[fields[2], default: 0] += count
                }
            case "RUNNING":
                queue.running += count
            default:
                queue.other += count
            }
        }
        queue.pendingReason = reasons.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return queue
    }

    /// How many array tasks one job id stands for: `7`, `7_3` → 1; `7_[0-3,5%2]` → 5.
    static func taskCount(_ id: String) -> Int? {
        guard let underscore = id.firstIndex(of: "_") else { return id.isEmpty ? nil : 1 }
        let index = id[id.index(after: underscore)...]
        guard index.hasPrefix("["), index.hasSuffix("]") else { return Int(index) != nil ? 1 : nil }
        let inner = index.dropFirst().dropLast().split(separator: "%").first ?? ""
        var total = 0
        for part in inner.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1)
            guard let low = Int(bounds[0]) else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1].split(separator: ":").first ?? "") : low
            guard let high, high >= low else { return nil }
            // A step (`0-9:2`) is rare in squeue's output; without it every index counts.
            let step = bounds.count == 2 ? Int(bounds[1].split(separator: ":").dropFirst().first ?? "") ?? 1 : 1
            total += (high - low) / max(step, 1) + 1
        }
        return total > 0 ? total : nil
    }

    /// The progress line's note: pending workers while there are some; a word when the whole
    /// array is gone while the sweep still runs (its workers' logs tell why).
    public func note(jobID: String) -> String? {
        if pending > 0 {
            let workers = pending == 1 ? "1 worker" : "\(pending) workers"
            return "\(workers) pending in Slurm" + (pendingReason.map { " (\($0))" } ?? "")
        }
        if isEmpty { return "Slurm job \(jobID) has ended; see launch/slurm-\(jobID)_*.log" }
        return nil
    }

    /// Whether squeue's error means the job is no longer known (it ended and was purged).
    public static func isUnknownJob(stderr: String) -> Bool { stderr.contains("Invalid job id") }
}
