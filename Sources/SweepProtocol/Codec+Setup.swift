import SweepCore

/// SETUP's body (PROTOCOL.md): the fold plan, then the trainer — a built-in model with its data,
/// or a command with its files.
extension ByteWriter {
    mutating func setup(_ setup: Setup) {
        u64(setup.sweepID); count(setup.folds)
        u8(setup.plan.scheme.rawValue); count(setup.plan.foldsPerRepeat); count(setup.plan.assignments.count);
        count(setup.plan.rows)
        for assignment in setup.plan.assignments { for fold in assignment { signed(fold) } }
        switch setup.trainer {
        case .builtin(let builtin):
            u8(0); string(builtin.model)
            count(builtin.progressMetrics.count); for name in builtin.progressMetrics { string(name) }
            // Data kind: 0 none, 1 inline, 2 a served file (a blob without its presence flag).
            if let data = builtin.data {
                u8(1); dataset(data)
            } else if let blob = builtin.dataBlob {
                u8(2); string(blob.sha256); count(blob.size)
            } else {
                u8(0)
            }
        case .command(let command):
            u8(1); self.command(command)
        }
    }

    mutating func dataset(_ data: WireDataset) {
        count(data.rows); count(data.columns)
        for value in data.features { double(value) }
        switch data.target {
        case .classes(let labels, let classes):
            u8(0); count(classes); for label in labels { count(label) }
        case .values(let values):
            u8(1); for value in values { double(value) }
        }
        for count in data.categoryCounts { self.count(count) }
        string(data.imputation)
    }

    mutating func blob(_ blob: BlobRef?) {
        guard let blob else { bool(false); return }
        bool(true); string(blob.sha256); count(blob.size)
    }

    mutating func command(_ command: WireCommand) {
        count(command.arguments.count); for argument in command.arguments { string(argument) }
        let env = command.env.sorted { $0.key < $1.key }
        count(env.count); for (key, value) in env { string(key); string(value) }
        count(command.cpus); count(command.gpus); string(command.objective); u64(command.seed); double(command.timeout)
        blob(command.data); blob(command.workdir); count(command.artifactLimit)
    }
}

extension ByteReader {
    mutating func setup() throws(DecodeError) -> Setup {
        let sweepID = try u64(), folds = try int(max: WireLimits.folds)
        let plan = try plan(folds: folds)
        let trainer: WireTrainer
        switch try u8() {
        case 0:
            let model = try string(max: WireLimits.nameBytes)
            let metricCount = try count()
            var progressMetrics: [String] = []
            for _ in 0..<metricCount { progressMetrics.append(try string(max: WireLimits.nameBytes)) }
            var builtin = WireBuiltin(model: model, progressMetrics: progressMetrics, data: nil)
            switch try u8() {
            case 0: break
            case 1: builtin.data = try dataset(rows: plan.rows)
            case 2: builtin.dataBlob = try blobBody()
            case let kind: throw DecodeError("unknown data kind \(kind)")
            }
            trainer = .builtin(builtin)
        case 1:
            trainer = .command(try command())
        case let kind:
            throw DecodeError("unknown trainer kind \(kind)")
        }
        return Setup(sweepID: sweepID, folds: folds, plan: plan, trainer: trainer)
    }

    mutating func plan(folds: Int) throws(DecodeError) -> FoldPlan {
        guard let scheme = FoldPlan.Scheme(rawValue: try u8()) else { throw DecodeError("unknown fold scheme") }
        let perRepeat = try int(max: WireLimits.folds), repeats = try int(max: WireLimits.folds), rows = try count()
        guard perRepeat * repeats == folds || rows == 0 || repeats == 0 else {
            throw DecodeError("\(perRepeat) folds × \(repeats) repeats is not \(folds)")
        }
        let (planCells, planOverflow) = rows.multipliedReportingOverflow(by: repeats)
        guard !planOverflow, planCells <= remaining else { throw DecodeError("fold plan exceeds the message") }
        var assignments: [[Int]] = []
        for _ in 0..<repeats {
            var assignment: [Int] = []
            assignment.reserveCapacity(rows)
            for _ in 0..<rows {
                let fold = try signed()
                guard fold >= -1, fold <= perRepeat else { throw DecodeError("fold \(fold) out of range") }
                assignment.append(fold)
            }
            assignments.append(assignment)
        }
        return FoldPlan(scheme: scheme, foldsPerRepeat: perRepeat, assignments: assignments)
    }

    /// A dataset of `rows` rows (the fold plan's), every size checked against the bytes left.
    mutating func dataset(rows: Int) throws(DecodeError) -> WireDataset {
        let dataRows = try int(), columns = try int(max: WireLimits.columns)
        guard dataRows == rows else { throw DecodeError("dataset has \(dataRows) rows but \(rows) fold assignments") }
        let (cells, overflow) = dataRows.multipliedReportingOverflow(by: columns)
        guard !overflow, cells <= remaining / 8 else {
            throw DecodeError("feature matrix \(dataRows)×\(columns) exceeds the message")
        }
        var features = [Double]()
        features.reserveCapacity(cells)
        for _ in 0..<cells { features.append(try double()) }
        let target = try target(rows: dataRows)
        guard columns <= remaining else { throw DecodeError("column kinds exceed the message") }
        var categoryCounts: [Int] = []
        categoryCounts.reserveCapacity(columns)
        for _ in 0..<columns { categoryCounts.append(try int(max: WireLimits.categories)) }
        return WireDataset(
            rows: dataRows, columns: columns, features: features, target: target,
            categoryCounts: categoryCounts, imputation: try string(max: 32))
    }

