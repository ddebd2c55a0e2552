import Foundation
import SweepCore
import SweepML
import SweepProtocol

/// What the loader made of the data file: the dataset (built-in models) or the file as it is
/// (command trainers), and what the folds need.
struct LoadedData {
    var dataset: Dataset?
    var rows: Int?
    /// Class indices per row (classification), for stratified folds.
    var labels: [Int]?
    /// Group indices per row (`cv.group`).
    var groups: [Int]?
    /// The CSV as shipped to command trainers.
    var file: (blob: BlobRef, bytes: [UInt8])?
    var sha256: String?
}

extension SweepLoader {
    /// Reads the data file and checks its columns against the spec's sections that parsed;
    /// problems go into the draft.
    static func loadData(_ draft: inout SpecDraft, directory: URL) -> LoadedData {
        var loaded = LoadedData()
        guard let data = draft.data else { return loaded }
        let dataURL = URL(fileURLWithPath: data.path, relativeTo: directory).standardizedFileURL
        guard let contents = FileManager.default.contents(atPath: dataURL.path) else {
            draft.fail("data.path", "cannot read \(dataURL.path) (paths are relative to the spec file)")
            return loaded
        }
        let bytes = [UInt8](contents)
        loaded.sha256 = ContentHash.sha256(bytes)
        do {
            let table = try CSVTable(parsing: String(decoding: contents, as: UTF8.self))
            if let cv = draft.cv, let group = cv.group {
                loaded.groups = groups(table, column: group, folds: cv.folds, &draft)
            }
            guard let targetColumn = table.header.firstIndex(of: data.target) else {
                draft.fail(
                    "data.target",
                    "no column '\(data.target)' in \(data.path); columns: \(table.header.joined(separator: ", "))"
                        + Suggestion.didYouMean(data.target, among: table.header))
                return loaded
            }
            loaded.rows = table.rows.count
            switch draft.trainer {
            case .command?:
                // The program reads the CSV itself: ship it as it is; only the target matters here.
                if data.task == .classification {
                    let names = Array(Set(table.rows.map { $0[targetColumn] })).sorted()
                    let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
                    loaded.labels = table.rows.map { index[$0[targetColumn]]! }
                }
                loaded.file = (BlobRef(sha256: loaded.sha256!, size: bytes.count), bytes)
            case .builtin?:
                // The group column identifies rows; it is never a feature.
                let group = draft.cv?.group
                let drop = data.drop + (group.map { data.drop.contains($0) ? [] : [$0] } ?? [])
                let dataset = try Dataset(
                    csv: table, target: data.target, classification: data.task == .classification, drop: drop)
                (loaded.dataset, loaded.labels) = (dataset, dataset.labels)
            case nil:
                break  // the trainer is wrong: check only what does not depend on it
            }
        } catch let error as CSVTable.ParseError {
            draft.fail("data.path", "\(data.path) \(error)")
        } catch let error as DatasetError {
            draft.fail("data.path", "\(data.path): \(error)")
        } catch {
            draft.fail("data.path", "\(data.path): \(error)")
        }
        return loaded
    }

