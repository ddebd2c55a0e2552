import Foundation
import SweepCore
import SweepML
import SweepReport

/// What `sweep retrain` reads before it writes anything: the previous run (finished), its best
/// configurations and model file, the new data, and the sweep to run on it. Every refusal is
/// thrown here, so a refused retrain leaves no directory and the previous run as it was (it is
/// only ever opened read-only).
public struct RetrainPlan {
    public struct Options: Sendable {
        /// The previous best configurations evaluated first on the new data.
        public var top = 5
        /// Further trials after them, warm-started from the previous run's history.
        public var further = 0
        public var minImprovement = 0.0
        public var promoteTo: String?

        public init() {}
    }

    /// The previous run directory and the new data file, as absolute paths.
    public let previous: String
    public let dataPath: String
    public let dataSHA256: String
    public let previousDataSHA256: String?
    public let options: Options
    /// The previous spec on the new data (`RetrainSpec`), loaded as `sweep run` loads a spec.
    public let sweep: LoadedSweep
    public let previousBest: RetrainRecord.Scored
    public let enqueued: [Params]
    /// The previous model's objective on each validation fold of the new data (nil: no usable
    /// model file; the previous best configuration's CV on the new data is the baseline then).
    public let modelBaseline: [Double]?
    public let previousRows: Int?
    /// Classes of the new data the previous model never saw: their rows count as wrong for it.
    public let unseenClasses: [String]
    /// What was changed or left out beyond data, queue, warm start and budget.
    public let notes: [String]

    public var sameData: Bool { previousDataSHA256 == dataSHA256 }

    public static func make(previous: String, data: String, options: Options) throws -> RetrainPlan {
        // The real directory, not a link to it (runs/current): the record must name the run it
        // retrained even after the link moves on.
        let directory = URL(fileURLWithPath: previous).resolvingSymlinksInPath().path
        let earlier = try RetrainPrevious.read(directory)
        let dataPath = URL(fileURLWithPath: data).standardizedFileURL.path
        let (bytes, table) = try readData(data, at: dataPath)
        try earlier.checkColumns(table, data: data)
        var notes: [String] = []
        if let added = earlier.addedColumns(table), !added.isEmpty {
            notes.append(
                "the new data has columns the previous model did not use: \(added.joined(separator: ", ")) (features of the candidate only)"
            )
        }
        let single = earlier.spec.moreObjectives.isEmpty && earlier.spec.constraints.isEmpty
        if !single && options.further > 0 {
            notes.append(
                "no warm start: a warm start carries a single objective, and this sweep has several objectives or constraints"
            )
        }
        if !earlier.spec.moreObjectives.isEmpty {
            notes.append(
                "this sweep has several objectives: only the first, \(earlier.spec.objective.metric), decides the promotion"
            )
        }
        let enqueued = Array(earlier.ranked.prefix(options.top).map(\.trial.params))
        if enqueued.count < options.top {
            notes.append("--top \(options.top): the previous run has \(enqueued.count) succeeded trials, all enqueued")
        }
        let rewritten: RetrainSpec.Rewritten
        do {
            rewritten = try RetrainSpec.rewrite(
                earlier.row.specText, dataPath: dataPath, enqueue: enqueued, warmStart: single ? directory : nil,
                further: options.further)
        } catch { throw invalid("the spec of \(previous) cannot be retrained: \(describe(error))") }
        notes += rewritten.notes
        let sweep: LoadedSweep
        do {
            sweep = try SweepLoader.load(specText: rewritten.text, specPath: earlier.row.specPath)
        } catch let error as SpecError {
            guard error.problems.contains(where: { $0.field.isEmpty || $0.field.hasPrefix("data") }) else {
                throw invalid(
                    "the spec of \(previous) no longer loads: \(describe(error)) (a path it names has moved since the run; the new data is not the problem)"
                )
            }
            throw invalid("the new data \(data) does not fit the spec of \(previous): \(describe(error))")
        }
        let dataSHA256 = ContentHash.sha256([UInt8](bytes))
        let baseline = try earlier.model.flatMap { model in
            try modelBaseline(
                earlier, model: model, table: table, sweep: sweep, data: data,
                sameData: earlier.row.dataSHA256 == dataSHA256, notes: &notes)
        }
        let unseen = earlier.model.map { RetrainBaseline.unseenClasses(model: $0, table: table) } ?? []
        if !unseen.isEmpty {
            notes.append(
                "the new data has classes the previous model never saw: \(unseen.joined(separator: ", ")) (their rows count as wrong for the previous model)"
            )
        }
        if let target = options.promoteTo { try checkPromotion(target, model: earlier.model, previous: directory) }
        let best = earlier.ranked[0]
        return RetrainPlan(
            previous: directory, dataPath: dataPath, dataSHA256: dataSHA256,
            previousDataSHA256: earlier.row.dataSHA256, options: options, sweep: sweep,
            previousBest: .init(
                trial: best.trial.number, params: best.trial.params, score: best.objective?.mean ?? .nan),
            enqueued: enqueued, modelBaseline: baseline, previousRows: earlier.model?.trainingRows,
            unseenClasses: unseen, notes: notes)
    }

