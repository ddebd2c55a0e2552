import Foundation
import Glibc

/// One task's directory on a worker. The program's working directory (`work/`, SWEEP_TASK_DIR)
/// is the task's own: a fresh tree of the workdir's directories whose files are links to the
/// cached workdir, so whatever the program creates, anywhere in it, stays in this task. Sweep's
/// own files (the fold's CSVs, the metrics file, the output logs) live beside it in `sweep/`,
/// outside the shipped tree, so no shipped file can share a name with them and nothing sweep
/// writes goes through a link into the cache.
struct TaskLayout {
    let root: URL
    var work: URL { root.appendingPathComponent("work") }
    var files: URL { root.appendingPathComponent("sweep") }
    var train: URL { files.appendingPathComponent("train.csv") }
    var valid: URL { files.appendingPathComponent("valid.csv") }
    var metrics: URL { files.appendingPathComponent("metrics.jsonl") }
    /// `$SWEEP_ARTIFACTS`: files the program leaves for the coordinator, fresh and empty per task.
    var artifacts: URL { root.appendingPathComponent("artifacts") }

    init(_ root: URL) { self.root = root }

    /// Creates the directories (anew) and mirrors `workdir` into `work/`.
    func create(workdir: URL?) throws {
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: metrics.path, contents: nil)
        if let workdir { try Self.mirror(workdir, into: work) }
    }

    /// Directories are made, files hard-linked (a symbolic link where that fails, e.g. across
    /// file systems): a hard link keeps the program's own paths inside its task directory.
    static func mirror(_ source: URL, into target: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            let from = source.appendingPathComponent(name), to = target.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: from.path, isDirectory: &isDirectory), isDirectory.boolValue,
                (try? FileManager.default.destinationOfSymbolicLink(atPath: from.path)) == nil
            {
                try FileManager.default.createDirectory(at: to, withIntermediateDirectories: false)
                try mirror(from, into: to)
            } else if link(from.path, to.path) != 0 {
                try FileManager.default.createSymbolicLink(at: to, withDestinationURL: from)
            }
        }
    }

    /// Takes the write bits off every file of a cached workdir, so a program (not run as root)
    /// that opens a shipped file for writing fails instead of changing it for every task.
    static func makeReadOnly(_ workdir: URL) {
        guard let files = FileManager.default.enumerator(atPath: workdir.path) else { return }
        for case let path as String in files {
            let full = workdir.appendingPathComponent(path).path
            var info = stat()
            guard lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o222 != 0 else { continue }
            chmod(full, info.st_mode & 0o7555)
        }
    }
}
