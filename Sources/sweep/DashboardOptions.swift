import ArgumentParser
import Foundation
import Logging
import SweepHTTP
import SweepRuntime

/// `--http ADDR:PORT` and its token: the live dashboard and Prometheus metrics beside a sweep.
struct DashboardOptions: ParsableArguments {
    @Option(
        name: .customLong("http"),
        help: ArgumentHelp(
            "Serve a live dashboard and Prometheus metrics on this address, e.g. 127.0.0.1:8080 (port 0 picks one).",
            discussion:
                "Loopback only, unless the coordinator has CURVE keys (--key/--allow) and a token is set.",
            valueName: "addr:port"))
    var http: String?

    @Option(
        name: .customLong("http-token"),
        help: "Require this token on every dashboard request (Authorization: Bearer TOKEN, or ?token=TOKEN).")
    var httpToken: String?

    @Option(name: .customLong("http-token-file"), help: "Read the dashboard token from this file's first line.")
    var httpTokenFile: String?

    func validate() throws {
        if httpToken != nil && httpTokenFile != nil {
            throw ValidationError("give --http-token or --http-token-file, not both")
        }
        guard let http else {
            if httpToken != nil || httpTokenFile != nil {
                throw ValidationError("--http-token needs --http ADDR:PORT: the dashboard it protects")
            }
            return
        }
        do {
            _ = try DashboardAddress(parsing: http)
            if let httpToken { try DashboardAccess.checkToken(httpToken) }
        } catch let error as DashboardError {
            throw ValidationError(error.description)
        }
    }

    /// Refuses now (before a run directory is made) an address the sweep may not serve.
    func check(keyed: Bool) throws {
        guard let http else { return }
        warnIfExposed(tokenFile: httpTokenFile)
        do {
            try DashboardAccess.check(try DashboardAddress(parsing: http), keyed: keyed, token: try token())
        } catch let error as DashboardError {
            throw ValidationError(error.description)
        }
    }

    private func token() throws -> String? {
        try httpToken ?? httpTokenFile.map(DashboardAccess.readToken)
    }

    /// Runs `body` (the sweep) with the dashboard serving beside it, when --http is given.
    func serving(_ lifecycle: SweepLifecycle, logger: Logger, _ body: () throws -> Void) throws {
        guard let http else { return try body() }
        let server: DashboardServer
        do {
            server = try DashboardServer(
                address: try DashboardAddress(parsing: http), directory: lifecycle.directory,
                keyed: lifecycle.isKeyed, token: try token(), logger: logger)
            try lifecycle.measure(with: server.metrics)
            try server.startBlocking()
        } catch let error as DashboardError {
            throw SweepError(.cannotStart, error.description)
        }
        defer { server.stopBlocking() }
        try body()
    }
}

/// Says on stderr when a token file is readable by other users (it still serves).
func warnIfExposed(tokenFile: String?) {
    guard let tokenFile, let warning = DashboardAccess.tokenFileWarning(file: tokenFile) else { return }
    FileHandle.standardError.write(Data((warning + "\n").utf8))
}
