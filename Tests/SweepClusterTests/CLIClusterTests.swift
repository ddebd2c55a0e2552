import Foundation
import Testing

/// The built `sweep` binary as a user meets it, in the manner of swift-argument-parser's example
/// tests: the help of every subcommand, the version, and how usage errors end. These pin the
/// command-line contract (README, "Using it"): exit statuses, which stream is written, and the
/// phrases a user or a script acts on.
@Suite struct CLIClusterTests {
    /// Every subcommand, with the arguments and options its help must name.
    static let subcommands: [(String, [String])] = [
        (
            "run",
            [
                "<spec>", "--workers <workers>", "--slots <slots>", "--out <out>", "--heartbeat <heartbeat>",
                "--log-level <log-level>",
            ]
        ),
        (
            "coordinator",
            [
                "<spec>", "--bind <bind>", "--out <out>", "--key <key>", "--allow <allow>", "--insecure",
                "--heartbeat <heartbeat>", "--log-level <log-level>",
            ]
        ),
        (
            "worker",
            [
                "--connect <connect>", "--slots <slots>", "--gpus <gpus>", "--cache <cache>", "--name <name>",
                "--key <key>",
                "--server-key <server-key>", "--insecure", "--heartbeat <heartbeat>", "--log-level <log-level>",
            ]
        ),
        (
            "resume",
            [
                "<directory>", "--bind <bind>", "--workers <workers>", "--slots <slots>", "--key <key>",
                "--allow <allow>",
                "--insecure", "--heartbeat <heartbeat>", "--log-level <log-level>", "--trials <trials>",
                "--time-limit <time-limit>",
            ]
        ),
        (
            "retry",
            [
                "<directory>", "--trials <trials>", "--failed", "--workers <workers>", "--slots <slots>",
                "--bind <bind>", "--insecure",
            ]
        ),
        ("status", ["<directory>", "--json"]),
        ("report", ["<directory>", "--format <format>"]),
        ("validate", ["<spec>"]),
        ("keygen", ["--out <out>", "--name <name>"]),
        ("predict", ["<model>", "<csv>", "--out <out>"]),
        ("export", ["<directory>", "--to <to>", "<destination>", "--study-name <study-name>"]),
    ]

