import SweepCore
import SweepML
import SweepProtocol

/// What the coordinator serves to workers of a loaded sweep: its SETUP, and chunks of its files.
extension LoadedSweep {
    /// The SETUP message every worker gets once per sweep (encoded once: it carries the dataset):
    /// a built-in model with its data as numbers, or a command whose data and workdir workers
    /// fetch as files.
    public func setup(sweepID: UInt64) -> Setup {
        let trainer: WireTrainer
        switch spec.trainer {
        case .builtin(let builtin):
            trainer = .builtin(
                WireBuiltin(
                    model: builtin.model.name, progressMetrics: spec.metricNames,
                    data: datasetBlob == nil ? wireDataset : nil, dataBlob: datasetBlob))
        case .command(let command):
            trainer = .command(
                WireCommand(
                    arguments: command.template.arguments, env: command.env, cpus: command.resources.cpus,
                    gpus: command.resources.gpus,
                    objective: spec.objective.metric, seed: spec.search.seed, timeout: spec.limits.taskTimeout,
                    data: dataBlob, workdir: workdirBlob,
                    artifactLimit: command.artifacts == .none ? 0 : spec.limits.maxArtifactBytes))
        }
        return Setup(sweepID: sweepID, folds: spec.taskFolds, plan: plan, trainer: trainer)
    }

    /// The dataset as numbers (built-in models that need data).
    var wireDataset: WireDataset? {
        dataset.map { dataset in
            let target: WireDataset.Target
            switch dataset.target {
            case .classes(let labels, let names): target = .classes(labels: labels, count: names.count)
            case .values(let values): target = .values(values)
            }
            return WireDataset(
                rows: dataset.rows, columns: dataset.columns, features: dataset.features, target: target,
                categoryCounts: dataset.categories.map { $0?.count ?? 0 }, imputation: spec.data?.impute ?? "mean")
        }
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
