import Foundation
import ZeroMQ

/// Hands values from any thread to a socket thread: a locked queue plus a wake-up the socket
/// thread polls beside its sockets, so a post wakes `zmq_poll` at once.
public final class Mailbox<Item: Sendable>: @unchecked Sendable {  // safe: `items` guarded by `lock`
    private let lock = NSLock()
    private var items: [Item] = []
    private let wakeup = WakeupSignal()

    public init() {}

    public var fileDescriptor: Int32 { wakeup.fileDescriptor }

    public func post(_ item: Item) {
        lock.lock()
        items.append(item)
        let wasEmpty = items.count == 1
        lock.unlock()
        if wasEmpty { wakeup.signal() }
    }

    /// Takes everything posted so far (and clears the wake-up).
    public func drain() -> [Item] {
        wakeup.clear()
        lock.lock()
        defer { lock.unlock() }
        let taken = items
        items.removeAll(keepingCapacity: true)
        return taken
    }
}
