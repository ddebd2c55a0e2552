import SweepML
import Testing

@testable import SweepCore

/// The problems a spec has, as "line N: field: message" strings (empty when it parses).
func specProblems(_ text: String) -> [String] {
    do {
        _ = try SpecParser.parse(text)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}
