import Foundation
import Logging
import SweepProtocol
import ZeroMQ

/// The coordinator's bound ROUTER, with its ZAP handler when keys are used. With CURVE, the
/// handler answers before the socket binds and is probed with an unlisted key, because libzmq
/// admits everyone when no handler answers.
final class CoordinatorSocket {
    let context = Context()
    let router: Socket
    let zap: ZAPHandler?
    /// The endpoint actually bound (with the port chosen for `tcp://host:*`).
    let endpoint: String

    init(bind: String, heartbeatInterval: Double, security: CoordinatorSecurity, logger: Logger) throws {
        router = try Socket(context, .router)
        try SocketSettings.configureRouter(router, heartbeatInterval: heartbeatInterval)
        switch security {
        case .curve(let publicKey, let secretKey, let allow):
            let zap = try ZAPHandler(context: context, allowPaths: allow, logger: logger)
            do {
                try router.set(.curveServer, Int32(1))
                try router.set(.curveSecretKey, secretKey)
                try router.set(.zapDomain, "sweep")
                try Self.bind(router, bind)
                endpoint = router.lastEndpoint
                try zap.probe(endpoint: Self.reachable(endpoint), serverKey: publicKey)
            } catch {
                zap.stop()
                throw error
            }
            self.zap = zap
            logger.info(
                "CURVE encryption on; only allowed worker keys are admitted (checked: an unlisted key is refused)")
        case .plaintext:
            zap = nil
            try Self.bind(router, bind)
            endpoint = router.lastEndpoint
            if !isLocalEndpoint(endpoint) {
                logger.warning(
                    "INSECURE: \(endpoint) is served without encryption or authentication; anyone who can reach it can run commands on your workers"
                )
            }
        }
    }

    static func bind(_ router: Socket, _ endpoint: String) throws {
        do {
            try router.bind(endpoint)
        } catch {
            throw SweepError(
                .cannotStart,
                "cannot bind \(endpoint): \(error). Use an address of this host and a free port, e.g. tcp://*:5555 or tcp://127.0.0.1:*"
            )
        }
    }

    /// An address this process can connect to for a bound endpoint (wildcards become loopback).
    static func reachable(_ endpoint: String) -> String {
        endpoint.replacingOccurrences(of: "tcp://0.0.0.0:", with: "tcp://127.0.0.1:")
            .replacingOccurrences(of: "tcp://[::]:", with: "tcp://[::1]:")
    }

    enum SendOutcome { case sent, queueFull, unreachable }

    /// Sends one message to a peer (ROUTER_MANDATORY: a departed peer is an error, not a drop).
    func send(_ peer: PeerID, _ bytes: [UInt8]) -> SendOutcome {
        do {
            return try router.send([peer.bytes, bytes]) ? .sent : .queueFull
        } catch {
            return .unreachable
        }
    }

    /// Closes the socket (pending messages linger briefly) and stops the ZAP handler.
    func close() {
        router.close()
        zap?.stop()
    }
}
