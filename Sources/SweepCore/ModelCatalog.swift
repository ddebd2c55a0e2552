/// The built-in models a spec may name, as the parser sees them. SweepML's registry provides the
/// catalog (`BuiltinModels.catalog`) and the loader passes it to `SpecParser`: SweepCore sits
/// below SweepML and cannot ask the registry itself.
public struct ModelCatalog: Sendable {
    /// In the order error messages list them.
    public let models: [ModelDescription]

    public init(_ models: [ModelDescription]) { self.models = models }

    public func named(_ name: String) -> ModelDescription? { models.first { $0.name == name } }

    public var names: [String] { models.map(\.name) }

    /// The models that do a task.
    public func names(for task: TaskType) -> [String] { models.filter { $0.tasks.contains(task) }.map(\.name) }
}
