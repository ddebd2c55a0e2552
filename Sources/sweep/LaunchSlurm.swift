import ArgumentParser
import SweepRuntime

// Placeholder while the Slurm launcher is built; replaced by its own commit.
struct LaunchSlurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Run a sweep here with its workers as one Slurm job array.")

    @OptionGroup var launch: LaunchOptions

    func run() throws { throw SweepError(.cannotStart, "sweep launch slurm is not built yet") }
}
