import ArgumentParser
import Foundation
import Logging
import SweepHTTP

/// `--notify URL` (repeatable) on `sweep run`, `sweep coordinator` and `sweep resume`.
struct NotifyOptions: ParsableArguments {
    @Option(
        name: .customLong("notify"),
        help: ArgumentHelp(
            "POST a JSON event to this http(s) URL when the sweep finds a new best (at most one per 30 s), fails fast, is stopped or finishes (repeatable).",
            valueName: "url"))
    var urls: [String] = []

    func validate() throws {
        do { _ = try NotifierURLs.parse(urls) } catch let error as NotifierURLError {
            throw ValidationError(error.description)
        }
    }

    /// Starts notifying about the run in `directory` (nil: no --notify). Stop it when the sweep
    /// ends: the final event is delivered then, waiting at most 10 s.
    func start(directory: String, logger: Logger) throws -> NotifierSession? {
        guard !urls.isEmpty else { return nil }
        return try NotifierSession(directory: directory, urls: NotifierURLs.parse(urls), logger: logger)
    }

    /// Runs `body` (the sweep) with notifications about the run in `directory`, and delivers the
    /// final one afterwards, whether the sweep succeeded or threw.
    func around(directory: String, logger: Logger, _ body: () throws -> Void) throws {
        let session = try start(directory: directory, logger: logger)
        defer { session?.stopAndWait() }
        try body()
    }
}
