import ArgumentParser
import Foundation
import SweepRuntime

struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run failed trials of a sweep again (after fixing what made them fail), then continue the sweep.",
        discussion: """
            The failed tasks of the chosen trials (failed after limits.max_attempts, limits.max_lost, or a \
            fail-fast stop) run again with fresh attempts and a fresh failure budget; attempt numbers \
            continue after the old ones. The old failures stay in run.db (results.superseded_at) and in \
            the report. Then the sweep runs on as `sweep resume` would (same options). Stopped (pruned) \
            trials are not failures.
            """)

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Option(help: "The trials to retry, by number (e.g. 3,7).")
    var trials: String?

    @Flag(help: "Retry every failed trial.")
    var failed = false

    @OptionGroup var serving: ResumeOptions

    func validate() throws {
        try serving.check()
        guard (trials != nil) != failed else { throw ValidationError("give --trials 3,7 or --failed (one of them)") }
        _ = try numbers()
    }

    /// `--trials 3,7` as numbers (nil with --failed).
    func numbers() throws -> [Int]? {
        guard let trials else { return nil }
        let parts = trials.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let numbers = parts.map { Int($0) }
        guard !parts.isEmpty, numbers.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--trials expects trial numbers separated by commas, e.g. 3,7; got '\(trials)'")
        }
        return Array(Set(numbers.compactMap { $0 })).sorted()
    }

    func run() throws {
        try RunRecord.checkResumable(directory: directory, acceptingNewCode: true)
        let note = try RunRecord.retry(directory: directory, trials: try numbers())
        Console.shared.line(note)
        try serving.resume(directory: directory, acceptingNewCode: true)
    }
}
