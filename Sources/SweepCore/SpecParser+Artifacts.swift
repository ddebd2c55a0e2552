import Foundation
import Yams

/// `trainer.artifacts`: which tasks' `$SWEEP_ARTIFACTS` files come back to the coordinator.
public enum ArtifactPolicy: String, Sendable, CaseIterable {
    /// Only the winning trial's folds (the default): the others are fetched as they finish,
    /// since their workers may leave, and dropped at the end.
    case best
    case all
    case none
}

/// Byte sizes as a spec writes them: `1048576`, `64MiB`, `1GB`, `512 KiB`.
public enum ByteSize {
    static let units: [(String, Int)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
        ("kb", 1000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
    ]

    /// The number of bytes `text` names, or nil when it is not a size.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let number = Double(digits), number.isFinite, number >= 0 else { return nil }
        let factor = unit.isEmpty ? 1 : units.first { $0.0 == unit }?.1
        guard let factor else { return nil }
        let bytes = (number * Double(factor)).rounded()
        return bytes < 9e18 ? Int(bytes) : nil
    }
}

extension SpecParser {
    /// `trainer.artifacts`: best, all or none (command trainers only).
    static func parseArtifactPolicy(_ node: Node, _ reader: inout NodeReader) -> ArtifactPolicy? {
        let names = ArtifactPolicy.allCases.map(\.rawValue)
        guard let text = reader.string(node, "trainer.artifacts") else { return nil }
        guard let policy = ArtifactPolicy(rawValue: text) else {
            reader.fail(
                "trainer.artifacts", node,
                "unknown policy '\(text)'; expected one of \(names.joined(separator: ", "))"
                    + Suggestion.didYouMean(text, among: names))
            return nil
        }
        return policy
    }

    /// `limits.max_artifact_size`: bytes a task's artifacts may total, as bytes or "64MiB", "1GB".
    static func parseByteSize(_ node: Node, _ field: String, _ reader: inout NodeReader) -> Int? {
        if case .scalar(let scalar) = node, scalar.tagName != .null, let bytes = ByteSize.parse(scalar.string),
            bytes > 0
        {
            return bytes
        }
        reader.fail(field, node, "expected a positive size like 268435456, 64MiB or 1GB, got \(reader.kindName(node))")
        return nil
    }
}
