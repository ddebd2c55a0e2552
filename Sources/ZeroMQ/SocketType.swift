import CZeroMQ

/// The socket patterns Sweep uses.
public enum SocketType: Sendable {
    case router, dealer, pair, rep

    var raw: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pair: ZMQ_PAIR
        case .rep: ZMQ_REP
        }
    }
}
