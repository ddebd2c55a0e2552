import SweepCore

/// Multi-objective search efficiency, for Benchmarks/multiobjective.py, which runs optuna on the
/// same problems in the same run and computes every hypervolume with one piece of code.
///
///   sweep-bench multiobjective --problem zdt1|zdt2 --variables 30 --algorithms nsga2,tpe,random --seeds 30 --budget 200
///       one line per (algorithm, seed): "algorithm seed f1,f2;f1,f2;…", every trial's objectives in order
///
/// The samplers are the ones the coordinator runs, driven one trial at a time as the search
/// driver drives them (a repeated configuration is asked again with the next attempt), with the
/// history filled as the multi-objective plumbing fills it: both losses, the first also as the
/// trial's loss.
enum MultiObjectiveBench {
    static func zdt(_ problem: String, _ x: [Double]) -> [Double] {
        let g = 1 + 9 * x.dropFirst().reduce(0, +) / Double(x.count - 1)
        let ratio = x[0] / g
        let h = problem == "zdt2" ? 1 - ratio * ratio : 1 - ratio.squareRoot()
        return [x[0], g * h]
    }

    static func run(_ arguments: [String]) {
        let problem = SearchBench.value("--problem", in: arguments) ?? "zdt1"
        let variables = Int(SearchBench.value("--variables", in: arguments) ?? "30")!
        let algorithms = (SearchBench.value("--algorithms", in: arguments) ?? "nsga2,tpe,random").split(separator: ",")
        let seeds = Int(SearchBench.value("--seeds", in: arguments) ?? "30")!
        let budget = Int(SearchBench.value("--budget", in: arguments) ?? "200")!
        let dimensions = (0..<variables).map { SweepCore.Dimension(name: "x\($0)", kind: .uniform(0, 1)) }
        let names = dimensions.map(\.name)
        let space = SearchSpace(dimensions)
        var tpe = TPEOptions()
        if arguments.contains("--univariate") { tpe.multivariate = false }
        if let candidates = SearchBench.value("--candidates", in: arguments) { tpe.candidates = Int(candidates)! }
        let firstSeed = Int(SearchBench.value("--first-seed", in: arguments) ?? "0")!
        for algorithm in algorithms {
            for seed in firstSeed..<(firstSeed + seeds) {
                var sampler: any Sampler =
                    switch algorithm {
                    case "nsga2": NSGA2Sampler(space, seed: UInt64(seed))
                    case "tpe": TPESampler(space, seed: UInt64(seed), options: tpe)
                    default: RandomSampler(space, seed: UInt64(seed))
                    }
                var history = SearchHistory()
                var seen = Set<Params>()
                var points: [String] = []
                for number in 0..<budget {
                    var attempt = 0
                    var params = sampler.suggest(number: number, attempt: attempt, history: history)!
                    while !seen.insert(params).inserted {
                        attempt += 1
                        params = sampler.suggest(number: number, attempt: attempt, history: history)!
                    }
                    history.add(Trial(number: number, params: params))
                    let losses = zdt(problem, names.map { params[$0]!.number! })
                    history.set(number, .complete(losses[0]))
                    history.setOutcome(number, losses: losses, violation: nil)
                    points.append("\(losses[0]),\(losses[1])")
                }
                print("\(algorithm) \(seed) \(points.joined(separator: ";"))")
            }
        }
    }
}
