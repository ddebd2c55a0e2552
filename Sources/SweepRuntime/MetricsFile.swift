import Foundation
import Glibc

/// Follows the SWEEP_METRICS file while the program runs: each look returns the complete lines
/// written since the last one. A file that shrank or was replaced (a program that rewrites it
/// with `>`, even to the same size) is read again from its start: the last bytes read are checked
/// to be still in place.
struct MetricsFileFollower {
    let path: String
    private var offset: off_t = 0
    private var inode: ino_t = 0
    private var partial: [UInt8] = []
    /// The last bytes read (up to 64), which must still be there for the file to be the same one.
    private var seen: [UInt8] = []
    /// The most read in one look, and the longest line kept (longer ones are not reports).
    static let readLimit = 4 << 20
    static let lineLimit = 1 << 20

    init(path: String) { self.path = path }

    /// New complete lines; with `atEnd`, also a last line without its newline.
    mutating func newLines(atEnd: Bool = false) -> [Substring] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        if info.st_ino != inode || info.st_size < offset || !stillHolds(fd) {
            (inode, offset, partial, seen) = (info.st_ino, 0, [], [])
        }
        var lines: [Substring] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var budget = atEnd ? Int.max : Self.readLimit
        while budget > 0 {
            let count = pread(fd, &buffer, min(buffer.count, budget), offset)
            if count <= 0 { break }
            offset += off_t(count)
            budget -= count
            seen.append(contentsOf: buffer[max(count - 64, 0)..<count])
            if seen.count > 64 { seen.removeFirst(seen.count - 64) }
            partial.append(contentsOf: buffer[0..<count])
            while let newline = partial.firstIndex(of: 0x0A) {
                lines.append(Substring(String(decoding: partial[..<newline], as: UTF8.self)))
                partial.removeSubrange(...newline)
            }
            if partial.count > Self.lineLimit { partial.removeAll() }
        }
        if atEnd && !partial.isEmpty {
            lines.append(Substring(String(decoding: partial, as: UTF8.self)))
            partial.removeAll()
        }
        return lines.filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Whether the bytes before `offset` are still the ones read there.
    func stillHolds(_ fd: Int32) -> Bool {
        guard !seen.isEmpty else { return true }
        var bytes = [UInt8](repeating: 0, count: seen.count)
        return pread(fd, &bytes, bytes.count, offset - off_t(seen.count)) == bytes.count && bytes == seen
    }
}
