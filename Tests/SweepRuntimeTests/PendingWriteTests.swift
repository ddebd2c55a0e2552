import Foundation
import GRDB
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// The three writes of every task are bound to SQLite directly: what they write reads back as
/// GRDB would have written it — odd text, an empty host, a NUL inside, a missing error, order.
struct PendingWriteTests {
    @Test func directlyBoundRowsReadBackExactly() throws {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        let odd = "wörker 👩‍💻 'quoted' \"x\" \u{0}after-nul"
        database.trialAdded(Trial(number: 0, params: Params(["score": .int(1), "name": .string(odd)])))
        let lease = LeaseRef(TaskID(trial: 0, fold: 1), attempt: 2)
        database.event("before", "1")
        database.dispatched(lease, worker: odd, host: "")
        database.counted(
            TaskRecord(
                task: lease.task, status: .ok, worker: odd, host: "", attempt: 2, duration: 0.125,
                metrics: ["score": 1.5], error: nil))
        database.counted(
            TaskRecord(
                task: TaskID(trial: 0, fold: 0), status: .failed, worker: "w", host: "h", attempt: 1, duration: 0,
                metrics: [:], error: "boom \u{0} tail"))
        database.event("after", "2")
        try database.commit()

        let queue = try DatabaseQueue(path: fixture.run + "/run.db")
        try queue.read { db in
            let trial = try #require(try Row.fetchOne(db, sql: "SELECT params_json, params, content_hash FROM trials"))
            let json: String = trial["params_json"]
            #expect(json.contains("after-nul"))
            #expect(
                try Codec.decodeParams([UInt8]((trial["params"] as Data)))
                    == Params(["score": .int(1), "name": .string(odd)]))
            #expect((trial["content_hash"] as String) == String(fnv1a64(json.utf8), radix: 16))
            let attempt = try #require(try Row.fetchOne(db, sql: "SELECT * FROM attempts"))
            // Compared as bytes: GRDB reads text up to a NUL, SQLite keeps all of it.
            let bytes = { (sql: String) in try Data.fetchOne(db, sql: sql) ?? Data() }
            #expect(try bytes("SELECT CAST(worker AS BLOB) FROM attempts") == Data(odd.utf8))
            #expect((attempt["host"] as String) == "")
            #expect((attempt["trial"] as Int, attempt["fold"] as Int, attempt["attempt"] as Int) == (0, 1, 2))
            let results = try Row.fetchAll(db, sql: "SELECT * FROM results ORDER BY fold DESC")
            #expect(results.count == 2)
            #expect(try bytes("SELECT CAST(worker AS BLOB) FROM results WHERE fold = 1") == Data(odd.utf8))
            #expect(results[0]["error"] == nil)
            #expect(
                (results[0]["metrics_json"] as String) == #"{"score":1.5}"#
                    && (results[0]["duration"] as Double) == 0.125)
            #expect(try bytes("SELECT CAST(error AS BLOB) FROM results WHERE fold = 0") == Data("boom \u{0} tail".utf8))
            #expect((results[1]["status"] as String) == "failed")
            let kinds = try String.fetchAll(
                db, sql: "SELECT kind FROM events WHERE kind IN ('before', 'after') ORDER BY id")
            #expect(kinds == ["before", "after"])
        }
        // The same statements are used again in the next commit (prepared once, left reset).
        database.dispatched(LeaseRef(TaskID(trial: 0, fold: 0), attempt: 2), worker: "w", host: "h")
        try database.commit()
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM attempts") } == 2)
    }

    @Test func aFailedInsertThrowsAndNamesItsStatement() throws {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        database.trialAdded(Trial(number: 0, params: Params(["score": .int(1)])))
        database.trialAdded(Trial(number: 0, params: Params(["score": .int(2)])))  // the same trial twice
        #expect {
            try database.commit()
        } throws: { error in
            "\(error)".contains("INSERT INTO trials")
        }
        // The batch was rolled back as one, and the database takes the next one.
        let queue = try DatabaseQueue(path: database.path)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM trials") } == 0)
        database.trialAdded(Trial(number: 1, params: Params(["score": .int(3)])))
        try database.commit()
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM trials") } == 1)
    }
}
