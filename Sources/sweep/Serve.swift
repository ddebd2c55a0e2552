import ArgumentParser
import Dispatch
import Foundation
import SweepHTTP
import SweepML
import SweepRuntime

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a refitted model over HTTP: POST /predict, GET /health, GET /metrics (Prometheus).",
        discussion: """
            POST /predict takes {"rows": [{"column": value, ...}, ...]} (numbers or strings; null or "" for \
            missing) and answers {"predictions": [...]}, for classifiers with "classes" and "probabilities" \
            (one {class: probability} object per row). A body lacking a feature column, or with a value of the \
            wrong type, gets 400 naming the row and column; a body over --max-body gets 413.
            Loopback only unless a token is set. SIGINT or SIGTERM stops it.
            """)

    @Argument(help: "The model file (RUN_DIR/model.json).")
    var model: String

    @Option(
        name: .customLong("http"),
        help: ArgumentHelp(
            "Listen on this address (port 0 picks a free one).",
            discussion: "Loopback only, unless a token is set (--http-token or --http-token-file).",
            valueName: "addr:port"))
    var http = "127.0.0.1:8080"

    @Option(
        name: .customLong("http-token"),
        help: "Require this token on every request (Authorization: Bearer TOKEN).")
    var httpToken: String?

    @Option(name: .customLong("http-token-file"), help: "Read the token from this file's first line.")
    var httpTokenFile: String?

    @Option(name: .customLong("max-body"), help: "Refuse request bodies larger than this with 413 (e.g. 16MiB, 1MB).")
    var maxBody = "16MiB"

    func validate() throws {
        if httpToken != nil && httpTokenFile != nil {
            throw ValidationError("give --http-token or --http-token-file, not both")
        }
        guard ByteCount.parse(maxBody) != nil else {
            throw ValidationError("--max-body '\(maxBody)' is not a size, e.g. 16MiB, 512KiB, 1MB or 1048576")
        }
        do {
            let address = try DashboardAddress(parsing: http)
            if httpTokenFile == nil { try PredictAccess.check(address, token: httpToken) }
        } catch let error as DashboardError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: model) else {
            throw PredictError("cannot read model file \(model)")
        }
        let file = try ModelFile.decode(data, path: model)
        let server: PredictServer
        warnIfExposed(tokenFile: httpTokenFile)
        do {
            let token = try httpToken ?? httpTokenFile.map(DashboardAccess.readToken)
            server = try PredictServer(
                model: file, path: model, fileHash: ContentHash.sha256(data),
                address: try DashboardAddress(parsing: http), token: token, maxBody: ByteCount.parse(maxBody)!)
        } catch let error as DashboardError {
            throw SweepError(.invalidInput, error.description)
        }
        // Signals are watched before listening, so one that comes early still stops it cleanly.
        let stop = DispatchSemaphore(value: 0)
        let watcher = SignalWatcher { _ in stop.signal() }
        let port: Int
        do { port = try server.startBlocking() } catch let error as DashboardError {
            throw SweepError(.cannotStart, error.description)
        }
        let address = DashboardAddress(host: server.address.host, port: port)
        Console.shared.line(
            "[sweep] serving \(model) (\(file.model), \(file.task), \(file.features.count) features) on http://\(address)/ (POST /predict, GET /health, GET /metrics)"
        )
        stop.wait()
        Console.shared.line("[sweep] stopping")
        server.stopBlocking()
        withExtendedLifetime(watcher) {}
    }
}
