/// Why a sweep could not start, serve or finish: a code the CLI maps to an exit status, and a
/// message that says what is wrong and what to do. A struct with an open set of codes (as
/// swift-service-lifecycle's `ServiceGroupError`), so new codes do not break callers.
public struct SweepError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Sendable { case invalidInput, cannotStart, incomplete }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The user's input is wrong (spec, run directory, key files, options): nothing ran.
        public static let invalidInput = Code(.invalidInput)
        /// The environment refused (address in use, unreadable key directory, unwritable files).
        public static let cannotStart = Code(.cannotStart)
        /// The sweep ran but ended without a best trial (stopped, or every trial failed).
        public static let incomplete = Code(.incomplete)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
