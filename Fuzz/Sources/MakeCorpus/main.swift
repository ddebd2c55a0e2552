import Foundation
import SweepCore
import SweepProtocol

/// Writes one valid encoding of every message type into the seed corpus directory.
let directory = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "corpus"
let lease = LeaseRef(trial: 12, fold: 3, attempt: 1)
let hash = String(repeating: "c", count: 64)
let messages: [(String, Message)] = [
    (
        "hello",
        .hello(
            Hello(
                workerID: "w@h", incarnation: 99, name: "w", host: "h", slots: 4, gpus: 1, cachedSweep: 0,
                running: [lease]))
    ),
    ("welcome", .welcome(sweepID: 1, heartbeatMilliseconds: 1000)),
    (
        "setup-data",
        .setup(
            Setup(
                sweepID: 1, folds: 2,
                plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1, 1, 0]]),
                trainer: .builtin(
                    WireBuiltin(
                        model: "knn", progressMetrics: ["accuracy"],
                        data: WireDataset(
                            rows: 4, columns: 1, features: [1, 2, 3, 4],
                            target: .classes(labels: [0, 1, 0, 1], count: 2))))))
    ),
    (
        "setup-data-file",
        .setup(
            Setup(
                sweepID: 1, folds: 2,
                plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1, 1, 0]]),
                trainer: .builtin(
                    WireBuiltin(
                        model: "knn", progressMetrics: ["accuracy"], data: nil,
                        dataBlob: BlobRef(sha256: hash, size: 4096)))))
    ),
    (
        "setup-command",
        .setup(
            Setup(
                sweepID: 1, folds: 2, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1]]),
                trainer: .command(
                    WireCommand(
                        arguments: ["sh", "t.sh", "{x}"], env: ["A": "1"], cpus: 1, gpus: 0,
                        objective: "score", seed: 0, timeout: 60,
                        data: BlobRef(sha256: hash, size: 100), workdir: nil, artifactLimit: 1 << 20))))
    ),
    (
        "work",
        .work(
            sweepID: 1, acks: [lease],
            tasks: [
                Assignment(
                    lease: lease,
                    params: Params(["C": .double(0.5), "k": .int(3), "w": .string("u"), "b": .bool(false)]))
            ])
    ),
    (
        "results",
        .results(
            sweepID: 1,
            [
                TaskResult(
                    lease: lease, succeeded: true, duration: 0.5, metrics: ["accuracy": 0.9], error: "", log: "tail")
            ])
    ),
    (
        "results-artifacts",
        .results(
            sweepID: 1,
            [
                TaskResult(
                    lease: lease, succeeded: true, duration: 0.5, metrics: ["accuracy": 0.9], error: "", log: "",
                    artifacts: ArtifactManifest(
                        files: [ArtifactFile(path: "model/w.bin", size: 4096, sha256: hash, mode: 0o644)],
                        refused: "refused symbolic link 'x' (artifacts are regular files)"))
            ])
    ),
    ("heartbeat", .heartbeat), ("reregister", .reregister), ("sweep-done", .sweepDone(sweepID: 1)),
    ("rejected", .rejected(reason: "bad")), ("goodbye", .goodbye),
    ("fetch", .fetch(sha256: hash, offset: 0, length: 1 << 20)),
    ("chunk", .chunk(sha256: hash, offset: 0, total: 4, bytes: [1, 2, 3, 4])),
    ("progress", .progress(sweepID: 1, lease: lease, step: 5, metrics: ["loss": 0.1])),
    ("cancel", .cancel(sweepID: 1, [lease])),
]
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
for (name, message) in messages {
    try Data(Codec.encode(message)).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
}
print("wrote \(messages.count) seeds to \(directory)")
