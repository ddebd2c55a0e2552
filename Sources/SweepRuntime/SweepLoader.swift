import Foundation
import SweepCore
import SweepML
import SweepProtocol

/// A spec checked against its data and expanded into trials and folds: everything the
/// coordinator needs before it binds a socket.
public struct LoadedSweep: Sendable {
    public internal(set) var spec: Spec
    public let specPath: String
    /// The spec as read, once: stored in run.db, and what `sweep resume` loads again.
    public let specText: String
    public let dataset: Dataset?
    /// How many trials the search will run, when that is known up front (grid; a trials budget).
    public internal(set) var plannedTrials: Int?
    /// Which rows train and validate each task fold (no rows when the sweep has no data).
    public let plan: FoldPlan
    /// Files served to workers by SHA-256 (command trainers: the data CSV and the workdir bundle;
    /// built-in ones: the dataset, when it is too large to travel inside SETUP).
    public internal(set) var blobs: [String: [UInt8]]
    public let dataBlob: BlobRef?
    public let workdirBlob: BlobRef?
    /// SHA-256 of the data file as read (so a resumed sweep can check it is the same data).
    public let dataSHA256: String?
    /// A built-in sweep's dataset served as a file (nil: it travels inside SETUP).
    public internal(set) var datasetBlob: BlobRef?

    /// The search the spec asks for: sampler, budgets, goal and early stopping.
    public var searchConfiguration: SearchDriver.Configuration {
        let search = spec.search
        var configuration = SearchDriver.Configuration(
            space: spec.space, algorithm: search.algorithm, seed: search.seed, tpe: search.tpe, trials: search.trials,
            timeLimit: search.timeLimit, stopAfterNoImprovement: search.stopAfterNoImprovement,
            goal: spec.objective.goal,
            folds: spec.scoredFolds, earlyStopping: spec.earlyStopping)
        configuration.nsga2 = search.nsga2
        configuration.moreObjectives = spec.moreObjectives
        configuration.constraints = spec.constraints
        configuration.target = spec.objective.target
        return configuration
    }
}

/// Why a spec file could not be read at all.
public struct SpecFileError: Error, CustomStringConvertible {
    public let description: String
}

public enum SweepLoader {
    public static func load(specPath: String) throws -> LoadedSweep {
        let url = URL(fileURLWithPath: specPath)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw SpecFileError(
                description:
                    "cannot read spec file '\(specPath)': \(FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file")"
            )
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw SpecFileError(description: "spec file '\(specPath)' is not UTF-8 text")
        }
        return try load(specText: text, specPath: specPath)
    }

    /// Loads a spec given as text; relative paths in it are relative to `specPath`'s directory.
    /// The data file and workdir are checked against whatever part of the spec parsed, so every
    /// problem — in the spec or in its data — is reported in one `SpecError`.
    public static func load(specText text: String, specPath: String) throws -> LoadedSweep {
        let url = URL(fileURLWithPath: specPath)
        let stem = url.deletingPathExtension().lastPathComponent
        var draft = try SpecParser.draft(text, file: specPath, defaultName: stem, models: BuiltinModels.catalog)
        let directory = url.deletingLastPathComponent()
        let data = loadData(&draft, directory: directory)
        checkData(data, &draft)
        let workdir = loadWorkdir(&draft, directory: directory)
        WireLimits.check(&draft)
        let spec = try draft.validated()

        var blobs: [String: [UInt8]] = [:]
        for (blob, bytes) in [data.file, workdir].compactMap({ $0 }) { blobs[blob.sha256] = bytes }
        let plannedTrials = plannedTrials(spec)
        let plan =
            data.rows.map { FoldPlan.make(rows: $0, cv: spec.cv, classes: data.labels, groups: data.groups) }
            ?? FoldPlan(
                scheme: .partition, foldsPerRepeat: spec.cv.folds,
                assignments: Array(repeating: [], count: spec.cv.repeats))
        var sweep = LoadedSweep(
            spec: spec, specPath: specPath, specText: text, dataset: data.dataset, plannedTrials: plannedTrials,
            plan: plan,
            blobs: blobs, dataBlob: data.file?.blob, workdirBlob: workdir?.blob, dataSHA256: data.sha256)
        shipLargeDataAsFile(&sweep)
        try checkSetupSize(sweep)
        return sweep
    }

    /// How many trials the search will run, when known up front: grid's combinations, or the
    /// trials budget (at most the size of a discrete space).
    static func plannedTrials(_ spec: Spec) -> Int? {
        if spec.search.algorithm == .grid { return GridSampler.trials(spec.space).count }
        return spec.search.trials.map { budget in SearchSpace(spec.space).discreteSize.map { min($0, budget) } ?? budget
        }
    }

    /// A built-in sweep's data larger than `inlineBytes` is served as a file that workers fetch
    /// in chunks and cache by hash, so no SETUP comes near the message cap.
    static func shipLargeDataAsFile(_ sweep: inout LoadedSweep, inlineBytes: Int = WireLimits.inlineDataBytes) {
        guard let dataset = sweep.wireDataset, Codec.encodedSize(sweep.setup(sweepID: 0)) > inlineBytes else {
            return
        }
        let bytes = Codec.encode(dataset)
        let blob = BlobRef(sha256: ContentHash.sha256(bytes), size: bytes.count)
        sweep.blobs[blob.sha256] = bytes
        sweep.datasetBlob = blob
    }

    /// Every worker gets the sweep's SETUP in one message; one over the cap would be dropped by
    /// libzmq and no task could run, so it is refused here, with what would fit.
    static func checkSetupSize(_ sweep: LoadedSweep, cap: Int = WireLimits.messageBytes) throws {
        let size = Codec.encodedSize(sweep.setup(sweepID: 0))
        guard size > cap else { return }
        let spec = sweep.spec
        let message =
            "the sweep's setup for workers would be \(WireLimits.describe(bytes: size)) (\(sweep.plan.rows) rows × \(spec.cv.repeats) repeats of fold assignments); one message carries at most \(WireLimits.describe(bytes: cap)). Use fewer rows or repeats"
        throw SpecError(
            file: sweep.specPath,
            problems: [SpecProblem(field: "data.path", line: spec.lines["data.path"], message: message)])
    }
}
