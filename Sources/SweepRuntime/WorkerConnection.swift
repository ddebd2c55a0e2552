import Foundation
import SweepProtocol
import ZeroMQ

/// A worker's DEALER to its coordinator, with the monitor socket that reports its handshakes.
/// Both live on the worker's socket thread. `reconnect()` replaces them (after a silent
/// coordinator, or a refused handshake that libzmq would not retry by itself).
final class WorkerConnection {
    let endpoint: String
    let heartbeatInterval: Double
    let security: WorkerSecurity
    private let context = Context()
    private(set) var socket: Socket
    private(set) var monitor: Socket
    private var monitors = 0

    init(endpoint: String, heartbeatInterval: Double, security: WorkerSecurity) throws {
        self.endpoint = endpoint
        self.heartbeatInterval = heartbeatInterval
        self.security = security
        (socket, monitor) = try Self.open(
            context, endpoint: endpoint, heartbeatInterval: heartbeatInterval,
            security: security, monitor: 1)
        monitors = 1
    }

    /// Sends a message; one that cannot be queued (not connected) is dropped: HELLO repeats and
    /// results wait for their acknowledgement, so nothing depends on this one send.
    func send(_ message: Message) {
        _ = try? socket.send([Codec.encode(message)])
    }

    /// The next message waiting, decoded (nil: none).
    func receive() throws -> WorkerMachine.Event? {
        try receiveParts().map(Self.event)
    }

    /// The frames of the next message waiting, undecoded (nil: none).
    func receiveParts() throws -> [[UInt8]]? { try socket.receive() }

    /// A message's frames as the machine's event.
    static func event(_ parts: [[UInt8]]) -> WorkerMachine.Event {
        guard parts.count == 1 else { return .malformed(DecodeError("expected 1 frame, got \(parts.count)")) }
        do {
            return .received(try Codec.decode(parts[0]))
        } catch {
            return .malformed(error)
        }
    }

    /// Handshake events waiting on the monitor.
    func handshakeEvents() throws -> [SocketEvent.Kind] {
        var kinds: [SocketEvent.Kind] = []
        while let event = try monitor.receiveEvent() {
            switch event.kind {
            case .handshakeSucceeded, .handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail:
                kinds.append(event.kind)
            default:
                continue
            }
        }
        return kinds
    }

    func reconnect() throws {
        close()
        monitors += 1
        (socket, monitor) = try Self.open(
            context, endpoint: endpoint, heartbeatInterval: heartbeatInterval,
            security: security, monitor: monitors)
    }

    func close() {
        socket.stopMonitor()
        monitor.close()
        socket.close()
    }

    private static func open(
        _ context: Context, endpoint: String, heartbeatInterval: Double, security: WorkerSecurity,
        monitor number: Int
    ) throws -> (Socket, Socket) {
        let socket = try Socket(context, .dealer)
        try SocketSettings.configureDealer(socket, heartbeatInterval: heartbeatInterval)
        if case .curve(let publicKey, let secretKey, let serverKey) = security {
            try socket.set(.curveServerKey, serverKey)
            try socket.set(.curvePublicKey, publicKey)
            try socket.set(.curveSecretKey, secretKey)
        }
        try socket.connect(endpoint)
        let monitor = try socket.monitor("inproc://worker-monitor-\(number)", context: context)
        return (socket, monitor)
    }
}
