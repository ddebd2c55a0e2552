/// A trainer command with `{param}` placeholders. Rendering replaces each placeholder inside its
/// own argument: one template argument stays exactly one argument, whatever a value contains, so
/// values can neither add arguments nor reach a shell (none is used). `{{` and `}}` are literal braces.
public struct CommandTemplate: Sendable, Equatable {
    public let arguments: [String]

    public init(_ arguments: [String]) { self.arguments = arguments }

    enum Piece: Equatable { case text(String), placeholder(String) }

    /// The placeholder names used, or a description of the first malformed argument.
    public func placeholders() -> Result<Set<String>, TemplateError> {
        var names = Set<String>()
        for argument in arguments {
            switch Self.pieces(argument) {
            case .success(let pieces): for case .placeholder(let name) in pieces { names.insert(name) }
            case .failure(let error): return .failure(error)
            }
        }
        return .success(names)
    }

    /// `{args}` (W&B's `${args}`): a whole argument that becomes one `--name=value` argument per
    /// parameter of the trial, in name order; a reserved placeholder name.
    public static let allParameters = "args"

    public func render(_ params: Params) -> [String] {
        arguments.flatMap { argument -> [String] in
            guard case .success(let pieces) = Self.pieces(argument) else { return [argument] }
            if pieces == [.placeholder(Self.allParameters)] {
                return params.entries.map { "--\($0.name)=\($0.value.description)" }
            }
            return [
                pieces.map { piece in
                    switch piece {
                    case .text(let text): text
                    case .placeholder(let name): params[name]?.description ?? ""
                    }
                }.joined()
            ]
        }
    }

    /// Whether some argument is exactly `{args}` (to expand to every parameter).
    public var usesAllParameters: Bool {
        arguments.contains { argument in
            guard case .success(let pieces) = Self.pieces(argument) else { return false }
            return pieces == [.placeholder(Self.allParameters)]
        }
    }

    /// Whether `{args}` is used as anything but a whole argument (it cannot expand inside one).
    public var embedsAllParameters: Bool {
        arguments.contains { argument in
            guard case .success(let pieces) = Self.pieces(argument), pieces.count > 1 else { return false }
            return pieces.contains(.placeholder(Self.allParameters))
        }
    }

    public struct TemplateError: Error, Equatable, CustomStringConvertible {
        public let argument: String
        public let message: String
        public var description: String { "\(message) in argument \"\(argument)\"" }
    }

    static func pieces(_ argument: String) -> Result<[Piece], TemplateError> {
        var pieces: [Piece] = []
        var text = "", name: String?
        var iterator = Array(argument).makeIterator()
        var lookahead: Character?
        while let character = lookahead ?? iterator.next() {
            lookahead = nil
            if var open = name {
                if character == "}" {
                    guard isName(open) else {
                        return .failure(
                            TemplateError(argument: argument, message: "'{\(open)}' is not a parameter name"))
                    }
                    pieces.append(.placeholder(open))
                    name = nil
                } else if character == "{" {
                    return .failure(TemplateError(argument: argument, message: "'{' inside a placeholder"))
                } else {
                    open.append(character)
                    name = open
                }
                continue
            }
            if character == "{" || character == "}" {
                let next = iterator.next()
                if next == character { text.append(character); continue }
                lookahead = next
                if character == "}" {
                    return .failure(
                        TemplateError(argument: argument, message: "a lone '}' (write '}}' for a literal brace)"))
                }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                name = ""
                continue
            }
            text.append(character)
        }
        if name != nil { return .failure(TemplateError(argument: argument, message: "an unclosed '{'")) }
        if !text.isEmpty { pieces.append(.text(text)) }
        return .success(pieces)
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
    }
}
