import Foundation

/// What changes whenever a sweep's coordinator records anything (the newest row of each growing
/// table and the sweep's state), read in O(log n) through one read-only connection kept open:
/// a page made from run.db is made again only when this changed.
/// Not thread-safe: one serial queue owns it.
public final class RunFingerprint {
    public let directory: String
    private var database: RunDatabase?

    public init(directory: String) { self.directory = directory }

    public func current() throws -> [String] {
        let database = try self.database ?? RunDatabase.openForReading(directory: directory)
        self.database = database
        return try database.read { db in try RunDatabase.watchFingerprint(db) }
    }
}
