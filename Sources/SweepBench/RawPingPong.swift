import Foundation
import SweepRuntime
import ZeroMQ

/// The floor: a ROUTER in this process and a DEALER echo in another, over loopback TCP.
enum RawPingPong {
    struct Result {
        var roundTripsPerSecond: Double
        var medianMicroseconds: Double
    }

    static func echo(connect endpoint: String) throws {
        let context = Context()
        let dealer = try Socket(context, .dealer)
        try dealer.set(.linger, Int32(0))
        try dealer.connect(endpoint)
        try dealer.send([[0x00]], dontWait: false)  // introduce ourselves: the ROUTER learns our routing id
        var poller = Poller([.socket(dealer)])
        while true {
            guard try poller.poll(timeoutMilliseconds: 5000)[0] else { return }
            while let message = try dealer.receive() {
                if message == [[0xff]] { return }
                try dealer.send(message, dontWait: false)
            }
        }
    }

    static func measure(echoBinary: URL, pipelined: Int, synchronous: Int) throws -> Result {
        let context = Context()
        let router = try Socket(context, .router)
        try router.set(.linger, Int32(0))
        try router.bind("tcp://127.0.0.1:*")
        let peer = Process()
        peer.executableURL = echoBinary
        peer.arguments = ["echo", "--connect", router.lastEndpoint]
        try peer.run()
        defer { peer.waitUntilExit() }
        let body: [UInt8] = Array(repeating: 1, count: 32)
        // The echo speaks first, so we learn its routing id.
        let introduction = try router.receive(dontWait: false)!  // blocking receive: never nil
        let routing = introduction[0]
        // Synchronous round trips.
        var latencies: [Double] = []
        for _ in 0..<synchronous {
            let start = MonotonicClock.now()
            try router.send([routing, body], dontWait: false)
            _ = try router.receive(dontWait: false)
            latencies.append((MonotonicClock.now() - start) * 1e6)
        }
        // Pipelined: 16 in flight.
        let start = MonotonicClock.now()
        var sent = 0, received = 0
        while sent < min(16, pipelined) { try router.send([routing, body], dontWait: false); sent += 1 }
        while received < pipelined {
            _ = try router.receive(dontWait: false)
            received += 1
            if sent < pipelined { try router.send([routing, body], dontWait: false); sent += 1 }
        }
        let elapsed = MonotonicClock.now() - start
        try router.send([routing, [0xff]], dontWait: false)
        latencies.sort()
        return Result(
            roundTripsPerSecond: Double(pipelined) / elapsed, medianMicroseconds: latencies[latencies.count / 2])
    }
}
