import CZeroMQ

/// An error reported by libzmq, with the operation that failed.
public struct ZMQError: Error, CustomStringConvertible, Equatable, Sendable {
    public let code: Int32
    public let operation: String

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code))) (errno \(code))"
    }

    /// A ROUTER_MANDATORY send to a peer that is not connected.
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }

    static func last(_ operation: String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation)
    }
}

/// Runs a libzmq call that returns -1 on failure, retrying on EINTR.
/// Returns nil when the call would block (EAGAIN), so callers see "not now" as a value.
@inline(__always)
func retrying(_ operation: StaticString, _ call: () -> Int32) throws(ZMQError) -> Int32? {
    while true {
        let rc = call()
        if rc >= 0 { return rc }
        let code = zmq_errno()
        if code == EINTR { continue }
        if code == EAGAIN { return nil }
        throw ZMQError(code: code, operation: "\(operation)")
    }
}
