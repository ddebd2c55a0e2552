import Dispatch
import Glibc

/// Turns SIGINT/SIGTERM into calls of `handler(count)` on a dispatch queue (count: how many such
/// signals arrived so far), so the socket thread can be told through its mailbox.
public final class SignalWatcher: @unchecked Sendable {  // safe: `count` only touched on `queue`
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "sweep.signals")
    private var count = 0

    public init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                self.count += 1
                handler(self.count)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { for source in sources { source.cancel() } }
}
