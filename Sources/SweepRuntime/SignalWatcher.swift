import Dispatch
import Foundation
import Glibc

/// Turns SIGINT/SIGTERM into calls of `handler(count)` on a dispatch queue (count: how many such
/// signals this watcher heard so far), so the socket thread can be told through its mailbox.
/// Several watchers may live at once (a coordinator's and a launcher's); each hears every signal
/// from its creation until it is released.
public final class SignalWatcher: Sendable {
    private let id: Int

    public init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int) -> Void) {
        id = SignalHub.shared.add(signals: Set(signals), handler: handler)
    }

    deinit { SignalHub.shared.remove(id) }
}

/// One dispatch source per signal for the whole process, made once and never cancelled: on Linux,
/// libdispatch stops delivering a signal to every source of it once any one of them is cancelled,
/// so watchers register here instead of owning sources.
private final class SignalHub: @unchecked Sendable {  // safe: `watchers`, `sources`, `nextID` guarded by `lock`
    static let shared = SignalHub()

    private struct Watcher {
        let signals: Set<Int32>
        var count: Int
        let handler: @Sendable (Int) -> Void
    }

    private let lock = NSLock()
    private let queue = DispatchQueue(label: "sweep.signals")
    private var sources: [Int32: DispatchSourceSignal] = [:]
    private var watchers: [Int: Watcher] = [:]
    private var nextID = 0

    func add(signals: Set<Int32>, handler: @escaping @Sendable (Int) -> Void) -> Int {
        lock.withLock {
            for number in signals where sources[number] == nil {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [unowned self] in self.deliver(number) }
                source.resume()
                sources[number] = source
            }
            nextID += 1
            watchers[nextID] = Watcher(signals: signals, count: 0, handler: handler)
            return nextID
        }
    }

    func remove(_ id: Int) { lock.withLock { _ = watchers.removeValue(forKey: id) } }

    /// Counts the signal for each watcher of it, then calls their handlers outside the lock (a
    /// handler may release a watcher).
    private func deliver(_ number: Int32) {
        let calls: [(handler: @Sendable (Int) -> Void, count: Int)] = lock.withLock {
            var calls: [(handler: @Sendable (Int) -> Void, count: Int)] = []
            for id in watchers.keys.sorted() where watchers[id]!.signals.contains(number) {
                watchers[id]!.count += 1
                calls.append((watchers[id]!.handler, watchers[id]!.count))
            }
            return calls
        }
        for call in calls { call.handler(call.count) }
    }
}
