import Foundation
import ZeroMQ

/// The worker's end of a launch over SSH: it reads its keys from stdin (as
/// `LaunchKeys.workerStdinText` writes them), and it lives as long as that stdin is open, so that
/// closing the channel or killing the local ssh stops it without a pty to hang up.
public enum WorkerStdin {
    /// The most a worker reads before the empty line that ends the keys.
    static let limit = 4096

    /// The keys in `text` (the lines before the first empty line): `secret-key = "…"` and
    /// `server-key = "…"`. Throws `SweepError(.invalidInput)` naming what is wrong.
    public static func parseKeys(_ text: String) throws -> (publicKey: String, secretKey: String, serverKey: String) {
        let expected =
            "--keys-from-stdin reads two lines, secret-key = \"…\" and server-key = \"…\" (40-character Z85 keys), then an empty line"
        var fields: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { break }
            guard let equals = line.firstIndex(of: "=") else {
                throw SweepError(.invalidInput, "stdin line \(index + 1) is not name = \"value\"; \(expected)")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard name == "secret-key" || name == "server-key" else {
                throw SweepError(.invalidInput, "stdin line \(index + 1) names '\(name)'; \(expected)")
            }
            guard fields[name] == nil else {
                throw SweepError(.invalidInput, "stdin gives \(name) twice; \(expected)")
            }
            guard Curve.isValidKey(value) else {
                throw SweepError(.invalidInput, "stdin's \(name) is not a valid CURVE key; \(expected)")
            }
            fields[name] = value
        }
        guard let secret = fields["secret-key"], let server = fields["server-key"] else {
            let missing = ["secret-key", "server-key"].filter { fields[$0] == nil }.joined(separator: " and ")
            throw SweepError(.invalidInput, "stdin has no \(missing); \(expected)")
        }
        let publicKey: String
        do {
            publicKey = try Curve.publicKey(forSecret: secret)
        } catch {
            throw SweepError(.invalidInput, "stdin's secret-key is not a valid CURVE secret key; \(expected)")
        }
        return (publicKey, secret, server)
    }

    /// Reads stdin up to and including the first empty line (byte by byte: nothing after it is
    /// consumed), at most `limit` bytes. Throws if stdin ends or runs long before that line.
    public static func readKeysText(fd: Int32 = 0) throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < limit {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else {
                throw SweepError(
                    .invalidInput,
                    "--keys-from-stdin: stdin ended before the keys and the empty line after them"
                        + " (start the worker with the keys on its stdin, as sweep launch ssh does)")
            }
            bytes.append(byte)
            if bytes.count >= 2 && bytes.suffix(2) == [0x0A, 0x0A] || bytes == [0x0A] {
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        throw SweepError(.invalidInput, "--keys-from-stdin: no empty line within \(limit) bytes of stdin")
    }

    /// Calls `ended` once stdin reaches end of file (or fails), from a thread of its own; whatever
    /// arrives before is read and dropped.
    public static func watchForEnd(fd: Int32 = 0, _ ended: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            ended()
        }
        thread.name = "sweep.stdin-watch"
        thread.start()
    }
}
