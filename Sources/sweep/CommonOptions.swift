import ArgumentParser
import Logging
import SweepCore
import SweepRuntime

/// Options every long-running command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Heartbeat interval (e.g. 1s, 250ms); a peer silent for 3 intervals is presumed gone.")
    var heartbeat: String = "1s"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    var heartbeatSeconds: Double { parseDuration(heartbeat) ?? 1 }
    /// Local workers log less than their coordinator: its info lines would repeat theirs.
    var workerLogLevel: String { logLevel == "info" ? "warning" : logLevel }

    func validate() throws {
        guard let seconds = parseDuration(heartbeat), seconds >= 0.01, seconds <= 3600 else {
            throw ValidationError("--heartbeat '\(heartbeat)' is not a duration between 10ms and 1h (e.g. 1s, 250ms)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level '\(logLevel)' is not one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { ConsoleLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}
