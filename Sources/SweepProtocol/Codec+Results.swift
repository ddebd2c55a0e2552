/// RESULTS decoding that never loses an attempt: a result whose fields break a wire limit (a log
/// over `WireLimits.logBytes`, a metric name over `nameBytes`, too many metrics, text that is not
/// UTF-8) still yields its lease, as a failed result that says why ("result rejected: …"), so the
/// coordinator acknowledges it, frees the worker's slot and counts the attempt as failed; the
/// reason is also handed back so the shell can answer REJECTED. Only a message whose structure is
/// broken (truncated, lengths past its end, a lease out of range) is refused whole.
extension ByteReader {
    mutating func results(refusals: inout [String]) throws(DecodeError) -> Message {
        let sweepID = try u64()
        let count = try count(elementSize: 14)
        var results: [TaskResult] = []
        for _ in 0..<count {
            let lease = try lease(), succeeded = try bool(), duration = try double()
            var problems: [String] = []
            let metrics = try boundedMetrics(problems: &problems)
            let error = try stringTail(keeping: WireLimits.errorBytes)
            let log = try stringTail(keeping: WireLimits.logBytes)
            let artifacts = try artifacts()
            Self.judge(error, "error", limit: WireLimits.errorBytes, into: &problems)
            Self.judge(log, "log", limit: WireLimits.logBytes, into: &problems)
            guard !problems.isEmpty else {
                results.append(
                    TaskResult(
                        lease: lease, succeeded: succeeded, duration: duration, metrics: metrics, error: error.text,
                        log: log.text, artifacts: artifacts))
                continue
            }
            let reason = WireLimits.prefix(problems.joined(separator: "; "), bytes: WireLimits.reasonBytes / 2)
            refusals.append("the result of \(lease) was rejected: \(reason)")
            results.append(
                TaskResult(
                    lease: lease, succeeded: false, duration: duration, metrics: [:],
                    error: "result rejected: \(reason)", log: log.text))
        }
        return .results(sweepID: sweepID, results)
    }

    /// A result's metrics; names past the limits are read over, not kept, and said in `problems`.
    mutating func boundedMetrics(problems: inout [String]) throws(DecodeError) -> [String: Double] {
        let count = try count(elementSize: 9)
        if count > WireLimits.metricsPerReport {
            problems.append("\(count) metrics exceed the limit of \(WireLimits.metricsPerReport)")
        }
        var metrics: [String: Double] = [:]
        var longest = 0
        var invalid = false
        for _ in 0..<count {
            let name = try stringTail(keeping: WireLimits.nameBytes)
            let value = try double()
            longest = max(longest, name.length)
            invalid = invalid || !name.isUTF8
            if metrics.count < WireLimits.metricsPerReport && name.length <= WireLimits.nameBytes {
                metrics[name.text] = value
            }
        }
        if longest > WireLimits.nameBytes {
            problems.append(
                "a metric name of \(longest) bytes exceeds the limit of \(WireLimits.nameBytes) bytes")
        }
        if invalid { problems.append("a metric name is not UTF-8") }
        return metrics
    }

    static func judge(
        _ field: (text: String, length: Int, isUTF8: Bool), _ name: String, limit: Int, into problems: inout [String]
    ) {
        if field.length > limit {
            problems.append(
                "\(name) of \(field.length) bytes exceeds the limit of \(WireLimits.describe(bytes: limit))")
        } else if !field.isUTF8 {
            problems.append("\(name) is not UTF-8")
        }
    }
}
