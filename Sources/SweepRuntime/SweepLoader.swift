import Foundation
import SweepCore
import SweepML
import SweepProtocol

/// A spec checked against its data and expanded into trials and folds: everything the
/// coordinator needs before it binds a socket.
public struct LoadedSweep: Sendable {
    public let spec: Spec
    public let specPath: String
    /// The spec as read, once: stored in run.db, and what `sweep resume` loads again.
    public let specText: String
    public let dataset: Dataset?
    /// How many trials the search will run, when that is known up front (grid; a trials budget).
    public let plannedTrials: Int?
    /// Which rows train and validate each task fold (no rows when the sweep has no data).
    public let plan: FoldPlan
    /// Files served to workers by SHA-256 (command trainers: the data CSV and the workdir bundle).
    public let blobs: [String: [UInt8]]
    public let dataBlob: BlobRef?
    public let workdirBlob: BlobRef?
    /// SHA-256 of the data file as read (so a resumed sweep can check it is the same data).
    public let dataSHA256: String?

    /// The search the spec asks for: sampler, budgets, goal and early stopping.
    public var searchConfiguration: SearchDriver.Configuration {
        let search = spec.search
        return SearchDriver.Configuration(
            space: spec.space, algorithm: search.algorithm, seed: search.seed, tpe: search.tpe, trials: search.trials,
            timeLimit: search.timeLimit, stopAfterNoImprovement: search.stopAfterNoImprovement, goal: spec.objective.goal,
            folds: spec.taskFolds, earlyStopping: spec.earlyStopping)
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
            throw SpecFileError(description: "cannot read spec file '\(specPath)': \(FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file")")
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw SpecFileError(description: "spec file '\(specPath)' is not UTF-8 text")
        }
        return try load(specText: text, specPath: specPath)
    }

    /// Loads a spec given as text; relative paths in it are relative to `specPath`'s directory.
    public static func load(specText text: String, specPath: String) throws -> LoadedSweep {
        let url = URL(fileURLWithPath: specPath)
        let stem = url.deletingPathExtension().lastPathComponent
        let spec = try SpecParser.parse(text, file: specPath, defaultName: stem)
        var problems: [SpecProblem] = []
        func problem(_ field: String, _ message: String) {
            problems.append(SpecProblem(field: field, line: spec.lines[field], message: message))
        }

        var dataset: Dataset?
        var rows: Int?
        var labels: [Int]?
        var groups: [Int]?
        var blobs: [String: [UInt8]] = [:]
        var dataBlob: BlobRef?, workdirBlob: BlobRef?
        var dataSHA256: String?
        let specDirectory = url.deletingLastPathComponent()
        if let data = spec.data {
            let dataURL = URL(fileURLWithPath: data.path, relativeTo: specDirectory).standardizedFileURL
            if let contents = FileManager.default.contents(atPath: dataURL.path) {
                dataSHA256 = SHA256.hex([UInt8](contents))
                do {
                    let table = try CSVTable(parsing: String(decoding: contents, as: UTF8.self))
                    if let group = spec.cv.group {
                        if let column = table.header.firstIndex(of: group) {
                            let values = table.rows.map { $0[column] }
                            let index = Dictionary(uniqueKeysWithValues: Array(Set(values)).sorted().enumerated().map { ($0.element, $0.offset) })
                            groups = values.map { index[$0]! }
                            if Set(values).count < spec.cv.folds {
                                problem("cv.group", "'\(group)' has \(Set(values).count) groups, fewer than the \(spec.cv.folds) folds")
                            }
                        } else {
                            problem("cv.group", "no column '\(group)' in \(data.path); columns: \(table.header.joined(separator: ", "))")
                        }
                    }
                    if let targetColumn = table.header.firstIndex(of: data.target) {
                        if spec.trainer.isCommand {
                            // The program reads the CSV itself: ship it as it is; only the target matters here.
                            rows = table.rows.count
                            if data.task == .classification {
                                let names = Array(Set(table.rows.map { $0[targetColumn] })).sorted()
                                let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
                                labels = table.rows.map { index[$0[targetColumn]]! }
                            }
                            let bytes = [UInt8](contents)
                            dataBlob = BlobRef(sha256: SHA256.hex(bytes), size: bytes.count)
                            blobs[dataBlob!.sha256] = bytes
                        } else {
                            // The group column identifies rows; it is never a feature.
                            let drop = data.drop + (spec.cv.group.map { data.drop.contains($0) ? [] : [$0] } ?? [])
                            dataset = try Dataset(csv: table, target: data.target, classification: data.task == .classification, drop: drop)
                            rows = dataset?.rows
                            labels = dataset?.labels
                        }
                    } else {
                        problem("data.target", "no column '\(data.target)' in \(data.path); columns: \(table.header.joined(separator: ", "))")
                    }
                } catch let error as CSVTable.ParseError {
                    problem("data.path", "\(data.path) \(error)")
                } catch let error as DatasetError {
                    problem("data.path", "\(data.path): \(error)")
                }
            } else {
                problem("data.path", "cannot read \(dataURL.path) (paths are relative to the spec file)")
            }
        }
        if let workdir = spec.trainer.workdir {
            let workdirURL = URL(fileURLWithPath: workdir, relativeTo: specDirectory).standardizedFileURL
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: workdirURL.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                problem("trainer.workdir", "\(workdirURL.path) is not a directory (paths are relative to the spec file)")
            } else {
                do {
                    let bytes = try BundleArchive.pack(directory: workdirURL)
                    workdirBlob = BlobRef(sha256: SHA256.hex(bytes), size: bytes.count)
                    blobs[workdirBlob!.sha256] = bytes
                } catch {
                    problem("trainer.workdir", "\(error)")
                }
            }
        }
        if let classes = dataset?.classNames.count ?? labels.map({ Set($0).count }), classes > 2,
           MetricInfo.named(spec.objective.metric)?.binaryOnly == true {
            problem("objective.metric", "'\(spec.objective.metric)' is for two classes; the data has \(classes): use \(spec.objective.metric == "roc_auc" ? "roc_auc_ovr" : spec.objective.metric + "_macro or " + spec.objective.metric + "_weighted")")
        }
        if let rows {
            let searchRows = Double(rows) * (1 - (spec.cv.testSize ?? 0))
            let needed = spec.cv.folds + (spec.cv.timeSeries ? 1 : 0)
            if searchRows < Double(needed) {
                problem("cv.folds", "\(spec.cv.folds) folds need at least \(needed) rows outside the holdout; the data has \(rows)")
            }
        }
        if let dataset, spec.trainer.model == "knn", let kDimension = spec.space.first(where: { $0.name == "k" }) {
            let smallestTrain = dataset.rows - (dataset.rows + spec.cv.folds - 1) / spec.cv.folds
            let largestK = kDimension.discreteValues?.compactMap { $0.number }.max() ?? 0
            if largestK > Double(smallestTrain) {
                problem("space.k", "k reaches \(formatNumber(largestK)) but a training fold has only \(smallestTrain) rows")
            }
        }
        guard problems.isEmpty else { throw SpecError(file: specPath, problems: problems) }

        let gridSize = spec.search.algorithm == .grid ? GridSampler.trials(spec.space).count : nil
        let plannedTrials = gridSize ?? spec.search.trials.map { budget in SearchSpace(spec.space).discreteSize.map { min($0, budget) } ?? budget }
        let plan = rows.map { FoldPlan.make(rows: $0, cv: spec.cv, classes: labels, groups: groups) }
            ?? FoldPlan(scheme: .partition, foldsPerRepeat: spec.cv.folds, assignments: Array(repeating: [], count: spec.cv.repeats))
        return LoadedSweep(spec: spec, specPath: specPath, specText: text, dataset: dataset, plannedTrials: plannedTrials, plan: plan,
                           blobs: blobs, dataBlob: dataBlob, workdirBlob: workdirBlob, dataSHA256: dataSHA256)
    }
}
