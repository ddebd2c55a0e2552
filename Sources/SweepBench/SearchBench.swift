import Foundation
import SweepCore
import SweepProtocol

/// M6 (search efficiency), M3 (suggest cost) and racing, for Benchmarks/search.py, which runs
/// optuna on the same objectives in the same run and prints the side-by-side tables.
///
///   sweep-bench search --objective branin|hartmann6|table --table CSV --algorithms random,sobol,tpe --seeds 30 --budget 100
///       one line per (algorithm, seed): the best value found after each trial, comma-separated
///   sweep-bench suggest-cost --history 100,1000,5000 --dimensions 2,8 --repeats 20
///       one line per (n, d): median milliseconds per TPE suggestion with n finished trials
///   sweep-bench racing --table CSV --seeds 30 --slots 4
///       one line per seed: fold fits run, dropped, cancelled, the selected config and its mean
enum SearchBench {
    static func value(_ name: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    // MARK: Objectives (minimised)

    static let braninSpace = [
        SweepCore.Dimension(name: "x1", kind: .uniform(-5, 10)), SweepCore.Dimension(name: "x2", kind: .uniform(0, 15)),
    ]

    static func branin(_ p: Params) -> Double {
        let x1 = p["x1"]!.number!, x2 = p["x2"]!.number!
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let inner = x2 - b * x1 * x1 + c * x1 - 6
        return inner * inner + 10 * (1 - t) * cos(x1) + 10
    }

    static let hartmannSpace = (1...6).map { SweepCore.Dimension(name: "x\($0)", kind: .uniform(0, 1)) }
    static let hartmannA: [[Double]] = [
        [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    static let hartmannP: [[Double]] = [
        [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381],
    ]
    static let hartmannAlpha = [1.0, 1.2, 3.0, 3.2]

    static func hartmann6(_ p: Params) -> Double {
        let x = (1...6).map { p["x\($0)"]!.number! }
        var sum = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 {
                inner += hartmannA[i][j] * (x[j] - hartmannP[i][j] * 1e-4) * (x[j] - hartmannP[i][j] * 1e-4)
            }
            sum += hartmannAlpha[i] * exp(-inner)
        }
        return -sum
    }

    /// A tabulated CV grid: rows `c,g,fold,score` (score maximised), two integer axes.
    struct Table {
        let scores: [[Double]]  // config index (c * gSize + g) → fold scores
        let cSize: Int, gSize: Int, folds: Int

        init(path: String) throws {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var rows: [(Int, Int, Int, Double)] = []
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",")
                rows.append((Int(f[0])!, Int(f[1])!, Int(f[2])!, Double(f[3])!))
            }
            cSize = rows.map(\.0).max()! + 1
            gSize = rows.map(\.1).max()! + 1
            folds = rows.map(\.2).max()! + 1
            var scores = Array(repeating: Array(repeating: 0.0, count: folds), count: cSize * gSize)
            for (c, g, fold, score) in rows { scores[c * gSize + g][fold] = score }
            self.scores = scores
        }

        var space: [SweepCore.Dimension] {
            [
                SweepCore.Dimension(name: "c", kind: .int(0, cSize - 1)),
                SweepCore.Dimension(name: "g", kind: .int(0, gSize - 1)),
            ]
        }
        func index(_ p: Params) -> Int { Int(p["c"]!.number!) * gSize + Int(p["g"]!.number!) }
        func mean(_ index: Int) -> Double { scores[index].reduce(0, +) / Double(folds) }
    }

    static func search(_ arguments: [String]) throws {
        let objective = value("--objective", in: arguments) ?? "branin"
        let algorithms = (value("--algorithms", in: arguments) ?? "random,sobol,tpe").split(separator: ",").map {
            SearchAlgorithm(rawValue: String($0))!
        }
        let seeds = Int(value("--seeds", in: arguments) ?? "30")!
        let budget = Int(value("--budget", in: arguments) ?? "100")!
        let space: [SweepCore.Dimension]
        let loss: (Params) -> Double
        switch objective {
        case "branin": (space, loss) = (braninSpace, branin)
        case "hartmann6": (space, loss) = (hartmannSpace, hartmann6)
        default:
            let table = try Table(path: value("--table", in: arguments)!)
            (space, loss) = (table.space, { -table.mean(table.index($0)) })
        }
        var tpe = TPEOptions()
        if let candidates = value("--candidates", in: arguments) { tpe.candidates = Int(candidates)! }
        if let startup = value("--startup", in: arguments) { tpe.startupTrials = Int(startup)! }
        if arguments.contains("--univariate") { tpe.multivariate = false }
        let firstSeed = Int(value("--first-seed", in: arguments) ?? "0")!
        for algorithm in algorithms {
            for seed in firstSeed..<(firstSeed + seeds) {
                var driver = SearchDriver(
                    .init(
                        space: space, algorithm: algorithm, seed: UInt64(seed), tpe: tpe, trials: budget,
                        goal: .minimize))
                var best = Double.infinity
                var trace: [String] = []
                while let trial = driver.nextTrial(now: 0) {
                    let value = loss(trial.params)
                    best = min(best, value)
                    trace.append("\(best)")
                    _ = driver.foldFinished(trial: trial.number, fold: 0, value: value)
                }
                print("\(algorithm.rawValue) \(seed) \(trace.joined(separator: ","))")
            }
        }
    }

