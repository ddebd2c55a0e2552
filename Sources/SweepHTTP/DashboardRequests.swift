import Dispatch
import Foundation
import Hummingbird
import NIOCore
import SweepRuntime

/// Reads run.db for the pages one request at a time on a queue of its own: SQLite's blocking
/// reads never run on an event loop, and a browser left open cannot pile reads up. A page is
/// made again only when run.db changed (`RunFingerprint`) or it is older than `maxAge` (a
/// running sweep's wall time moves on): report.html's statistics and importance cost a fit of
/// a random forest, which a page reloading every few seconds must not repeat for nothing; a page
/// that takes long to make is served again for a while even if run.db changed (`PageCache`).
struct PageReader: Sendable {
    enum Kind { case html, json }

    let directory: String
    private let queue = DispatchQueue(label: "sweep.dashboard.pages")
    private let cache: PageCache
    static let maxAge = 15.0

    init(directory: String) {
        self.directory = directory
        cache = PageCache(directory: directory)
    }

    func page(_ kind: Kind, _ path: String, _ make: @escaping @Sendable (String) throws -> String) async throws
        -> Response
    {
        let (directory, cache) = (self.directory, self.cache)
        let text: String
        do {
            text = try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(
                        with: Result { try cache.page(path, maxAge: Self.maxAge) { try make(directory) } })
                }
            }
        } catch {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "cannot read the run database: \(error)\n")))
        }
        let type = kind == .html ? "text/html; charset=utf-8" : "application/json"
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The pages last made, by path, with the run.db fingerprint they were made at. Used only on
/// `PageReader`'s serial queue.
///
/// A page that takes long to make (report.html of a million tasks: ~10 s) is served again for
/// `slowReuse` times as long as it took, even if run.db changed meanwhile: a running sweep changes
/// it all the time, so a tab reloading every 5 s would otherwise keep a core making pages, and its
/// requests would queue behind one another without end.
final class PageCache: @unchecked Sendable {
    private let fingerprint: RunFingerprint
    private var pages: [String: (fingerprint: [String], madeAt: Double, seconds: Double, text: String)] = [:]
    /// Seconds now (a test's own clock in tests).
    var clock: () -> Double = { Date().timeIntervalSince1970 }
    /// Making pages takes at most about a quarter of the time: 1 / (1 + slowReuse).
    static let slowReuse = 3.0
    /// A page that takes less is made again whenever run.db changed (a fifth of a core at most).
    static let slowPage = 1.0

    init(directory: String) { fingerprint = RunFingerprint(directory: directory) }

    func page(_ path: String, maxAge: Double, make: () throws -> String) throws -> String {
        let now = clock()
        let current = try? fingerprint.current()
        if let cached = pages[path] {
            let age = now - cached.madeAt
            if let current, cached.fingerprint == current, age < maxAge { return cached.text }
            if cached.seconds >= Self.slowPage, age < Self.slowReuse * cached.seconds { return cached.text }
        }
        let text = try make()
        let madeAt = clock()
        if let current { pages[path] = (current, madeAt, madeAt - now, text) }
        return text
    }
}

/// Every request must carry the token: `Authorization: Bearer TOKEN` (the scheme in any case), or,
/// where a browser is the client (`browserLogin`), `?token=TOKEN` (the answer then sets an
/// HttpOnly cookie, so the page's own links work) or that cookie. An API (`sweep serve`) takes the
/// header only: a token in a URL ends up in proxies' access logs. A wrong or missing token gets
/// 401 and nothing else.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    var browserLogin = true
    static var cookieName: String { "sweep_token" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let header = request.headers[.authorization], let given = Self.bearerCredentials(header),
            DashboardAccess.matches(given, token)
        {
            return try await next(request, context)
        }
        guard browserLogin else { return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"]) }
        if let cookies = request.headers[.cookie],
            cookies.split(separator: ";").contains(where: { cookie in
                let parts = cookie.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                return parts.count == 2 && parts[0] == Self.cookieName && DashboardAccess.matches(parts[1], token)
            })
        {
            return try await next(request, context)
        }
        if let given = request.uri.queryParameters["token"], DashboardAccess.matches(given, token) {
            var response = try await next(request, context)
            response.headers[values: .setCookie].append(
                "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict")
            return response
        }
        return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// The credentials of `Bearer CREDENTIALS`: the scheme matched in any case, then one or more spaces.
    static func bearerCredentials(_ header: String) -> Substring? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].drop(while: { $0 == " " })
    }
}
