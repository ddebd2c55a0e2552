import Foundation
import Testing

/// The seeded fault campaign against real processes. The short run is part of the suite (one seed,
/// every fault and misbehaviour kind); `scripts/fault-campaign.sh` runs the long one
/// (`SWEEP_CAMPAIGN_LONG=1`, every kind) seed after seed. Replay a seed with
/// `SWEEP_CAMPAIGN_SEED=N` (and the same `SWEEP_CAMPAIGN_FAULTS`).
@Suite(.serialized)
struct FaultCampaignTests {
    static let environment = ProcessInfo.processInfo.environment

    /// The seed: $SWEEP_CAMPAIGN_SEED, else a fresh one (printed, so a failure replays).
    static func seed() -> UInt64 {
        environment["SWEEP_CAMPAIGN_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...999_999)
    }

    static func mix(default fallback: String) throws -> CampaignMix {
        try CampaignMix.parse(environment["SWEEP_CAMPAIGN_FAULTS"] ?? fallback).get()
    }

    @Test(.timeLimit(.minutes(6)))
    func shortCampaign() throws {
        let mix = try Self.mix(default: "all")
        let seed = Self.seed()
        let plan = FaultPlan(
            seed: seed, faults: mix.faults, misbehaviours: mix.misbehaviours, trials: 30, faultCount: 6,
            workdirDecoy: mix.workdirDecoy)
        let violations = try Self.run(plan, mix: Self.environment["SWEEP_CAMPAIGN_FAULTS"] ?? "all")
        #expect(violations.isEmpty, "seed \(seed): \(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test(
        .enabled(
            if: environment["SWEEP_CAMPAIGN_LONG"] == "1", "the long campaign runs from scripts/fault-campaign.sh"),
        .timeLimit(.minutes(12)))
    func longCampaign() throws {
        let mix = try Self.mix(default: "all")
        let seed = Self.seed()
        let plan = FaultPlan(
            seed: seed, faults: mix.faults, misbehaviours: mix.misbehaviours, trials: 40, faultCount: 10,
            maxAttempts: 3,
            workdirDecoy: mix.workdirDecoy)
        let violations = try Self.run(plan, mix: Self.environment["SWEEP_CAMPAIGN_FAULTS"] ?? "all")
        #expect(violations.isEmpty, "seed \(seed): \(violations.map(\.description).joined(separator: "\n"))")
    }

    /// Runs one campaign and prints its seed, faults, misbehaviours and outcome.
    static func run(_ plan: FaultPlan, mix: String) throws -> [Violation] {
        print("campaign seed \(plan.seed) (replay: SWEEP_CAMPAIGN_SEED=\(plan.seed) SWEEP_CAMPAIGN_FAULTS=\(mix))")
        var useNetns = plan.events.contains { $0.kind == .networkCut }
        if useNetns, let reason = NetnsHosts.unavailableReason {
            print("campaign seed \(plan.seed): networkCut faults skipped: \(reason)")
            useNetns = false
        }
        let campaign = try FaultCampaign(plan: plan, binary: FaultCampaign.defaultBinary, useNetns: useNetns)
        let status = try campaign.run()
        let evidence = campaign.finish(status: status)
        let violations = CampaignChecker.check(plan, evidence)
        let faults = campaign.fired.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
        let attempts = (0..<plan.trials).flatMap { trial in
            (0..<plan.folds).flatMap { fold in
                (1...plan.misbehavingAttempts).map { plan.misbehaviour(trial: trial, fold: fold, attempt: $0) }
            }
        }
        let misbehaviours = Dictionary(grouping: attempts.filter { $0 != .none }, by: { $0 }).sorted { $0.key < $1.key }
            .map { "\($0.key.rawValue)=\($0.value.count)" }.joined(separator: " ")
        print(
            """
            campaign seed \(plan.seed) faults: \(faults.isEmpty ? "none" : faults)
            campaign seed \(plan.seed) misbehaving attempts (planned): \(misbehaviours.isEmpty ? "none" : misbehaviours)
            campaign seed \(plan.seed) observed: \(evidence.observations.joined(separator: ", "))
            campaign seed \(plan.seed) outcome: \(violations.isEmpty ? "PASS" : "FAIL (\(violations.count) violations)") in \(Int(evidence.elapsed)) s, \(evidence.counted.count)/\(plan.tasks) counted, run directory \(campaign.root.path)
            """)
        for violation in violations { print("campaign seed \(plan.seed) VIOLATION \(violation)") }
        if violations.isEmpty { try? FileManager.default.removeItem(at: campaign.root) }
        return violations
    }
}
