import Foundation
import Yams

/// Reads typed values out of a YAML node tree, recording a problem (field + line) for each
/// mismatch instead of stopping at the first.
struct NodeReader {
    var problems: [SpecProblem] = []
    var lines: [String: Int] = [:]

    mutating func fail(_ field: String, _ node: Node?, _ message: String) {
        problems.append(SpecProblem(field: field, line: node?.mark?.line ?? lines[field], message: message))
    }

    mutating func note(_ field: String, _ node: Node) {
        if let line = node.mark?.line { lines[field] = line }
    }

    /// The entries of a mapping, checking keys against `allowed`.
    mutating func mapping(_ node: Node, _ field: String, allowed: [String]? = nil) -> [(String, Node)]? {
        note(field, node)
        guard case .mapping(let mapping) = node else {
            fail(field, node, "expected a mapping (key: value), got \(kindName(node))")
            return nil
        }
        var entries: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                fail(field, keyNode, "keys must be plain names")
                continue
            }
            let key = scalar.string
            let child = field.isEmpty ? key : "\(field).\(key)"
            if let allowed, !allowed.contains(key) {
                fail(
                    child, keyNode,
                    "unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))"
                        + Suggestion.didYouMean(key, among: allowed))
                continue
            }
            note(child, value)
            entries.append((key, value))
        }
        return entries
    }

    mutating func string(_ node: Node, _ field: String) -> String? {
        guard case .scalar(let scalar) = node, scalar.tagName == .str, !scalar.string.isEmpty else {
            fail(field, node, "expected a non-empty string, got \(kindName(node))")
            return nil
        }
        return scalar.string
    }

    mutating func choice<T: RawRepresentable>(_ node: Node, _ field: String, _ type: T.Type, options: [T]) -> T?
    where T.RawValue == String {
        guard let text = string(node, field) else { return nil }
        guard let value = T(rawValue: text) else {
            let names = options.map(\.rawValue)
            fail(
                field, node,
                "'\(text)' is not one of: \(names.joined(separator: ", "))" + Suggestion.didYouMean(text, among: names))
            return nil
        }
        return value
    }

    mutating func int(_ node: Node, _ field: String, min: Int) -> Int? {
        guard case .scalar(let scalar) = node, scalar.tagName == .int, let value = node.int else {
            fail(field, node, "expected an integer ≥ \(min), got \(kindName(node))")
            return nil
        }
        guard value >= min else {
            fail(field, node, "expected an integer ≥ \(min), got \(value)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ field: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.tagName == .bool, let value = node.bool else {
            fail(field, node, "expected true or false, got \(kindName(node))")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ field: String) -> Double? {
        guard case .scalar(let scalar) = node, scalar.tagName == .int || scalar.tagName == .float,
            let value = node.float, value.isFinite
        else {
            fail(field, node, "expected a finite number, got \(kindName(node))")
            return nil
        }
        return value
    }

    /// Seconds, from a number or a string like "600s", "10m", "1.5h", "250ms".
    mutating func duration(_ node: Node, _ field: String) -> Double? {
        if case .scalar(let scalar) = node, scalar.tagName == .int || scalar.tagName == .float,
            let value = node.float, value > 0, value.isFinite
        {
            return value
        }
        if case .scalar(let scalar) = node, scalar.tagName == .str, let seconds = parseDuration(scalar.string),
            seconds > 0
        {
            return seconds
        }
        fail(field, node, "expected a positive duration like 600s, 10m, 2h or 250ms, got \(kindName(node))")
        return nil
    }

    /// A hyperparameter value: int, float, bool or string (quoted scalars stay strings).
    mutating func paramValue(_ node: Node, _ field: String) -> ParamValue? {
        guard case .scalar(let scalar) = node else {
            fail(field, node, "expected a number, string or boolean, got \(kindName(node))")
            return nil
        }
        switch scalar.tagName {
        case .int: if let value = node.int { return .int(value) }
        case .float: if let value = node.float, value.isFinite { return .double(value) }
        case .bool: if let value = node.bool { return .bool(value) }
        case .str: return .string(scalar.string)
        default: break
        }
        fail(field, node, "expected a number, string or boolean, got \(kindName(node))")
        return nil
    }

    func kindName(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar):
            switch scalar.tagName {
            case .null: "nothing (null)"
            case .int, .float: "the number \(scalar.string)"
            case .bool: "the boolean \(scalar.string)"
            default: "'\(scalar.string)'"
            }
        }
    }
}

/// "600s" → 600, "10m" → 600, "1.5h" → 5400, "250ms" → 0.25, "90" → 90.
public func parseDuration(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
        if let value = Double(trimmed.dropLast(suffix.count)), value.isFinite { return value * scale }
    }
    return Double(trimmed).flatMap { $0.isFinite ? $0 : nil }
}

extension Node.Scalar {
    /// The resolved YAML tag (str, int, float, bool, null) of this scalar.
    var tagName: Tag.Name {
        let name = Tag.Name(rawValue: tag.rawValue)
        if name == .nonSpecific || style == .singleQuoted || style == .doubleQuoted { return .str }
        return name == .implicit ? Resolver.default.resolveTag(of: .scalar(self)) : name
    }
}
