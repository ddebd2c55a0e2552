import Glibc
import SweepCore

/// `noop`: learns nothing — waits `sleep` seconds and reports `score`. For measuring the sweep's
/// own overhead (the dispatch benchmark); it needs no data and passes other parameters through.
enum NoopModel {
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "noop", tasks: [.classification, .regression],
            parameters: [
                ModelParameter("sleep", .nonNegative, default: .int(0)),
                ModelParameter("score", .anyNumber, default: .int(0)),
            ],
            acceptsOtherParameters: true, ownMetrics: ["score"], needsData: false)
    ) { arguments, shouldStop in
        let seconds = arguments.number("sleep")
        if seconds > 0 && !sleep(seconds, unless: shouldStop) { return nil }
        return ["score": arguments.number("score")]
    }

    /// Sleeps `seconds` in slices of at most 50 ms, asking `shouldStop` between them; false if
    /// it said yes (a cancelled task ends within a slice, not after the whole sleep).
    static func sleep(_ seconds: Double, unless shouldStop: () -> Bool) -> Bool {
        let end = monotonicNow() + seconds
        while true {
            let left = end - monotonicNow()
            if left <= 0 { return true }
            if shouldStop() { return false }
            sleepPrecisely(min(left, 0.05))
        }
    }

    static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Sleeps the whole time even when signals interrupt `nanosleep`.
    static func sleepPrecisely(_ seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
