import Foundation
import Testing

@testable import SweepCore
@testable import SweepML

/// `sweep drift`'s comparison on synthetic data: a feature's mean moved by one standard
/// deviation and a new category are found; the same data and a fresh sample of the same
/// distribution are not flagged; the model's metric is compared when the target is there.
struct DriftTests {
    /// Rows of x ~ N(shift, 1), z ~ N(5, 2) (5 % missing), color in red/green/blue (50/30/20 %,
    /// or `newColor` for 5 % of rows), y = "yes" when x + noise > 0 (flipped when `flip`).
    static func csv(
        rows: Int, seed: UInt64, shift: Double = 0, newColor: String? = nil, flip: Bool = false, target: Bool = true
    ) -> String {
        var generator = SeededGenerator(seed: seed)
        func normal() -> Double {
            let u = max(generator.unit(), 1e-12), v = generator.unit()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var lines = [target ? "x,z,color,y" : "x,z,color"]
        for _ in 0..<rows {
            let x = normal() + shift, z = 5 + 2 * normal()
            let u = generator.unit(), missing = generator.unit() < 0.05
            let color = newColor != nil && u < 0.05 ? newColor! : u < 0.5 ? "red" : u < 0.8 ? "green" : "blue"
            let positive = (x - shift + 0.3 * normal() > 0) != flip
            lines.append(
                "\(x),\(missing ? "" : "\(z)"),\(color)" + (target ? (positive ? ",yes" : ",no") : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A logistic regression fitted on 2,000 rows, its CV estimate set to its training accuracy.
    static func model() throws -> ModelFile {
        let dataset = try Dataset(
            csv: try CSVTable(parsing: csv(rows: 2000, seed: 1)), target: "y", classification: true)
        let plain = try ModelFile.refit(
            model: builtin("logistic_regression"), params: Params([:]), dataset: dataset, targetName: "y")
        let accuracy = plain.score(dataset, rows: Array(0..<dataset.rows))["accuracy"]!
        return try ModelFile.refit(
            model: builtin("logistic_regression"), params: Params([:]), dataset: dataset, targetName: "y",
            cv: CVEstimate(metric: "accuracy", goal: "maximize", mean: accuracy, std: 0.01, folds: 5))
    }

    func report(_ file: ModelFile, _ text: String) throws -> DriftReport {
        try DriftReport(
            file: file, profile: try #require(file.profile), table: try CSVTable(parsing: text),
            thresholds: DriftThresholds())
    }

    @Test func theProfileSummarisesTheTrainingRows() throws {
        let profile = try #require(try Self.model().profile)
        #expect(profile.rows == 2000 && profile.features.map(\.name) == ["x", "z", "color"])
        let x = try #require(profile.features[0].numeric), z = try #require(profile.features[1].numeric)
        #expect(abs(x.mean) < 0.1 && abs(x.std - 1) < 0.1 && x.edges.count == 9 && x.sketch.count == 1000)
        #expect(abs(z.mean - 5) < 0.2 && abs(profile.features[1].missingRate - 0.05) < 0.02)
        #expect(z.count == 2000 - Int((profile.features[1].missingRate * 2000).rounded()))
        let colors = try #require(profile.features[2].categorical).counts
        #expect(Set(colors.keys) == ["red", "green", "blue"] && colors.values.reduce(0, +) == 2000)
        #expect(profile.target.name == "y" && profile.target.categorical?.total == 2000)
        #expect(profile.cv?.metric == "accuracy")
    }

    @Test func aOneSigmaShiftAndANewCategoryAreFound() throws {
        let file = try Self.model()
        let report = try report(file, Self.csv(rows: 2000, seed: 2, shift: 1, newColor: "purple"))
        #expect(report.drifted)
        let x = try #require(report.features.first { $0.name == "x" })
        #expect((x.psi ?? 0) > 0.2 && (x.ks ?? 0) > 0.1 && x.reasons == ["psi", "ks"], "\(x)")
        // KS of N(0,1) against N(1,1) is 2Φ(0.5) − 1 ≈ 0.383.
        #expect(abs((x.ks ?? 0) - 0.383) < 0.05)
        let color = try #require(report.features.first { $0.name == "color" })
        #expect(color.unseen.map(\.name) == ["purple"] && color.reasons.contains("unseen"))
        #expect((color.unseen.first?.count ?? 0) > 50)
        #expect(report.features.first { $0.name == "z" }?.drifted == false)
        #expect(Array(report.features.map(\.name).prefix(2)).sorted() == ["color", "x"], "worst first")
        #expect(report.verdict.contains("2 of 3 features drifted"), "\(report.verdict)")
        let text = report.text()
        #expect(text.contains("unseen in 'color': purple (") && text.contains("psi, ks"), "\(text)")
    }

    @Test func theSameDataAndAFreshSampleAreNotFlagged() throws {
        let file = try Self.model()
        for (seed, label) in [(UInt64(1), "the training data"), (3, "a fresh sample")] {
            let report = try report(file, Self.csv(rows: 2000, seed: seed))
            #expect(!report.drifted, "\(label): \(report.text())")
            #expect(report.metric.map { !$0.worse } == true, "\(label): \(report.text())")
        }
        let same = try report(file, Self.csv(rows: 2000, seed: 1))
        #expect(same.features.allSatisfy { ($0.psi ?? 0) < 1e-9 && ($0.ks ?? 0) <= 0.0011 }, "\(same.features)")
        #expect(same.verdict == "no drift: every statistic is within its threshold")
    }

    @Test func theModelsMetricIsComparedWhenTheTargetIsThere() throws {
        let file = try Self.model()
        let flipped = try report(file, Self.csv(rows: 1000, seed: 4, flip: true))
        let metric = try #require(flipped.metric)
        #expect(metric.metric == "accuracy" && metric.rows == 1000 && metric.worse && metric.new < 0.3, "\(metric)")
        let error = try #require(metric.standardError)
        #expect(error > 0.005 && error < 0.03, "about √(p(1 − p)/1000)")
        #expect(metric.tolerance == max(0.02, 0.01 * metric.cvMean, 2 * error))
        #expect(flipped.drifted && flipped.verdict.contains("accuracy worsened"), "\(flipped.verdict)")
        #expect(flipped.target?.name == "y")
        let unlabelled = try report(file, Self.csv(rows: 500, seed: 5, target: false))
        #expect(unlabelled.metric == nil && unlabelled.target == nil && !unlabelled.drifted)
        #expect(unlabelled.metricNote == "the CSV has no 'y' column: the model's metric is not compared")
    }

    @Test func aCSVLackingTheModelsColumnsIsRefusedNamingThem() throws {
        let file = try Self.model()
        #expect(
            throws: PredictError(
                "the CSV lacks 2 of the model's 3 feature columns: z, color (the model expects: x, z, color)")
        ) {
            try report(file, "x,y\n1,yes\n")
        }
    }

    @Test func aModelFileWithoutAProfileStillLoadsAndPredicts() throws {
        let file = try Self.model()
        var object = try #require(try JSONSerialization.jsonObject(with: file.encoded()) as? [String: Any])
        object["profile"] = nil
        let old = try ModelFile.decode(try JSONSerialization.data(withJSONObject: object), path: "old.json")
        #expect(old.profile == nil)
        let table = try CSVTable(parsing: "x,z,color\n1.5,5,red\n-2,,blue\n")
        let (prediction, _) = try old.predict(table)
        guard case .probabilities(let probabilities) = prediction else { Issue.record("classifier"); return }
        #expect(Metrics.argmax(probabilities) == [1, 0], "x = 1.5 is yes (class 1), x = −2 is no")
    }

    @Test func anotherFormatVersionIsRefusedPlainly() throws {
        #expect(
            throws: PredictError("m.json has an unknown model file version 0; this sweep reads versions 1 to 1")
        ) {
            try ModelFile.decode(Data("{\"format\": \"sweep-model\", \"version\": 0}".utf8), path: "m.json")
        }
        #expect(
            throws: PredictError(
                "m.json is a version 2 model file; this sweep reads up to version 1: upgrade sweep")
        ) {
            try ModelFile.decode(Data("{\"format\": \"sweep-model\", \"version\": 2}".utf8), path: "m.json")
        }
    }
}
