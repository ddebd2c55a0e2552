/// Which refused handshakes the ZAP handler logs, in bounded memory: one line per address and key
/// per `interval`, with the count of refusals not logged since. At most `maxTracked` pairs are
/// remembered (keys are chosen by unauthenticated clients, so their number is the attacker's);
/// refusals beyond that are counted together and reported once per interval.
struct RefusalLog {
    static let interval = 60.0
    static let maxTracked = 256

    private var last: [String: (time: Double, suppressed: Int)] = [:]
    private var overflow: (time: Double, suppressed: Int) = (-Double.infinity, 0)
    private var prunedAt = -Double.infinity

    /// How many address-and-key pairs are remembered now.
    var tracked: Int { last.count }

    /// The line to log for a refusal of `id` at `now`, or nil when it is not logged.
    mutating func note(_ id: String, now: Double, message: String) -> String? {
        if let entry = last[id] {
            if now - entry.time < Self.interval {
                last[id]!.suppressed += 1
                return nil
            }
            last[id] = (now, 0)
            return message + Self.since(entry.suppressed)
        }
        if last.count >= Self.maxTracked && now - prunedAt >= Self.interval {
            prunedAt = now
            for (key, entry) in last where now - entry.time >= Self.interval {
                overflow.suppressed += entry.suppressed
                last[key] = nil
            }
        }
        if last.count < Self.maxTracked {
            last[id] = (now, 0)
            return message
        }
        if now - overflow.time < Self.interval {
            overflow.suppressed += 1
            return nil
        }
        let suppressed = overflow.suppressed
        overflow = (now, 0)
        return message + " (refusals from more than \(Self.maxTracked) addresses and keys are reported together"
            + (suppressed > 0 ? "; \(suppressed) more since the last report)" : ")")
    }

    private static func since(_ count: Int) -> String {
        count > 0 ? " (\(count) more attempts since the last report)" : ""
    }
}
