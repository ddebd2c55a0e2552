import Foundation
import SweepHTTP
import Testing

/// Who may read the dashboard: the token on every request, and no address off loopback
/// without keys and a token.
@Suite struct DashboardAccessTests {
    static let token = "0123456789abcdef0123"

    func withTokenServer(_ body: (Int) async throws -> Void) async throws {
        let run = try await FinishedRun.shared.value
        let server = try DashboardServer(
            address: DashboardAddress(host: "127.0.0.1", port: 0), directory: run.directory, keyed: false,
            token: Self.token, logger: FinishedRun.quietLogger)
        let port = try await server.start()
        try await body(port)
        await server.stop()
    }

    @Test func aMissingOrWrongTokenGets401WithoutDetail() async throws {
        try await withTokenServer { port in
            for headers in [
                [], [("Authorization", "Bearer wrong-token-wrong-token")], [("Authorization", "Bearer \(Self.token)x")],
                [("Authorization", "Basic \(Self.token)")], [("Cookie", "sweep_token=nope")],
            ] {
                for path in ["/", "/api/status", "/metrics", "/nope"] {
                    let response = try await get(port, path, headers: headers)
                    #expect(response.status == 401, "\(path) with \(headers)")
                    #expect(response.body.isEmpty)
                }
            }
            #expect(try await get(port, "/metrics?token=\(Self.token.dropLast())").status == 401)
        }
    }

    @Test func theRightTokenOpensEveryRoute() async throws {
        try await withTokenServer { port in
            let bearer = [("Authorization", "Bearer \(Self.token)")]
            for path in ["/", "/api/status", "/api/trials", "/metrics"] {
                #expect(try await get(port, path, headers: bearer).status == 200)
            }
            // The scheme's name is case-insensitive (RFC 9110 §11.1), and clients vary.
            for header in ["bearer \(Self.token)", "BEARER  \(Self.token)"] {
                #expect(
                    try await get(port, "/api/status", headers: [("Authorization", header)]).status == 200, "\(header)")
            }
            #expect(try await get(port, "/nope", headers: bearer).status == 404)
            let browser = try await get(port, "/?token=\(Self.token)")
            #expect(browser.status == 200)
            let cookie = try #require(browser.headers.first { $0.0.lowercased() == "set-cookie" }?.1)
            #expect(cookie.contains("HttpOnly"))
            let pair = String(cookie.split(separator: ";")[0])
            #expect(try await get(port, "/api/status", headers: [("Cookie", "theme=dark; " + pair)]).status == 200)
        }
    }

    @Test func offLoopbackNeedsKeysAndAToken() throws {
        for host in ["0.0.0.0", "10.1.2.3", "::", "dashboard.example.org"] {
            let address = DashboardAddress(host: host, port: 0)
            let neither = #expect(throws: DashboardError.self) {
                try DashboardServer(address: address, directory: "/nonexistent", keyed: false, token: nil)
            }
            #expect(neither?.description.contains("--key") == true)
            #expect(neither?.description.contains("--http-token") == true)
            let noKeys = #expect(throws: DashboardError.self) {
                try DashboardServer(address: address, directory: "/nonexistent", keyed: false, token: Self.token)
            }
            #expect(noKeys?.description.contains("--http-token") == false)
            let noToken = #expect(throws: DashboardError.self) {
                try DashboardServer(address: address, directory: "/nonexistent", keyed: true, token: nil)
            }
            #expect(noToken?.description.contains("--key") == false)
            _ = try DashboardServer(address: address, directory: "/nonexistent", keyed: true, token: Self.token)
        }
        for host in ["127.0.0.1", "127.5.0.9", "localhost", "::1"] {
            _ = try DashboardServer(
                address: DashboardAddress(host: host, port: 0), directory: "/nonexistent", keyed: false, token: nil)
        }
    }

    @Test func aTokenFileOthersCanReadIsWarnedAbout() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = FileManager.default.createFile(
            atPath: file, contents: Data(Self.token.utf8), attributes: [.posixPermissions: 0o600])
        #expect(DashboardAccess.tokenFileWarning(file: file) == nil)
        for mode in [0o644, 0o640, 0o604] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
            let warning = try #require(DashboardAccess.tokenFileWarning(file: file))
            #expect(warning.contains("chmod 600 \(file)"))
            #expect(warning.contains(String(mode, radix: 8)))
        }
        #expect(try DashboardAccess.readToken(file: file) == Self.token)
    }

    @Test func aShortTokenIsRefused() {
        #expect(throws: DashboardError.self) {
            try DashboardServer(
                address: DashboardAddress(host: "127.0.0.1", port: 0), directory: "/x", keyed: false, token: "short")
        }
    }

    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), ("localhost:0", "localhost", 0), ("[::1]:9000", "::1", 9000),
        ("0.0.0.0:65535", "0.0.0.0", 65535),
    ])
    func addressesParse(text: String, host: String, port: Int) throws {
        #expect(try DashboardAddress(parsing: text) == DashboardAddress(host: host, port: port))
    }

    @Test(arguments: [
        "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", "::1:80", "[::1]",
    ])
    func badAddressesSayWhatIsExpected(text: String) {
        let error = #expect(throws: DashboardError.self) { try DashboardAddress(parsing: text) }
        #expect(error?.description.contains("--http '\(text)'") == true)
        #expect(error?.description.contains("127.0.0.1:8080") == true)
    }

    @Test func tokensCompareWholly() {
        #expect(DashboardAccess.matches("abc", "abc"))
        #expect(!DashboardAccess.matches("abd", "abc"))
        #expect(!DashboardAccess.matches("ab", "abc"))
        #expect(!DashboardAccess.matches("abcd", "abc"))
        #expect(!DashboardAccess.matches("", "abc"))
    }
}