    @Test func helpListsEverySubcommand() throws {
        for arguments in [["--help"], ["-h"], []] {
            let help = try FinishedCommand(arguments)
            #expect(help.status == 0, "\(help.transcript)")
            #expect(
                help.stdout.contains("OVERVIEW: Distributed hyperparameter sweeps with cross-validation, over ZeroMQ."))
            #expect(help.stdout.contains("USAGE: sweep <subcommand>"))
            for (name, _) in Self.subcommands {
                #expect(help.stdout.contains("\n  \(name) "), "sweep \(arguments) should list \(name)")
            }
            #expect(help.stderr.isEmpty)
        }
    }

    @Test(arguments: subcommands)
    func helpOfASubcommandNamesItsOptions(_ name: String, _ options: [String]) throws {
        let help = try FinishedCommand([name, "--help"])
        #expect(help.status == 0, "\(help.transcript)")
        #expect(help.stdout.contains("USAGE: sweep \(name)"))
        for option in options + ["-h, --help"] {
            #expect(help.stdout.contains(option), "sweep \(name) --help should name \(option)")
        }
        #expect(!help.stdout.contains("--parent-pid"), "internal options stay hidden")
        #expect(help.stderr.isEmpty)
        // `sweep help NAME` is the same page.
        let other = try FinishedCommand(["help", name])
        #expect(other.status == 0)
        #expect(other.stdout == help.stdout)
    }

    @Test func versionIsPrintedOnStandardOutput() throws {
        let version = try FinishedCommand(["--version"])
        #expect(version.status == 0, "\(version.transcript)")
        let line = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = /sweep \d+\.\d+\.\d+([-+]\S+)? \((commit \S+|development build: no commit recorded)\)/
        #expect(line.wholeMatch(of: pattern) != nil, "not a version line: '\(line)'")
        #expect(version.stderr.isEmpty)
    }

    /// Usage errors: exit status 64 (EX_USAGE), the problem on stderr, nothing on stdout, and
    /// nothing started (the spec files named here do not even exist).
    @Test(arguments: [
        (["bogus"], "Error: Unexpected argument 'bogus'"),
        (["run", "spec.yaml", "--bogus"], "Error: Unknown option '--bogus'"),
        (["run"], "Error: Missing expected argument '<spec>'"),
        (["worker"], "Error: Missing expected argument '--connect <connect>'"),
        (["run", "spec.yaml", "--workers", "0"], "Error: --workers must be between 1 and 1024, got 0"),
        (["run", "spec.yaml", "--slots", "5000"], "Error: --slots must be between 1 and 4096, got 5000"),
        (
            ["worker", "--connect", "tcp://127.0.0.1:5555", "--name", String(repeating: "n", count: 200)],
            "Error: --name has 200 bytes; a worker name may have at most 128"
        ),
        (["run", "spec.yaml", "--heartbeat", "5x"], "Error: --heartbeat '5x' is not a duration between 10ms and 1h"),
        (["run", "spec.yaml", "--log-level", "loud"], "Error: --log-level 'loud' is not one of: trace, debug, info"),
        (["coordinator", "spec.yaml"], "Error: Missing expected argument '--bind <bind>'"),
        (
            ["coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:5555", "--key", "keys/c.key_secret"],
            "Error: --key needs --allow: the public keys (files or a directory) of the workers to admit"
        ),
        (
            ["coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:5555", "--allow", "keys/"],
            "Error: --allow needs --key: the coordinator's own secret key file"
        ),
        (
            ["coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:5555", "--key", "k", "--allow", "a", "--insecure"],
            "Error: --insecure and --key contradict each other; drop one"
        ),
        (
            ["coordinator", "spec.yaml", "--bind", "tcp://*:5555"],
            "Error: refusing to serve tcp://*:5555 without encryption"
        ),
        (
            ["worker", "--connect", "tcp://coordinator.invalid:5555"],
            "Error: refusing to join tcp://coordinator.invalid:5555 without encryption"
        ),
        (
            ["worker", "--connect", "127.0.0.1:5555"],
            "Error: --connect '127.0.0.1:5555' is not an address like tcp://HOST:PORT"
        ),
        (
            ["worker", "--connect", "tcp://127.0.0.1:5555", "--key", "w.key_secret"],
            "Error: --key and --server-key go together"
        ),
        (
            ["worker", "--connect", "tcp://127.0.0.1:5555", "--gpus", "0,0"],
            "Error: --gpus '0,0' is not a list of distinct GPU ids"
        ),
    ])
    func usageErrorsExit64(_ arguments: [String], _ message: String) throws {
        let directory = try temporaryDirectory()
        let command = try FinishedCommand(arguments, directory: directory)
        #expect(command.status == 64, "\(command.transcript)")
        #expect(command.stderr.contains(message), "\(command.transcript)")
        #expect(command.stderr.contains("Usage: sweep"), "a usage error shows the usage")
        #expect(command.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
    }

    /// Refusing to serve in the open explains how to make keys, step by step.
    @Test func servingWithoutKeysSaysHowToMakeThem() throws {
        let command = try FinishedCommand(["coordinator", "spec.yaml", "--bind", "tcp://0.0.0.0:5555"])
        #expect(command.status == 64)
        for phrase in [
            "anyone who can reach that port could join and receive your data",
            "sweep keygen --out keys --name coordinator",
            "--key keys/coordinator.key_secret --allow keys/", "Or, on a trusted network only, add --insecure.",
        ] {
            #expect(command.stderr.contains(phrase), "\(command.transcript)")
        }
    }

    /// Addresses that only look local are refused without keys, for the coordinator's bind and
    /// the worker's connect alike, naming the host or the ';' and what would be right.
    @Test(arguments: [
        (["coordinator", "spec.yaml", "--bind"], "tcp://127.attacker.example:5555", "host '127.attacker.example'"),
        (["coordinator", "spec.yaml", "--bind"], "tcp://127.0.0.1:0;10.0.0.5:5555", "source address before ';'"),
        (["coordinator", "spec.yaml", "--bind"], "tcp://eth0:5555", "host 'eth0'"),
        (["worker", "--connect"], "tcp://127.attacker.example:5555", "host '127.attacker.example'"),
        (["worker", "--connect"], "tcp://127.0.0.1:0;10.0.0.5:5555", "source address before ';'"),
        (["worker", "--connect"], "tcp://127.1:5555", "host '127.1'"),
    ])
    func addressesThatOnlyLookLocalNeedKeys(_ command: [String], _ address: String, _ problem: String) throws {
        let finished = try FinishedCommand(command + [address], directory: try temporaryDirectory())
        #expect(finished.status == 64, "\(finished.transcript)")
        for phrase in [
            problem, "without keys the host must be a literal 127.x.x.x address, [::1] or localhost",
            "Or, on a trusted network only, add --insecure.",
        ] where !(phrase.hasPrefix("without") && problem.contains(";")) {
            #expect(finished.stderr.contains(phrase), "\(finished.transcript)")
        }
    }
}
