import Foundation
import SweepCore
import Testing

@testable import SweepHTTP
@testable import SweepRuntime

/// The dashboard makes a page again only when run.db changed (or the page is too old): a browser
/// reloading the live report must not refit the importance surrogate for nothing.
@Suite struct PageCacheTests {
    @Test func aPageIsMadeAgainOnlyWhenTheRunDatabaseChangedOrItAged() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let specPath = root.appendingPathComponent("spec.yaml").path
        try """
        name: cached
        trainer: {model: noop}
        space: {score: {values: [1, 2]}}
        objective: {metric: score, goal: maximize}
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        let run = root.appendingPathComponent("run").path
        let record = try RunRecord.create(
            directory: run, sweep: try SweepLoader.load(specPath: specPath), mode: "run", bind: "tcp://127.0.0.1:*",
            keyPath: nil, allowPaths: [], insecure: false)
        let cache = PageCache(directory: run)
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
}
