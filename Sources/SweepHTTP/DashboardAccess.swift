import Foundation

/// Why the dashboard cannot start as asked; the text names what is wrong and what would be right.
public struct DashboardError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where the dashboard listens: `HOST:PORT` (`[::1]:PORT` for IPv6; port 0 picks a free one).
public struct DashboardAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `--http`'s value.
    public init(parsing text: String) throws {
        let example = "e.g. 127.0.0.1:8080, localhost:8080 or [::1]:8080 (port 0 picks a free port)"
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw DashboardError("--http '\(text)': an IPv6 address needs brackets and a port, \(example)")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw DashboardError("--http '\(text)': expected HOST:PORT, \(example)")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw DashboardError("--http '\(text)': the host is missing or not an address, \(example)")
        }
        guard let number = Int(port), (0...65535).contains(number) else {
            throw DashboardError("--http '\(text)': the port must be a number from 0 to 65535, \(example)")
        }
        self.init(host: String(host), port: number)
    }

    /// Whether only this host can reach the address (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Who may read the dashboard: anyone on this host (loopback), or, off loopback, only a
/// coordinator with CURVE keys and a token, checked on every request.
public enum DashboardAccess {
    /// Throws unless `address` may be served: off loopback, the sweep must be keyed and a token set.
    public static func check(_ address: DashboardAddress, keyed: Bool, token: String?) throws {
        if let token { try checkToken(token) }
        guard !address.isLoopback else { return }
        var missing: [String] = []
        if !keyed { missing.append("CURVE keys (`sweep coordinator --key ... --allow ...`, made by `sweep keygen`)") }
        if token == nil { missing.append("--http-token TOKEN or --http-token-file FILE") }
        guard !missing.isEmpty else { return }
        throw DashboardError(
            """
            refusing to serve the dashboard on \(address): it is not a loopback address, and anyone who can reach \
            it could read the sweep's data and results. Add \(missing.joined(separator: " and ")), or serve on \
            loopback (--http 127.0.0.1:\(address.port)) and reach it through an SSH tunnel.
            """)
    }

    /// A token must be long enough not to be guessed.
    public static func checkToken(_ token: String) throws {
        guard token.count >= minimumTokenLength, !token.contains(where: \.isWhitespace) else {
            throw DashboardError(
                "the dashboard token must be at least \(minimumTokenLength) characters without spaces (e.g. `openssl rand -hex 16`)"
            )
        }
    }

    public static let minimumTokenLength = 16

    /// Reads a token file (its first line, trimmed).
    public static func readToken(file: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DashboardError("--http-token-file: cannot read \(file)")
        }
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let token, !token.isEmpty else { throw DashboardError("--http-token-file: \(file) holds no token") }
        return token
    }

    /// A warning when other users may read the token file (group or other read bits), naming the
    /// fix; nil when only its owner can. Not refused: a Kubernetes Secret volume is 0644 unless told.
    public static func tokenFileWarning(file: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o044 != 0
        else { return nil }
        return
            "warning: --http-token-file \(file) is readable by other users (mode \(String(mode & 0o777, radix: 8))); "
            + "anyone who reads it can use the server: chmod 600 \(file)"
    }

    /// Compares in time that depends only on the expected token's length, not on where they differ.
    public static func matches(_ given: Substring, _ expected: String) -> Bool {
        let expectedBytes = Array(expected.utf8)
        var difference = given.utf8.count == expectedBytes.count ? 0 : 1
        var index = given.utf8.startIndex
        for byte in expectedBytes {
            let other = index < given.utf8.endIndex ? given.utf8[index] : 0
            difference |= Int(other ^ byte)
            if index < given.utf8.endIndex { index = given.utf8.index(after: index) }
        }
        return difference == 0
    }
}
