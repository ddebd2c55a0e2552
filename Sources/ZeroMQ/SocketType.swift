import CZeroMQ

/// The socket patterns Sweep uses.
public enum SocketType: Sendable {
    case router, dealer, pair, req, rep

    var raw: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pair: ZMQ_PAIR
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        }
    }
}
