import Foundation
import Testing

/// A program run to its end (kubectl, dpkg-deb, systemd-analyze, scripts/package.sh), both
/// outputs read to their end on threads of their own so that neither pipe fills and stalls it.
/// One still running after `timeout` seconds is killed by its process id (`status` nil).
struct ToolRun {
    let status: Int32?
    let stdout: String
    let stderr: String

    init(_ program: String, _ arguments: [String], directory: URL? = nil, timeout: Double = 120) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = DrainedPipe(outPipe), errors = DrainedPipe(errPipe)
        let finished = output.done.wait(timeout: .now() + timeout) == .success
        if !finished {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            _ = output.done.wait(timeout: .now() + 10)
        }
        _ = errors.done.wait(timeout: .now() + 10)
        process.waitUntilExit()
        status = finished ? process.terminationStatus : nil
        stdout = output.text
        stderr = errors.text
    }

    var transcript: String {
        "status \(status.map(String.init) ?? "none (killed)")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }

    /// The program's path on PATH, or nil.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class DrainedPipe: @unchecked Sendable {  // safe: `data` written once, before `done`
    private var data = Data()
    let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Only after `done` was signalled.
    var text: String { String(decoding: data, as: UTF8.self) }
}

/// Files of this repository, found from this source file's place in it.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

/// cluster/kubernetes as `kubectl kustomize` builds it, parsed (YAML to JSON by the venv's Python,
/// which kubernetes-validate brings PyYAML into).
enum KubernetesManifests {
    static let image = "localhost/sweep:0.1.0"
    static let uid = 10001
    static var validator: String { (InteropPython.venv as NSString).appendingPathComponent("bin/kubernetes-validate") }
    /// Debian 12's kubectl 1.20 (kustomize v2), unpacked from its .deb, where someone put one:
    /// the kustomization must build with it too.
    static var oldKubectl: String {
        ProcessInfo.processInfo.environment["SWEEP_OLD_KUBECTL"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/sweep/kubectl-1.20/usr/bin/kubectl")
    }

    static let unavailableReason: String? = {
        guard ToolRun.which("kubectl") != nil else {
            return "kubectl is not installed (scripts/setup.sh installs Debian's kubernetes-client)"
        }
        guard FileManager.default.isExecutableFile(atPath: validator),
            FileManager.default.isExecutableFile(atPath: InteropPython.python)
        else { return "no kubernetes-validate in \(InteropPython.venv) (scripts/setup.sh installs it)" }
        return nil
    }()

    /// The built manifests; a warning (e.g. a field deprecated in newer kustomize) fails too.
    static func build(kubectl: String? = nil) throws -> String {
        let run = try ToolRun(
            kubectl ?? ToolRun.which("kubectl")!, ["kustomize", Repository.path("cluster/kubernetes")])
        try #require(run.status == 0 && run.stderr.isEmpty, "\(run.transcript)")
        return run.stdout
    }

    static func objects(_ yaml: String) throws -> [[String: Any]] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("built.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let script =
            "import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d], sys.stdout)"
        let run = try ToolRun(InteropPython.python, ["-c", script, file.path])
        try #require(run.status == 0, "\(run.transcript)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    }

    static func podTemplate(_ objects: [[String: Any]], kind: String) throws -> [String: Any] {
        let object = try #require(objects.first { $0["kind"] as? String == kind }, "no \(kind)")
        return try #require(
            (object["spec"] as? [String: Any])?["template"] as? [String: Any], "\(kind) has no template")
    }

    static func podSpec(_ objects: [[String: Any]], kind: String) throws -> [String: Any] {
        try #require(try podTemplate(objects, kind: kind)["spec"] as? [String: Any])
    }

    static func podTemplateLabels(_ objects: [[String: Any]], kind: String) throws -> [String: String] {
        (try podTemplate(objects, kind: kind)["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
    }

    /// Lays out a key pair as the Secret volume shows it (mode `secretMode`), checks that sweep
    /// refuses that file, runs the init container's `command` with /secret and /keys moved into a
    /// temporary directory, and checks that sweep accepts the copy. The probe is `sweep
    /// coordinator` on a missing spec: it reads the key first, so the error says which it met.
    static func checkKeyCopy(command: [String], secretMode: Int, kind: String) throws {
        let top = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: top) }
        let secret = top.appendingPathComponent("secret"), keys = top.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let source = try #require(command.first { $0.hasPrefix("/secret/") }, "\(kind): \(command)")
        let name = (source as NSString).lastPathComponent.replacingOccurrences(of: ".key_secret", with: "")
        let keygen = try FinishedCommand(["keygen", "--out", secret.path, "--name", name])
        try #require(keygen.status == 0, "\(keygen.transcript)")
        let secretFile = secret.appendingPathComponent("\(name).key_secret").path
        try FileManager.default.setAttributes([.posixPermissions: secretMode], ofItemAtPath: secretFile)
        let probe = { (key: String) in
            try FinishedCommand([
                "coordinator", top.appendingPathComponent("missing.yaml").path, "--bind", "tcp://127.0.0.1:1", "--key",
                key,
                "--allow", secret.appendingPathComponent("\(name).key").path,
            ])
        }
        let refused = try probe(secretFile)
        #expect(refused.stderr.contains("is readable by group or others"), "\(kind): \(refused.transcript)")
        let moved = command.map {
            $0.replacingOccurrences(of: "/secret/", with: secret.path + "/").replacingOccurrences(
                of: "/keys/", with: keys.path + "/")
        }
        let copy = try ToolRun(try #require(ToolRun.which(moved[0])), Array(moved.dropFirst()))
        try #require(copy.status == 0, "\(kind): \(command) failed: \(copy.transcript)")
        let target = try #require(moved.last)
        let accepted = try probe(target)
        #expect(accepted.stderr.contains("cannot read spec file"), "\(kind): \(accepted.transcript)")
        #expect(!accepted.stderr.contains("readable by group or others"), "\(kind): \(accepted.transcript)")
    }
}
