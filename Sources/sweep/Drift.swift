import ArgumentParser
import Foundation
import SweepML
import SweepRuntime

struct Drift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare new data with the data a refitted model was trained on.",
        discussion: """
            Per feature: the population stability index (PSI, over the training deciles for numbers, over the \
            categories for categories; an empty bin counts as 0.0001 of the rows), the Kolmogorov–Smirnov \
            statistic for numbers, categories the training data never had, and missing-value rates. With the \
            target column present: the target's shift, and the model's objective on the new rows against its \
            cross-validated estimate. Exit status: 0 when nothing passes a threshold, 1 when drift is found, \
            2 for bad input (unreadable files, a CSV lacking the model's columns, a model without a profile).
            """)

    @Argument(help: "The model file (RUN_DIR/model.json).")
    var model: String

    @Argument(help: "A CSV with the model's feature columns (and, optionally, its target column).")
    var csv: String

    @Option(name: .customLong("psi-threshold"), help: "Drift when a column's PSI is above this.")
    var psi = 0.2

    @Option(name: .customLong("ks-threshold"), help: "Drift when a numeric column's KS statistic is above this.")
    var ks = 0.1

    @Option(
        name: .customLong("missing-threshold"),
        help: "Drift when a column's missing-value rate changes by more than this (0.05: five points).")
    var missing = 0.05

    @Option(
        name: .customLong("unseen-threshold"),
        help: "Drift when more than this share of a column's values are categories unseen in training.")
    var unseen = 0.0

    @Option(
        name: .customLong("metric-tolerance"),
        help:
            "Drift when the model scores worse than its CV mean by more than this (default: the larger of 2 CV standard deviations and 1 % of the CV mean)."
    )
    var metricTolerance: Double?

    @Flag(help: "Write the report as JSON.")
    var json = false

    func validate() throws {
        for (name, value) in [("--psi-threshold", psi), ("--ks-threshold", ks), ("--missing-threshold", missing)]
        where !(value >= 0) {
            throw ValidationError("\(name) must be a number ≥ 0, got \(value)")
        }
        if !(0...1).contains(unseen) { throw ValidationError("--unseen-threshold must be in [0, 1], got \(unseen)") }
        if let metricTolerance, !(metricTolerance >= 0) {
            throw ValidationError("--metric-tolerance must be ≥ 0, got \(metricTolerance)")
        }
    }

    func run() throws {
        guard let modelData = FileManager.default.contents(atPath: model) else {
            throw PredictError("cannot read model file \(model)")
        }
        let file = try ModelFile.decode(modelData, path: model)
        guard let profile = file.profile else {
            throw PredictError(
                "\(model) predates data profiles (an older sweep wrote it), so there is nothing to compare new data with; get a model file with a profile by running its spec again with this sweep (sweep run SPEC), or, for a search with a trials budget, by giving the finished run more (sweep resume RUN_DIR --trials N): its best configuration is refitted with a profile at the end"
            )
        }
        guard let csvData = FileManager.default.contents(atPath: csv) else { throw PredictError("cannot read \(csv)") }
        let table: CSVTable
        do { table = try CSVTable(parsing: String(decoding: csvData, as: UTF8.self)) } catch {
            throw PredictError("\(csv) \(error)")
        }
        guard !table.rows.isEmpty else { throw PredictError("\(csv) has a header but no rows") }
        var thresholds = DriftThresholds()
        thresholds.psi = psi
        thresholds.ks = ks
        thresholds.missing = missing
        thresholds.unseen = unseen
        thresholds.metricTolerance = metricTolerance
        let report = try DriftReport(file: file, profile: profile, table: table, thresholds: thresholds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text(), terminator: "")
        }
        if report.drifted { throw ExitCode(1) }
    }
}
