import Testing

@testable import SweepCore
@testable import SweepProtocol

struct CodecTests {
    static let lease = LeaseRef(trial: 300, fold: 4, attempt: 2)
    static let samples: [Message] = [
        .hello(
            Hello(
                workerID: "w@host", incarnation: .max, name: "w", host: "host", slots: 8, cachedSweep: 42,
                running: [lease])),
        .welcome(sweepID: 7, heartbeatMilliseconds: 1000),
        .setup(
            Setup(
                sweepID: 9, folds: 3,
                plan: FoldPlan(scheme: .partition, foldsPerRepeat: 3, assignments: [[0, 1, 2, 0]]),
                trainer: .builtin(
                    WireBuiltin(
                        model: "knn", progressMetrics: ["accuracy", "log_loss"],
                        data: WireDataset(
                            rows: 4, columns: 2, features: [1, 2, 3, 4, 5, 6, 7, -8.5],
                            target: .classes(labels: [0, 1, 1, 0], count: 2)))))),
        .setup(
            Setup(
                sweepID: 9, folds: 2,
                plan: FoldPlan(scheme: .timeSeries, foldsPerRepeat: 1, assignments: [[0, 1], [1, -1]]),
                trainer: .builtin(
                    WireBuiltin(
                        model: "ridge",
                        data: WireDataset(rows: 2, columns: 1, features: [1, 2], target: .values([0.5, -1])))))),
        .setup(
            Setup(
                sweepID: 9, folds: 2, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[]]),
                trainer: .builtin(WireBuiltin(model: "noop", data: nil)))),
        .setup(
            Setup(
                sweepID: 9, folds: 2, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1]]),
                trainer: .builtin(
                    WireBuiltin(
                        model: "knn", data: nil, dataBlob: BlobRef(sha256: String(repeating: "d", count: 64), size: 9))
                ))),
        .work(
            sweepID: 1, acks: [lease],
            tasks: [
                Assignment(
                    lease: lease,
                    params: Params(["C": .double(0.1), "k": .int(-3), "w": .string("uniform"), "b": .bool(true)]))
            ]),
        .results(
            sweepID: 1,
            [
                TaskResult(
                    lease: lease, succeeded: true, duration: 0.25, metrics: ["accuracy": 0.9, "log_loss": 0.3],
                    error: ""),
                TaskResult(
                    lease: lease, succeeded: false, duration: 1, metrics: [:], error: "k too large ✗",
                    log: "Traceback…\nValueError"),
            ]),
        .heartbeat, .reregister, .sweepDone(sweepID: 3), .rejected(reason: "no"), .goodbye,
        .setup(
            Setup(
                sweepID: 4, folds: 2, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[1, 0, -1]]),
                trainer: .command(
                    WireCommand(
                        arguments: ["python3", "train.py", "--lr={lr}"], env: ["A": "b"], cpus: 2, gpus: 1,
                        objective: "val_loss", seed: 3, timeout: 60,
                        data: BlobRef(sha256: String(repeating: "a", count: 64), size: 10), workdir: nil)))),
        .fetch(sha256: String(repeating: "b", count: 64), offset: 1 << 20, length: 1 << 20),
        .chunk(sha256: String(repeating: "b", count: 64), offset: 0, total: 3, bytes: [1, 2, 3]),
        .progress(sweepID: 5, lease: lease, step: 12, metrics: ["loss": 0.25]),
        .cancel(sweepID: 5, [lease]),
    ]

    @Test(arguments: samples)
    func roundTrips(_ message: Message) throws {
        let bytes = Codec.encode(message)
        let decoded = try Codec.decode(bytes)
        #expect(Codec.encode(decoded) == bytes)
        #expect(decoded.kind == message.kind)
    }

    @Test func rejectsOtherVersionsWithAClearReason() {
        var bytes = Codec.encode(.heartbeat)
        bytes[2] = 9
        #expect(throws: DecodeError("protocol version 9 is not supported; this build speaks version 4")) {
            try Codec.decode(bytes)
        }
    }

    @Test func rejectsBadMagicUnknownTypesAndTrailingBytes() {
        #expect(throws: DecodeError("not a sweep message (bad magic)")) { try Codec.decode([0x47, 0x45, 0x54, 0x20]) }
        #expect(throws: DecodeError("unknown message type 200")) {
            try Codec.decode([0x53, 0x57, protocolVersion, 200])
        }
        #expect(throws: DecodeError("1 unexpected bytes after a heartbeat message")) {
            try Codec.decode(Codec.encode(.heartbeat) + [0])
        }
    }

    @Test(arguments: samples)
    func everyTruncationIsRejected(_ message: Message) {
        let bytes = Codec.encode(message)
        for length in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try Codec.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func hugeCountsAreRejectedBeforeAllocating() {
        // A results message claiming 2^40 results in a handful of bytes.
        var writer = ByteWriter()
        writer.u8(0x53); writer.u8(0x57); writer.u8(protocolVersion); writer.u8(5)
        writer.u64(1); writer.varint(1 << 40)
        #expect(throws: DecodeError.self) { try Codec.decode(writer.bytes) }
        // A setup whose matrix is far larger than the message.
        var setup = ByteWriter()
        setup.u8(0x53); setup.u8(0x57); setup.u8(protocolVersion); setup.u8(3)
        setup.u64(1); setup.count(2); setup.u8(0); setup.count(2); setup.count(1); setup.count(1); setup.signed(0)
        setup.u8(0); setup.string("knn"); setup.count(0); setup.bool(true)
        setup.count(1); setup.count(1 << 19)
        #expect(throws: DecodeError("feature matrix 1×524288 exceeds the message")) { try Codec.decode(setup.bytes) }
    }

    /// SETUP carries exactly one trainer: a tag the decoder does not know, or a command without a
    /// program, is refused.
    @Test func aSetupsTrainerIsOneOfTheKnownKinds() {
        func setup(_ trainer: (inout ByteWriter) -> Void) -> [UInt8] {
            var writer = ByteWriter()
            writer.u8(0x53); writer.u8(0x57); writer.u8(protocolVersion); writer.u8(3)
            writer.u64(1); writer.count(2); writer.u8(0); writer.count(2); writer.count(1); writer.count(0)
            trainer(&writer)
            return writer.bytes
        }
        #expect(throws: DecodeError("unknown trainer kind 2")) { try Codec.decode(setup { $0.u8(2) }) }
        #expect(throws: DecodeError("a command needs at least a program")) {
            try Codec.decode(
                setup {
                    $0.u8(1); $0.count(0)
                })
        }
        let noop = setup {
            $0.u8(0); $0.string("noop"); $0.count(0); $0.bool(false)
        }
        guard case .setup(let decoded)? = try? Codec.decode(noop), case .builtin(let builtin) = decoded.trainer else {
            Issue.record("a built-in setup without data decodes"); return
        }
        #expect(builtin == WireBuiltin(model: "noop", data: nil))
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SeededGenerator(seed: 11)
        var decoded = 0
        for round in 0..<20_000 {
            let base = Codec.encode(Self.samples[round % Self.samples.count])
            var bytes = base
            // Flip a few bytes of a valid message, or use pure noise.
            if round % 4 == 0 {
                bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                for _ in 0..<(1 + Int(generator.next() % 3)) where !bytes.isEmpty {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            if (try? Codec.decode(bytes)) != nil { decoded += 1 }
        }
        #expect(decoded < 20_000)
    }
}

extension Message: CustomTestStringConvertible {
    public var testDescription: String { kind }
}
