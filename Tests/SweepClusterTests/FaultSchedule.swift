import Foundation

/// A fault the campaign injects into a running sweep (see `FaultCampaign`).
enum FaultKind: String, CaseIterable, Sendable, Comparable {
    /// SIGKILL a worker; a new worker with a new name takes its place.
    case workerKill
    /// SIGSTOP a worker (alive, silent, holding leases), SIGCONT it a while later.
    case workerStop
    /// SIGKILL a worker and start it again at once with the same name and cache.
    case workerRestart
    /// Start a second live worker with a name already in use, stop it a while later.
    case duplicateName
    /// Cut a namespaced host off the network, heal it a while later (netns only).
    case networkCut
    /// SIGKILL the coordinator and continue with `sweep resume`.
    case coordinatorKill
    /// Alter a worker's cached data file in place (same size), then restart that worker.
    case cacheCorruption
    /// Start a worker whose `python3` fails at once (a misconfigured host), stop it a while later.
    case brokenWorker

    static func < (a: FaultKind, b: FaultKind) -> Bool { a.rawValue < b.rawValue }

    /// Whether a second event undoes it once the sweep has made some progress.
    var isUndone: Bool { [.workerStop, .duplicateName, .networkCut, .brokenWorker].contains(self) }
}

/// How a trainer attempt misbehaves; decided from (seed, trial, fold, attempt) so the checker
/// knows what each attempt did. Every kind still knows the task's right value.
enum Misbehaviour: String, CaseIterable, Sendable, Comparable {
    case none
    /// Megabytes of log on stdout (one line without a newline among them), then the right value.
    case floodStdout
    /// 50 stderr lines of 30 KB (a progress bar without newlines), then the right value.
    case floodStderr
    /// A final report carrying a metric name of 300 characters beside the right value.
    case hugeMetricName
    /// An intermediate `{"step": 100, "value": -1}` in $SWEEP_METRICS, the right final on stdout.
    case stepInMetricsFile
    /// The right value, then exit status 3.
    case exitCode
    /// The right value, then SIGSEGV.
    case signal
    /// Exit 0 without reporting anything.
    case silentExit
    /// A wrong value, then exit status 2: a failed attempt's metrics must never count.
    case wrongThenCrash
    /// Ignores SIGTERM and runs a little longer, then the right value.
    case ignoreTerm
    /// Leaves `sleep 300` running in its process group, runs a little longer, then the right value.
    case forkChild
    /// Leaves a `sleep 300` in a session of its own (setsid), then the right value.
    case forkDaemon
    /// Ignores SIGTERM and sleeps until the task timeout kills it.
    case hang

    static func < (a: Misbehaviour, b: Misbehaviour) -> Bool { a.rawValue < b.rawValue }

    /// Whether the attempt fails by design (the task is retried).
    var fails: Bool { [.exitCode, .signal, .silentExit, .wrongThenCrash, .hang].contains(self) }
}

/// One scheduled fault: fired once `atCounted` tasks are counted (or when the sweep stalls),
/// undone (for kinds that are) once `undoAtCounted` are.
struct FaultEvent: Equatable, Sendable {
    let kind: FaultKind
    let atCounted: Int
    let undoAtCounted: Int
    /// Which worker (an index into the campaign's workers) or host it hits.
    let target: Int
}

/// Everything a campaign run does, generated from its seed alone (pure: the same seed gives the
/// same plan, so a failing seed replays).
struct FaultPlan: Equatable, Sendable {
    let seed: UInt64
    let trials: Int
    let folds: Int
    let workers: Int
    let slots: Int
    let maxAttempts: Int
    /// Attempts at or below this may misbehave; later ones always behave, so every task can end ok.
    let misbehavingAttempts: Int
    let events: [FaultEvent]
    /// Misbehaviours this plan's trainer uses (each drawn with the same odds).
    let misbehaviours: [Misbehaviour]
    /// Chance that an attempt at or below `misbehavingAttempts` misbehaves.
    let misbehaviourRate: Double
    /// A `train.csv` in the shipped workdir, named like the per-task fold file.
    let workdirDecoy: Bool

    var tasks: Int { trials * folds }

