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
    ) { arguments in
        let seconds = arguments.number("sleep")
        if seconds > 0 { sleepPrecisely(seconds) }
        return ["score": arguments.number("score")]
    }

    /// Sleeps the whole time even when signals interrupt `nanosleep`.
    static func sleepPrecisely(_ seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
