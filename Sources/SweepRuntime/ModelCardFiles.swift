import Foundation
import GRDB
import SweepCore
import SweepML
import SweepReport

/// Writes the run directory's model card, `MODEL.md` and `model-card.json`, beside the model
/// (`model.json`, or a command trainer's `model/`), from run.db and the files of the directory
/// alone: the end of a sweep and `sweep report` write the same bytes (`RunReport.write` calls it).
/// A finished sweep without a model (refit: false, refit failed, no best trial) has no card, and
/// an old one is removed; a sweep not finished (running, stopped, crashed) keeps what it has.
public enum ModelCardFiles {
    public static let markdownName = "MODEL.md"
    public static let jsonName = "model-card.json"
    /// A command trainer's refitted model: the directory its artifacts land in.
    static let modelDirectory = "model"

    /// What `write` did.
    public enum Outcome: Equatable, Sendable {
        case written, removed, untouched
    }

    /// Writes, removes or leaves the card of the sweep in `directory` (see the type's comment).
    @discardableResult
    public static func write(directory: String) throws -> Outcome {
        try write(directory: directory, summary: try RunReport.load(directory: directory))
    }

    /// The same, with the run's summary already read (by `RunReport.write`: a large sweep's
    /// results are read once), and its database already open when `database` is given.
    @discardableResult
    static func write(directory: String, summary: RunSummary, database open: RunDatabase? = nil) throws -> Outcome {
        guard summary.state == .finished else { return .untouched }
        let database = try open ?? RunDatabase.openForReading(directory: directory)
        let stored = try database.read { db in try StoredCardFacts(db, summary: summary, path: database.path) }
        let found: CardModel?
        do {
            found = try model(stored.summary, spec: stored.spec, directory: directory)
        } catch {
            throw ModelCardError("no model card written (the report files are): \(error)")
        }
        guard stored.summary.best != nil, let model = found else {
            try remove(directory: directory)
            return .removed
        }
        let inputs = ModelCardInputs(
            summary: stored.summary, spec: stored.spec, specFileName: stored.specFileName,
            specPath: stored.specPath, specText: stored.specText, dataSHA256: stored.dataSHA256,
            finishedAt: stored.finishedAt, trainedWith: stored.trainedWith, dataRows: stored.dataRows,
            model: model, nested: nested(directory: directory), writtenBy: SweepVersion.line)
        guard let card = ModelCard.make(inputs) else {
            try remove(directory: directory)
            return .removed
        }
        try RunDirectory.atomicWrite(try card.json(), to: path(directory, jsonName))
        try RunDirectory.atomicWrite(card.markdown, to: path(directory, markdownName))
        return .written
    }

    /// What the card needs that only the end of the sweep knows (the data's rows, for a command
    /// trainer's card, and this sweep's version), as events for the refit's commit to write.
    static func recordFacts(_ sweep: LoadedSweep, in database: RunDatabase) {
        database.event(StoredCardFacts.versionEvent, SweepVersion.line)
        if sweep.spec.data != nil {
            let rows = sweep.plan.searchRows.count + sweep.plan.holdout.count
            database.event(StoredCardFacts.rowsEvent, String(rows))
        }
    }

    /// The model the run's refit left: the recorded model file (or directory), or else, for a
    /// command trainer refitted (`refit: true`), the `model/` its artifacts land in.
    static func model(_ summary: RunSummary, spec: Spec, directory: String) throws -> CardModel? {
        guard summary.modelFile != nil || (spec.trainer.isCommand && spec.refit) else { return nil }
        let name = summary.modelFile ?? modelDirectory
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            return .command(path: name.hasSuffix("/") ? name : name + "/", files: try files(under: url))
        }
        guard summary.modelFile != nil else { return nil }
        let data = try Data(contentsOf: url)
        let file = try ModelFile.decode(data, path: url.path)
        return .builtin(path: name, sha256: ContentHash.sha256(data), file: file)
    }

    /// Every regular file under `root` with its size and SHA-256, sorted by path (symbolic links
    /// are not followed: they are not part of the model).
    static func files(under root: URL) throws -> [ModelCard.File] {
        let rootPath = root.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: rootPath) else { return [] }
        var files: [ModelCard.File] = []
        while let relative = walker.nextObject() as? String {
            let full = URL(fileURLWithPath: rootPath).appendingPathComponent(relative)
            let attributes = try FileManager.default.attributesOfItem(atPath: full.path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            files.append(
                ModelCard.File(
                    path: relative, bytes: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                    sha256: try ContentHash.sha256(fileAt: full)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// best.json's `nested` object ({mean, std, folds, chosen}), when the sweep ran nested CV.
    static func nested(directory: String) -> ModelCard.Nested? {
        guard let data = FileManager.default.contents(atPath: path(directory, "best.json")),
            let best = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let nested = best["nested"] as? [String: Any]
        else { return nil }
        func number(_ value: Any?) -> Double? {
            let double = (value as? Double) ?? (value as? Int).map(Double.init) ?? (value as? NSNumber)?.doubleValue
            return double.flatMap(finite)
        }
        let folds = (nested["folds"] as? [Any] ?? []).map(number)
        return ModelCard.Nested(mean: number(nested["mean"]), std: number(nested["std"]), folds: folds)
    }

    static func remove(directory: String) throws {
        for name in [markdownName, jsonName] {
            let file = path(directory, name)
            if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        }
    }

    static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}

/// What run.db says that the card is made of, read in one transaction.
struct StoredCardFacts {
    static let versionEvent = "sweep-version"
    static let rowsEvent = "data-rows"

    var summary: RunSummary
    var spec: Spec
    var specText: String
    var specPath: String
    var specFileName: String
    var dataSHA256: String?
    var finishedAt: Double?
    var trainedWith: String?
    var dataRows: Int?

    /// Reads the sweep row and two events, not the results (the summary has them).
    init(_ db: Database, summary: RunSummary, path: String) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = 1") else {
            throw RunDatabaseError(description: "\(path) has no sweep record")
        }
        self.summary = summary
        (specText, specPath) = (row["spec_text"], row["spec_path"])
        do {
            spec = try SpecParser.parse(
                specText, file: specPath, defaultName: row["name"], models: BuiltinModels.catalog)
        } catch {
            throw RunDatabaseError(
                description: "the spec stored in \(path) does not parse with this version of sweep:\n\(error)")
        }
        specFileName = RunDatabase.specFileName(specPath)
        dataSHA256 = row["data_sha256"]
        finishedAt = row["finished_at"]
        let latest = "SELECT detail FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1"
        trainedWith = try String.fetchOne(db, sql: latest, arguments: [Self.versionEvent])
        dataRows = try String.fetchOne(db, sql: latest, arguments: [Self.rowsEvent]).flatMap { Int($0) }
    }
}

extension ModelCard {
    /// model-card.json's text: pretty, sorted keys, so the same card gives the same bytes.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads model-card.json, refusing other formats and newer versions plainly.
    public static func decode(_ data: Data, path: String) throws -> ModelCard {
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), header.format == formatName,
            let version = header.version
        else { throw ModelCardError("\(path) is not a sweep model card (model-card.json from a run directory)") }
        guard (1...currentVersion).contains(version) else {
            throw ModelCardError(
                "\(path) is a version \(version) model card; this sweep reads versions 1 to \(currentVersion)")
        }
        do {
            return try JSONDecoder().decode(ModelCard.self, from: data)
        } catch {
            throw ModelCardError("\(path) is damaged: \(error)")
        }
    }
}

/// A model card that could not be read, said plainly.
public struct ModelCardError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
