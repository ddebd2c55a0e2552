import SweepCore
import SweepProtocol

/// What the coordinator serves to workers of a loaded sweep: its SETUP, and chunks of its files.
extension LoadedSweep {
    /// The SETUP message every worker gets once per sweep (encoded once: it carries the dataset).
    func setup(sweepID: UInt64) -> Setup {
        let data = dataset.map { dataset -> WireDataset in
            let target: WireDataset.Target
            switch dataset.target {
            case .classes(let labels, let names): target = .classes(labels: labels, count: names.count)
            case .values(let values): target = .values(values)
            }
            var wire = WireDataset(rows: dataset.rows, columns: dataset.columns, features: dataset.features, target: target,
                                   categoryCounts: dataset.categories.map { $0?.count ?? 0 }, imputation: spec.data?.impute ?? "mean")
            wire.progressMetrics = spec.metricNames
            return wire
        }
        let command = spec.trainer.command.map { template in
            WireCommand(arguments: template.arguments, env: spec.trainer.env, cpus: spec.trainer.resources.cpus,
                        gpus: spec.trainer.resources.gpus, objective: spec.objective.metric, seed: spec.search.seed,
                        timeout: spec.limits.taskTimeout, data: dataBlob, workdir: workdirBlob)
        }
        return Setup(sweepID: sweepID, model: spec.trainer.model ?? "", folds: spec.taskFolds,
                     plan: plan, data: command == nil ? data : nil, command: command)
    }

    /// A CHUNK answering a FETCH: the requested range of a served file (total 0: unknown file).
    func chunk(_ hash: String, offset: Int, length: Int) -> Message {
        guard let bytes = blobs[hash], offset >= 0, offset <= bytes.count else {
            return .chunk(sha256: hash, offset: offset, total: 0, bytes: [])
        }
        let end = min(bytes.count, offset + max(0, min(length, 4 << 20)))
        return .chunk(sha256: hash, offset: offset, total: bytes.count, bytes: Array(bytes[offset..<end]))
    }
}
