import Foundation
import Logging
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Issue 12, item 12: a built-in sweep's data too large for one message travels as a file in
/// chunks (FETCH/CHUNK, cached by hash), as a command's files do; SETUP stays small.
struct ChunkedDataTests {
    @Test func largeBuiltinDataIsServedAsAFileAndTrainsOnTheWorker() throws {
        var sweep = try WireValidationTests().builtinSweep(rows: 300)
        let inline = Codec.encode(.setup(sweep.setup(sweepID: 9))).count
        SweepLoader.shipLargeDataAsFile(&sweep, inlineBytes: inline - 1)
        let blob = try #require(sweep.datasetBlob)
        let setup = sweep.setup(sweepID: 9)
        guard case .builtin(let builtin) = setup.trainer else {
            Issue.record("not a built-in setup")
            return
        }
        #expect(builtin.data == nil && builtin.dataBlob == blob)
        let bytes = Codec.encode(.setup(setup))
        #expect(bytes.count < inline / 4, "SETUP no longer carries the data")
        guard case .setup(let received) = try Codec.decode(bytes) else {
            Issue.record("not a SETUP")
            return
        }

        // The worker fetches the file in chunks, decodes it off its socket thread, then trains.
        let helper = WorkerSetupTests()
        let (launcher, inbox, pool) = try helper.launcher()
        defer { pool.stop() }
        var tasks: TaskLauncher? = launcher
        #expect(tasks!.load(received).isEmpty)
        var requests: [Message] = []
        let missing = try #require(
            helper.pump(&tasks, inbox) { if case .filesChecked(9, let missing) = $0 { missing } else { nil } })
        #expect(missing == [blob])
        requests = tasks!.filesChecked(9, missing: missing)
        #expect(!requests.isEmpty)
        let lease = LeaseRef(trial: 0, fold: 0, attempt: 1)
        tasks!.run(Assignment(lease: lease, params: Params(["C": .double(1)])), sweepID: 9)
        var rounds = 0
        var runner: SweepContext.Runner?
        while runner == nil && rounds < 1000 {
            rounds += 1
            var next: [Message] = []
            for case .fetch(let hash, let offset, let length) in requests {
                guard
                    case .chunk(let hash, let offset, let total, let chunk) = sweep.chunk(
                        hash, offset: offset, length: length)
                else { continue }
                next += tasks!.deliver(hash, offset: offset, total: total, bytes: chunk)
            }
            requests = next
            if requests.isEmpty {
                // Written to the cache and decoded in the background; FETCHes again only on a mismatch.
                runner = helper.pump(&tasks, inbox, requests: &requests) {
                    if case .setupPrepared(9, let runner) = $0 { runner } else { nil }
                }
            }
        }
        #expect(tasks!.store.has(blob))
        let prepared = try #require(runner)
        guard case .builtin(let builtin) = prepared else {
            Issue.record("expected a built-in runner, got \(prepared)")
            return
        }
        #expect(builtin.dataset?.rows == 300)
        tasks!.install(9, prepared)
        let result = try #require(
            helper.next(in: inbox) { if case .finished(let result) = $0 { result } else { nil } })
        #expect(result.succeeded, "\(result.error)")
        #expect(result.metrics["accuracy"] != nil)
    }

    @Test func smallDataStaysInsideSetup() throws {
        var sweep = try WireValidationTests().builtinSweep()
        SweepLoader.shipLargeDataAsFile(&sweep)
        #expect(sweep.datasetBlob == nil)
        guard case .builtin(let builtin) = sweep.setup(sweepID: 1).trainer else {
            Issue.record("not a built-in setup")
            return
        }
        #expect(builtin.data?.rows == 200)
    }

    @Test func aServedDatasetRoundTripsAndIsBounded() throws {
        let data = WireDataset(rows: 2, columns: 1, features: [1, 2], target: .values([0.5, -1]))
        #expect(try Codec.decodeDataset(Codec.encode(data), rows: 2) == data)
        #expect(throws: DecodeError.self) { try Codec.decodeDataset(Codec.encode(data), rows: 3) }
        #expect(throws: DecodeError.self) { try Codec.decodeDataset(Codec.encode(data) + [0], rows: 2) }
    }
}
