import SweepCore
import SweepProtocol

/// The coordinator's progress display: counts what the machine counted and shows one line on
/// the console, live on a TTY (every 0.1 s) and as a plain line every 2 s elsewhere.
struct ProgressReporter {
    var line: ProgressLine
    let enabled: Bool
    let interval: Double
    let started: Double
    /// More to say on the line, e.g. a launcher's "3 workers pending in Slurm".
    let note: (() -> String?)?
    private var lastShown = -Double.infinity

    init(spec: Spec, plannedTrials: Int?, enabled: Bool, started: Double, note: (() -> String?)? = nil) {
        line = ProgressLine(spec: spec, trials: plannedTrials)
        self.enabled = enabled
        self.started = started
        self.note = note
        interval = Console.shared.isTTY ? 0.1 : 2
    }

    /// When the display next wants to be refreshed (never, when it is off).
    var nextDue: Double { enabled ? lastShown + interval : .infinity }

    mutating func counted(_ record: TaskRecord) { line.add(record) }

    /// Refreshes the line if it is due.
    mutating func show(_ machine: CoordinatorMachine, now: Double) {
        guard enabled, now >= nextDue else { return }
        Console.shared.status(
            line.text(
                running: machine.runningTasks, workers: machine.workerCount, elapsed: now - started,
                waiting: [machine.waitingReason, note?()].compactMap { $0 }.joined(separator: " · ").nilIfEmpty,
                paused: machine.pausedWorkers(now: now).count))
        lastShown = now
    }

    /// The last line, kept on screen.
    func close(_ machine: CoordinatorMachine, wall: Double) {
        guard enabled else { return }
        Console.shared.status(line.text(running: machine.runningTasks, workers: machine.workerCount, elapsed: wall))
        Console.shared.endStatus()
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
