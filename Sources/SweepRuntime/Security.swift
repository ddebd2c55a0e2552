import Foundation

/// How the coordinator's socket is protected.
public enum CoordinatorSecurity: Sendable {
    /// No encryption or authentication: loopback, or `--insecure` on a trusted network.
    case plaintext
    /// CURVE with the coordinator's key pair; only workers whose public keys are in `allow`
    /// (files, or directories of `*.key` files, read again at every handshake) get in.
    case curve(publicKey: String, secretKey: String, allow: [String])
}

/// How a worker's socket is protected.
public enum WorkerSecurity: Sendable {
    case plaintext
    /// CURVE with the worker's key pair, trusting only the coordinator whose public key is pinned.
    case curve(publicKey: String, secretKey: String, serverKey: String)
}

/// Whether a ZeroMQ endpoint only reaches this host (loopback TCP, or ipc/inproc).
public func isLocalEndpoint(_ endpoint: String) -> Bool {
    if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
    guard endpoint.hasPrefix("tcp://") else { return false }
    var host = String(endpoint.dropFirst(6))
    if host.hasPrefix("[") {
        host = String(host.dropFirst().prefix { $0 != "]" })
        return host == "::1"
    }
    host = String(host.prefix { $0 != ":" })
    return host == "localhost" || host.hasPrefix("127.")
}