    /// The new data's bytes (hashed) and table. A directory or a pipe is refused by name: a pipe
    /// could not be read again by the workers.
    static func readData(_ data: String, at dataPath: String) throws -> (Data, CSVTable) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataPath, isDirectory: &isDirectory) {
            let type = (try? FileManager.default.attributesOfItem(atPath: dataPath))?[.type] as? FileAttributeType
            if isDirectory.boolValue || type != .typeRegular {
                throw invalid(
                    "the new data \(data) is \(isDirectory.boolValue ? "a directory" : "not a regular file"): give a CSV file (it is read twice, so not a pipe)"
                )
            }
        }
        guard let bytes = FileManager.default.contents(atPath: dataPath) else {
            throw invalid(
                "cannot read the new data \(data): \(FileManager.default.fileExists(atPath: dataPath) ? "permission denied" : "no such file")"
            )
        }
        let table: CSVTable
        do { table = try CSVTable(parsing: String(decoding: bytes, as: UTF8.self)) } catch {
            throw invalid("the new data \(data) \(error)")
        }
        return (bytes, table)
    }

    /// `--promote-to` copies a model file: the previous run must have one (built-in trainers
    /// refit one), and the destination must be a file (or not exist yet) in a directory that exists.
    static func checkPromotion(_ path: String, model: ModelFile?, previous: String) throws {
        guard model != nil else {
            throw invalid(
                "--promote-to copies the retrained run's model.json, and \(previous) has none (a command trainer, or refit: false): leave --promote-to out; the verdict and retrain.json say which configuration won"
            )
        }
        if inside(path, previous) {
            throw invalid(
                "--promote-to \(path) is inside the previous run \(previous), which retraining never changes: promote to where the server reads its model"
            )
        }
        try RetrainPromotion.check(path)
    }

    /// The run directory to write: `--out` when it is new or empty, else the previous one's name
    /// with `-retrain-1`, `-2`, … (the first that does not exist, created here: nothing is overwritten).
    public static func outputDirectory(previous: String, out: String?) throws -> String {
        let manager = FileManager.default
        if let out {
            if inside(out, previous) {
                throw invalid("--out \(out) is inside the previous run \(previous), which retraining never changes")
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: out, isDirectory: &isDirectory) else { return out }
            guard isDirectory.boolValue, (try? manager.contentsOfDirectory(atPath: out))?.isEmpty == true else {
                throw invalid(
                    "--out \(out) exists and is not an empty directory: choose a new one, or leave --out out (the default is beside the previous run, \(previous)-retrain-N)"
                )
            }
            return out
        }
        let base = URL(fileURLWithPath: previous).standardizedFileURL.path
        // Claimed with mkdir, which fails when the name exists: two retrains of one run started
        // together get different directories.
        var number = 1
        while true {
            let candidate = "\(base)-retrain-\(number)"
            if mkdir(candidate, 0o777) == 0 { return candidate }
            guard errno == EEXIST else {
                throw SweepError(
                    .cannotStart,
                    "cannot create \(candidate): \(String(cString: strerror(errno))) (choose a directory with --out)")
            }
            number += 1
        }
    }

    /// Whether `path` is `directory` or lies under it (links resolved).
    static func inside(_ path: String, _ directory: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        return resolved == base || resolved.hasPrefix(base + "/")
    }

    static func invalid(_ message: String) -> SweepError { SweepError(.invalidInput, message) }

    static func describe(_ error: Error) -> String {
        guard let error = error as? SpecError else { return "\(error)" }
        return error.problems.map { ($0.field.isEmpty ? "" : "\($0.field): ") + $0.message }.joined(separator: "; ")
    }
}
