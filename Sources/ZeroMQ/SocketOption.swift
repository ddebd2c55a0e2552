import CZeroMQ

/// The socket options Sweep sets, each on purpose (see DESIGN.md, "ZeroMQ usage").
public enum SocketOption: Sendable {
    case linger, routerMandatory, immediate, maxMessageSize
    case reconnectInterval, reconnectIntervalMax
    case heartbeatInterval, heartbeatTimeout, heartbeatTTL
    case sendHighWaterMark, receiveHighWaterMark
    case curveServer, curvePublicKey, curveSecretKey, curveServerKey, zapDomain

    var raw: Int32 {
        switch self {
        case .linger: ZMQ_LINGER
        case .routerMandatory: ZMQ_ROUTER_MANDATORY
        case .immediate: ZMQ_IMMEDIATE
        case .maxMessageSize: ZMQ_MAXMSGSIZE
        case .reconnectInterval: ZMQ_RECONNECT_IVL
        case .reconnectIntervalMax: ZMQ_RECONNECT_IVL_MAX
        case .heartbeatInterval: ZMQ_HEARTBEAT_IVL
        case .heartbeatTimeout: ZMQ_HEARTBEAT_TIMEOUT
        case .heartbeatTTL: ZMQ_HEARTBEAT_TTL
        case .sendHighWaterMark: ZMQ_SNDHWM
        case .receiveHighWaterMark: ZMQ_RCVHWM
        case .curveServer: ZMQ_CURVE_SERVER
        case .curvePublicKey: ZMQ_CURVE_PUBLICKEY
        case .curveSecretKey: ZMQ_CURVE_SECRETKEY
        case .curveServerKey: ZMQ_CURVE_SERVERKEY
        case .zapDomain: ZMQ_ZAP_DOMAIN
        }
    }
}
