import Foundation
import Glibc
import SweepProtocol

/// One entry found under `$SWEEP_ARTIFACTS`, as `lstat` saw it (links are never followed).
struct ArtifactEntry: Equatable {
    enum Kind: Equatable {
        case file
        case directory
        case symlink
        /// A device, socket or FIFO: nothing that could be placed in a run directory.
        case special(String)
    }

    var path: String
    var kind: Kind
    var size: Int
    var mode: Int
}

/// Which entries of a task's artifact tree may travel, decided without touching the disk:
/// symbolic links, special files and unsafe names are refused one by one (the others still go);
/// a tree over the size limit, or with more files than a result may name, is refused whole. A
/// refusal never fails the task: it is said in the result and recorded by the coordinator.
enum ArtifactCheck {
    struct Verdict: Equatable {
        var accepted: [ArtifactEntry]
        var refused: [String]
    }

    static func judge(_ entries: [ArtifactEntry], limit: Int) -> Verdict {
        var accepted: [ArtifactEntry] = []
        var refused: [String] = []
        for entry in entries {
            if let problem = ArtifactPath.problem(entry.path) {
                refused.append("refused \(problem)")
                continue
            }
            switch entry.kind {
            case .file: accepted.append(entry)
            case .directory: continue
            case .symlink: refused.append("refused symbolic link '\(entry.path)' (artifacts are regular files)")
            case .special(let kind): refused.append("refused \(kind) '\(entry.path)' (artifacts are regular files)")
            }
        }
        let total = accepted.reduce(0) { $0 + $1.size }
        if total > limit {
            refused.append(
                "refused all \(accepted.count) files: they total \(WireLimits.describe(bytes: total)), over limits.max_artifact_size (\(WireLimits.describe(bytes: limit)))"
            )
            accepted = []
        } else if accepted.count > WireLimits.artifactFiles {
            refused.append(
                "refused all \(accepted.count) files: a task may keep at most \(WireLimits.artifactFiles) (pack them, e.g. into a tar file)"
            )
            accepted = []
        }
        return Verdict(accepted: accepted.sorted { $0.path < $1.path }, refused: refused)
    }

    /// Every entry under `root` (depth first, links not followed), paths relative to it. A name
    /// that is not UTF-8 is reported with its bytes repaired, so `judge` refuses it.
    static func walk(_ root: URL) -> [ArtifactEntry] {
        var entries: [ArtifactEntry] = []
        walk(root.path, relative: "", into: &entries)
        return entries
    }

    private static func walk(_ directory: String, relative: String, into entries: inout [ArtifactEntry]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let item = readdir(handle) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                let bytes = raw.prefix { $0 != 0 }
                return String(validating: bytes, as: UTF8.self) ?? String(decoding: bytes, as: UTF8.self) + "\u{1}"
            }
            if name == "." || name == ".." { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            let full = directory + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            let mode = Int(info.st_mode & 0o7777)
            switch info.st_mode & S_IFMT {
            case S_IFREG: entries.append(ArtifactEntry(path: path, kind: .file, size: Int(info.st_size), mode: mode))
            case S_IFDIR:
                entries.append(ArtifactEntry(path: path, kind: .directory, size: 0, mode: mode))
                walk(full, relative: path, into: &entries)
            case S_IFLNK: entries.append(ArtifactEntry(path: path, kind: .symlink, size: 0, mode: mode))
            case S_IFSOCK: entries.append(ArtifactEntry(path: path, kind: .special("socket"), size: 0, mode: mode))
            case S_IFIFO: entries.append(ArtifactEntry(path: path, kind: .special("FIFO"), size: 0, mode: mode))
            default: entries.append(ArtifactEntry(path: path, kind: .special("device file"), size: 0, mode: mode))
            }
        }
    }
}
