import Foundation
import SweepCore

/// Warm start (issue 16): does TPE that learned from an earlier sweep of a *related* objective
/// reach a good value in fewer new trials than a cold start?
///
///   sweep-bench warmstart [--seeds 30] [--prior 50] [--budget 100] [--shift 0.5]
///
/// Per seed: a 50-trial TPE sweep of Branin with its inputs shifted by `shift` (x1 + shift,
/// x2 − shift: the same landscape, its minima moved a little) gives the prior trials; then TPE on
/// the true Branin runs `budget` new trials from those priors (warm) and from nothing (cold),
/// with the same seed. For each target regret (best − 0.397887 ≤ 0.5, ≤ 0.1) the table gives the
/// median number of new trials to reach it (over seeds; a seed that never reaches it counts as
/// never, so the median is "> budget" when half of them do not) and the share of seeds that
/// reach it within the budget. The counts do not depend on speed: a debug build measures the same.
enum WarmStartBench {
    static let minimum = 0.397887
    static let regrets = [0.5, 0.1]

    static func run(_ arguments: [String]) {
        let seeds = Int(SearchBench.value("--seeds", in: arguments) ?? "30")!
        let priorTrials = Int(SearchBench.value("--prior", in: arguments) ?? "50")!
        let budget = Int(SearchBench.value("--budget", in: arguments) ?? "100")!
        let shift = Double(SearchBench.value("--shift", in: arguments) ?? "0.5")!
        print(
            "warm start: TPE on Branin, \(budget) new trials, \(seeds) seeds; prior: \(priorTrials) TPE trials of Branin shifted by (\(formatNumber(shift)), \(formatNumber(-shift)))"
        )
        var cold: [[Int?]] = [], warm: [[Int?]] = []
        for seed in 0..<seeds {
            let prior = priorRun(seed: UInt64(seed) + 10_000, trials: priorTrials, shift: shift)
            cold.append(trialsToReach(prior: [], seed: UInt64(seed), budget: budget))
            warm.append(trialsToReach(prior: prior, seed: UInt64(seed), budget: budget))
        }
        print("")
        print(
            "| target regret | cold: median new trials | warm: median new trials | warm / cold | cold: reached | warm: reached |"
        )
        print("|---:|---:|---:|---:|---:|---:|")
        for (index, regret) in regrets.enumerated() {
            let c = median(cold.map { $0[index] }), w = median(warm.map { $0[index] })
            let ratio = (c != nil && w != nil) ? String(format: "%.2f", w! / c!) : "–"
            print(
                "| ≤ \(formatNumber(regret)) | \(show(c, budget)) | \(show(w, budget)) | \(ratio) | \(share(cold, index, seeds)) | \(share(warm, index, seeds)) |"
            )
        }
    }

    /// The shifted objective's TPE run, as the prior trials of a warm start.
    static func priorRun(seed: UInt64, trials: Int, shift: Double) -> [SearchHistory.Entry] {
        var driver = SearchDriver(
            .init(space: SearchBench.braninSpace, algorithm: .tpe, seed: seed, trials: trials, goal: .minimize))
        var entries: [SearchHistory.Entry] = []
        while let trial = driver.nextTrial(now: 0) {
            let x1 = trial.params["x1"]!.number!, x2 = trial.params["x2"]!.number!
            let value = SearchBench.branin(Params(["x1": .double(x1 - shift), "x2": .double(x2 + shift)]))
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: value)
            let prior = PriorTrial(
                source: "shifted", sourceTrial: trial.number, params: trial.params, value: value, pruned: false)
            entries.append(prior.entry(goal: .minimize))
        }
        return entries
    }

    /// New trials until the best regret first reaches each target (nil: not within the budget).
    static func trialsToReach(prior: [SearchHistory.Entry], seed: UInt64, budget: Int) -> [Int?] {
        var configuration = SearchDriver.Configuration(
            space: SearchBench.braninSpace, algorithm: .tpe, seed: seed, trials: budget, goal: .minimize)
        configuration.prior = prior
        var driver = SearchDriver(configuration)
        var reached = [Int?](repeating: nil, count: regrets.count)
        var best = Double.infinity
        while let trial = driver.nextTrial(now: 0) {
            let value = SearchBench.branin(trial.params)
            best = min(best, value)
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: value)
            for (index, regret) in regrets.enumerated() where reached[index] == nil && best - minimum <= regret {
                reached[index] = trial.number + 1
            }
        }
        return reached
    }

    /// The median, counting a seed that never reached the target as above every other (nil
    /// when half or more never did).
    static func median(_ values: [Int?]) -> Double? {
        let sorted = values.map { $0.map(Double.init) ?? .infinity }.sorted()
        let n = sorted.count
        let middle = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        return middle.isFinite ? middle : nil
    }

    static func show(_ value: Double?, _ budget: Int) -> String { value.map { formatNumber($0) } ?? "> \(budget)" }

    static func share(_ runs: [[Int?]], _ index: Int, _ seeds: Int) -> String {
        "\(runs.filter { $0[index] != nil }.count)/\(seeds)"
    }
}
