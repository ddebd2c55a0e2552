import Testing

@testable import SweepProtocol

/// A result's artifact manifest on the wire, and the paths either end accepts.
struct ArtifactManifestTests {
    static let hash = String(repeating: "ab", count: 32)

    @Test func aManifestTravelsWithItsResult() throws {
        let manifest = ArtifactManifest(
            files: [ArtifactFile(path: "sub/model.pkl", size: 12, sha256: Self.hash, mode: 0o640)],
            refused: "refused symbolic link 'x' (artifacts are regular files)")
        let result = TaskResult(
            lease: LeaseRef(trial: 1, fold: 2, attempt: 1), succeeded: true, duration: 1, metrics: ["score": 1],
            error: "", artifacts: manifest)
        guard case .results(_, let decoded) = try Codec.decode(Codec.encode(.results(sweepID: 3, [result]))) else {
            Issue.record("not a results message")
            return
        }
        #expect(decoded == [result])
    }

    @Test func unsafePathsAreNamed() {
        #expect(ArtifactPath.problem("model/w.bin") == nil)
        #expect(ArtifactPath.problem("a/../../etc/passwd") == "a name with '..' ('a/../../etc/passwd')")
        #expect(ArtifactPath.problem("/etc/passwd") == "an absolute path '/etc/passwd'")
        #expect(ArtifactPath.problem("a//b") == "a malformed path 'a//b'")
        #expect(ArtifactPath.problem("a\u{7}") == "a name with control characters \"a\\u{07}\"")
        #expect(ArtifactPath.problem("") == "an empty path")
    }

    @Test func aManifestWithABadHashIsRefused() {
        var writer = ByteWriter()
        writer.artifacts(ArtifactManifest(files: [ArtifactFile(path: "a", size: 1, sha256: "XYZ", mode: 0)]))
        var reader = ByteReader(writer.bytes)
        #expect(throws: DecodeError("artifact hash is not 64 hex digits")) { try reader.artifacts() }
    }
}
