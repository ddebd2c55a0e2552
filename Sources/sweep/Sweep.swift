import ArgumentParser

@main
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Distributed hyperparameter sweeps with cross-validation, over ZeroMQ.",
        subcommands: [Run.self, Coordinator.self, Worker.self, Validate.self])
}
