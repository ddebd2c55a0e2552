import SweepCore

/// Registration: who a HELLO is, and whether it may join.
///
/// Names are identities (results are recorded under them), so a second live worker whose name
/// is taken is refused with REJECTED. A restarted worker (same worker id, new incarnation)
/// supersedes its old incarnation at once: that one is presumed dead and its leases re-queued.
/// If the superseded incarnation speaks again it was alive after all (two processes with one
/// name on one host): it is refused, so the two never evict each other in turn.
extension CoordinatorMachine {
    mutating func register(_ hello: Hello, peer: PeerID, now: Double, into actions: inout [Action]) {
        if let reason = refusal(of: hello, peer: peer) {
            actions.append(.report(.workerRefused(name: hello.name, host: hello.host, reason: reason)))
            actions.append(.send(peer, .rejected(reason: reason)))
            return
        }
        // A new incarnation of a worker (it restarted) supersedes the old one at once.
        let sameID = index.peers(workerID: hello.workerID).subtracting([peer]).sorted {
            $0.bytes.lexicographicallyPrecedes($1.bytes)
        }
        for other in sameID where workers[other]!.hello.incarnation != hello.incarnation {
            let worker = workers[other]!
            if superseded.count > 1024 { superseded.removeAll() }  // bounded: only repeats are kept
            superseded[hello.workerID, default: []].insert(worker.hello.incarnation)
            drop(worker, reason: "superseded by a new incarnation", into: &actions)
        }
        // The same worker incarnation on a new connection replaces its old entry; its leases move.
        var carried: Set<LeaseRef> = []
        for other in sameID {
            guard let worker = workers[other], worker.hello.incarnation == hello.incarnation else { continue }
            removeWorker(other)
            carried.formUnion(worker.leases)
        }
        let isNew = workers[peer] == nil
        var worker = workers[peer] ?? Worker(peer: peer, hello: hello, lastHeard: now, lastSent: now)
        worker.hello = hello
        worker.capacity = max(worker.capacity, hello.slots)
        worker.lastHeard = now
        // Leases the worker says are still running keep its slots busy until their results come,
        // but only this sweep's: tasks of an earlier sweep the worker cancels on our WELCOME.
        let running = hello.cachedSweep == configuration.sweepID ? Set(hello.running) : []
        // Leases carried from an old connection that it does not name were lost on the wire.
        lose(carried.subtracting(running), worker: hello, into: &actions)
        worker.leases.formUnion(running)
        for lease in running where leases[lease] != nil { leases[lease]!.peer = peer }
        // SETUP (it carries the dataset) goes once per connection: HELLOs repeated before our
        // WELCOME arrived (a thousand workers joining at once) get WELCOME again, not the data.
        let needsSetup = hello.cachedSweep != configuration.sweepID && !worker.setupSent
        if needsSetup { worker.setupSent = true }
        setWorker(worker)
        // Its first heartbeat is due within an interval (and no timer may be armed yet).
        wakeAt = min(wakeAt, now + configuration.heartbeatInterval / 2)
        if isNew {
            actions.append(.report(.workerJoined(peer, name: hello.name, host: hello.host, slots: hello.slots)))
        }
        actions.append(
            .send(
                peer,
                .welcome(
                    sweepID: configuration.sweepID,
                    heartbeatMilliseconds: Int(configuration.heartbeatInterval * 1000))))
        if needsSetup { actions.append(.sendSetup(peer)) }
        startQueued(on: peer, now: now)  // leases lost on the old connection freed their places
        dispatch(to: peer, acks: [], now: now, into: &actions)
    }

    /// Why this HELLO may not join (nil: it may): its name belongs to another live worker.
    func refusal(of hello: Hello, peer: PeerID) -> String? {
        for other in index.peers(name: hello.name) where other != peer {
            let worker = workers[other]!
            if worker.hello.workerID != hello.workerID {
                return
                    "worker name '\(hello.name)' is in use by a live worker on host \(worker.hello.host); give each worker its own name (sweep worker --name)"
            }
            if worker.hello.incarnation != hello.incarnation,
                superseded[hello.workerID]?.contains(hello.incarnation) == true
            {
                return
                    "worker name '\(hello.name)' on host \(hello.host) is in use by another live worker process (a newer one with the same name); give each worker its own name (sweep worker --name)"
            }
        }
        return nil
    }
}
