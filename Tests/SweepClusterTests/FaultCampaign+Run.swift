import Foundation
import Glibc

extension FaultCampaign {
    /// How long without progress before a pending fault (or its undo) fires anyway, so a fault
    /// that halts the sweep (every worker stopped, a host cut) is still undone.
    static let stallSeconds = 15.0
    /// No progress this long with every fault done: the sweep hangs (a task timeout is 20 s).
    static let hangSeconds = 120.0

    /// The generous bound on the sweep's wall time.
    var bound: Double { 150 + 2.0 * Double(plan.tasks) }

    /// Runs the sweep with the plan's faults until the coordinator ends (or the bound passes);
    /// returns the coordinator's exit status (nil if it did not end).
    func run() throws -> Int32? {
        note(
            "\(plan.trials) trials × \(plan.folds) folds, \(plan.workers) workers × \(plan.slots) slots, \(hosts == nil ? "loopback" : "3 namespaced hosts"), \(plan.events.count) faults, misbehaviour \(plan.misbehaviours.map(\.rawValue).joined(separator: ",")) at rate \(plan.misbehaviourRate)\(plan.workdirDecoy ? ", train.csv decoy in the workdir" : "")"
        )
        try startCoordinator(resume: false)
        try startWorkers()
        var pending = plan.events.enumerated().map { $0 }
        var undos: [(index: Int, event: FaultEvent, firedAt: Double)] = []
        var lastCount = -1, lastProgress = elapsed
        while elapsed < bound {
            if let status = exitedOnItsOwn() { finishUndos(&undos); return status }
            let count = RunBook.countedOrNil(out) ?? max(lastCount, 0)
            if count > lastCount { lastCount = count; lastProgress = elapsed }
            let stalled = elapsed - lastProgress > Self.stallSeconds
            if pending.isEmpty && undos.isEmpty && elapsed - lastProgress > Self.hangSeconds {
                problems.append(
                    "no progress for \(Int(Self.hangSeconds)) s at \(count)/\(plan.tasks) counted, every fault done: the sweep hangs"
                )
                break
            }
            if let next = undos.firstIndex(where: {
                count >= $0.event.undoAtCounted || elapsed - $0.firedAt > Self.stallSeconds
            }) {
                let undo = undos.remove(at: next)
                self.undo(undo.event, index: undo.index)
            } else if let first = pending.first, count >= first.element.atCounted || stalled {
                pending.removeFirst()
                if stalled { note("no progress for \(Int(Self.stallSeconds)) s at \(count)/\(plan.tasks) counted") }
                try fire(first.element, index: first.offset, count: count)
                if first.element.kind.isUndone { undos.append((first.offset, first.element, elapsed)) }
                lastProgress = elapsed
            }
            usleep(100_000)
        }
        note(
            "the sweep did not end; coordinator says: \(coordinator.stderrLines.suffix(8).joined(separator: " | "))"
        )
        finishUndos(&undos)
        return nil
    }

    /// The coordinator's status if it exited by itself (not by a fault), else nil.
    func exitedOnItsOwn() -> Int32? {
        guard !coordinator.process.isRunning else { return nil }
        return coordinator.awaitExit(timeout: 10)
    }

    func finishUndos(_ undos: inout [(index: Int, event: FaultEvent, firedAt: Double)]) {
        for undo in undos { self.undo(undo.event, index: undo.index) }
        undos.removeAll()
    }

    /// The worker place an event hits: its target if that worker runs normally, else the next that does.
    func place(for event: FaultEvent) -> Int? {
        (0..<workers.count).map { (event.target + $0) % workers.count }.first {
            !workers[$0].stopped && !cutHosts.contains(workers[$0].host)
        }
    }

