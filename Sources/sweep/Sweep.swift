import ArgumentParser
import Foundation
import SweepRuntime

@main
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Distributed hyperparameter sweeps with cross-validation, over ZeroMQ.",
        version: BuildInfo.versionLine,
        subcommands: [
            Run.self, Coordinator.self, Worker.self, Resume.self, Retry.self, Status.self, Report.self, Validate.self,
            Keygen.self, Predict.self, Export.self, Launch.self, Serve.self, Drift.self, Retrain.self,
        ])

    static func main() {
        // Internal: how a worker starts a trainer command so that it dies with the worker.
        let arguments = CommandLine.arguments
        if arguments.count > 1 && arguments[1] == "__exec" { ExecLauncher.run(Array(arguments.dropFirst(2))) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard let (message, status) = ExitStatus.of(error) else { exit(withError: error) }
            if let message { Console.shared.line(message) }
            exit(withError: ExitCode(status))
        }
    }
}
