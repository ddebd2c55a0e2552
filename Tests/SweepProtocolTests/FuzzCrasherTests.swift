import Foundation
import Testing

@testable import SweepProtocol

/// Replays every input the decoder fuzzer ever crashed on (Tests/SweepProtocolTests/FuzzCrashers/)
/// and the fuzzer's seed corpus: each must decode or be refused, never trap.
struct FuzzCrasherTests {
    static let directories = ["FuzzCrashers", "../../Fuzz/corpus"].map {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent($0)
    }

    static var inputs: [URL] {
        directories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension != "md" }
        }.sorted { $0.path < $1.path }
    }

    @Test func seedCorpusIsPresentAndDecodes() throws {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.directories[1].path)
        #expect(seeds.count >= 15)
        for seed in seeds {
            let bytes = try [UInt8](Data(contentsOf: Self.directories[1].appendingPathComponent(seed)))
            #expect(throws: Never.self, "seed \(seed)") { try Codec.decode(bytes) }
        }
    }

    @Test func everyKeptInputIsHandledWithoutATrap() throws {
        for input in Self.inputs {
            let bytes = try [UInt8](Data(contentsOf: input))
            if let message = try? Codec.decode(bytes) {
                #expect(try Codec.decode(Codec.encode(message)).kind == message.kind)
            }
        }
    }
}