    func fire(_ event: FaultEvent, index: Int, count: Int) throws {
        fired[event.kind, default: 0] += 1
        let from = now
        let at = "at \(count)/\(plan.tasks) counted"
        switch event.kind {
        case .workerKill:
            guard let place = place(for: event) else { return skip(event) }
            let old = workers[place]
            old.process.signal(SIGKILL)
            _ = old.process.awaitExit(timeout: 10)
            retired.append(old.process)
            let name = "w\(place).\(index)"
            workers[place].name = name
            workers[place].process = try startWorker(name: name, cache: old.cache, host: old.host)
            disturb([old.cache.lastPathComponent], from: from)
            note("workerKill \(old.name) (SIGKILL) \(at); \(name) takes its place")
        case .workerRestart, .cacheCorruption:
            guard let place = place(for: event) else { return skip(event) }
            var corrupted = "no cached data file yet"
            if event.kind == .cacheCorruption { corrupted = corruptCachedData(workers[place].cache) }
            workers[place].process.signal(SIGKILL)
            _ = workers[place].process.awaitExit(timeout: 10)
            retired.append(workers[place].process)
            let worker = workers[place]
            workers[place].process = try startWorker(name: worker.name, cache: worker.cache, host: worker.host)
            disturb([worker.cache.lastPathComponent], from: from)
            restarts += 1
            note(
                "\(event.kind.rawValue) \(worker.name) \(at): SIGKILL and restart\(event.kind == .cacheCorruption ? "; cache: \(corrupted)" : "")"
            )
        case .workerStop:
            guard let place = place(for: event) else { return skip(event) }
            workers[place].process.signal(SIGSTOP)
            workers[place].stopped = true
            disturb([workers[place].cache.lastPathComponent], from: from, open: index)
            note("workerStop \(workers[place].name) (SIGSTOP) \(at)")
        case .duplicateName:
            guard let place = place(for: event) else { return skip(event) }
            let cache = root.appendingPathComponent("cache-dup\(index)")
            extras[index] = try startWorker(name: workers[place].name, cache: cache, host: workers[place].host)
            disturb([workers[place].cache.lastPathComponent, cache.lastPathComponent], from: from, open: index)
            restarts += 1
            note("duplicateName: a second live \(workers[place].name) \(at)")
        case .brokenWorker:
            let cache = root.appendingPathComponent("cache-broken\(index)")
            extras[index] = try startWorker(name: "broken\(index)", cache: cache, host: hostOf(worker: 0), broken: true)
            note("brokenWorker broken\(index) (python3 fails at once) joins \(at)")
        case .networkCut:
            guard let hosts else { return skip(event) }
            let host = 2 + event.target % 2
            hosts.cut(host)
            cutHosts.insert(host)
            disturb(workers.filter { $0.host == host }.map(\.cache.lastPathComponent), from: from, open: index)
            note("networkCut host \(host) \(at)")
        case .coordinatorKill:
            // A duplicate still alive meets its namesake again at the new coordinator, which has
            // not seen either: whichever speaks second supersedes the first once more (seed 911292).
            restarts += extras.filter { plan.events[$0.key].kind == .duplicateName && $0.value.process.isRunning }.count
            killCoordinator()
            try startCoordinator(resume: true)
            disturb([nil], from: from)
            note("coordinatorKill (SIGKILL) \(at); sweep resume")
        }
    }

    func skip(_ event: FaultEvent) {
        fired[event.kind, default: 0] -= 1
        note("\(event.kind.rawValue) skipped: no worker to hit")
    }

    func killCoordinator() {
        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit(timeout: 10)
        progressRowsAtKill.append(progressRows())
    }

    func undo(_ event: FaultEvent, index: Int) {
        defer { closeDisturbances(index) }
        switch event.kind {
        case .workerStop:
            for place in workers.indices where workers[place].stopped {
                workers[place].process.signal(SIGCONT)
                workers[place].stopped = false
                note("SIGCONT \(workers[place].name)")
            }
        case .duplicateName, .brokenWorker:
            extras[index]?.stop()
            note("stopped the \(event.kind == .duplicateName ? "duplicate" : "broken") worker of fault \(index)")
        case .networkCut:
            let host = 2 + event.target % 2
            hosts?.heal(host)
            cutHosts.remove(host)
            note("healed host \(host)")
        default: break
        }
    }

    /// Alters one id in a cached data file (same size), as a bad disk or a stray editor would.
    func corruptCachedData(_ cache: URL) -> String {
        let blobs = cache.appendingPathComponent("blobs")
        for file in (try? FileManager.default.contentsOfDirectory(at: blobs, includingPropertiesForKeys: nil)) ?? [] {
            guard var bytes = try? [UInt8](Data(contentsOf: file)), bytes.starts(with: Array("id,f,label".utf8))
            else { continue }
            let needle = Array("\n13,".utf8)
            guard let at = (0..<(bytes.count - needle.count)).first(where: { Array(bytes[$0..<$0 + 4]) == needle })
            else { continue }
            bytes[at + 1] = UInt8(ascii: "9")  // id 13 becomes 93: same size, other content
            do { try Data(bytes).write(to: file) } catch {
                return "could not alter \(file.lastPathComponent): \(error)"
            }
            return "altered \(file.lastPathComponent.prefix(12))… in place"
        }
        return "no cached data file with id 13 to alter"
    }

    func progressRows() -> Int {
        let text = (try? String(contentsOf: out.appendingPathComponent("progress.csv"), encoding: .utf8)) ?? ""
        return max(0, text.split(separator: "\n").count - 1)
    }
}

extension RunBook {
    /// Counted results now, or nil while run.db cannot be read (not made yet, or busy).
    static func countedOrNil(_ directory: URL) -> Int? {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.db").path) else {
            return nil
        }
        return try? RunBook(directory).count("SELECT count(*) FROM results WHERE counted = 1")
    }
}
