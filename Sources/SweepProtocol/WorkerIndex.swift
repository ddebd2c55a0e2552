/// Connected workers by worker id and by name, so a HELLO finds its namesakes and earlier
/// incarnations without scanning every worker (a thousand joining at once is O(1) each).
struct WorkerIndex {
    private var byID: [String: Set<PeerID>] = [:]
    private var byName: [String: Set<PeerID>] = [:]

    func peers(workerID: String) -> Set<PeerID> { byID[workerID] ?? [] }
    func peers(name: String) -> Set<PeerID> { byName[name] ?? [] }

    mutating func insert(_ peer: PeerID, _ hello: Hello) {
        byID[hello.workerID, default: []].insert(peer)
        byName[hello.name, default: []].insert(peer)
    }

    mutating func remove(_ peer: PeerID, _ hello: Hello) {
        Self.remove(peer, key: hello.workerID, from: &byID)
        Self.remove(peer, key: hello.name, from: &byName)
    }

    private static func remove(_ peer: PeerID, key: String, from map: inout [String: Set<PeerID>]) {
        guard var peers = map[key] else { return }
        peers.remove(peer)
        map[key] = peers.isEmpty ? nil : peers
    }
}

extension CoordinatorMachine {
    /// Adds or replaces a connected worker, keeping the index in step.
    mutating func setWorker(_ worker: Worker) {
        if let old = workers[worker.peer] { index.remove(worker.peer, old.hello) }
        workers[worker.peer] = worker
        index.insert(worker.peer, worker.hello)
    }

    /// Removes a connected worker, keeping the index in step.
    @discardableResult
    mutating func removeWorker(_ peer: PeerID) -> Worker? {
        guard let worker = workers.removeValue(forKey: peer) else { return nil }
        index.remove(peer, worker.hello)
        return worker
    }
}
