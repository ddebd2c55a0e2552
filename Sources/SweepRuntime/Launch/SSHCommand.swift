import Foundation

/// The command lines of the SSH launcher, built without touching anything (unit-tested): the
/// `ssh` arguments, and the small POSIX shell scripts run on a host to find, copy and start the
/// sweep binary. Everything from the user (hosts, addresses) is single-quoted for the remote shell.
public enum SSHCommand {
    /// What a host's remote script says on stderr, one line each, so the launcher knows its step.
    public enum Marker {
        public static let starting = "sweep-ssh: starting worker"
        public static let missing = "sweep-ssh: binary missing"
        public static let copied = "sweep-ssh: binary copied"
    }

    /// The per-user cache on a host where binaries are kept by content hash (the worker's own
    /// cache, `$SWEEP_CACHE` or `~/.cache/sweep`, so one setting moves both).
    public static let remoteBinDirectory = "${SWEEP_CACHE:-$HOME/.cache/sweep}/bin"

    /// The binary's name in that cache: its SHA-256, so a host keeps exactly the builds it ran.
    public static func binaryName(hash: String) -> String { "sweep-\(hash)" }

    /// `ssh` arguments: never prompt (BatchMode: a host that would ask for a password fails and is
    /// reported), a bounded connect, keep-alives that end a session whose host vanished; then the
    /// user's `--ssh-arg`s, then `--` so that no destination is ever read as an option.
    public static func arguments(
        destination: String, remote: String, extra: [String], connectTimeout: Int = 10
    ) -> [String] {
        [
            "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=\(connectTimeout)", "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
        ] + extra + ["--", destination, remote]
    }

    /// The worker's arguments on `host`. With keys it reads them from stdin (which also ties its life
    /// to the channel); without (a loopback sweep) it only stops when stdin ends.
    public static func workerArguments(
        host: HostEntry, connect: String, keyed: Bool, heartbeat: String, logLevel: String
    ) -> [String] {
        var arguments = ["worker", "--connect", connect, "--name", host.workerName]
        if let slots = host.slots { arguments += ["--slots", String(slots)] }
        if !host.gpus.isEmpty { arguments += ["--gpus", host.gpus.map(String.init).joined(separator: ",")] }
        arguments += ["--heartbeat", heartbeat, "--log-level", logLevel]
        arguments.append(keyed ? "--keys-from-stdin" : "--stop-on-stdin-eof")
        return arguments
    }

    /// Runs the cached binary `hash` as a worker if the host has it (saying `Marker.starting` first),
    /// else says `Marker.missing` and exits 3. The file's content is checked against `hash` first: a
    /// file cut short or replaced under that name counts as missing (and is copied over), so it is
    /// never run and never handed the keys. A host of another system or architecture is refused
    /// with a message that says so (exit 4).
    public static func startScript(hash: String, workerArguments: [String], platform: Platform) -> String {
        let binary = "\"\(remoteBinDirectory)/\(binaryName(hash: hash))\""
        return [
            platform.checkScript,
            "b=\(binary)",
            "if [ -x \"$b\" ] && [ \"$(sha256sum < \"$b\" 2>/dev/null | cut -c1-64)\" = \(quote(hash)) ]; then"
                + " echo '\(Marker.starting)' >&2; exec \"$b\" "
                + workerArguments.map(quote).joined(separator: " ") + "; fi",
            "echo '\(Marker.missing)' >&2",
            "exit 3",
        ].joined(separator: "; ")
    }

    /// Stores stdin as the cached binary `hash`: into a temporary file, checked for its full `size`
    /// (a cut connection leaves no truncated binary), made executable, then renamed into place, so
    /// a host never runs a half-written file even when two launches copy at once.
    public static func copyScript(hash: String, size: Int) -> String {
        let name = binaryName(hash: hash)
        return [
            "d=\"\(remoteBinDirectory)\"", "t=\"$d/.\(name).$$\"",
            "mkdir -p \"$d\" && cat > \"$t\" && [ \"$(($(wc -c < \"$t\")))\" -eq \(size) ] && chmod 755 \"$t\""
                + " && mv -f \"$t\" \"$d/\(name)\" && echo '\(Marker.copied)' >&2"
                + " || { rm -f \"$t\"; echo \"sweep-ssh: cannot store the sweep binary in $d\" >&2; exit 5; }",
        ].joined(separator: "; ")
    }

    /// `text` as one word for a POSIX shell.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty && text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0)) })
        {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The system and machine this binary runs on, as `uname -s`/`uname -m` print them.
    public struct Platform: Sendable, Equatable {
        public var system: String
        public var machine: String

        public init(system: String, machine: String) {
            self.system = system
            self.machine = machine
        }

        public static var current: Platform {
            var names = utsname()
            uname(&names)
            func text<T>(_ field: T) -> String {
                withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
            return Platform(system: text(names.sysname), machine: text(names.machine))
        }

        var checkScript: String {
            let want = quote("\(system)/\(machine)")
            return "case \"$(uname -s)/$(uname -m)\" in \(want)) ;; *) echo \"sweep-ssh: this host runs"
                + " $(uname -s)/$(uname -m); the sweep binary is for \(system)/\(machine)\" >&2; exit 4;; esac"
        }
    }

    /// The full path of `program` on `path` (a PATH value), or nil.
    public static func findProgram(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
