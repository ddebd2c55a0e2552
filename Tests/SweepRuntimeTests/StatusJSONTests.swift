import Foundation
import Testing

@testable import SweepCore
@testable import SweepRuntime

/// `sweep status --json` gives the best trial's parameters as a JSON object (numbers, strings and
/// booleans as the spec wrote them), while the text output keeps its one-line form.
@Suite struct StatusJSONTests {
    @Test func theBestParamsAreAnObjectInJSONAndUnchangedInText() throws {
        let fixture = try RunDatabaseFixture()
        fixture.database.trialAdded(fixture.trial(0, 2))
        fixture.count(0, 0, score: 2)
        fixture.count(0, 1, score: 2)
        try fixture.database.commit()
        let status = try RunStatus.read(directory: fixture.run)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        let best = try #require(object["best"] as? [String: Any])
        let params = try #require(best["params"] as? [String: Any], "params is an object, not a string")
        #expect(params["score"] as? Int == 2)
        #expect(status.text.contains("best so far: trial 0 {\"score\": 2} — score 2.0000"))
    }

    @Test func paramsOfEveryKindRoundTripThroughJSON() throws {
        let params = Params([
            "C": .double(0.5), "k": .int(3), "kernel": .string("rbf"), "shrinking": .bool(true), "bad": .double(.nan),
        ])
        let best = RunStatus.Best(trial: 7, params: params, metric: "accuracy", mean: 0.9)
        let data = try JSONEncoder().encode(best)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let encoded = try #require(object["params"] as? [String: Any])
        #expect(encoded["C"] as? Double == 0.5 && encoded["k"] as? Int == 3)
        #expect(encoded["kernel"] as? String == "rbf" && encoded["shrinking"] as? Bool == true)
        #expect(encoded["bad"] is NSNull, "a non-finite number is null, which JSON can hold")
        let decoded = try JSONDecoder().decode(RunStatus.Best.self, from: data)
        #expect(decoded.params["kernel"] == .string("rbf") && decoded.params["k"] == .int(3))
        #expect(decoded.params["C"] == .double(0.5) && decoded.params["shrinking"] == .bool(true))
    }
}
