/// One thing wrong with a spec: the field, its line in the file, and what would be right.
public struct SpecProblem: Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let line: Int?
    public let message: String

    public init(field: String, line: Int?, message: String) {
        self.field = field
        self.line = line
        self.message = message
    }

    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        return field.isEmpty ? "\(place)\(message)" : "\(place)\(field): \(message)"
    }
}

/// Everything wrong with a spec, reported together so a user fixes it in one pass.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let problems: [SpecProblem]

    public init(file: String, problems: [SpecProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        let header = problems.count == 1 ? "\(file): 1 problem" : "\(file): \(problems.count) problems"
        return ([header] + problems.map { "  \($0)" }).joined(separator: "\n")
    }
}
