import Foundation
import Glibc

/// A real HTTP/1.1 server on a loopback port, for the notifier's tests: it records every
/// request and answers each with the next scripted reply (then 200), or never answers.
final class NotifierTestServer: @unchecked Sendable {  // safe: state guarded by `condition`
    enum Reply: Sendable {
        case status(Int)
        /// Read the request, then hold the connection open without a word.
        case silence
    }

    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data
        var at: Date

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    let port: Int
    private let listener: Int32
    private let condition = NSCondition()
    private var script: [Reply]
    private var recorded: [Request] = []
    private var held: [Int32] = []
    private var closed = false

    /// `listening: false` holds the port without accepting: connections to it are refused, and
    /// no other test's server can take the port meanwhile.
    init(replies: [Reply] = [], listening: Bool = true) throws {
        script = replies
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, !listening || listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        if listening { Thread.detachNewThread { [self] in acceptLoop() } }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    var requests: [Request] {
        condition.lock(); defer { condition.unlock() }
        return recorded
    }

    /// Waits until `count` requests arrived, without holding a thread of the test's task pool
    /// (the notifier under test needs it); the deadline only bounds a failing test.
    @discardableResult
    func awaitRequests(_ count: Int, timeout: Double = 120) async -> [Request] {
        let deadline = Date().addingTimeInterval(timeout)
        while requests.count < count && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return requests
    }

    func close() {
        condition.lock()
        closed = true
        for socket in held { Glibc.close(socket) }
        held = []
        condition.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    deinit { close() }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    /// Serves one request per connection, then closes it: no keep-alive connection outlives this
    /// server and reaches a later test's server that got the same port.
    private func serve(_ connection: Int32) {
        var buffer = Data()
        if let request = Self.readRequest(connection, buffer: &buffer) {
            condition.lock()
            recorded.append(request)
            let reply = script.isEmpty ? .status(200) : script.removeFirst()
            if case .silence = reply { held.append(connection) }
            condition.broadcast()
            condition.unlock()
            guard case .status(let code) = reply else { return }
            let answer =
                "HTTP/1.1 \(code) Scripted\r\nContent-Length: 2\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok"
            _ = answer.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, 0) }
        }
        Glibc.close(connection)
    }

    /// One request: its head up to the blank line, then Content-Length bytes of body.
    static func readRequest(_ connection: Int32, buffer: inout Data) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil { guard receive(connection, into: &buffer) else { return nil } }
        let headEnd = buffer.range(of: separator)!
        let head = String(decoding: buffer[buffer.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let start = lines.removeFirst().split(separator: " ").map(String.init)
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        buffer.removeSubrange(buffer.startIndex..<headEnd.upperBound)
        while buffer.count < length { guard receive(connection, into: &buffer) else { return nil } }
        let body = buffer.prefix(length)
        buffer.removeFirst(length)
        return Request(
            method: start.first ?? "", path: start.count > 1 ? start[1] : "", headers: headers, body: Data(body),
            at: Date())
    }

    private static func receive(_ connection: Int32, into buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }
}
