/// What runs a task: a built-in model in the worker's process, or a program of the user's.
/// Exactly one of the two, so a spec cannot name a model and a command, nor give a built-in
/// model a workdir.
public enum TrainerSpec: Sendable {
    case builtin(BuiltinTrainerSpec)
    case command(CommandTrainerSpec)

    /// What one task needs of a worker.
    public var resources: Resources {
        switch self {
        case .builtin(let builtin): builtin.resources
        case .command(let command): command.resources
        }
    }

    public var isCommand: Bool {
        if case .command = self { true } else { false }
    }

    /// The built-in model, for a built-in trainer.
    public var model: ModelDescription? {
        if case .builtin(let builtin) = self { builtin.model } else { nil }
    }

    /// The program, for a command trainer.
    public var command: CommandTrainerSpec? {
        if case .command(let command) = self { command } else { nil }
    }
}

/// `trainer: {model: NAME}` — a model of the registry, trained in the worker's process.
public struct BuiltinTrainerSpec: Sendable {
    public var model: ModelDescription
    public var resources: Resources

    public init(model: ModelDescription, resources: Resources = Resources()) {
        self.model = model
        self.resources = resources
    }
}

/// `trainer: {command: [...]}` — the user's program, run once per task by the worker.
public struct CommandTrainerSpec: Sendable {
    /// The program as an argument vector with `{param}` placeholders.
    public var template: CommandTemplate
    /// A directory shipped to every worker and used as the program's files (relative to the spec).
    public var workdir: String?
    public var env: [String: String]
    public var resources: Resources
    /// `trainer.artifacts`: whose `$SWEEP_ARTIFACTS` files come back to the run directory.
    public var artifacts: ArtifactPolicy = .best

    public init(
        template: CommandTemplate, workdir: String? = nil, env: [String: String] = [:],
        resources: Resources = Resources()
    ) {
        self.template = template
        self.workdir = workdir
        self.env = env
        self.resources = resources
    }
}

/// What one task needs of a worker.
public struct Resources: Sendable, Equatable {
    public var cpus: Int
    public var gpus: Int

    public init(cpus: Int = 1, gpus: Int = 0) {
        self.cpus = cpus
        self.gpus = gpus
    }
}
