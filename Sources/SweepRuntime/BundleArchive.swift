import Foundation
import SweepCore

/// A directory as one byte string, for shipping a trainer's `workdir` by content hash.
/// Layout: "SWB1", entry count (u32 LE), then per file: path length (u32 LE), UTF-8 path,
/// executable flag (1 byte), size (u64 LE), bytes. Entries sorted by path, so the same tree always
/// gives the same bytes and hash. Only regular files travel; directories are implied by paths.
public enum BundleArchive {
    public static let maximumBytes = 512 << 20
    /// Directories never shipped: version control and caches.
    public static let skippedNames: Set<String> = [".git", ".hg", ".svn", "__pycache__", ".DS_Store"]

    public struct BundleError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Packs every regular file under `directory`. Symbolic links are refused: they could point
    /// outside the directory, and a worker host has no such paths. Sweep run directories (a
    /// directory holding `run.db`) are skipped: they are a sweep's output, not the trainer's code,
    /// and change as it runs, so a `workdir: .` holding `--out runs/x` must still resume.
    public static func pack(directory: URL) throws -> [UInt8] {
        var files: [(path: String, url: URL)] = []
        func walk(_ url: URL, _ prefix: String) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            for name in names where !skippedNames.contains(name) {
                let child = url.appendingPathComponent(name)
                let path = prefix.isEmpty ? name : prefix + "/" + name
                let attributes = try FileManager.default.attributesOfItem(atPath: child.path)
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?:
                    if FileManager.default.fileExists(atPath: child.appendingPathComponent("run.db").path) { continue }
                    try walk(child, path)
                case .typeRegular?: files.append((path, child))
                case .typeSymbolicLink?:
                    throw BundleError(
                        description:
                            "\(path) is a symbolic link; a workdir ships regular files only (copy the file in, or remove the link)"
                    )
                default:
                    throw BundleError(description: "\(path) is not a regular file or directory")
                }
            }
        }
        try walk(directory, "")
        var out: [UInt8] = Array("SWB1".utf8)
        append32(&out, UInt32(files.count))
        for file in files.sorted(by: { $0.path < $1.path }) {
            let bytes = try [UInt8](Data(contentsOf: file.url))
            let executable = FileManager.default.isExecutableFile(atPath: file.url.path)
            append32(&out, UInt32(file.path.utf8.count))
            out.append(contentsOf: file.path.utf8)
            out.append(executable ? 1 : 0)
            append64(&out, UInt64(bytes.count))
            out.append(contentsOf: bytes)
            if out.count > maximumBytes {
                throw BundleError(
                    description:
                        "the workdir is larger than \(maximumBytes >> 20) MiB; ship code, not data (put data in data.path)"
                )
            }
        }
        return out
    }

    /// Unpacks into `directory` (which must not exist yet), refusing any path that could escape it.
    public static func unpack(_ bytes: [UInt8], into directory: URL) throws {
        var offset = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, count <= bytes.count - offset else {
                throw BundleError(description: "bundle truncated at byte \(offset)")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }
        func read32() throws -> Int { try take(4).reversed().reduce(0) { $0 << 8 | Int($1) } }
        func read64() throws -> Int {
            let value = try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard value <= UInt64(maximumBytes) else { throw BundleError(description: "bundle entry too large") }
            return Int(value)
        }
        guard Array(try take(4)) == Array("SWB1".utf8) else { throw BundleError(description: "not a workdir bundle") }
        let count = try read32()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for _ in 0..<count {
            guard let path = String(validating: try take(try read32()), as: UTF8.self) else {
                throw BundleError(description: "a path is not UTF-8")
            }
            guard isSafeRelativePath(path) else {
                throw BundleError(description: "refused path '\(path)': it could escape the workdir")
            }
            let executable = try take(1).first == 1
            let size = try read64()
            let target = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try take(size)).write(to: target)
            if executable {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
            }
        }
        guard offset == bytes.count else {
            throw BundleError(description: "bytes left over after the last bundle entry")
        }
    }

    static func append32(_ out: inout [UInt8], _ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func append64(_ out: inout [UInt8], _ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// A relative path that stays inside its directory: not absolute, no `..` or `.` components, no
/// empty components, no NUL, no backslashes.
public func isSafeRelativePath(_ path: String) -> Bool {
    guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return false }
    return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
        !$0.isEmpty && $0 != ".." && $0 != "."
    }
}
