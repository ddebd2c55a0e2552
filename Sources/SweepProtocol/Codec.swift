import SweepCore

/// Encodes and decodes `Message`s. Layout: "SW", version byte, type byte, body (PROTOCOL.md).
public enum Codec {
    static let magic: (UInt8, UInt8) = (0x53, 0x57)  // "SW"

    enum Kind: UInt8 {
        case hello = 1, welcome, setup, work, results, heartbeat, reregister, sweepDone, rejected, goodbye, fetch,
            chunk, progress, cancel
    }

    public static func encode(_ message: Message) -> [UInt8] {
        var w = ByteWriter()
        w.u8(magic.0); w.u8(magic.1); w.u8(protocolVersion)
        switch message {
        case .hello(let hello):
            w.u8(Kind.hello.rawValue)
            w.string(hello.workerID); w.u64(hello.incarnation); w.string(hello.name); w.string(hello.host)
            w.count(hello.slots); w.count(hello.gpus); w.u64(hello.cachedSweep)
            w.count(hello.running.count); for lease in hello.running { w.lease(lease) }
        case .welcome(let sweepID, let heartbeat):
            w.u8(Kind.welcome.rawValue); w.u64(sweepID); w.count(heartbeat)
        case .setup(let setup):
            w.u8(Kind.setup.rawValue); w.setup(setup)
        case .work(let sweepID, let acks, let tasks):
            w.u8(Kind.work.rawValue); w.u64(sweepID)
            w.count(acks.count); for lease in acks { w.lease(lease) }
            w.count(tasks.count)
            for task in tasks { w.lease(task.lease); w.params(task.params) }
        case .results(let sweepID, let results):
            w.u8(Kind.results.rawValue); w.u64(sweepID)
            w.count(results.count)
            for result in results {
                w.lease(result.lease); w.bool(result.succeeded); w.double(result.duration)
                w.metrics(result.metrics)
                w.string(result.error)
                w.string(result.log)
                w.artifacts(result.artifacts)
            }
        case .heartbeat: w.u8(Kind.heartbeat.rawValue)
        case .reregister: w.u8(Kind.reregister.rawValue)
        case .sweepDone(let sweepID): w.u8(Kind.sweepDone.rawValue); w.u64(sweepID)
        case .rejected(let reason): w.u8(Kind.rejected.rawValue); w.string(reason)
        case .goodbye: w.u8(Kind.goodbye.rawValue)
        case .fetch(let hash, let offset, let length):
            w.u8(Kind.fetch.rawValue); w.string(hash); w.count(offset); w.count(length)
        case .chunk(let hash, let offset, let total, let bytes):
            w.u8(Kind.chunk.rawValue); w.string(hash); w.count(offset); w.count(total)
            w.count(bytes.count); w.bytes.append(contentsOf: bytes)
        case .progress(let sweepID, let lease, let step, let metrics):
            w.u8(Kind.progress.rawValue); w.u64(sweepID); w.lease(lease); w.count(step); w.metrics(metrics)
        case .cancel(let sweepID, let leases):
            w.u8(Kind.cancel.rawValue); w.u64(sweepID); w.count(leases.count); for lease in leases { w.lease(lease) }
        }
        return w.bytes
    }

    /// A trial's parameters as bytes (the wire encoding), for storing them exactly.
    public static func encode(_ params: Params) -> [UInt8] {
        var writer = ByteWriter()
        writer.params(params)
        return writer.bytes
    }

    public static func decodeParams(_ bytes: [UInt8]) throws(DecodeError) -> Params {
        var reader = ByteReader(bytes)
        let params = try reader.params()
        guard reader.isAtEnd else { throw DecodeError("bytes left over after parameters") }
        return params
    }

