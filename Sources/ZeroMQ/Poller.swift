import CZeroMQ

/// Waits on sockets and plain file descriptors (e.g. an eventfd mailbox) with `zmq_poll`.
public struct Poller {
    public enum Source {
        case socket(Socket)
        case fileDescriptor(Int32)
    }

    private var items: [zmq_pollitem_t]

    public init(_ sources: [Source]) {
        items = sources.map { source in
            switch source {
            case .socket(let socket):
                zmq_pollitem_t(socket: socket.live, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            case .fileDescriptor(let fd):
                zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)
            }
        }
    }

    /// Waits up to `timeoutMilliseconds` (never infinite) and returns which sources are readable.
    public mutating func poll(timeoutMilliseconds: Int) throws(ZMQError) -> [Bool] {
        precondition(timeoutMilliseconds >= 0, "an infinite poll can hang a socket thread")
        let count = Int32(items.count)
        let ready = try items.withUnsafeMutableBufferPointer { buffer throws(ZMQError) in
            try retrying("zmq_poll") { zmq_poll(buffer.baseAddress, count, timeoutMilliseconds) }
        }
        if ready == nil || ready == 0 { return Array(repeating: false, count: items.count) }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