    /// A plan from `seed` using the given fault and misbehaviour kinds.
    init(
        seed: UInt64, faults: [FaultKind], misbehaviours: [Misbehaviour], trials: Int, folds: Int = 3,
        workers: Int = 3, faultCount: Int, maxAttempts: Int = 10, workdirDecoy: Bool = false
    ) {
        var random = CampaignRandom(seed: seed)
        self.seed = seed
        self.trials = trials
        self.folds = folds
        self.workers = workers
        slots = 2
        self.maxAttempts = maxAttempts
        misbehavingAttempts = max(0, min(2, maxAttempts - 1))
        self.misbehaviours = misbehaviours.filter { $0 != .none }
        misbehaviourRate = self.misbehaviours.isEmpty ? 0 : 0.15
        let coin = random.next() % 2 == 0  // drawn either way: the mix must not shift the events
        self.workdirDecoy = workdirDecoy && coin
        let tasks = trials * folds
        var events: [FaultEvent] = []
        if !faults.isEmpty {
            for index in 0..<faultCount {
                let kind = faults[Int(random.next() % UInt64(faults.count))]
                // Spread over 10%…80% of the sweep, in order, each undone a little later.
                let low = tasks / 10 + index * (tasks * 7 / 10) / max(1, faultCount)
                let span = max(1, (tasks * 7 / 10) / max(1, faultCount))
                let at = low + Int(random.next() % UInt64(span))
                let undo = kind.isUndone ? min(tasks - 1, at + 2 + Int(random.next() % UInt64(max(1, tasks / 10)))) : at
                events.append(
                    FaultEvent(
                        kind: kind, atCounted: at, undoAtCounted: undo, target: Int(random.next() % UInt64(workers))))
            }
        }
        self.events = events
    }

    /// What attempt `attempt` (from 1) of (trial, fold) does.
    func misbehaviour(trial: Int, fold: Int, attempt: Int) -> Misbehaviour {
        guard attempt <= misbehavingAttempts, !misbehaviours.isEmpty else { return .none }
        var random = CampaignRandom(
            seed: seed ^ (UInt64(trial) &* 0x9E37_79B9) ^ (UInt64(fold) << 40) ^ (UInt64(attempt) << 56))
        let roll = Double(random.next() >> 11) / Double(UInt64(1) << 53)
        guard roll < misbehaviourRate else { return .none }
        return misbehaviours[Int(random.next() % UInt64(misbehaviours.count))]
    }

    /// The table the trainer reads: `trial fold attempt kind` for every attempt that misbehaves.
    var misbehaviourTable: String {
        var lines: [String] = []
        for trial in 0..<trials {
            for fold in 0..<folds {
                for attempt in 1...max(1, misbehavingAttempts) {
                    let kind = misbehaviour(trial: trial, fold: fold, attempt: attempt)
                    if kind != .none { lines.append("\(trial) \(fold) \(attempt) \(kind.rawValue)") }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Faults by kind, for the summary line.
    var faultCounts: [FaultKind: Int] { events.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 } }
}

/// SplitMix64: small, fast and the same on every platform, so a seed means the same plan everywhere.
struct CampaignRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Which fault and misbehaviour kinds a run uses: `SWEEP_CAMPAIGN_FAULTS` is `light` (process
/// faults and plain misbehaviours), `all` (every kind, the default), or a comma-separated list of kind names.
struct CampaignMix: Equatable, Sendable {
    var faults: [FaultKind]
    var misbehaviours: [Misbehaviour]
    /// Ship a `train.csv` in the workdir (word `workdirDecoy`), in half of the seeds.
    var workdirDecoy = false

    static let light = CampaignMix(
        faults: [.workerKill, .workerStop, .workerRestart, .coordinatorKill],
        misbehaviours: [.floodStdout, .exitCode, .signal, .wrongThenCrash, .ignoreTerm])
    static let all = CampaignMix(
        faults: FaultKind.allCases, misbehaviours: Misbehaviour.allCases.filter { $0 != .none },
        workdirDecoy: true)

    /// Parses the switch's text; nil with an error message naming the unknown word.
    static func parse(_ text: String) -> Result<CampaignMix, CampaignMixError> {
        switch text {
        case "", "light": return .success(.light)
        case "all": return .success(.all)
        default:
            var mix = CampaignMix(faults: [], misbehaviours: [])
            for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if word == "workdirDecoy" {
                    mix.workdirDecoy = true
                } else if let fault = FaultKind(rawValue: word) {
                    mix.faults.append(fault)
                } else if let kind = Misbehaviour(rawValue: word), kind != .none {
                    mix.misbehaviours.append(kind)
                } else {
                    let known =
                        (FaultKind.allCases.map(\.rawValue) + Misbehaviour.allCases.dropFirst().map(\.rawValue) + [
                            "workdirDecoy"
                        ])
                    return .failure(
                        CampaignMixError(
                            description:
                                "SWEEP_CAMPAIGN_FAULTS: unknown kind '\(word)'; use light, all, or a comma-separated list of: \(known.joined(separator: ", "))"
                        ))
                }
            }
            return .success(mix)
        }
    }
}

struct CampaignMixError: Error, CustomStringConvertible {
    let description: String
}
