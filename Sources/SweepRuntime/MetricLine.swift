import Foundation

/// Reads a program's metric reports: `@sweep {"accuracy": 0.93}` lines on stdout, or the same
/// JSON objects as lines of the SWEEP_METRICS file (followed while the program runs, so reports
/// from both channels arrive in about the order they were written). A `"step"` key makes a report
/// intermediate: it is progress, and never overwrites a final value. Final metrics are the last
/// value of each name in reports without `step`; a name only ever reported with a step has no final
/// value (a program that stops after intermediate reports has not finished its work).
struct MetricReports {
    static let prefix = "@sweep "

    private(set) var finals: [String: Double] = [:]
    private(set) var intermediates: [String: Double] = [:]
    var malformed = 0
    var firstMalformed: String?

    /// What the task reports: its final values only.
    var final: [String: Double] { finals }

    enum Parsed: Equatable {
        case report(step: Int?, metrics: [String: Double])
        case malformed(String)
    }

    /// Parses the JSON object of one report: every value a finite number (booleans are not numbers).
    static func parse(_ json: Substring) -> Parsed {
        guard let object = try? JSONDecoder().decode([String: Double].self, from: Data(json.utf8)) else {
            return .malformed("not a JSON object of numbers")
        }
        var metrics = object
        var step: Int?
        if let value = metrics.removeValue(forKey: "step") {
            guard value >= 0, value == value.rounded(), value < 1e15 else {
                return .malformed("step must be a whole number ≥ 0")
            }
            step = Int(value)
        }
        guard !metrics.isEmpty else { return .malformed("no metrics") }
        guard metrics.values.allSatisfy(\.isFinite) else { return .malformed("a metric is not finite") }
        return .report(step: step, metrics: metrics)
    }

    /// Takes one line; returns an intermediate report (step, metrics) if it was one.
    mutating func take(_ json: Substring) -> (step: Int, metrics: [String: Double])? {
        switch Self.parse(json) {
        case .malformed(let reason):
            malformed += 1
            if firstMalformed == nil { firstMalformed = "\(json.prefix(120)) (\(reason))" }
            return nil
        case .report(nil, let metrics):
            finals.merge(metrics) { _, new in new }
            return nil
        case .report(let step?, let metrics):
            intermediates.merge(metrics) { _, new in new }
            return (step, metrics)
        }
    }
}
