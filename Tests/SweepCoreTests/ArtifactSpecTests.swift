import Testing

@testable import SweepCore

/// `trainer.artifacts` and `limits.max_artifact_size`.
struct ArtifactSpecTests {
    let base = """
        trainer: {command: [sh, train.sh]}
        space: {score: {values: [1, 2]}}
        objective: {metric: score, goal: maximize}
        """

    @Test func thePolicyDefaultsToBestAndIsRead() throws {
        #expect(try SpecParser.parse(base).trainer.command?.artifacts == .best)
        let spec = try SpecParser.parse(base.replacingOccurrences(of: "train.sh]", with: "train.sh], artifacts: all"))
        #expect(spec.trainer.command?.artifacts == .all)
        #expect(spec.limits.maxArtifactBytes == 256 << 20)
    }

    @Test func sizesReadAsBytesOrWithUnits() throws {
        for (text, bytes) in [
            ("1048576", 1 << 20), ("64MiB", 64 << 20), ("1GB", 1_000_000_000), ("512 KiB", 512 << 10),
        ] {
            let spec = try SpecParser.parse(base + "\nlimits: {max_artifact_size: \(text)}")
            #expect(spec.limits.maxArtifactBytes == bytes, "\(text)")
        }
    }

    @Test func badValuesAreNamed() {
        let policy = specProblems(base.replacingOccurrences(of: "train.sh]", with: "train.sh], artifacts: bset"))
        #expect(
            policy.contains { $0.contains("trainer.artifacts: unknown policy 'bset'; expected one of best, all, none") }
        )
        let size = specProblems(base + "\nlimits: {max_artifact_size: 12 parsecs}")
        #expect(
            size.contains {
                $0.contains("limits.max_artifact_size: expected a positive size like 268435456, 64MiB or 1GB")
            })
        let builtin = specProblems(
            "trainer: {model: noop, artifacts: all}\nspace: {score: {values: [1]}}\nobjective: {metric: score, goal: maximize}"
        )
        #expect(builtin.contains { $0.contains("trainer.artifacts: applies to command trainers only") })
    }
}
