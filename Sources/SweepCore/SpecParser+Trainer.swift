import Yams

extension SpecParser {
    static let trainerKeys = ["model", "command", "workdir", "env", "resources", "artifacts"]

    /// `trainer:` — exactly one of a built-in `model` or a `command`; `workdir` and `env` only
    /// with a command; `resources` with either.
    static func parseTrainer(_ node: Node?, models: ModelCatalog, _ reader: inout NodeReader) -> TrainerSpec? {
        guard let node else {
            reader.fail(
                "trainer", nil,
                "missing; e.g. trainer: {model: \(models.names.first ?? "NAME")} or trainer: {command: [python3, train.py]}"
            )
            return nil
        }
        guard let entries = reader.mapping(node, "trainer", allowed: trainerKeys) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        var trainer: TrainerSpec?
        switch (fields["model"], fields["command"]) {
        case (nil, nil):
            let names = models.names.joined(separator: ", ")
            reader.fail(
                "trainer", node,
                "give a built-in model (trainer.model: one of \(names)) or a command (trainer.command: [program, args...])"
            )
            return nil
        case (.some, .some):
            reader.fail("trainer", node, "give either model or command, not both")
            return nil
        case (let modelNode?, nil):
            guard let model = parseModel(modelNode, models: models, &reader) else { return nil }
            trainer = .builtin(BuiltinTrainerSpec(model: model))
            for key in ["workdir", "env", "artifacts"] where fields[key] != nil {
                reader.fail(
                    "trainer.\(key)", fields[key], "applies to command trainers only; built-in models need no \(key)")
                trainer = nil
            }
        case (nil, let commandNode?):
            guard let template = parseTemplate(commandNode, &reader) else { return nil }
            trainer = parseCommand(template, workdir: fields["workdir"], env: fields["env"], &reader).map(
                TrainerSpec.command)
            if let node = fields["artifacts"], case .command(var command)? = trainer {
                guard let policy = parseArtifactPolicy(node, &reader) else { return nil }
                command.artifacts = policy
                trainer = .command(command)
            }
        }
        guard let resourcesNode = fields["resources"] else { return trainer }
        guard let resources = parseResources(resourcesNode, &reader) else { return nil }
        switch trainer {
        case .builtin(var builtin)?: builtin.resources = resources; return .builtin(builtin)
        case .command(var command)?: command.resources = resources; return .command(command)
        case nil: return nil
        }
    }

    /// `trainer.model`: a model of the catalog.
    static func parseModel(_ node: Node, models: ModelCatalog, _ reader: inout NodeReader) -> ModelDescription? {
        guard let name = reader.string(node, "trainer.model") else { return nil }
        guard let model = models.named(name) else {
            reader.fail(
                "trainer.model", node,
                "unknown model '\(name)'; built-in models: \(models.names.joined(separator: ", "))"
                    + Suggestion.didYouMean(name, among: models.names))
            return nil
        }
        return model
    }

    /// `trainer.command`: a non-empty list of non-empty strings with well-formed placeholders.
    static func parseTemplate(_ node: Node, _ reader: inout NodeReader) -> CommandTemplate? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.fail("trainer.command", node, "expected a non-empty list: [program, arg, ...] (no shell is used)")
            return nil
        }
        var arguments: [String] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let scalar) = item, scalar.tagName != .null, !scalar.string.isEmpty else {
                reader.fail(
                    "trainer.command[\(index)]", item, "expected a non-empty string, got \(reader.kindName(item))")
                return nil
            }
            arguments.append(scalar.string)
        }
        let template = CommandTemplate(arguments)
        if case .failure(let error) = template.placeholders() {
            reader.fail("trainer.command", node, "\(error)")
            return nil
        }
        return template
    }

    /// A command trainer's `workdir` and `env`.
    static func parseCommand(_ template: CommandTemplate, workdir: Node?, env: Node?, _ reader: inout NodeReader)
        -> CommandTrainerSpec?
    {
        var command = CommandTrainerSpec(template: template)
        var ok = true
        if let workdir {
            if let path = reader.string(workdir, "trainer.workdir") { command.workdir = path } else { ok = false }
        }
        guard let env else { return ok ? command : nil }
        guard let pairs = reader.mapping(env, "trainer.env") else { return nil }
        for (key, value) in pairs {
            guard case .scalar(let scalar) = value, scalar.tagName != .null else {
                reader.fail("trainer.env.\(key)", value, "expected a string value, got \(reader.kindName(value))")
                ok = false
                continue
            }
            if key.isEmpty || key.contains("=") || key.hasPrefix("SWEEP_") {
                reader.fail(
                    "trainer.env.\(key)", value,
                    "'\(key)' cannot be set: names must be non-empty, without '=', and SWEEP_* is reserved")
                ok = false
                continue
            }
            command.env[key] = scalar.string
        }
        return ok ? command : nil
    }

    /// `trainer.resources`: cpus ≥ 1 and gpus ≥ 0 per task.
    static func parseResources(_ node: Node, _ reader: inout NodeReader) -> Resources? {
        guard let pairs = reader.mapping(node, "trainer.resources", allowed: ["cpus", "gpus"]) else { return nil }
        var resources = Resources()
        var ok = true
        for (key, value) in pairs {
            if key == "cpus" {
                if let cpus = reader.int(value, "trainer.resources.cpus", min: 1) {
                    resources.cpus = cpus
                } else {
                    ok = false
                }
            } else {
                if let gpus = reader.int(value, "trainer.resources.gpus", min: 0) {
                    resources.gpus = gpus
                } else {
                    ok = false
                }
            }
        }
        return ok ? resources : nil
    }
}
