import ArgumentParser
import Foundation
import SweepRuntime

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how far a sweep is, from its run directory (safe while it runs).",
        discussion: """
            With --watch, a live table (trials, tasks, workers, best, rate, ETA) refreshes in place until the \
            sweep finishes, stops or is interrupted, or Ctrl-C; when the output is not a terminal, the table is \
            printed again each time it changes. It reads run.db only, so it works on any host that sees the \
            run directory.
            """)

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Keep watching: a live table until the sweep ends (or Ctrl-C).")
    var watch = false

    @Option(help: "Seconds between looks at run.db, with --watch.")
    var interval: Double = 2

    func validate() throws {
        if json && watch { throw ValidationError("--json and --watch cannot be combined; drop one") }
        guard interval >= 0.05 && interval <= 3600 else {
            throw ValidationError("--interval must be between 0.05 and 3600 seconds, got \(interval)")
        }
    }

    func run() throws {
        if watch {
            try StatusWatch(directory: directory, interval: interval).run()
            return
        }
        let status = try RunStatus.read(directory: directory)
        print(json ? status.json : status.text)
    }
}

/// `sweep status --watch`: the table, redrawn in place on a terminal, appended otherwise.
struct StatusWatch {
    let directory: String
    let interval: Double

    func run() throws {
        let watcher = try RunWatcher(directory: directory)
        let terminal = isatty(STDOUT_FILENO) == 1
        let interrupted = Interrupted()
        let signals = SignalWatcher([SIGINT, SIGTERM]) { _ in interrupted.set() }
        defer { withExtendedLifetime(signals) {} }
        var drawn = 0
        while true {
            let changed = try watcher.poll() != nil
            guard let snapshot = terminal ? try watcher.read() : watcher.last else { break }
            if terminal || changed {
                let lines = WatchTable.lines(snapshot)
                var text = terminal && drawn > 0 ? "\u{1B}[\(drawn)A\u{1B}[J" : ""
                if !terminal && drawn > 0 { text += "\n" }
                text += lines.joined(separator: "\n") + "\n"
                FileHandle.standardOutput.write(Data(text.utf8))
                drawn = lines.count
            }
            if snapshot.isEnded || interrupted.wait(seconds: interval) { break }
        }
    }
}

/// Set from the signal queue, awaited by the watch loop (which wakes at once on Ctrl-C).
private final class Interrupted: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func set() { semaphore.signal() }

    /// Waits up to `seconds`; true when interrupted.
    func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
}