    /// Decodes one message. Throws `DecodeError` for anything malformed, truncated, of another
    /// protocol version, or with bytes left over; never traps on input.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Message {
        var refusals: [String] = []
        return try decode(bytes, refusals: &refusals)
    }

    /// Decodes one message; a RESULTS entry that breaks a wire limit becomes a failed result
    /// ("result rejected: …", see Codec+Results) and its reason is appended to `refusals`.
    public static func decode(_ bytes: [UInt8], refusals: inout [String]) throws(DecodeError) -> Message {
        var r = ByteReader(bytes)
        guard bytes.count >= 4, bytes[0] == magic.0, bytes[1] == magic.1 else {
            throw DecodeError("not a sweep message (bad magic)")
        }
        _ = try r.u8(); _ = try r.u8()
        let version = try r.u8()
        guard version == protocolVersion else {
            throw DecodeError(
                "protocol version \(version) is not supported; this build speaks version \(protocolVersion)")
        }
        let rawKind = try r.u8()
        guard let kind = Kind(rawValue: rawKind) else { throw DecodeError("unknown message type \(rawKind)") }
        let message: Message
        switch kind {
        case .hello:
            let workerID = try r.string(max: WireLimits.nameBytes), incarnation = try r.u64()
            let name = try r.string(max: WireLimits.nameBytes), host = try r.string(max: WireLimits.nameBytes)
            let slots = try r.int(max: WireLimits.slots), gpus = try r.int(max: WireLimits.gpus), cached = try r.u64()
            let count = try r.count(elementSize: 3)
            var running: [LeaseRef] = []
            for _ in 0..<count { running.append(try r.lease()) }
            message = .hello(
                Hello(
                    workerID: workerID, incarnation: incarnation, name: name, host: host,
                    slots: slots, gpus: gpus, cachedSweep: cached, running: running))
        case .welcome:
            message = .welcome(
                sweepID: try r.u64(), heartbeatMilliseconds: try r.int(max: WireLimits.heartbeatMilliseconds))
        case .setup:
            message = .setup(try r.setup())
        case .work:
            let sweepID = try r.u64()
            let ackCount = try r.count(elementSize: 3)
            var acks: [LeaseRef] = []
            for _ in 0..<ackCount { acks.append(try r.lease()) }
            let taskCount = try r.count(elementSize: 4)
            var tasks: [Assignment] = []
            for _ in 0..<taskCount { tasks.append(Assignment(lease: try r.lease(), params: try r.params())) }
            message = .work(sweepID: sweepID, acks: acks, tasks: tasks)
        case .results:
            message = try r.results(refusals: &refusals)
        case .heartbeat: message = .heartbeat
        case .reregister: message = .reregister
        case .sweepDone: message = .sweepDone(sweepID: try r.u64())
        case .rejected: message = .rejected(reason: try r.string(max: WireLimits.reasonBytes))
        case .goodbye: message = .goodbye
        case .fetch:
            message = .fetch(
                sha256: try r.string(max: 64), offset: try r.int(max: Int.max),
                length: try r.int(max: WireLimits.chunkBytes))
        case .chunk:
            let hash = try r.string(max: 64), offset = try r.int(max: Int.max), total = try r.int(max: Int.max)
            let length = try r.count()
            message = .chunk(sha256: hash, offset: offset, total: total, bytes: try r.raw(length))
        case .progress:
            message = .progress(
                sweepID: try r.u64(), lease: try r.lease(), step: try r.int(max: Int.max), metrics: try r.metrics())
        case .cancel:
            let sweepID = try r.u64()
            let count = try r.count(elementSize: 3)
            var leases: [LeaseRef] = []
            for _ in 0..<count { leases.append(try r.lease()) }
            message = .cancel(sweepID: sweepID, leases)
        }
        guard r.isAtEnd else { throw DecodeError("\(r.remaining) unexpected bytes after a \(message.kind) message") }
        return message
    }
}

extension ByteWriter {
    mutating func lease(_ lease: LeaseRef) { count(lease.trial); count(lease.fold); count(lease.attempt) }

    mutating func metrics(_ metrics: [String: Double]) {
        let sorted = metrics.sorted { $0.key < $1.key }
        count(sorted.count); for (name, value) in sorted { string(name); double(value) }
    }

    mutating func params(_ params: Params) {
        count(params.entries.count)
        for (name, value) in params.entries {
            string(name)
            switch value {
            case .int(let int): u8(0); signed(int)
            case .double(let double): u8(1); self.double(double)
            case .string(let text): u8(2); string(text)
            case .bool(let flag): u8(3); bool(flag)
            }
        }
    }
}

extension ByteReader {
    mutating func metrics() throws(DecodeError) -> [String: Double] {
        let count = try count(elementSize: 9)
        guard count <= WireLimits.metricsPerReport else {
            throw DecodeError("\(count) metrics exceed \(WireLimits.metricsPerReport)")
        }
        var metrics: [String: Double] = [:]
        for _ in 0..<count { metrics[try string(max: WireLimits.nameBytes)] = try double() }
        return metrics
    }

    mutating func lease() throws(DecodeError) -> LeaseRef {
        LeaseRef(trial: try int(), fold: try int(max: WireLimits.folds), attempt: try int(max: WireLimits.attempts))
    }

    mutating func params() throws(DecodeError) -> Params {
        let count = try count(elementSize: 3)
        var values: [String: ParamValue] = [:]
        for _ in 0..<count {
            let name = try string(max: WireLimits.nameBytes)
            switch try u8() {
            case 0: values[name] = .int(try signed())
            case 1: values[name] = .double(try double())
            case 2: values[name] = .string(try string(max: WireLimits.paramStringBytes))
            case 3: values[name] = .bool(try bool())
            case let tag: throw DecodeError("unknown parameter value tag \(tag) for '\(name)'")
            }
        }
        return Params(values)
    }
}
