import CZeroMQ

/// A socket event from `zmq_socket_monitor`.
public struct SocketEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case connected, accepted, disconnected, handshakeSucceeded
        case handshakeFailedNoDetail, handshakeFailedProtocol, handshakeFailedAuth
        case other(UInt16)
    }

    public let kind: Kind

    init(code: UInt16) {
        switch Int32(code) {
        case ZMQ_EVENT_CONNECTED: kind = .connected
        case ZMQ_EVENT_ACCEPTED: kind = .accepted
        case ZMQ_EVENT_DISCONNECTED: kind = .disconnected
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: kind = .handshakeSucceeded
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: kind = .handshakeFailedNoDetail
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: kind = .handshakeFailedProtocol
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: kind = .handshakeFailedAuth
        default: kind = .other(code)
        }
    }
}

extension Socket {
    /// Starts publishing this socket's connection and handshake events on `endpoint`
    /// (an inproc address); returns a PAIR socket, owned by the caller's thread, that receives them.
    public func monitor(_ endpoint: String, context: Context) throws(ZMQError) -> Socket {
        let events =
            ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
            | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
            | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        _ = try retrying("zmq_socket_monitor") { zmq_socket_monitor(live, endpoint, events) }
        let pair = try Socket(context, .pair)
        try pair.set(.linger, Int32(0))
        try pair.connect(endpoint)
        return pair
    }

    /// Stops publishing events.
    public func stopMonitor() { if let handle { zmq_socket_monitor(handle, nil, 0) } }

    /// Reads one event from a monitor PAIR socket, or nil if none is waiting. An event is two
    /// frames: six bytes (the event code, u16 LE, then a value, u32 LE) and the endpoint.
    public func receiveEvent() throws(ZMQError) -> SocketEvent? {
        guard let parts = try receive(), parts.count == 2, parts[0].count >= 6 else { return nil }
        return SocketEvent(code: UInt16(parts[0][0]) | UInt16(parts[0][1]) << 8)
    }
}
