import Yams

extension SpecParser {
    /// `cv.outer` (nested CV) is honest only when nothing chooses trials by scores on rows that
    /// are some outer fold's test rows, and when the sweep can refit each outer fold's winner.
    /// Everything else is refused here, each with what would work.
    static func checkNested(
        _ cv: CVSpec, trainer: TrainerSpec, search: SearchSpec, objectives: [Objective], constraints: [Constraint],
        earlyStopping: EarlyStopping?, hasData: Bool, _ sections: [String: Node], _ reader: inout NodeReader
    ) -> Bool {
        guard let outer = cv.outer else { return true }
        let node = sections["cv"]
        let problems = nestedProblems(
            cv, outer: outer, trainer: trainer, search: search, objectives: objectives, constraints: constraints,
            earlyStopping: earlyStopping, hasData: hasData)
        for (field, message) in problems {
            reader.fail(
                field, field == "cv.outer" ? node : sections[String(field.prefix { $0 != "." })] ?? node, message)
        }
        return problems.isEmpty
    }

    /// The problems of a nested-CV spec, by field (pure, for the parser and its tests).
    static func nestedProblems(
        _ cv: CVSpec, outer: Int, trainer: TrainerSpec, search: SearchSpec, objectives: [Objective],
        constraints: [Constraint], earlyStopping: EarlyStopping?, hasData: Bool
    ) -> [(String, String)] {
        var problems: [(String, String)] = []
        let leak =
            "its choices would use scores on rows that are some outer fold's test rows, so the nested estimate would be biased"
        if !hasData {
            problems.append(("cv.outer", "nested CV splits the data's rows into outer folds; the sweep has no data"))
        }
        if trainer.isCommand {
            problems.append(
                (
                    "cv.outer",
                    "nested CV refits each outer fold's winner on that fold's training rows, which needs a built-in model (trainer.model); a command trainer's program cannot be refitted by the sweep"
                ))
        }
        if ![.grid, .random, .sobol].contains(search.algorithm) {
            problems.append(
                (
                    "search.algorithm",
                    "\(search.algorithm.rawValue) adapts its suggestions to earlier scores; with cv.outer \(leak). Use grid, random or sobol"
                ))
        }
        if let earlyStopping {
            problems.append(
                (
                    "early_stopping",
                    "\(earlyStopping.name) stops trials by their scores; with cv.outer \(leak). Remove early_stopping"
                ))
        }
        if search.stopAfterNoImprovement != nil {
            problems.append(
                (
                    "search.stop_after_no_improvement",
                    "it ends the search by scores; with cv.outer \(leak). Use a trials budget"
                ))
        }
        if objectives[0].target != nil {
            problems.append(
                ("objective.target", "it ends the search by scores; with cv.outer \(leak). Remove the target"))
        }
        if objectives.count > 1 || !constraints.isEmpty {
            problems.append(
                (
                    "cv.outer",
                    "nested CV picks one winner per outer fold by a single objective; remove \(objectives.count > 1 ? "the other objectives" : "the constraints") or cv.outer"
                ))
        }
        // A holdout share is redundant (the outer folds hold out every row once); the others would
        // need outer folds of their own kind (whole groups, later blocks), not built yet.
        let unsupported = [
            (cv.testSize != nil, "cv.test_size", "a holdout share", "the outer folds already hold out every row once"),
            (
                cv.timeSeries, "cv.time_series", "a time-series split",
                "outer folds that keep time order are not supported yet"
            ),
            (cv.repeats > 1, "cv.repeats", "repeated folds", "repeated outer splits are not supported yet"),
            (cv.group != nil, "cv.group", "group folds", "outer folds that keep whole groups are not supported yet"),
        ]
        for case (true, let field, let what, let why) in unsupported {
            problems.append(
                (field, "nested CV (cv.outer) does not combine with \(what): \(why). Remove \(field) or cv.outer"))
        }
        if cv.folds < 2 {
            problems.append(("cv.folds", "nested CV needs an inner CV of at least 2 folds (cv.folds)"))
        }
        return problems
    }
}

extension Spec {
    /// What a trial runs with cv.outer, in words (`sweep validate`, the coordinator's log).
    public var nestedNote: String? {
        guard let outer = cv.outer else { return nil }
        return
            "nested CV: each trial runs its \(cv.folds) folds on all rows (its score), then \(cv.folds) inner folds in each of \(outer) outer folds; at the end each outer fold's winner is refitted and scored once on that fold's held-out rows"
    }
}
