import Yams

/// Turns spec text (YAML or JSON) into a validated `Spec`, or a `SpecError` listing every problem
/// with its field and line. Pure: checks that need the file system (the data file, its columns)
/// happen in the runtime, which adds problems in the same form.
public enum SpecParser {
    static let topKeys = ["name", "data", "cv", "trainer", "search", "space", "objective", "limits", "refit", "early_stopping"]
    /// The largest grid we expand; a bigger one is almost always a typo in a range.
    public static let maxTrials = 1_000_000

    public static func parse(_ text: String, file: String = "spec", defaultName: String = "sweep") throws(SpecError) -> Spec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, problems: [SpecProblem(field: "", line: nil, message: "the spec is empty")])
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError(file: file, problems: [yamlProblem(error)])
        }
        var reader = NodeReader()
        let spec = parse(root, defaultName: defaultName, reader: &reader)
        guard reader.problems.isEmpty, let spec else {
            throw SpecError(file: file, problems: reader.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        return spec
    }

    static func parse(_ root: Node, defaultName: String, reader: inout NodeReader) -> Spec? {
        guard let entries = reader.mapping(root, "", allowed: topKeys) else { return nil }
        let sections = Dictionary(entries, uniquingKeysWith: { first, _ in first })

        let name = sections["name"].flatMap { reader.string($0, "name") } ?? defaultName
        let data = sections["data"].flatMap { parseData($0, &reader) }
        let trainer = parseTrainer(sections["trainer"], &reader)
        let model = trainer?.model.flatMap(ModelInfo.named)
        let task = data?.task ?? .classification
        let cv = parseCV(sections["cv"], task: task, hasLabels: data != nil || sections["data"] != nil, &reader)
        let search = parseSearch(sections["search"], &reader)
        let space = parseSpace(sections["space"], model: model, search: search, &reader)
        // If the trainer itself is wrong, do not also judge the metric against the wrong kind of trainer.
        let objective = parseObjective(sections["objective"], model: model, isCommand: trainer?.isCommand ?? true, task: task, &reader)
        let limits = parseLimits(sections["limits"], &reader)

        if let model {
            if model.needsData && data == nil && sections["data"] == nil {
                reader.fail("data", nil, "required for model '\(model.name)': give {path: FILE.csv, target: COLUMN, task: classification|regression}")
            }
            if let data, !model.tasks.contains(data.task) {
                reader.fail("trainer.model", nil, "'\(model.name)' does not do \(data.task); models for \(data.task): \(ModelInfo.all.filter { $0.tasks.contains(data.task) }.map(\.name).joined(separator: ", "))")
            }
        }
        if let command = trainer?.command, let space, case .success(let used) = command.placeholders() {
            let known = Set(space.map(\.name))
            for missing in used.subtracting(known).sorted() {
                reader.fail("trainer.command", nil, "placeholder {\(missing)} names no parameter in space; parameters: \(known.sorted().joined(separator: ", "))")
            }
        }
        let refit = sections["refit"].map { reader.bool($0, "refit") } ?? true
        // nil: none asked for; .some(nil): asked for wrongly (reported).
        let earlyStopping = sections["early_stopping"].map {
            parseEarlyStopping($0, model: model, taskFolds: cv?.taskFolds, &reader)
        }
        if let space, let search { checkSearchSpace(space, search, sections["space"], &reader) }
        guard let trainer, let cv, let search, let space, let objective, let limits, let refit, earlyStopping != .some(nil) else { return nil }
        var spec = Spec(name: name, data: data, cv: cv, trainer: trainer, search: search,
                        space: space, objective: objective, limits: limits, refit: refit, lines: reader.lines)
        spec.earlyStopping = earlyStopping ?? nil
        return spec
    }

    static func parseData(_ node: Node, _ reader: inout NodeReader) -> DataSpec? {
        guard let entries = reader.mapping(node, "data", allowed: ["path", "target", "task", "drop", "impute"]) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        let path = fields["path"].flatMap { reader.string($0, "data.path") }
        let target = fields["target"].flatMap { reader.string($0, "data.target") }
        let task = fields["task"].flatMap { reader.choice($0, "data.task", TaskType.self, options: TaskType.allCases) }
        for key in ["path", "target", "task"] where fields[key] == nil {
            reader.fail("data.\(key)", node, "missing; data needs path, target and task (classification or regression)")
        }
        var drop: [String] = []
        if let dropNode = fields["drop"] {
            guard case .sequence(let items) = dropNode else {
                reader.fail("data.drop", dropNode, "expected a list of column names, e.g. drop: [id, name]")
                return nil
            }
            for (index, item) in items.enumerated() {
                guard let name = reader.string(item, "data.drop[\(index)]") else { return nil }
                drop.append(name)
            }
            if let target, drop.contains(target) { reader.fail("data.drop", dropNode, "cannot drop the target column '\(target)'"); return nil }
        }
        var impute = "mean"
        if let imputeNode = fields["impute"] {
            guard let text = reader.string(imputeNode, "data.impute") else { return nil }
            guard ["mean", "median", "most_frequent"].contains(text) else {
                reader.fail("data.impute", imputeNode, "'\(text)' is not one of: mean, median, most_frequent")
                return nil
            }
            impute = text
        }
        guard let path, let target, let task else { return nil }
        return DataSpec(path: path, target: target, task: task, drop: drop, impute: impute)
    }

    static let trainerKeys = ["model", "command", "workdir", "env", "resources"]

    /// `trainer:` — exactly one of a built-in `model` or a `command`; `workdir` and `env` only
    /// with a command; `resources` with either.
    static func parseTrainer(_ node: Node?, _ reader: inout NodeReader) -> TrainerSpec? {
        let models = ModelInfo.all.map(\.name).joined(separator: ", ")
        guard let node else {
            reader.fail("trainer", nil, "missing; e.g. trainer: {model: logistic_regression} or trainer: {command: [python3, train.py]}")
            return nil
        }
        guard let entries = reader.mapping(node, "trainer", allowed: trainerKeys) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        var trainer = TrainerSpec()
        var ok = true
        switch (fields["model"], fields["command"]) {
        case (nil, nil):
            reader.fail("trainer", node, "give a built-in model (trainer.model: one of \(models)) or a command (trainer.command: [program, args...])")
            return nil
        case (.some, .some):
            reader.fail("trainer", node, "give either model or command, not both")
            return nil
        case (let modelNode?, nil):
            guard let name = reader.string(modelNode, "trainer.model") else { return nil }
            guard ModelInfo.named(name) != nil else {
                reader.fail("trainer.model", modelNode, "unknown model '\(name)'; built-in models: \(models)")
                return nil
            }
            trainer.model = name
            for key in ["workdir", "env"] where fields[key] != nil {
                reader.fail("trainer.\(key)", fields[key], "applies to command trainers only; built-in models need no \(key)")
                ok = false
            }
        case (nil, let commandNode?):
            guard case .sequence(let items) = commandNode, !items.isEmpty else {
                reader.fail("trainer.command", commandNode, "expected a non-empty list: [program, arg, ...] (no shell is used)")
                return nil
            }
            var arguments: [String] = []
            for (index, item) in items.enumerated() {
                guard case .scalar(let scalar) = item, scalar.tagName != .null, !scalar.string.isEmpty else {
                    reader.fail("trainer.command[\(index)]", item, "expected a non-empty string, got \(reader.kindName(item))")
                    return nil
                }
                arguments.append(scalar.string)
            }
            let command = CommandTemplate(arguments)
            if case .failure(let error) = command.placeholders() {
                reader.fail("trainer.command", commandNode, "\(error)")
                return nil
            }
            trainer.command = command
            if let workdir = fields["workdir"] {
                if let path = reader.string(workdir, "trainer.workdir") { trainer.workdir = path } else { ok = false }
            }
            if let env = fields["env"] {
                if let pairs = reader.mapping(env, "trainer.env") {
                    for (key, value) in pairs {
                        guard case .scalar(let scalar) = value, scalar.tagName != .null else {
                            reader.fail("trainer.env.\(key)", value, "expected a string value, got \(reader.kindName(value))")
                            ok = false
                            continue
                        }
                        if key.isEmpty || key.contains("=") || key.hasPrefix("SWEEP_") {
                            reader.fail("trainer.env.\(key)", value, "'\(key)' cannot be set: names must be non-empty, without '=', and SWEEP_* is reserved")
                            ok = false
                            continue
                        }
                        trainer.env[key] = scalar.string
                    }
                } else { ok = false }
            }
        }
        if let resources = fields["resources"] {
            guard let pairs = reader.mapping(resources, "trainer.resources", allowed: ["cpus", "gpus"]) else { return nil }
            for (key, value) in pairs {
                if key == "cpus" {
                    if let cpus = reader.int(value, "trainer.resources.cpus", min: 1) { trainer.resources.cpus = cpus } else { ok = false }
                } else {
                    if let gpus = reader.int(value, "trainer.resources.gpus", min: 0) { trainer.resources.gpus = gpus } else { ok = false }
                }
            }
        }
        return ok ? trainer : nil
    }

    static func parseCV(_ node: Node?, task: TaskType, hasLabels: Bool, _ reader: inout NodeReader) -> CVSpec? {
        var cv = CVSpec(folds: 5, stratified: task == .classification && hasLabels, shuffle: true, seed: 0)
        guard let node else { return cv }
        guard let entries = reader.mapping(node, "cv", allowed: ["folds", "stratified", "shuffle", "seed", "repeats", "group", "time_series", "test_size"]) else { return nil }
        var ok = true
        var explicitStratified = false
        for (key, value) in entries {
            switch key {
            case "repeats": if let repeats = reader.int(value, "cv.repeats", min: 1) { cv.repeats = repeats } else { ok = false }
            case "group": if let group = reader.string(value, "cv.group") { cv.group = group } else { ok = false }
            case "time_series": if let flag = reader.bool(value, "cv.time_series") { cv.timeSeries = flag } else { ok = false }
            case "test_size":
                if let share = reader.number(value, "cv.test_size"), share > 0, share < 1 { cv.testSize = share }
                else { reader.fail("cv.test_size", value, "expected a share of rows between 0 and 1, e.g. test_size: 0.2"); ok = false }
            case "folds": if let folds = reader.int(value, "cv.folds", min: 2) { cv.folds = folds } else { ok = false }
            case "stratified":
                if let stratified = reader.bool(value, "cv.stratified") {
                    cv.stratified = stratified
                    explicitStratified = stratified
                    if stratified && task == .regression {
                        reader.fail("cv.stratified", value, "stratified folds need class labels; data.task is regression (use stratified: false)")
                        ok = false
                    } else if stratified && !hasLabels {
                        reader.fail("cv.stratified", value, "stratified folds need class labels from data; without data your program splits by SWEEP_FOLD (use stratified: false)")
                        ok = false
                    }
                } else { ok = false }
            case "shuffle": if let shuffle = reader.bool(value, "cv.shuffle") { cv.shuffle = shuffle } else { ok = false }
            default: if let seed = reader.int(value, "cv.seed", min: 0) { cv.seed = UInt64(seed) } else { ok = false }
            }
        }
        guard ok else { return nil }
        // Schemes that decide fold membership themselves do not stratify.
        if cv.group != nil || cv.timeSeries {
            let scheme = cv.group != nil ? "cv.group" : "cv.time_series"
            if explicitStratified { reader.fail("cv.stratified", node, "\(scheme) decides which rows share a fold; remove stratified: true"); return nil }
            cv.stratified = false
        }
        if cv.group != nil && cv.timeSeries { reader.fail("cv.group", node, "choose group folds or a time-series split, not both"); return nil }
        if cv.repeats > 1 && (cv.group != nil || cv.timeSeries || !cv.shuffle) {
            reader.fail("cv.repeats", node, "repeats need shuffled k-fold splits (each repeat shuffles anew); they do not apply to group, time-series or unshuffled folds")
            return nil
        }
        if cv.group != nil && !hasLabels {
            reader.fail("cv.group", node, "group folds need data with the group column")
            return nil
        }
        return cv
    }

    static func parseObjective(_ node: Node?, model: ModelInfo?, isCommand: Bool, task: TaskType, _ reader: inout NodeReader) -> Objective? {
        let valid = model?.metrics(for: task) ?? MetricInfo.names(for: task)
        var metric: String? = isCommand ? nil : valid[0]
        var goal: Goal?
        if let node {
            guard let entries = reader.mapping(node, "objective", allowed: ["metric", "goal"]) else { return nil }
            for (key, value) in entries {
                if key == "metric" {
                    guard let name = reader.string(value, "objective.metric") else { return nil }
                    if !isCommand && !valid.contains(name) {
                        let other = MetricInfo.named(name)?.task.map { " is for \($0); this sweep does \(task)" } ?? " is unknown"
                        reader.fail("objective.metric", value, "'\(name)'\(other); use one of: \(valid.joined(separator: ", "))")
                        return nil
                    }
                    metric = name
                } else {
                    guard let parsed = reader.choice(value, "objective.goal", Goal.self, options: [.maximize, .minimize]) else { return nil }
                    goal = parsed
                }
            }
        }
        guard let metric else {
            reader.fail("objective.metric", node, "required for a command trainer: the name of the metric your program reports, e.g. objective: {metric: accuracy, goal: maximize}")
            return nil
        }
        guard let direction = goal ?? MetricInfo.named(metric).map({ $0.higherIsBetter ? Goal.maximize : .minimize }) else {
            reader.fail("objective.goal", node, "'\(metric)' is not a metric Sweep knows; say whether to maximize or minimize it")
            return nil
        }
        return Objective(metric: metric, goal: direction)
    }

    static func parseLimits(_ node: Node?, _ reader: inout NodeReader) -> Limits? {
        var limits = Limits(taskTimeout: 600, maxAttempts: 3)
        guard let node else { return limits }
        guard let entries = reader.mapping(node, "limits", allowed: ["task_timeout", "max_attempts"]) else { return nil }
        var ok = true
        for (key, value) in entries {
            if key == "task_timeout" {
                if let seconds = reader.duration(value, "limits.task_timeout") { limits.taskTimeout = seconds } else { ok = false }
            } else {
                if let attempts = reader.int(value, "limits.max_attempts", min: 1) { limits.maxAttempts = attempts } else { ok = false }
            }
        }
        return ok ? limits : nil
    }

    static func yamlProblem(_ error: Error) -> SpecProblem {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return SpecProblem(field: "", line: mark.line, message: "not valid YAML or JSON: \(problem)")
            default: break
            }
        }
        return SpecProblem(field: "", line: nil, message: "not valid YAML or JSON: \(error)")
    }
}
