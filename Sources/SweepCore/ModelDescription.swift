/// One hyperparameter of a built-in model: its name, the values it accepts, and its default.
public struct ModelParameter: Sendable {
    public let name: String
    public let rule: ParamRule
    /// The value a fit uses when the trial does not set it; nil when there is none (`max_depth`:
    /// unlimited) or it depends on the data (`max_features` of a forest).
    public let defaultValue: ParamValue?
    /// The value may not exceed a training fold's row count (k of k-NN): checked against the data.
    public let atMostTrainingRows: Bool
    /// Which end of its range gives the simpler model, where that is textbook (smaller C of a
    /// logistic regression, larger alpha of a ridge): a dimension's `simpler:` when the spec
    /// gives none.
    public let simpler: Dimension.Simpler?

    public init(
        _ name: String, _ rule: ParamRule, default defaultValue: ParamValue? = nil, atMostTrainingRows: Bool = false,
        simpler: Dimension.Simpler? = nil
    ) {
        self.name = name
        self.rule = rule
        self.defaultValue = defaultValue
        self.atMostTrainingRows = atMostTrainingRows
        self.simpler = simpler
    }
}

/// What the spec parser knows of a built-in model: the tasks it does, the parameters it takes and
/// what it reports. SweepML's registry (`BuiltinModels`) describes every model this way, so that
/// SweepCore validates specs without knowing any model by name.
public struct ModelDescription: Sendable {
    public let name: String
    public let tasks: [TaskType]
    /// In the order the README lists them.
    public let parameters: [ModelParameter]
    /// Parameters it does not declare are passed through unchecked (a model that ignores them).
    public let acceptsOtherParameters: Bool
    /// Metrics it reports instead of the task's standard ones.
    public let ownMetrics: [String]?
    /// Whether it trains on the spec's data (false: runs from its parameters alone).
    public let needsData: Bool
    /// Whether it reports validation metrics per iteration or epoch (for asha and median stopping).
    public let reportsProgress: Bool

    public init(
        name: String, tasks: [TaskType], parameters: [ModelParameter], acceptsOtherParameters: Bool = false,
        ownMetrics: [String]? = nil, needsData: Bool = true, reportsProgress: Bool = false
    ) {
        self.name = name
        self.tasks = tasks
        self.parameters = parameters
        self.acceptsOtherParameters = acceptsOtherParameters
        self.ownMetrics = ownMetrics
        self.needsData = needsData
        self.reportsProgress = reportsProgress
    }

    public func parameter(_ name: String) -> ModelParameter? { parameters.first { $0.name == name } }

    /// The metrics a task of this model can report (valid objectives).
    public func metrics(for task: TaskType) -> [String] { ownMetrics ?? MetricInfo.names(for: task) }
}
