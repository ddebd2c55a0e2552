/// A file a command trainer left under `$SWEEP_ARTIFACTS`, as its result names it. The worker
/// keeps the bytes in its cache by hash; the coordinator fetches them (FETCH/CHUNK, reversed)
/// when its artifact policy wants them.
public struct ArtifactFile: Sendable, Equatable, Hashable {
    /// Relative to `$SWEEP_ARTIFACTS`, `/`-separated (checked by `ArtifactPath.problem`).
    public var path: String
    public var size: Int
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    public var sha256: String
    /// Permission bits (0o7777 at most).
    public var mode: Int

    public init(path: String, size: Int, sha256: String, mode: Int) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.mode = mode
    }
}

/// What a result says about its artifacts: the files kept, and why any were refused. A refusal
/// never fails the task: its metrics count as they are.
public struct ArtifactManifest: Sendable, Equatable {
    public var files: [ArtifactFile]
    /// Why the tree (or an entry of it) was refused; empty when nothing was.
    public var refused: String

    public init(files: [ArtifactFile] = [], refused: String = "") {
        self.files = files
        self.refused = refused
    }

    public var isEmpty: Bool { files.isEmpty && refused.isEmpty }
    public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }
}

extension WireLimits {
    /// Files one result may name, and the length of one artifact's relative path.
    public static let artifactFiles = 4096
    public static let artifactPathBytes = 1024
    /// Why a result's artifacts were refused.
    public static let artifactNoteBytes = 4096
    /// One chunk of an artifact, and how many a coordinator keeps in flight per file.
    public static let artifactChunkBytes = 256 << 10
    public static let artifactWindow = 4
}

/// Which relative paths are acceptable for an artifact, on both ends: the worker refuses them
/// when it scans, and the coordinator refuses them again before it writes anything (a worker's
/// manifest is not trusted to stay inside the run directory).
public enum ArtifactPath {
    /// Why `path` cannot be an artifact's relative path, or nil when it can.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "an empty path" }
        if path.utf8.count > WireLimits.artifactPathBytes {
            return "a path of \(path.utf8.count) bytes (at most \(WireLimits.artifactPathBytes))"
        }
        if path.hasPrefix("/") { return "an absolute path '\(path)'" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "a name with control characters \(String(reflecting: path))"
        }
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part == ".." { return "a name with '..' ('\(path)')" }
            if part.isEmpty || part == "." { return "a malformed path '\(path)'" }
        }
        return nil
    }

    /// Whether `text` is a SHA-256 as the wire spells it.
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension ByteWriter {
    mutating func artifacts(_ manifest: ArtifactManifest) {
        count(manifest.files.count)
        for file in manifest.files {
            string(file.path); count(file.size); string(file.sha256); count(file.mode)
        }
        string(manifest.refused)
    }
}

extension ByteReader {
    /// A result's manifest, bounded: a worker that trims its manifest never breaks these.
    mutating func artifacts() throws(DecodeError) -> ArtifactManifest {
        let count = try count(elementSize: 4)
        guard count <= WireLimits.artifactFiles else {
            throw DecodeError("\(count) artifact files exceed the limit of \(WireLimits.artifactFiles)")
        }
        var files: [ArtifactFile] = []
        for _ in 0..<count {
            let path = try string(max: WireLimits.artifactPathBytes), size = try int(max: Int.max)
            let hash = try string(max: 64)
            guard ArtifactPath.isHash(hash) else { throw DecodeError("artifact hash is not 64 hex digits") }
            files.append(ArtifactFile(path: path, size: size, sha256: hash, mode: try int(max: 0o7777)))
        }
        return ArtifactManifest(files: files, refused: try string(max: WireLimits.artifactNoteBytes))
    }
}
