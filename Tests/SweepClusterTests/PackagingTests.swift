import Foundation
import Testing

/// scripts/package.sh on the debug binary (`--binary`, so no release build): the .deb's control
/// data and files, its binary run from `dpkg -x` (version and the stamped commit), its systemd
/// units through `systemd-analyze verify`, and the tarball. One packaging run serves all checks.
@Suite(.enabled(if: PackagingTools.unavailableReason == nil, "\(PackagingTools.unavailableReason ?? "")"))
struct PackagingTests {
    static let commit = "0123abcd4567-test"

    @Test func debianPackageAndTarballFromTheDebugBinary() throws {
        let out = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try ToolRun(
            "/bin/bash",
            [
                Repository.path("scripts/package.sh"), "--binary", ChildProcess.sweepBinary.path, "--commit",
                Self.commit,
                "--out", out.path, "--fast",
            ])
        try #require(run.status == 0, "\(run.transcript)")
        let version = try developmentVersion()
        let deb = out.appendingPathComponent("sweep_\(version)_amd64.deb")
        let tarball = out.appendingPathComponent("sweep-\(version)-linux-x86_64.tar.gz")
        #expect(run.stdout == "\(deb.path)\n\(tarball.path)\n")
        // A debug build links the Swift runtime dynamically: the script says so.
        #expect(run.stderr.contains("libswiftCore.so"), "\(run.transcript)")

        try checkControl(deb, version: version)
        let root = out.appendingPathComponent("root")
        try checkFiles(deb, extractedTo: root)
        let installed = try ToolRun(root.appendingPathComponent("usr/bin/sweep").path, ["--version"])
        #expect(
            installed.status == 0 && installed.stdout == "sweep \(version) (commit \(Self.commit))\n",
            "\(installed.transcript)")
        try verifyUnits(root: root)
        try checkTarball(tarball, version: version)
    }

    /// The version the unstamped binary reports, which says it is a development build.
    func developmentVersion() throws -> String {
        let line = try ToolRun(ChildProcess.sweepBinary.path, ["--version"]).stdout
        let match = try #require(
            line.wholeMatch(of: /sweep (\d+\.\d+\.\d+) \(development build: no commit recorded\)\n/))
        return String(match.1)
    }

    func checkControl(_ deb: URL, version: String) throws {
        let info = try ToolRun("/usr/bin/dpkg-deb", ["-f", deb.path])
        try #require(info.status == 0, "\(info.transcript)")
        let fields = Dictionary(
            info.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }, uniquingKeysWith: { first, _ in first })
        #expect(fields["Package"] == "sweep")
        #expect(fields["Version"] == version)
        #expect(fields["Architecture"] == "amd64")
        let depends = (fields["Depends"] ?? "").split(separator: ",").map {
            String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        }
        for package in ["libzmq5", "libsqlite3-0", "libc6", "adduser"] {
            #expect(depends.contains(package), "Depends: \(fields["Depends"] ?? "none") lacks \(package)")
        }
        #expect(info.stdout.contains("commit \(Self.commit)"), "the description names the commit")
    }

    func checkFiles(_ deb: URL, extractedTo root: URL) throws {
        let listing = try ToolRun("/usr/bin/dpkg-deb", ["-c", deb.path])
        try #require(listing.status == 0, "\(listing.transcript)")
        let files = Set(
            listing.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        let expected = [
            "./usr/bin/sweep", "./lib/systemd/system/sweep-worker@.service",
            "./lib/systemd/system/sweep-coordinator@.service", "./usr/share/doc/sweep/examples/worker.conf.example",
            "./usr/share/doc/sweep/examples/coordinator.conf.example", "./usr/share/doc/sweep/README.md",
        ]
        for file in expected { #expect(files.contains(file), "\(file) is not in the .deb:\n\(listing.stdout)") }
        #expect(listing.stdout.contains("-rwxr-xr-x root/root") && !listing.stdout.contains(" 0/0 "))
        let extract = try ToolRun("/usr/bin/dpkg-deb", ["-x", deb.path, root.path])
        try #require(extract.status == 0, "\(extract.transcript)")
        for unit in ["sweep-worker@.service", "sweep-coordinator@.service"] {
            let packaged = try String(
                contentsOf: root.appendingPathComponent("lib/systemd/system/\(unit)"), encoding: .utf8)
            #expect(
                packaged == (try Repository.text("cluster/systemd/\(unit)")), "\(unit) differs from cluster/systemd")
        }
    }

    /// `systemd-analyze verify` of both units as installed, in the extracted package as the root
    /// (its ExecStart, /usr/bin/sweep, must exist there) with this machine's system units beside
    /// them. Verify exits 0 even on a bad setting, so its output must be empty; a broken copy
    /// shows the check can fail.
    func verifyUnits(root: URL) throws {
        let units = root.appendingPathComponent("lib/systemd/system")
        let copy = try ToolRun("/bin/cp", ["-a", "/lib/systemd/system/.", units.path])
        try #require(copy.status == 0, "\(copy.transcript)")
        let worker = try String(contentsOf: units.appendingPathComponent("sweep-worker@.service"), encoding: .utf8)
        try worker.replacingOccurrences(of: "KillMode=mixed", with: "KillMode=sometimes")
            .write(to: units.appendingPathComponent("sweep-broken@.service"), atomically: true, encoding: .utf8)
        let analyze = try #require(ToolRun.which("systemd-analyze"))
        let good = try ToolRun(
            analyze, ["verify", "--root=\(root.path)", "sweep-worker@gpu0.service", "sweep-coordinator@main.service"])
        #expect(good.status == 0 && good.stdout.isEmpty && good.stderr.isEmpty, "\(good.transcript)")
        let broken = try ToolRun(analyze, ["verify", "--root=\(root.path)", "sweep-broken@gpu0.service"])
        #expect(broken.stderr.contains("kill mode"), "\(broken.transcript)")
    }

    func checkTarball(_ tarball: URL, version: String) throws {
        let top = "sweep-\(version)-linux-x86_64"
        let listing = try ToolRun("/bin/tar", ["-tzf", tarball.path])
        try #require(listing.status == 0, "\(listing.transcript)")
        let files = Set(listing.stdout.split(separator: "\n").map(String.init))
        for file in [
            "bin/sweep", "NOTE", "systemd/sweep-worker@.service", "systemd/sweep-coordinator@.service",
            "systemd/worker.conf.example", "systemd/coordinator.conf.example",
        ] {
            #expect(files.contains("\(top)/\(file)"), "\(top)/\(file) is not in the tarball:\n\(listing.stdout)")
        }
        let note = try ToolRun("/bin/tar", ["-xzOf", tarball.path, "\(top)/NOTE"]).stdout
        #expect(note.hasPrefix("sweep \(version) (commit \(Self.commit)) for Linux x86_64."))
        #expect(note.contains("(libzmq5)") && note.contains("(libsqlite3-0)"), "\(note)")
        #expect(note.contains("libswiftCore.so") && note.contains("Not from any Debian package"), "\(note)")
    }

    /// Bad input: a clear error naming the problem, and nothing written.
    @Test(arguments: [
        (["--binary", "/nonexistent/sweep"], "--binary /nonexistent/sweep is not an executable file"),
        (["--binary", "/bin/true"], "no single commit slot"),
        (["--commit", "has space"], "--commit 'has space'"),
        (["--bogus"], "unknown argument '--bogus'"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let out = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let commit = arguments.contains("--commit") ? [] : ["--commit", Self.commit]
        let run = try ToolRun(
            "/bin/bash", [Repository.path("scripts/package.sh")] + commit + arguments + ["--out", out.path])
        #expect(run.status != 0 && run.stderr.contains(message), "\(run.transcript)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// `--help` is asked for, not a mistake: the usage on stdout and status 0.
    @Test func helpIsNotAnError() throws {
        let run = try ToolRun("/bin/bash", [Repository.path("scripts/package.sh"), "--help"])
        #expect(run.status == 0 && run.stdout.contains("--commit") && run.stderr.isEmpty, "\(run.transcript)")
    }
}

/// What scripts/package.sh and these tests need besides swift.
enum PackagingTools {
    static let unavailableReason: String? = {
        for tool in ["dpkg-deb", "dpkg-shlibdeps", "strip", "systemd-analyze"] where ToolRun.which(tool) == nil {
            return "\(tool) is not installed (scripts/setup.sh installs dpkg-dev, binutils and systemd)"
        }
        return nil
    }()
}
