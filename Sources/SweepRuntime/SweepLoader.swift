import Foundation
import SweepCore
import SweepML

/// A spec checked against its data and expanded into trials and folds: everything the
/// coordinator needs before it binds a socket.
public struct LoadedSweep: Sendable {
    public let spec: Spec
    public let specPath: String
    public let dataset: Dataset?
    public let trials: [Trial]
    /// Fold of each data row (empty when the sweep has no data).
    public let assignment: [Int]
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
        let stem = url.deletingPathExtension().lastPathComponent
        let spec = try SpecParser.parse(text, file: specPath, defaultName: stem)
        var problems: [SpecProblem] = []
        func problem(_ field: String, _ message: String) {
            problems.append(SpecProblem(field: field, line: spec.lines[field], message: message))
        }

        var dataset: Dataset?
        if let data = spec.data {
            let dataURL = URL(fileURLWithPath: data.path, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
            if let contents = FileManager.default.contents(atPath: dataURL.path) {
                do {
                    let table = try CSVTable(parsing: String(decoding: contents, as: UTF8.self))
                    if !table.header.contains(data.target) {
                        problem("data.target", "no column '\(data.target)' in \(data.path); columns: \(table.header.joined(separator: ", "))")
                    } else {
                        dataset = try Dataset(csv: table, target: data.target, classification: data.task == .classification)
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
        if let dataset, dataset.rows < spec.cv.folds {
            problem("cv.folds", "\(spec.cv.folds) folds need at least \(spec.cv.folds) rows; the data has \(dataset.rows)")
        }
        if let dataset, spec.trainer.model == "knn", let kDimension = spec.space.first(where: { $0.name == "k" }) {
            let smallestTrain = dataset.rows - (dataset.rows + spec.cv.folds - 1) / spec.cv.folds
            let largestK = kDimension.discreteValues?.compactMap { $0.number }.max() ?? 0
            if largestK > Double(smallestTrain) {
                problem("space.k", "k reaches \(formatNumber(largestK)) but a training fold has only \(smallestTrain) rows")
            }
        }
        guard problems.isEmpty else { throw SpecError(file: specPath, problems: problems) }

        let trials: [Trial]
        switch spec.search.algorithm {
        case .grid: trials = GridSampler.trials(spec.space)
        case .random: trials = RandomSampler.trials(spec.space, count: spec.search.trials ?? 1, seed: spec.search.seed)
        }
        let assignment = dataset.map {
            Folds.assign(rows: $0.rows, folds: spec.cv.folds, classes: spec.cv.stratified ? $0.labels : nil,
                         shuffle: spec.cv.shuffle, seed: spec.cv.seed)
        } ?? []
        return LoadedSweep(spec: spec, specPath: specPath, dataset: dataset, trials: trials, assignment: assignment)
    }
}
