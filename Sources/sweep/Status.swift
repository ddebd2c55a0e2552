import ArgumentParser
import Foundation
import SweepRuntime

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how far a sweep is, from its run directory (safe while it runs).")

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let status = try RunStatus.read(directory: directory)
        print(json ? status.json : status.text)
    }
}
