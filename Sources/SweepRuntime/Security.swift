import Foundation

/// How the coordinator's socket is protected.
public enum CoordinatorSecurity: Sendable {
    /// No encryption or authentication: loopback, or `--insecure` on a trusted network.
    case plaintext
    /// CURVE with the coordinator's key pair; only workers whose public keys are in `allow`
    /// (files, or directories of `*.key` files, read again when they change) get in.
    case curve(publicKey: String, secretKey: String, allow: [String])
}

/// How a worker's socket is protected.
public enum WorkerSecurity: Sendable {
    case plaintext
    /// CURVE with the worker's key pair, trusting only the coordinator whose public key is pinned.
    case curve(publicKey: String, secretKey: String, serverKey: String)
}

/// Whether a ZeroMQ endpoint only reaches this host: see `Endpoint.loopbackProblem` (an address
/// that does not parse is not local).
public func isLocalEndpoint(_ endpoint: String) -> Bool {
    guard let parsed = try? Endpoint(endpoint) else { return false }
    return parsed.loopbackProblem == nil
}
