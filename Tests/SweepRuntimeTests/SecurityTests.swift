import Foundation
import Logging
import Testing

@testable import SweepRuntime
@testable import ZeroMQ

struct SecurityTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func keygenWritesAPublicAndAPrivateSecretFile() throws {
        let dir = try directory()
        let paths = try KeyFiles.generate(directory: dir, name: "w1")
        let mode = try #require(
            try FileManager.default.attributesOfItem(atPath: paths.secretPath)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        let publicKey = try KeyFiles.publicKey(at: paths.publicPath)
        let secret = try KeyFiles.secretKeys(at: paths.secretPath)
        #expect(secret.publicKey == publicKey)
        #expect(Curve.isValidKey(secret.secretKey))
        #expect(try !String(contentsOfFile: paths.publicPath, encoding: .utf8).contains("secret-key"))
        #expect(throws: KeyError.self) { try KeyFiles.generate(directory: dir, name: "w1") }
    }

    @Test func secretFilesOthersCanReadAreRefusedWithTheFix() throws {
        let paths = try KeyFiles.generate(directory: try directory(), name: "w")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: paths.secretPath)
        do {
            _ = try KeyFiles.secretKeys(at: paths.secretPath)
            Issue.record("a group-readable secret key was accepted")
        } catch let error as KeyError {
            #expect(error.description.contains("chmod 600 \(paths.secretPath)"))
        }
    }

    @Test func allowListsReadFilesAndDirectories() throws {
        let dir = try directory()
        let a = try KeyFiles.generate(directory: dir, name: "a")
        let b = try KeyFiles.generate(directory: try directory(), name: "b")
        let keys = try KeyFiles.allowedKeys([dir.path, b.publicPath])
        #expect(keys == [try KeyFiles.publicKey(at: a.publicPath), try KeyFiles.publicKey(at: b.publicPath)])
        #expect(throws: KeyError.self) { try KeyFiles.allowedKeys(["/no/such/dir"]) }
    }

    @Test(arguments: [
        ("tcp://127.0.0.1:5555", true), ("tcp://localhost:1", true), ("tcp://[::1]:5", true), ("ipc:///tmp/x", true),
        ("tcp://*:5555", false), ("tcp://0.0.0.0:1", false), ("tcp://10.0.0.5:5555", false),
        ("tcp://example.org:1", false), ("tcp://127.0.0.1:*", true), ("tcp://127.255.3.4:0", true),
        ("inproc://x", true),
    ])
    func localEndpoints(_ endpoint: String, _ local: Bool) {
        #expect(isLocalEndpoint(endpoint) == local)
    }

    /// Addresses that look local to a prefix check but may reach another host: none passes
    /// without keys, and each says why.
    @Test(arguments: [
        ("tcp://127.attacker.example:5555", "host '127.attacker.example'"),
        ("tcp://127.0.0.1.attacker.example:5555", "host '127.0.0.1.attacker.example'"),
        ("tcp://127.0.0.1:0;10.0.0.5:5555", "source address"), ("tcp://127.0.0.1;10.0.0.5:5555", "source address"),
        ("tcp://10.0.0.5;127.0.0.1:5555", "source address"), ("tcp://eth0:5555", "host 'eth0'"),
        ("tcp://lo:5555", "host 'lo'"), ("tcp://127.1:5555", "host '127.1'"),
        ("tcp://0x7f.0.0.1:5", "host '0x7f.0.0.1'"),
        ("tcp://127.000.0.1:5", "host '127.000.0.1'"), ("tcp://127.0.0.256:5", "host '127.0.0.256'"),
        ("tcp://[::ffff:127.0.0.1]:5", "host '[::ffff:127.0.0.1]'"), ("tcp://localhost.attacker.example:5", "host"),
        ("tcp://*:5555", "host '*'"), ("tcp://[::]:5", "host '[::]'"),
    ])
    func hostileEndpointsAreNotLocal(_ endpoint: String, _ reason: String) throws {
        #expect(!isLocalEndpoint(endpoint))
        let problem = try #require(try Endpoint(endpoint).loopbackProblem)
        #expect(problem.contains(reason), "\(problem)")
    }

    /// Addresses that do not parse are refused with what a right one looks like.
    @Test(arguments: [
        ("127.0.0.1:5555", "no scheme"), ("udp://127.0.0.1:5", "scheme 'udp'"), ("tcp://127.0.0.1", "no port"),
        ("tcp://127.0.0.1:99999", "port '99999'"), ("tcp://127.0.0.1:5x", "port '5x'"), ("tcp://:5", "no host"),
        ("tcp://::1:5", "in brackets"), ("tcp://a;b;c:5", "several addresses"), ("tcp://127.0.0.1 :5", "white space"),
        ("tcp://127.0.0.1/x:5", "not a host name"), ("ipc://", "no path"),
    ])
    func malformedEndpointsSayWhatIsRight(_ endpoint: String, _ reason: String) {
        #expect(!isLocalEndpoint(endpoint))
        do {
            _ = try Endpoint(endpoint)
            Issue.record("\(endpoint) parsed")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func zapAnswersAllowOnlyListedCurveKeys() throws {
        let dir = try directory()
        let allowed = try KeyFiles.publicKey(at: try KeyFiles.generate(directory: dir, name: "ok").publicPath)
        let stranger = try Curve.keyPair().publicKey
        let handler = try ZAPHandler(context: Context(), allowPaths: [dir.path], logger: Logger(label: "test"))
        defer { handler.stop() }
        func request(_ mechanism: String, _ key: String?) -> [[UInt8]] {
            let bytes = key.flatMap(Curve.decode) ?? []
            return [Array("1.0".utf8), [7], Array("sweep".utf8), Array("10.0.0.9".utf8), [], Array(mechanism.utf8)]
                + (key == nil ? [] : [bytes])
        }
        #expect(handler.answer(request("CURVE", allowed))[2] == Array("200".utf8))
        #expect(handler.answer(request("CURVE", stranger))[2] == Array("400".utf8))
        #expect(handler.answer(request("NULL", nil))[2] != Array("200".utf8))
        #expect(handler.answer([[1]])[2] == Array("500".utf8))
        // A key added to the allowed directory counts from the next handshake on.
        let later = try KeyFiles.generate(directory: dir, name: "later")
        #expect(handler.answer(request("CURVE", try KeyFiles.publicKey(at: later.publicPath)))[2] == Array("200".utf8))
        #expect(handler.rejected == 2)
    }

    /// Refused keys are chosen by unauthenticated clients: remembering them for the log is
    /// bounded however many there are, and each pair is still logged at most once a minute.
    @Test func refusalBookkeepingIsBounded() throws {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical  // hundreds of refusals are logged on purpose
        let handler = try ZAPHandler(context: Context(), allowPaths: [try directory().path], logger: quiet)
        defer { handler.stop() }
        for index in 0..<2000 {
            let key = try #require(Curve.decode(try Curve.keyPair().publicKey))
            let request = [
                Array("1.0".utf8), [7], Array("sweep".utf8), Array("10.0.\(index / 250).\(index % 250)".utf8), [],
                Array("CURVE".utf8), key,
            ]
            #expect(handler.answer(request)[2] == Array("400".utf8))
        }
        #expect(handler.rejected == 2000)
        #expect(handler.trackedRefusals <= RefusalLog.maxTracked)
    }

    @Test func refusalsAreLoggedOncePerPairPerIntervalAndOverflowTogether() {
        var log = RefusalLog()
        #expect(log.note("a", now: 0, message: "m") == "m")
        #expect(log.note("a", now: 1, message: "m") == nil)
        #expect(log.note("a", now: 2, message: "m") == nil)
        #expect(
            log.note("a", now: RefusalLog.interval + 1, message: "m") == "m (2 more attempts since the last report)")
        var logged = 0
        for index in 0..<(RefusalLog.maxTracked * 4) where log.note("k\(index)", now: 100, message: "m") != nil {
            logged += 1
        }
        #expect(log.tracked == RefusalLog.maxTracked)
        #expect(logged == RefusalLog.maxTracked, "pairs beyond the bound are reported together: one more line")
        // A minute later, old pairs make room again.
        #expect(log.note("new", now: 100 + RefusalLog.interval, message: "m") == "m")
        #expect(log.tracked <= RefusalLog.maxTracked)
    }

    /// The allow list is read again when a key file appears, disappears or changes, and at least
    /// every `maxAge` seconds, but not at every handshake.
    @Test func allowListIsReadAgainOnlyWhenItChanges() throws {
        let dir = try directory()
        let first = try KeyFiles.generate(directory: dir, name: "a")
        var list = AllowList(paths: [dir.path])
        for _ in 0..<100 { #expect(try list.keys(now: 10).count == 1) }
        #expect(list.reads == 1)
        let second = try KeyFiles.generate(directory: dir, name: "b")
        #expect(try list.keys(now: 10).contains(try KeyFiles.publicKey(at: second.publicPath)))
        #expect(list.reads == 2)
        try FileManager.default.removeItem(atPath: first.publicPath)
        #expect(try list.keys(now: 10).count == 1)
        #expect(list.reads == 3)
        #expect(try list.keys(now: 10 + AllowList.maxAge).count == 1)
        #expect(list.reads == 4, "read again after maxAge even without a visible change")
    }
}
