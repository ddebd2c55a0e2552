import Foundation
import Testing

/// Issue 12, item 1, end to end: a trainer that prints more than a result may carry (a progress
/// bar without newlines: 50 lines of 30 KB on stderr) and a 300-character metric name still gets
/// its result counted; what was cut is said in the task's log. Before, the coordinator dropped the
/// whole RESULTS message and the sweep hung at "0/… running".
@Suite(.serialized)
struct WireLimitClusterTests {
    @Test func aTrainerPrintingMegabytesStillHasItsResultCounted() throws {
        let project = try temporaryDirectory()
        let code = project.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try """
        line=$(head -c 30000 /dev/zero | tr '\\0' '#')
        i=0
        while [ $i -lt 50 ]; do echo "$line" >&2; i=$((i+1)); done
        long=$(head -c 300 /dev/zero | tr '\\0' 'm')
        echo "@sweep {\\"score\\": 3, \\"$long\\": 1}"
        """.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try """
        cv: {folds: 2, stratified: false}
        trainer: {command: [sh, train.sh], workdir: code}
        space: {x: {values: [1]}}
        objective: {metric: score, goal: maximize}
        """.write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        defer { run.stop() }
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        let rows = try readResults(out)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0["status"] == "ok" && $0["score"] == "3.0" }, "\(rows)")
        let log = try String(
            contentsOf: out.appendingPathComponent("logs/trial-0-fold-0-attempt-1.log"), encoding: .utf8)
        #expect(log.contains("exceed 256 bytes"))
        #expect(log.utf8.count <= (1 << 20) + 4096)
    }
}
