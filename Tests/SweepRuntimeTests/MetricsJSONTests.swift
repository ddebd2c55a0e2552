import Foundation
import Testing

@testable import SweepRuntime

/// The run database's metrics column: written by `metricsJSON`, read back by the fast reader
/// (with the general JSON decoder for anything else), the same values either way.
struct MetricsJSONTests {
    @Test func whatIsWrittenReadsBackExactly() {
        let metrics: [String: Double] = [
            "accuracy": 0.9733333333333334, "loss": -1e-300, "big": 1.7976931348623157e308, "zero": 0,
            "tiny": .leastNonzeroMagnitude, "neg": -42.5, "quote\"d": 1, "back\\slash": 2, "tab\tnewline\n": 3,
            "ünï": 4,
            "with,comma": 5, "with:colon": 6,
        ]
        let text = metricsJSON(metrics)
        #expect(decodeMetrics(text) == metrics)
        #expect(decodeMetrics("{}") == [:])
    }

    @Test func nonFiniteValuesReadAsNaN() {
        let read = decodeMetrics(metricsJSON(["a": .infinity, "b": 1]))
        #expect(read["a"]!.isNaN && read["b"] == 1)
    }

    @Test func theFastReaderAgreesWithJSONDecoderOrDefersToIt() throws {
        let samples = [
            #"{"a":1.5,"b":null,"c":-2e-05}"#, #"{"a b":3}"#, #"{"x":1}"#, #"{"esc\"aped":1}"#,
            #"{"a":"text"}"#, #"{"a":1 }"#, #"[1,2]"#, "", "{", #"{"a":nan}"#,
        ]
        for sample in samples {
            let general = (try? JSONDecoder().decode([String: Double?].self, from: Data(sample.utf8)))?
                .mapValues { $0 ?? .nan }
            guard let fast = decodeWrittenMetrics(sample) else { continue }
            let expected = try #require(general, "the fast reader took what JSON refuses: \(sample)")
            #expect(fast.keys.sorted() == expected.keys.sorted(), "\(sample)")
            for (name, value) in fast {
                #expect(value == expected[name]! || (value.isNaN && expected[name]!.isNaN), "\(sample)")
            }
        }
    }
}
