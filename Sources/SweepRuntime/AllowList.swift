import Foundation

/// The worker keys a coordinator admits, from `--allow` files and directories of `*.key` files,
/// read again only when they changed: a handshake costs a directory listing and a `stat` per key
/// file, not a read of every file. A key file added or removed changes the listing and counts
/// from the next handshake on; a file rewritten in place is caught by its size and time stamps,
/// and everything is read again at least every `maxAge` seconds whatever the stamps say.
struct AllowList {
    static let maxAge = 1.0

    let paths: [String]
    private var cached: Set<String> = []
    private var signature: [String]?
    private var readAt = -Double.infinity
    /// How many times the files were read (for tests).
    private(set) var reads = 0

    init(paths: [String]) { self.paths = paths }

    /// The allowed keys now (`now` in seconds, monotonic). Throws when a file cannot be read;
    /// then the next call reads again.
    mutating func keys(now: Double) throws -> Set<String> {
        let current = Self.signature(of: paths)
        if current != signature || now - readAt >= Self.maxAge || now < readAt {
            signature = nil
            cached = try KeyFiles.allowedKeys(paths)
            (signature, readAt, reads) = (current, now, reads + 1)
        }
        return cached
    }

    /// What changes when a key file is added, removed or rewritten: each path's stamp and, for a
    /// directory, the name and stamp of each `*.key` file in it.
    static func signature(of paths: [String]) -> [String] {
        var parts: [String] = []
        for path in paths {
            parts.append(path + " " + stamp(path))
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for name in names.sorted() where name.hasSuffix(".key") {
                parts.append(name + " " + stamp((path as NSString).appendingPathComponent(name)))
            }
        }
        return parts
    }

    /// Inode, size and modification time (to the nanosecond) of the file a path leads to.
    static func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "missing" }
        return "\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_nsec)"
    }
}
