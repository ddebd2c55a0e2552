/// A spec's sections as far as they parsed, with every problem found so far. The loader checks
/// the data file against whatever parsed (the target and group columns, the row count), so data
/// problems are reported in the same pass as spec problems; `validated()` then gives the spec or
/// every problem at once.
public struct SpecDraft: Sendable {
    public let file: String
    public var data: DataSpec?
    public var cv: CVSpec?
    public var trainer: TrainerSpec?
    public var space: [Dimension]?
    public var objective: Objective?
    /// The other metrics the sweep searches on, by field: "objectives[1].metric", "constraints[0].metric".
    public var searchedMetricFields: [(field: String, metric: String)] = []
    /// Line of each field in the spec file ("data.target" → 2), for problems found later.
    public var lines: [String: Int]
    public internal(set) var problems: [SpecProblem]
    /// The whole spec, when every section parsed.
    public internal(set) var spec: Spec?

    init(file: String, lines: [String: Int] = [:], problems: [SpecProblem] = []) {
        self.file = file
        self.lines = lines
        self.problems = problems
    }

    /// Records a problem found outside the parser, at the field's line.
    public mutating func fail(_ field: String, _ message: String) {
        problems.append(SpecProblem(field: field, line: lines[field], message: message))
    }

    /// The spec, or a `SpecError` with every problem in line order.
    public func validated() throws(SpecError) -> Spec {
        guard problems.isEmpty, let spec else {
            throw SpecError(
                file: file,
                problems: problems.enumerated()
                    .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element))
        }
        return spec
    }
}
