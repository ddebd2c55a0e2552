import CZeroMQ

/// One libzmq socket. Not thread-safe: exactly one thread may create, use and close it.
public final class Socket {
    private(set) var handle: UnsafeMutableRawPointer?
    private let context: Context  // keeps the context alive while the socket lives

    public init(_ context: Context, _ type: SocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.raw) else { throw .last("zmq_socket") }
        self.handle = handle
        self.context = context
    }

    deinit { close() }

    /// Closes the socket; pending outgoing messages live on for at most the linger period.
    public func close() {
        if let handle { zmq_close(handle) }
        handle = nil
    }

    var live: UnsafeMutableRawPointer {
        guard let handle else { preconditionFailure("socket used after close") }
        return handle
    }

    public func bind(_ endpoint: String) throws(ZMQError) {
        _ = try retrying("zmq_bind") { zmq_bind(live, endpoint) }
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        _ = try retrying("zmq_connect") { zmq_connect(live, endpoint) }
    }

    /// The endpoint last bound, with the port the system chose for `tcp://host:*`.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        zmq_getsockopt(live, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func set(_ option: SocketOption, _ value: Int32) throws(ZMQError) {
        var value = value
        _ = try retrying("zmq_setsockopt") {
            zmq_setsockopt(live, option.raw, &value, MemoryLayout<Int32>.size)
        }
    }

    public func set(_ option: SocketOption, _ value: Int64) throws(ZMQError) {
        var value = value
        _ = try retrying("zmq_setsockopt") {
            zmq_setsockopt(live, option.raw, &value, MemoryLayout<Int64>.size)
        }
    }

    /// Sets a string option (e.g. a Z85 CURVE key).
    public func set(_ option: SocketOption, _ text: String) throws(ZMQError) {
        try set(option, bytes: Array(text.utf8))
    }

    public func set(_ option: SocketOption, bytes: [UInt8]) throws(ZMQError) {
        _ = try retrying("zmq_setsockopt") {
            bytes.withUnsafeBytes { zmq_setsockopt(live, option.raw, $0.baseAddress, $0.count) }
        }
    }

    /// Sends one multipart message. Returns false if it would block (or, with
    /// `dontWait`, if the peer's queue is full); throws for unreachable peers and other errors.
    @discardableResult
    public func send(_ parts: [[UInt8]], dontWait: Bool = true) throws(ZMQError) -> Bool {
        for (index, part) in parts.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < parts.count - 1 { flags |= ZMQ_SNDMORE }
            let sent = try retrying("zmq_send") {
                part.withUnsafeBytes { zmq_send(live, $0.baseAddress, $0.count, flags) }
            }
            if sent == nil {
                precondition(index == 0, "libzmq blocked in the middle of a multipart message")
                return false
            }
        }
        return true
    }

    /// Receives one whole multipart message, or nil if none is waiting (with `dontWait`).
    public func receive(dontWait: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        var parts: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            let flags: Int32 = (dontWait && parts.isEmpty) ? ZMQ_DONTWAIT : 0
            guard try retrying("zmq_msg_recv", { zmq_msg_recv(&message, live, flags) }) != nil else {
                precondition(parts.isEmpty, "libzmq returned EAGAIN inside a multipart message")
                return nil
            }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)!
            parts.append([UInt8](UnsafeRawBufferPointer(start: data, count: size)))
        } while zmq_msg_more(&message) != 0
        return parts
    }
}