    static func suggestCost(_ arguments: [String]) {
        let sizes = (value("--history", in: arguments) ?? "100,1000,5000").split(separator: ",").map { Int($0)! }
        let dimensions = (value("--dimensions", in: arguments) ?? "2,8").split(separator: ",").map { Int($0)! }
        let repeats = Int(value("--repeats", in: arguments) ?? "20")!
        for d in dimensions {
            let space = (0..<d).map { SweepCore.Dimension(name: "x\($0)", kind: .uniform(0, 1)) }
            for n in sizes {
                var history = SearchHistory()
                var generator = SeededGenerator(seed: 1)
                for number in 0..<n {
                    let params = Params(
                        Dictionary(uniqueKeysWithValues: space.map { ($0.name, ParamValue.double(generator.unit())) }))
                    history.add(Trial(number: number, params: params))
                    history.set(
                        number,
                        .complete(params.entries.reduce(0) { $0 + ($1.value.number! - 0.3) * ($1.value.number! - 0.3) })
                    )
                }
                var sampler = TPESampler(SearchSpace(space), seed: 7)
                var times: [Double] = []
                for attempt in 0..<repeats {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let params = sampler.suggest(number: n, attempt: attempt % 3, history: history)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    precondition(params != nil)
                }
                times.sort()
                print("\(n) \(d) \(times[times.count / 2])")
            }
        }
    }

    /// Races a grid in the real coordinator machine, with one in-process worker of `slots`
    /// slots answering from the table in dispatch order (a fold's cancel is honoured at once).
    static func racing(_ arguments: [String]) throws {
        let table = try Table(path: value("--table", in: arguments)!)
        let seeds = Int(value("--seeds", in: arguments) ?? "30")!
        let slots = Int(value("--slots", in: arguments) ?? "4")!
        let configs = table.cSize * table.gSize
        for seed in 0..<seeds {
            // Each seed visits the grid in its own random order (random search without replacement).
            let search = SearchDriver.Configuration(
                space: table.space, algorithm: .random, seed: UInt64(seed), trials: configs,
                goal: .maximize, folds: table.folds, earlyStopping: .racing(RacingOptions()))
            var machine = CoordinatorMachine(
                .init(sweepID: 1, search: search, objective: "score", maxAttempts: 1, taskTimeout: 1e9))
            let peer = PeerID([1])
            var inFlight: [Assignment] = []
            var ran = 0, cancelled = 0
            func absorb(_ actions: [CoordinatorMachine.Action]) {
                for action in actions {
                    if case .send(_, .work(_, _, let tasks)) = action { inFlight += tasks }
                    if case .send(_, .cancel(_, let leases)) = action {
                        inFlight.removeAll { leases.contains($0.lease) }
                        cancelled += leases.count
                    }
                }
            }
            absorb(
                machine.handle(
                    .received(
                        peer,
                        .hello(
                            Hello(
                                workerID: "w", incarnation: 1, name: "w", host: "h", slots: slots,
                                cachedSweep: 0, running: []))), now: 0))
            var now = 1.0
            while !machine.isFinished && !inFlight.isEmpty {
                let task = inFlight.removeFirst()
                ran += 1
                let score = table.scores[table.index(task.params)][task.lease.fold]
                let result = TaskResult(
                    lease: task.lease, succeeded: true, duration: 1, metrics: ["score": score], error: "")
                absorb(machine.handle(.received(peer, .results(sweepID: 1, [result])), now: now))
                now += 1
            }
            // Cancelled folds leave the simulated worker at once (never run); the search's record is final.
            let best = (0..<configs).max { table.mean($0) < table.mean($1) }!
            let complete = machine.search.history.entries.compactMap { entry -> (Int, Double)? in
                if case .complete(let loss) = entry.state {
                    return (table.index(entry.params), -loss)
                } else {
                    return nil
                }
            }
            let selected = complete.max { $0.1 < $1.1 }!.0
            let scores = table.scores[best]
            let mean = table.mean(best)
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count - 1)).squareRoot()
            let withinSE = table.mean(selected) >= mean - std / Double(table.folds).squareRoot()
            print(
                "\(seed) \(ran) \(configs * table.folds) \(cancelled) \(selected) \(table.mean(selected)) \(best) \(mean) \(withinSE)"
            )
        }
    }
}
