import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP client on a raw socket that misbehaves on purpose: it sends half a request and waits,
/// or sends many requests and never reads an answer.
final class RawClient: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard descriptor >= 0, connected == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot connect to port \(port)"])
        }
    }

    /// Sends what fits without blocking; returns the bytes sent.
    @discardableResult
    func send(_ text: String) -> Int {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
    }

    /// Connects and sends the start of a request, never its end.
    static func halfRequest(port: Int) throws -> RawClient {
        let client = try RawClient(port: port)
        client.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        return client
    }

    /// Connects and sends many requests for the metrics, and never reads the answers.
    static func neverReading(port: Int) throws -> RawClient {
        let client = try RawClient(port: port)
        let request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for _ in 0..<2000 where client.send(request) > 0 {}
        return client
    }

    deinit { close(descriptor) }
}
