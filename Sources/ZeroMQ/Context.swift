import CZeroMQ

/// A libzmq context. libzmq documents contexts as thread-safe, so sharing one is fine.
public final class Context: @unchecked Sendable {  // safe: libzmq contexts are thread-safe
    let handle: UnsafeMutableRawPointer

    /// `maxSockets` raises libzmq's limit of 1,023 sockets a context (a process simulating many
    /// workers, each with a socket and a monitor, needs more).
    public init(ioThreads: Int32 = 1, maxSockets: Int32? = nil) {
        guard let handle = zmq_ctx_new() else { fatalError("zmq_ctx_new failed: out of memory") }
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        if let maxSockets { zmq_ctx_set(handle, ZMQ_MAX_SOCKETS, maxSockets) }
        self.handle = handle
    }

    deinit { while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {} }

    /// The libzmq version this binary runs with, e.g. "4.3.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
