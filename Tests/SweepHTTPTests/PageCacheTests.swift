import Foundation
import SweepCore
import Testing

@testable import SweepHTTP
@testable import SweepRuntime

/// The dashboard makes a page again only when run.db changed (or the page is too old): a browser
/// reloading the live report must not refit the importance surrogate for nothing.
@Suite struct PageCacheTests {
    /// A new run directory (in a temporary folder, `root`) of a two-trial no-op sweep.
    static func runDirectory() throws -> (root: URL, record: RunRecord) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let specPath = root.appendingPathComponent("spec.yaml").path
        try """
        name: cached
        trainer: {model: noop}
        space: {score: {values: [1, 2]}}
        objective: {metric: score, goal: maximize}
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        let record = try RunRecord.create(
            directory: root.appendingPathComponent("run").path, sweep: try SweepLoader.load(specPath: specPath),
            mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [], insecure: false)
        return (root, record)
    }

    @Test func aPageIsMadeAgainOnlyWhenTheRunDatabaseChangedOrItAged() throws {
        let (root, record) = try Self.runDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = PageCache(directory: record.directory)
        var made = 0
        let make = { () -> String in
            made += 1; return "page \(made)"
        }

        #expect(try cache.page("/", maxAge: 60, make: make) == "page 1")
        #expect(try cache.page("/", maxAge: 60, make: make) == "page 1")
        #expect(try cache.page("/api/status", maxAge: 60, make: make) == "page 2")

        record.database.event("worker-joined", "w@h slots=1")
        try record.database.commit()
        #expect(try cache.page("/", maxAge: 60, make: make) == "page 3")
        #expect(try cache.page("/", maxAge: 0, make: make) == "page 4")
    }

    /// report.html of a million tasks takes ~10 s to make; a running sweep changes run.db all the
    /// time, so every reload (each 5 s) made it again and requests queued without end. A slow page
    /// is served again for three times as long as it took (synthetic clock: no sleeps).
    @Test func aSlowPageIsServedAgainForThreeTimesItsMakingEvenIfTheDatabaseChanged() throws {
        let (root, record) = try Self.runDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = PageCache(directory: record.directory)
        nonisolated(unsafe) var now = 1000.0
        cache.clock = { now }
        var made = 0
        let slowMake = { () -> String in
            now += 10  // ten seconds to make
            made += 1
            return "page \(made)"
        }
        func changeRunDatabase() throws {
            record.database.event("worker-joined", "w@h slots=1")
            try record.database.commit()
        }

        #expect(try cache.page("/", maxAge: 15, make: slowMake) == "page 1")  // made at 1010
        try changeRunDatabase()
        now += 29
        #expect(try cache.page("/", maxAge: 15, make: slowMake) == "page 1", "29 s after a 10 s page")
        now += 2
        #expect(try cache.page("/", maxAge: 15, make: slowMake) == "page 2", "31 s after: made again")
        // A quick page is made again as soon as run.db changed.
        #expect(try cache.page("/api/status", maxAge: 15, make: { "status" }) == "status")
        try changeRunDatabase()
        #expect(try cache.page("/api/status", maxAge: 15, make: { "status 2" }) == "status 2")
    }
}
