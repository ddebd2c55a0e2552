import SweepProtocol
import ZeroMQ

/// Every socket option Sweep sets, in one place (DESIGN.md, "ZeroMQ usage").
public enum SocketSettings {
    /// Largest message accepted: bounds what a peer can make us allocate. Setup carries the dataset.
    public static let maxMessageBytes = Int64(WireLimits.messageBytes)

    /// The coordinator's ROUTER: unroutable sends fail loudly instead of vanishing; queues are
    /// deep enough that the per-worker slot window, not the high-water mark, limits traffic.
    public static func configureRouter(_ socket: Socket, heartbeatInterval: Double) throws(ZMQError) {
        try socket.set(.routerMandatory, Int32(1))
        try socket.set(.linger, Int32(200))
        try socket.set(.maxMessageSize, maxMessageBytes)
        try socket.set(.sendHighWaterMark, Int32(100_000))
        try socket.set(.receiveHighWaterMark, Int32(100_000))
        try configureTransportHeartbeats(socket, heartbeatInterval: heartbeatInterval)
    }

    /// A worker's DEALER: no routing id (reuse after reconnect is buggy in libzmq 4.3.4), only
    /// queue to live connections, reconnect with 1 s → 32 s backoff.
    public static func configureDealer(_ socket: Socket, heartbeatInterval: Double) throws(ZMQError) {
        try socket.set(.immediate, Int32(1))
        try socket.set(.linger, Int32(200))
        try socket.set(.maxMessageSize, maxMessageBytes)
        try socket.set(.reconnectInterval, Int32(min(1000, max(100, heartbeatInterval * 1000))))
        try socket.set(.reconnectIntervalMax, Int32(32_000))
        try socket.set(.sendHighWaterMark, Int32(100_000))
        try socket.set(.receiveHighWaterMark, Int32(100_000))
        try configureTransportHeartbeats(socket, heartbeatInterval: heartbeatInterval)
    }

    /// ZMTP PING/PONG under the application heartbeats, so dead TCP peers are noticed by libzmq too.
    static func configureTransportHeartbeats(_ socket: Socket, heartbeatInterval: Double) throws(ZMQError) {
        let interval = Int32(max(100, heartbeatInterval * 1000))
        try socket.set(.heartbeatInterval, interval)
        try socket.set(.heartbeatTimeout, interval * 3)
        try socket.set(.heartbeatTTL, interval * 3)
    }
}
