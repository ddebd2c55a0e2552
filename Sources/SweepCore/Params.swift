/// A trial's configuration: hyperparameter names to values, kept sorted by name so that
/// equal configurations compare, hash and print the same.
public struct Params: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [(name: String, value: ParamValue)]

    public init(_ values: [String: ParamValue]) {
        entries = values.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    public subscript(name: String) -> ParamValue? {
        entries.first { $0.name == name }?.value
    }

    public var names: [String] { entries.map(\.name) }

    /// `{"C": 0.1, "k": 3}` — sorted keys, so the text is canonical.
    public var json: String {
        "{" + entries.map { "\(jsonQuoted($0.name)): \($0.value.json)" }.joined(separator: ", ") + "}"
    }

    public var description: String {
        entries.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// A stable content hash (FNV-1a 64 of the canonical JSON), the same on every host and run.
    public var contentHash: UInt64 { fnv1a64(json.utf8) }

    public static func == (lhs: Params, rhs: Params) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.value)
        }
    }
}

/// FNV-1a, 64-bit: a small stable hash for content identities (not for security).
public func fnv1a64<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == UInt8 {
    var hash = seed
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}
