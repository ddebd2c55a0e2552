/// A ZeroMQ endpoint as sweep takes it on the command line, parsed fully: `tcp://HOST:PORT`
/// (HOST a name, an IPv4 address, `[IPv6]` or `*`; PORT a number or `*`), `ipc://PATH`, or
/// `inproc://NAME` (in-process only). libzmq itself also takes source addresses
/// (`tcp://SOURCE;HOST:PORT`) and interface names; those parse, but never count as loopback.
public struct Endpoint: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// `source` is the part before a `;` (libzmq's source-address form), if any.
        case tcp(host: String, port: String, source: String?)
        case ipc(path: String)
        case inproc(name: String)
    }

    public let text: String
    public let kind: Kind

    /// Parses `text`, or throws an error that says what is wrong and what a right address looks like.
    public init(_ text: String) throws(EndpointError) {
        self.text = text
        guard let schemeEnd = text.range(of: "://") else {
            throw EndpointError(text, "has no scheme; write tcp://HOST:PORT (or ipc://PATH)")
        }
        let scheme = text[..<schemeEnd.lowerBound], rest = String(text[schemeEnd.upperBound...])
        guard !text.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw EndpointError(text, "contains white space")
        }
        switch scheme {
        case "ipc":
            guard !rest.isEmpty else { throw EndpointError(text, "names no path; write ipc:///path/to/socket") }
            kind = .ipc(path: rest)
        case "inproc":
            guard !rest.isEmpty else { throw EndpointError(text, "names nothing; write inproc://NAME") }
            kind = .inproc(name: rest)
        case "tcp":
            kind = try Self.parseTCP(rest, text: text)
        default:
            throw EndpointError(text, "has scheme '\(scheme)'; sweep speaks tcp://HOST:PORT (or ipc://PATH)")
        }
    }

    private static func parseTCP(_ rest: String, text: String) throws(EndpointError) -> Kind {
        let parts = rest.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw EndpointError(text, "lists several addresses; give one, like tcp://HOST:PORT")
        }
        let address = String(parts.last!), source = parts.count == 2 ? String(parts[0]) : nil
        if let source, source.isEmpty { throw EndpointError(text, "has an empty source address before ';'") }
        guard let colon = address.lastIndex(of: ":") else {
            throw EndpointError(text, "has no port; write tcp://HOST:PORT, e.g. tcp://127.0.0.1:5555")
        }
        let host = String(address[..<colon]), port = String(address[address.index(after: colon)...])
        guard port == "*" || (port.count <= 5 && port.allSatisfy(\.isASCIIDigit) && (Int(port) ?? 70000) <= 65535)
        else {
            throw EndpointError(text, "has port '\(port)'; a port is a number from 0 to 65535 (or * to bind any)")
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2,
                host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else {
                throw EndpointError(text, "has host '\(host)'; an IPv6 address goes in brackets, e.g. tcp://[::1]:5555")
            }
        } else {
            guard !host.isEmpty else { throw EndpointError(text, "has no host; write tcp://HOST:PORT") }
            guard !host.contains(":") else {
                throw EndpointError(
                    text, "has host '\(host)'; write an IPv6 address in brackets, e.g. tcp://[::1]:5555")
            }
            guard host == "*" || host.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || "-._".contains($0) }) else {
                throw EndpointError(text, "has host '\(host)', which is not a host name or address")
            }
        }
        return .tcp(host: host, port: port, source: source)
    }

    /// Why this endpoint may reach beyond this host, or nil when it cannot: only one tcp
    /// address whose host is a literal 127.x.x.x, [::1] or `localhost`, or ipc/inproc, is loopback.
    public var loopbackProblem: String? {
        guard case .tcp(let host, _, let source) = kind else { return nil }
        if source != nil {
            return "\(text) names a source address before ';'; without keys give one loopback address alone"
        }
        if host == "localhost" || host == "[::1]" || Self.isLoopbackIPv4(host) { return nil }
        return
            "host '\(host)' in \(text) is not a loopback address; without keys the host must be a literal 127.x.x.x address, [::1] or localhost"
    }

    /// Four decimal octets (no leading zeros, each at most 255), the first 127.
    static func isLoopbackIPv4(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCIIDigit)
                && (octet == "0" || octet.first != "0") && Int(octet)! <= 255
        }
    }
}

/// An endpoint that does not parse: which one, and what a right one looks like.
public struct EndpointError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ endpoint: String, _ problem: String) {
        description = "address '\(endpoint)' \(problem)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
