import ArgumentParser
import Foundation
import SweepRuntime

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a CURVE key pair: NAME.key (public, share it) and NAME.key_secret (mode 0600, keep it).")

    @Option(help: "Directory to write the two files into.")
    var out: String

    @Option(help: "Name of the key pair (default: this host's name).")
    var name: String = ProcessInfo.processInfo.hostName

    func run() throws {
        let paths: (publicPath: String, secretPath: String)
        do {
            paths = try KeyFiles.generate(directory: URL(fileURLWithPath: out), name: name)
        } catch let error as KeyError {
            throw SweepError(.cannotStart, "\(error)")
        }
        print("public key: \(paths.publicPath)  (give it to the other side)")
        print("secret key: \(paths.secretPath)  (keep it on this host; mode 0600)")
    }
}
