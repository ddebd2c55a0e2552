import SweepCore

/// What several figures share about a run: the objective's name and direction, the finished
/// trials, and how good each one is on a 0 (worst) … 1 (best) scale for colour.
struct PlotData {
    let run: RunSummary

    /// Trials with every fold's score and a finite mean, in suggestion order.
    let finished: [TrialSummary]
    /// The best trial's number, when there is one with a finite objective.
    let best: Int?
    /// The range of the finished trials' means.
    let objectiveRange: (low: Double, high: Double)

    /// Computed once: figures ask for these per mark.
    init(_ run: RunSummary) {
        self.run = run
        finished = run.summaries.filter { $0.status == .ok && ($0.objective?.mean.isFinite ?? false) }
        if let best = run.best, best.objective?.mean.isFinite ?? false {
            self.best = best.trial.number
        } else {
            best = nil
        }
        let means = finished.compactMap { $0.objective?.mean }
        objectiveRange = (means.min() ?? 0, means.max() ?? 1)
    }

    var goal: Goal { run.objective.goal }

    /// "accuracy (mean over folds; higher is better)".
    var objectiveLabel: String {
        "\(run.objective.metric) (\(run.folds > 1 ? "mean over folds; " : "")"
            + "\(goal == .maximize ? "higher" : "lower") is better)"
    }

    /// Trial numbers of the `count` best, for figures that must keep them when thinning.
    func topTrials(_ count: Int) -> Set<Int> { Set(run.ranked.prefix(count).map(\.trial.number)) }

    /// 0 for the worst finished mean, 1 for the best.
    func goodness(_ mean: Double) -> Double {
        let (low, high) = objectiveRange
        guard high > low else { return 1 }
        let t = (mean - low) / (high - low)
        return goal == .maximize ? t : 1 - t
    }

    /// A parameter's values over the given trials: numbers when every present value is one
    /// (ints, doubles), level names otherwise (strings, bools, mixtures), in a stable order.
    static func values(of name: String, in trials: [Trial]) -> ParameterValues {
        let present = trials.compactMap { $0.params[name] }
        if !present.isEmpty, present.allSatisfy({ $0.number != nil }) {
            return .numeric
        }
        var levels: [String] = []
        for value in present.sorted(by: levelOrder) where !levels.contains(value.description) {
            levels.append(value.description)
        }
        return .categorical(levels)
    }

    enum ParameterValues: Equatable {
        case numeric
        case categorical([String])
    }

    /// Bools false before true, numbers by value, strings by text, kinds in that order.
    static func levelOrder(_ a: ParamValue, _ b: ParamValue) -> Bool {
        func rank(_ value: ParamValue) -> Int {
            switch value {
            case .bool: 0
            case .int, .double: 1
            case .string: 2
            }
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        if let x = a.number, let y = b.number { return x < y }
        if case .bool(let x) = a, case .bool(let y) = b { return !x && y }
        return a.description < b.description
    }

    /// A trial's tooltip: "trial 3: accuracy 0.9512 ± 0.01 — C=0.1 kernel=rbf".
    func tooltip(_ summary: TrialSummary) -> String {
        var text = "trial \(summary.trial.number)"
        if let objective = summary.objective {
            text += ": \(run.objective.metric) \(SVG.number(objective.mean))"
            if let spread = objective.spread { text += " ± \(SVG.number(spread))" }
        }
        switch summary.status {
        case .ok: break
        case .stopped: text += " (stopped early\(summary.foldScores.isEmpty ? "" : ", finished folds only"))"
        case .failed: text += " (failed: \(Chart.clip(summary.error ?? "no result", 120)))"
        case .incomplete: text += " (incomplete)"
        }
        let params = summary.trial.params.entries.map { "\($0.name)=\(paramText($0.value))" }
        return params.isEmpty ? text : text + " — " + params.joined(separator: " ")
    }

    /// A parameter value as plots show it (numbers at 4 significant digits).
    func paramText(_ value: ParamValue) -> String {
        if case .double(let number) = value { return SVG.number(number) }
        return value.description
    }
}
