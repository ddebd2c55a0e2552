import Foundation
import Logging
import ZeroMQ

/// The coordinator's ZAP handler (ZeroMQ RFC 27): libzmq asks it about every CURVE client
/// handshake, and it admits only allow-listed public keys. libzmq admits anyone when no handler
/// answers, so the coordinator starts this before binding and then proves it works (`probe`).
///
/// The allow list is read again when its files change (`AllowList`): keys added to an allowed
/// directory take effect at the next handshake; a removed key stops a worker the next time it
/// connects. Refusals are logged in bounded memory (`RefusalLog`).
final class ZAPHandler: @unchecked Sendable {  // safe: mutable state guarded by `lock`; the socket lives on `thread`
    static let endpoint = "inproc://zeromq.zap.01"
    private let context: Context
    private var allowList: AllowList  // guarded by `lock`
    private let logger: Logger
    private let lock = NSLock()
    private var stopping = false
    private var probeKey: String?
    private var probeSeen = false
    private var refusals = RefusalLog()
    private let ready = DispatchSemaphore(value: 0)
    private var startError: Error?
    private var rejections = 0

    /// How many handshakes were refused so far.
    var rejected: Int { lock.withLock { rejections } }
    /// How many refused address-and-key pairs are remembered for logging (bounded).
    var trackedRefusals: Int { lock.withLock { refusals.tracked } }
    /// How many times the allowed keys were read from their files.
    var allowListReads: Int { lock.withLock { allowList.reads } }

    init(context: Context, allowPaths: [String], logger: Logger) throws {
        self.context = context
        self.allowList = AllowList(paths: allowPaths)
        self.logger = logger
        let thread = Thread { [self] in serve() }
        thread.name = "zap"
        thread.start()
        ready.wait()
        if let startError { throw startError }
    }

    func stop() { lock.withLock { stopping = true } }

    /// Connects a client with a fresh, unlisted key and waits until this handler has refused it.
    /// Throws if it never hears of the client: then libzmq is not consulting it, and would admit anyone.
    func probe(endpoint: String, serverKey: String, timeout: Double = 5) throws {
        let keys = try Curve.keyPair()
        lock.withLock {
            probeKey = keys.publicKey; probeSeen = false
        }
        let client = try Socket(context, .dealer)
        defer { client.close() }
        try client.set(.linger, Int32(0))
        try client.set(.curveServerKey, serverKey)
        try client.set(.curvePublicKey, keys.publicKey)
        try client.set(.curveSecretKey, keys.secretKey)
        try client.connect(endpoint)
        _ = try client.send([[0]], dontWait: true)
        let deadline = MonotonicClock.now() + timeout
        while MonotonicClock.now() < deadline {
            if lock.withLock({ probeSeen }) { return }
            var poller = Poller([.socket(client)])
            if try poller.poll(timeoutMilliseconds: 10)[0], try client.receive() != nil {
                throw KeyError(description: "security self-check failed: a client with an unlisted key got a reply")
            }
        }
        throw KeyError(
            description:
                "security self-check failed: the ZAP handler was not consulted about an unlisted client within \(Int(timeout)) s; refusing to run (libzmq would admit anyone)"
        )
    }

    private func serve() {
        let socket: Socket
        do {
            socket = try Socket(context, .rep)
            try socket.set(.linger, Int32(0))
            try socket.bind(Self.endpoint)
        } catch {
            startError = KeyError(description: "cannot start the ZAP handler: \(error)")
            ready.signal()
            return
        }
        ready.signal()
        defer { socket.close() }
        var poller = Poller([.socket(socket)])
        while !lock.withLock({ stopping }) {
            guard let readable = try? poller.poll(timeoutMilliseconds: 100)[0], readable else { continue }
            guard let request = try? socket.receive() else { continue }
            _ = try? socket.send(answer(request))
        }
    }

    /// A ZAP reply: 200 for an allowed CURVE key, 400 otherwise.
    func answer(_ request: [[UInt8]]) -> [[UInt8]] {
        let requestID = request.count > 1 ? request[1] : []
        func reply(_ code: String, _ text: String) -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), [], []]
        }
        guard request.count >= 6, String(decoding: request[0], as: UTF8.self) == "1.0" else {
            return reply("500", "malformed ZAP request")
        }
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard mechanism == "CURVE", request.count >= 7, let key = Curve.encode(request[6]) else {
            note(address: address, key: mechanism, reason: "no CURVE key (mechanism \(mechanism))")
            return reply("400", "CURVE required")
        }
        let isProbe = lock.withLock { () -> Bool in
            guard key == probeKey else { return false }
            probeSeen = true
            return true
        }
        if isProbe { return reply("400", "unknown key") }
        let allowed: Set<String>
        do {
            allowed = try lock.withLock { try allowList.keys(now: MonotonicClock.now()) }
        } catch {
            logger.error("cannot read the allowed keys: \(error); refusing \(address)")
            return reply("400", "allow list unreadable")
        }
        guard allowed.contains(key) else {
            note(address: address, key: key, reason: "its public key \(key) is not in the allowed keys")
            return reply("400", "unknown key")
        }
        return reply("200", "OK")
    }

    /// Logs a refused client once per address and key per minute (not once per packet or retry).
    private func note(address: String, key: String, reason: String) {
        let now = MonotonicClock.now()
        let message: String? = lock.withLock {
            rejections += 1
            return refusals.note(
                address + "|" + key, now: now, message: "refused a worker from \(address): \(reason)")
        }
        if let message { logger.warning("\(message)") }
    }
}
