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
        ("tcp://example.org:1", false),
    ])
    func localEndpoints(_ endpoint: String, _ local: Bool) {
        #expect(isLocalEndpoint(endpoint) == local)
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
}
