import CZeroMQ
import Glibc

/// An eventfd that a poll loop watches beside its sockets (`Poller.Source.fileDescriptor`):
/// any thread may `signal()` it to wake `zmq_poll` at once.
public final class WakeupSignal: @unchecked Sendable {  // safe: eventfd reads and writes are atomic
    public let fileDescriptor: Int32

    public init() {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        precondition(fd >= 0, "eventfd failed: \(String(cString: strerror(errno)))")
        fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }

    public func signal() {
        var one: UInt64 = 1
        _ = write(fileDescriptor, &one, 8)
    }

    /// Clears pending wake-ups.
    public func clear() {
        var counter: UInt64 = 0
        _ = read(fileDescriptor, &counter, 8)
    }
}
