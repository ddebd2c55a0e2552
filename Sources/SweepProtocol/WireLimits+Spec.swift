import SweepCore

/// Validation knows the wire: a spec whose counts, names or sizes the protocol could not carry is
/// refused at `sweep validate`, with the field and line, rather than failing every task later.
extension WireLimits {
    /// Adds a problem to `draft` for everything of its spec the wire cannot carry (nothing when
    /// the spec did not parse: its other problems come first).
    public static func check(_ draft: inout SpecDraft) {
        guard let spec = draft.spec else { return }
        let limit = formatted(folds)
        if spec.cv.folds > folds {
            draft.fail("cv.folds", "\(spec.cv.folds) folds exceed the limit of \(limit) a sweep can carry")
        } else if let outer = spec.cv.outer, spec.taskFolds > folds {
            draft.fail(
                "cv.outer",
                "\(spec.cv.folds) folds × (1 + \(outer) outer folds) tasks per trial exceed the limit of \(limit)")
        } else if spec.cv.repeats > folds || spec.taskFolds > folds {
            draft.fail(
                "cv.repeats",
                "\(spec.cv.folds) folds × \(spec.cv.repeats) repeats = \(spec.cv.folds * spec.cv.repeats) tasks per trial exceed the limit of \(limit)"
            )
        }
        if spec.limits.maxAttempts > attempts {
            draft.fail(
                "limits.max_attempts",
                "\(spec.limits.maxAttempts) attempts exceed the limit of \(formatted(attempts)) per task")
        }
        if let trials = spec.search.trials, trials > Int(Int32.max) {
            draft.fail("search.trials", "\(trials) trials exceed the limit of \(formatted(Int(Int32.max)))")
        }
        name(spec.objective.metric, "objective.metric", "the objective's metric name", &draft)
        for (index, objective) in spec.moreObjectives.enumerated() {
            name(objective.metric, "objectives[\(index + 1)].metric", "an objective's metric name", &draft)
        }
        for (index, constraint) in spec.constraints.enumerated() {
            name(constraint.metric, "constraints[\(index)].metric", "a constrained metric's name", &draft)
        }
        checkSpace(spec.space, &draft)
        if case .command(let command) = spec.trainer { checkCommand(command, &draft) }
        let resources = spec.trainer.resources
        if resources.cpus > slots {
            draft.fail(
                "trainer.resources.cpus", "\(resources.cpus) cpus exceed the limit of \(formatted(slots)) per task")
        }
        if resources.gpus > gpus {
            draft.fail(
                "trainer.resources.gpus", "\(resources.gpus) GPUs exceed the limit of \(formatted(gpus)) per task")
        }
    }

    /// Parameter names, and the string values a parameter can take.
    static func checkSpace(_ space: [Dimension], _ draft: inout SpecDraft) {
        for dimension in space {
            let field = "space.\(dimension.name)"
            name(dimension.name, field, "the parameter name", &draft)
            var values = dimension.condition?.values ?? []
            switch dimension.kind {
            case .constant(let value): values.append(value)
            case .values(let choices): values += choices
            case .uniform, .logUniform, .int: break
            }
            for case .string(let text) in values where text.utf8.count > paramStringBytes {
                draft.fail(
                    field,
                    "the value '\(prefix(text, bytes: 40))…' has \(text.utf8.count) bytes; a parameter's string value may have at most \(paramStringBytes)"
                )
                break
            }
        }
    }

    /// A command's arguments and environment.
    static func checkCommand(_ command: CommandTrainerSpec, _ draft: inout SpecDraft) {
        for (index, argument) in command.template.arguments.enumerated() where argument.utf8.count > argumentBytes {
            draft.fail(
                "trainer.command",
                "argument \(index) has \(argument.utf8.count) bytes; an argument may have at most \(describe(bytes: argumentBytes))"
            )
        }
        for (key, value) in command.env.sorted(by: { $0.key < $1.key }) {
            if key.utf8.count > environmentNameBytes {
                draft.fail(
                    "trainer.env", "an environment name of \(key.utf8.count) bytes exceeds \(environmentNameBytes)")
            }
            if value.utf8.count > argumentBytes {
                draft.fail(
                    "trainer.env.\(key)",
                    "\(value.utf8.count) bytes exceed the limit of \(describe(bytes: argumentBytes)) for a value")
            }
        }
    }

    static func name(_ text: String, _ field: String, _ what: String, _ draft: inout SpecDraft) {
        guard text.utf8.count > nameBytes else { return }
        draft.fail(field, "\(what) has \(text.utf8.count) bytes; names may have at most \(nameBytes) bytes")
    }

    /// 65536 → "65,536".
    static func formatted(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
