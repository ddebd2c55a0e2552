import ArgumentParser
import SweepRuntime

// Placeholder while the SSH launcher is built; replaced by its own commit.
struct LaunchSSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh", abstract: "Run a sweep here with a worker on each host of a list, started over SSH.")

    @OptionGroup var launch: LaunchOptions

    func run() throws { throw SweepError(.cannotStart, "sweep launch ssh is not built yet") }
}