    /// Each row's group index, checking that the column exists and has a group per fold.
    static func groups(_ table: CSVTable, column group: String, folds: Int, _ draft: inout SpecDraft) -> [Int]? {
        guard let column = table.header.firstIndex(of: group) else {
            draft.fail(
                "cv.group",
                "no column '\(group)' in \(draft.data?.path ?? "the data"); columns: \(table.header.joined(separator: ", "))"
                    + Suggestion.didYouMean(group, among: table.header))
            return nil
        }
        let values = table.rows.map { $0[column] }
        let distinct = Array(Set(values)).sorted()
        if distinct.count < folds {
            draft.fail("cv.group", "'\(group)' has \(distinct.count) groups, fewer than the \(folds) folds")
        }
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, $0.offset) })
        return values.map { index[$0]! }
    }

    /// Checks that need the data and a part of the spec: the metric against the classes, the
    /// folds against the rows, and parameters bounded by a training fold's rows (k of k-NN).
    static func checkData(_ loaded: LoadedData, _ draft: inout SpecDraft) {
        if let dataset = loaded.dataset { checkWire(dataset, &draft) }
        if let classes = loaded.dataset?.classNames.count ?? loaded.labels.map({ Set($0).count }), classes > 2 {
            // `objective:`, or each of `objectives:` (then in searchedMetricFields), then the constraints'.
            let single =
                draft.searchedMetricFields.first?.field == "objectives[0].metric" ? nil : draft.objective?.metric
            let searched = [("objective.metric", single)] + draft.searchedMetricFields.map { ($0, $1) }
            for case (let field, let metric?) in searched where MetricInfo.named(metric)?.binaryOnly == true {
                let instead = metric == "roc_auc" ? "roc_auc_ovr" : metric + "_macro or " + metric + "_weighted"
                draft.fail(field, "'\(metric)' is for two classes; the data has \(classes): use \(instead)")
            }
        }
        guard let cv = draft.cv else { return }
        if let rows = loaded.rows, cv.folds == 1, let share = cv.testSize {
            let valid = max(1, Int((Double(rows) * share).rounded()))
            if rows - valid < 1 {
                draft.fail(
                    "cv.test_size",
                    "holdout validation on \(valid) of \(rows) rows leaves none to train on; use a smaller test_size")
            }
        } else if let rows = loaded.rows {
            let searchRows = Double(rows) * (1 - (cv.testSize ?? 0))
            let needed = cv.folds + (cv.timeSeries ? 1 : 0)
            if searchRows < Double(needed) {
                draft.fail(
                    "cv.folds",
                    "\(cv.folds) folds need at least \(needed) rows outside the holdout; the data has \(rows)")
            } else if let problem = cv.nestedRowProblem(rows: rows) {
                draft.fail("cv.outer", problem)
            }
        }
        guard let dataset = loaded.dataset, let model = draft.trainer?.model, let space = draft.space,
            cv.nestedRowProblem(rows: dataset.rows) == nil
        else { return }
        // One fold trains on the rows outside its validation share.
        let smallestTrain =
            cv.folds == 1
            ? dataset.rows - max(1, Int((Double(dataset.rows) * (cv.testSize ?? 0)).rounded()))
            : cv.smallestOuterTrain(rows: dataset.rows) - (cv.smallestOuterTrain(rows: dataset.rows) + cv.folds - 1)
                / cv.folds
        for parameter in model.parameters where parameter.atMostTrainingRows {
            guard let dimension = space.first(where: { $0.name == parameter.name }) else { continue }
            let largest = dimension.discreteValues?.compactMap { $0.number }.max() ?? 0
            if largest > Double(smallestTrain) {
                draft.fail(
                    "space.\(parameter.name)",
                    "\(parameter.name) reaches \(formatNumber(largest)) but a training fold has only \(smallestTrain) rows"
                )
            }
        }
    }

    /// Packs a command trainer's workdir into a bundle for shipping.
    static func loadWorkdir(_ draft: inout SpecDraft, directory: URL) -> (blob: BlobRef, bytes: [UInt8])? {
        guard let workdir = draft.trainer?.command?.workdir else { return nil }
        let workdirURL = URL(fileURLWithPath: workdir, relativeTo: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workdirURL.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            draft.fail("trainer.workdir", "\(workdirURL.path) is not a directory (paths are relative to the spec file)")
            return nil
        }
        do {
            let bytes = try BundleArchive.pack(directory: workdirURL)
            return (BlobRef(sha256: ContentHash.sha256(bytes), size: bytes.count), bytes)
        } catch {
            draft.fail("trainer.workdir", "\(error)")
            return nil
        }
    }
}

extension SweepLoader {
    /// A built-in model's data travels as numbers: its columns, categories and classes must fit
    /// the wire's bounds (WireLimits).
    static func checkWire(_ dataset: Dataset, _ draft: inout SpecDraft) {
        if dataset.columns > WireLimits.columns {
            draft.fail("data.path", "\(dataset.columns) feature columns exceed the limit of \(WireLimits.columns)")
        }
        if dataset.classNames.count > WireLimits.classes {
            draft.fail(
                "data.target", "\(dataset.classNames.count) classes exceed the limit of \(WireLimits.classes)")
        }
        for (index, categories) in dataset.categories.enumerated()
        where (categories?.count ?? 0) > WireLimits.categories {
            draft.fail(
                "data.path",
                "column '\(dataset.featureNames[index])' has \(categories!.count) categories; at most \(WireLimits.categories) can travel"
            )
        }
    }
}
