import Testing

@testable import SweepCore
@testable import SweepProtocol

/// `TaskResult.bounded()`: whatever a trainer printed, the trimmed result decodes, keeps what
/// matters (the end of the log, the objective) and says what was cut.
struct BoundedResultTests {
    static let lease = LeaseRef(trial: 1, fold: 0, attempt: 1)

    /// A progress bar without newlines: 50 lines of 30 KB on stderr, a 300-character metric name,
    /// and more metrics than a report may carry.
    static var hugeResult: TaskResult {
        let line = String(repeating: "█", count: 10_000)  // 30,000 bytes
        var metrics: [String: Double] = [String(repeating: "m", count: 300): 1, "score": 3]
        for index in 0..<2000 { metrics["a\(index)"] = Double(index) }
        return TaskResult(
            lease: lease, succeeded: true, duration: 1, metrics: metrics,
            error: String(repeating: "é", count: 40_000),
            log: (0..<50).map { "\($0): \(line)" }.joined(separator: "\n") + "\nlast line")
    }

    @Test func aBoundedResultDecodesAndSaysWhatWasCut() throws {
        let bounded = Self.hugeResult.bounded(keeping: ["score"])
        guard case .results(_, let results) = try Codec.decode(Codec.encode(.results(sweepID: 1, [bounded])))
        else {
            Issue.record("not a RESULTS message")
            return
        }
        let result = try #require(results.first)
        #expect(result.succeeded)
        #expect(result.metrics["score"] == 3)
        #expect(result.metrics.count == WireLimits.metricsPerReport)
        #expect(result.log.utf8.count <= WireLimits.logBytes)
        #expect(result.log.hasSuffix("\nlast line"))
        #expect(result.log.contains("exceed 256 bytes"))
        #expect(result.log.contains("beyond the limit of 1024"))
        #expect(result.log.contains("output cut to its last bytes"))
        #expect(result.error.utf8.count <= WireLimits.errorBytes)
        #expect(result.error.hasPrefix("éé"))
    }

    @Test func aResultWithinTheLimitsIsUnchanged() {
        let result = TaskResult(
            lease: Self.lease, succeeded: true, duration: 1, metrics: ["score": 1], error: "", log: "ok\n")
        #expect(result.bounded() == result)
    }

    @Test func cutsFallBetweenScalars() {
        let text = "aé€😀"  // 1 + 2 + 3 + 4 bytes
        for limit in 0...10 {
            let head = WireLimits.prefix(text, bytes: limit), tail = WireLimits.suffix(text, bytes: limit)
            #expect(head.utf8.count <= limit && text.hasPrefix(head))
            #expect(tail.utf8.count <= limit && text.hasSuffix(tail))
        }
        #expect(WireLimits.prefix(text, bytes: 6) == "aé€")
        #expect(WireLimits.suffix(text, bytes: 7) == "€😀")
    }
}

extension BoundedResultTests {
    @Test func manyLargeResultsGoInSeveralMessagesUnderTheCap() {
        let log = String(repeating: "x", count: WireLimits.logBytes - 100)
        let results = (0..<300).map {
            TaskResult(
                lease: LeaseRef(trial: $0, fold: 0, attempt: 1), succeeded: true, duration: 1, metrics: [:],
                error: "", log: log)
        }
        let batches = WireLimits.batches(results)
        #expect(batches.count > 1)
        #expect(batches.flatMap { $0 } == results)
        for batch in batches {
            #expect(Codec.encode(.results(sweepID: 1, batch)).count < WireLimits.messageBytes)
        }
        #expect(WireLimits.batches([]).isEmpty)
    }
}
