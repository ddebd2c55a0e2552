import Foundation
import GRDB
import Testing

/// Reads a sweep's run database the way a user's SQLite client would, to check its books.
struct RunBook {
    let queue: DatabaseQueue

    init(_ directory: URL) throws {
        var configuration = Configuration()
        configuration.readonly = true
        queue = try DatabaseQueue(path: directory.appendingPathComponent("run.db").path, configuration: configuration)
    }

    func count(_ sql: String) throws -> Int { try queue.read { try Int.fetchOne($0, sql: sql) ?? 0 } }

    var counted: Int { (try? count("SELECT count(*) FROM results WHERE counted = 1")) ?? 0 }
    var duplicates: Int { (try? count("SELECT count(*) FROM results WHERE counted = 0")) ?? 0 }

    /// Events of a kind, with their wall-clock times.
    func events(_ kind: String) throws -> [(at: Double, detail: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT at, detail FROM events WHERE kind = ? ORDER BY id", arguments: [kind]).map
            { ($0["at"], $0["detail"]) }
        }
    }

    /// Waits until at least `tasks` results are counted (bounded; the database is polled, not slept on).
    static func awaitCounted(_ directory: URL, atLeast tasks: Int, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let book = try? RunBook(directory), book.counted >= tasks { return true }
            usleep(20_000)
        }
        return false
    }
}
