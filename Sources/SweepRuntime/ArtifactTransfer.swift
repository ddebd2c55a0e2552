import SweepProtocol

/// One artifact file coming from a worker in chunks: which ranges to ask for next, with a
/// bounded window (`WireLimits.artifactWindow` chunks of `artifactChunkBytes`), and whether a
/// chunk belongs. Pure bookkeeping: the collector writes the bytes.
struct ArtifactTransfer: Equatable {
    let sha256: String
    let size: Int
    let peer: PeerID
    var nextOffset = 0
    var received = 0
    /// Offsets asked for and not yet answered, with the length each must have.
    var inFlight: [Int: Int] = [:]
    /// When a chunk last arrived (or the transfer started): a silent worker stalls it.
    var lastProgress: Double

    init(sha256: String, size: Int, peer: PeerID, now: Double) {
        self.sha256 = sha256
        self.size = size
        self.peer = peer
        lastProgress = now
    }

    var isComplete: Bool { received == size }

    /// FETCH requests to send now (keeps up to the window outstanding).
    mutating func requests() -> [Message] {
        var out: [Message] = []
        while inFlight.count < WireLimits.artifactWindow && nextOffset < size {
            let length = min(WireLimits.artifactChunkBytes, size - nextOffset)
            out.append(.fetch(sha256: sha256, offset: nextOffset, length: length))
            inFlight[nextOffset] = length
            nextOffset += length
        }
        return out
    }

    /// Why a chunk cannot be taken (nil: it was, and counts as received).
    mutating func accept(offset: Int, total: Int, count: Int, now: Double) -> String? {
        if total == 0 && size > 0 { return "the worker no longer holds it" }
        guard total == size else { return "the worker announced \(total) bytes, the manifest \(size)" }
        guard let length = inFlight[offset], length == count else {
            return "an unexpected chunk (offset \(offset), \(count) bytes)"
        }
        inFlight[offset] = nil
        received += count
        lastProgress = now
        return nil
    }
}