    mutating func target(rows: Int) throws(DecodeError) -> WireDataset.Target {
        switch try u8() {
        case 0:
            let classes = try int(max: WireLimits.classes)
            guard rows <= remaining else { throw DecodeError("labels exceed the message") }
            var labels: [Int] = []
            labels.reserveCapacity(rows)
            for _ in 0..<rows {
                let label = try int()
                guard label < classes else { throw DecodeError("label \(label) out of range 0..<\(classes)") }
                labels.append(label)
            }
            return .classes(labels: labels, count: classes)
        case 1:
            guard rows <= remaining / 8 else { throw DecodeError("targets exceed the message") }
            var values: [Double] = []
            values.reserveCapacity(rows)
            for _ in 0..<rows { values.append(try double()) }
            return .values(values)
        case let tag:
            throw DecodeError("unknown target kind \(tag)")
        }
    }

    mutating func blob() throws(DecodeError) -> BlobRef? {
        guard try bool() else { return nil }
        return try blobBody()
    }

    mutating func blobBody() throws(DecodeError) -> BlobRef {
        let hash = try string(max: 64)
        guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw DecodeError("blob hash is not 64 hex digits")
        }
        return BlobRef(sha256: hash, size: try int(max: Int.max))
    }

    mutating func command() throws(DecodeError) -> WireCommand {
        let argumentCount = try count()
        guard argumentCount >= 1 else { throw DecodeError("a command needs at least a program") }
        var arguments: [String] = []
        for _ in 0..<argumentCount { arguments.append(try string(max: WireLimits.argumentBytes)) }
        let envCount = try count(elementSize: 2)
        var env: [String: String] = [:]
        for _ in 0..<envCount {
            env[try string(max: WireLimits.environmentNameBytes)] = try string(max: WireLimits.argumentBytes)
        }
        return WireCommand(
            arguments: arguments, env: env, cpus: try int(max: WireLimits.slots), gpus: try int(max: WireLimits.gpus),
            objective: try string(max: WireLimits.nameBytes), seed: try u64(), timeout: try double(),
            data: try blob(), workdir: try blob(), artifactLimit: try int(max: Int.max))
    }
}

extension Codec {
    /// A dataset as bytes (PROTOCOL.md's `dataset`): what a built-in sweep serves as a file when
    /// its data is too large for SETUP.
    public static func encode(_ dataset: WireDataset) -> [UInt8] {
        var writer = ByteWriter(capacity: dataset.features.count * 8 + dataset.rows * 2 + 64)
        writer.dataset(dataset)
        return writer.bytes
    }

    /// A served dataset file, bounded like SETUP: `rows` must match the fold plan's.
    public static func decodeDataset(_ bytes: [UInt8], rows: Int) throws(DecodeError) -> WireDataset {
        var reader = ByteReader(bytes)
        let dataset = try reader.dataset(rows: rows)
        guard reader.isAtEnd else { throw DecodeError("\(reader.remaining) unexpected bytes after the dataset") }
        return dataset
    }

    /// The sweep id of a SETUP message of this protocol version, read from its first bytes
    /// without decoding the rest (nil: not a SETUP). The worker decodes SETUP off its socket thread.
    public static func setupSweepID(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= 12, bytes[0] == magic.0, bytes[1] == magic.1, bytes[2] == protocolVersion,
            bytes[3] == Kind.setup.rawValue
        else { return nil }
        var reader = ByteReader(Array(bytes[4..<12]))
        return try? reader.u64()
    }

    /// The size of SETUP's encoding, counted without building it (a dataset can be hundreds of
    /// MiB): the coordinator refuses up front a sweep whose SETUP would exceed the message cap.
    public static func encodedSize(_ setup: Setup) -> Int {
        guard case .builtin(var builtin) = setup.trainer, let data = builtin.data else {
            return encode(.setup(setup)).count
        }
        builtin.data = nil
        var rest = setup
        rest.trainer = .builtin(builtin)
        // The flag byte is in `rest` already; then the dataset, field by field as `dataset(_:)` writes it.
        var size = encode(.setup(rest)).count + varintSize(UInt64(data.rows)) + varintSize(UInt64(data.columns))
        size += data.features.count * 8 + 1
        switch data.target {
        case .classes(let labels, let count):
            size += varintSize(UInt64(count)) + labels.reduce(0) { $0 + varintSize(UInt64($1)) }
        case .values(let values): size += values.count * 8
        }
        size += data.categoryCounts.reduce(0) { $0 + varintSize(UInt64($1)) }
        return size + varintSize(UInt64(data.imputation.utf8.count)) + data.imputation.utf8.count
    }

    static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }
}
