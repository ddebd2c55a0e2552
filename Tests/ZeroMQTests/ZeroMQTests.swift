import Testing

@testable import ZeroMQ

/// The wrapper over real libzmq sockets, in-process and over loopback TCP.
struct ZeroMQTests {
    /// Waits (bounded) for a message on `socket`, polling rather than sleeping.
    func receive(_ socket: Socket, timeoutMilliseconds: Int = 5000) throws -> [[UInt8]]? {
        var poller = Poller([.socket(socket)])
        guard try poller.poll(timeoutMilliseconds: timeoutMilliseconds)[0] else { return nil }
        return try socket.receive()
    }

    @Test(arguments: ["inproc://router-dealer", "tcp://127.0.0.1:*"])
    func routerAndDealerExchangeMultipartMessages(_ endpoint: String) throws {
        let context = Context()
        let router = try Socket(context, .router)
        try router.set(.routerMandatory, Int32(1))
        try router.set(.linger, Int32(0))
        try router.bind(endpoint)
        let dealer = try Socket(context, .dealer)
        try dealer.set(.linger, Int32(0))
        try dealer.connect(router.lastEndpoint)
        #expect(try dealer.send([[1, 2, 3]], dontWait: false))
        let request = try #require(try receive(router))
        #expect(request.count == 2, "routing id + body")
        #expect(request[1] == [1, 2, 3])
        #expect(try router.send([request[0], [], [9]]))
        #expect(try receive(dealer) == [[], [9]])
        dealer.close()
        router.close()
    }

    @Test func lastEndpointNamesTheChosenPort() throws {
        let context = Context()
        let router = try Socket(context, .router)
        try router.set(.linger, Int32(0))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = router.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(Int(endpoint.split(separator: ":").last!)! > 0)
    }

    @Test func mandatoryRoutingRefusesUnknownPeers() throws {
        let context = Context()
        let router = try Socket(context, .router)
        try router.set(.routerMandatory, Int32(1))
        try router.set(.linger, Int32(0))
        try router.bind("inproc://mandatory")
        #expect(throws: ZMQError.self) { try router.send([[0xde, 0xad], [1]]) }
        do {
            try router.send([[0xde, 0xad], [1]])
        } catch {
            #expect(error.isHostUnreachable)
        }
    }

    @Test func bindingAnUnusableAddressThrowsANamedError() throws {
        let context = Context()
        let router = try Socket(context, .router)
        #expect(throws: ZMQError.self) { try router.bind("tcp://no-such-host.invalid:1") }
    }

    @Test func receiveWithoutAMessageIsNil() throws {
        let context = Context()
        let socket = try Socket(context, .dealer)
        try socket.set(.linger, Int32(0))
        #expect(try socket.receive() == nil)
    }

    @Test func wakeupSignalWakesAPoll() throws {
        let wakeup = WakeupSignal()
        var poller = Poller([.fileDescriptor(wakeup.fileDescriptor)])
        #expect(try poller.poll(timeoutMilliseconds: 0) == [false])
        wakeup.signal()
        #expect(try poller.poll(timeoutMilliseconds: 1000) == [true])
        wakeup.clear()
        #expect(try poller.poll(timeoutMilliseconds: 0) == [false])
    }

    @Test func oversizedMessagesAreDroppedByTheReceiver() throws {
        let context = Context()
        let router = try Socket(context, .router)
        try router.set(.maxMessageSize, Int64(16))
        try router.set(.linger, Int32(0))
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try Socket(context, .dealer)
        try dealer.set(.linger, Int32(0))
        try dealer.connect(router.lastEndpoint)
        try dealer.send([[UInt8](repeating: 7, count: 1024)], dontWait: false)
        try dealer.send([[1]], dontWait: false)
        // The oversized message kills that connection; nothing of it is delivered.
        let first = try receive(router, timeoutMilliseconds: 500)
        #expect(first == nil || first?[1] == [1])
    }
}
