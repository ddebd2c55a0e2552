/// A sweep that cannot be exported (`sweep export`), with what is wrong and what would do.
public struct ExportError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
