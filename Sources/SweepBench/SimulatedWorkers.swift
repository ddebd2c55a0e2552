import Foundation
import SweepProtocol
import SweepRuntime
import ZeroMQ

/// Many workers in one process for the scale benchmark: each a full `WorkerMachine` with its own
/// DEALER socket and identity, as the coordinator sees a real worker, but its tasks are no-ops
/// or a fixed sleep kept on a timer heap, so one thread can stand in for a thousand hosts.
///
///   sweep-bench sim-workers --connect ENDPOINT --count N [--slots S] [--task-ms D] [--name P]
///
/// Prints one JSON line of counters when every machine has heard SWEEP-DONE (or on SIGTERM).
final class SimulatedWorkers {
    struct Counters: Codable {
        var workers = 0
        var sent = 0
        var received = 0
        var heartbeatsSent = 0
        var heartbeatsReceived = 0
        var tasks = 0
        /// Wall-clock (epoch) seconds: the process started, and its last machine registered.
        var startedAt = 0.0
        var allRegisteredAt = 0.0
        /// Machines that registered, and when the last of them did (epoch seconds).
        var registered = 0
        var lastRegisteredAt = 0.0
        var endedAt = 0.0
    }

    private var machines: [WorkerMachine]
    private let sockets: [Socket]
    /// Each socket's handshake events, as a real worker's monitor (read while not registered).
    private let monitors: [Socket]
    private let context: Context
    private let taskSeconds: Double
    /// Running tasks by finish time: (finish, machine index, lease).
    private var due = TimerHeap()
    /// Per machine: tasks running (at most `slots`) and tasks waiting for a slot, in arrival
    /// order, as a real worker's trainer pool runs them (prefetched tasks wait there).
    private var running: [Int]
    private var waiting: [[LeaseRef]]
    private let slots: Int
    private var counters = Counters()
    private var registered = Set<Int>()
    private var done = Set<Int>()

    init(connect: String, count: Int, slots: Int, taskSeconds: Double, name: String) throws {
        self.taskSeconds = taskSeconds
        self.slots = slots
        running = Array(repeating: 0, count: count)
        waiting = Array(repeating: [], count: count)
        // Each worker: its DEALER, the monitor's PAIR inside libzmq and ours.
        context = Context(ioThreads: 1, maxSockets: Int32(count * 3 + 16))
        let incarnation = UInt64.random(in: 1...UInt64.max)
        machines = (0..<count).map { index in
            WorkerMachine(
                .init(
                    workerID: "\(name)-\(index)-\(incarnation)", incarnation: incarnation, name: "\(name)-\(index)",
                    host: name, slots: slots))
        }
        var sockets: [Socket] = []
        var monitors: [Socket] = []
        for index in 0..<count {
            let socket = try Socket(context, .dealer)
            try SocketSettings.configureDealer(socket, heartbeatInterval: 1)
            try socket.connect(connect)
            sockets.append(socket)
            monitors.append(try socket.monitor("inproc://sim-\(name)-\(index)", context: context))
        }
        self.sockets = sockets
        self.monitors = monitors
        counters.workers = count
    }

    /// Serves every machine until all heard SWEEP-DONE or `stop` is set; returns the counters.
    func run(stop: () -> Bool) throws -> Counters {
        counters.startedAt = Date().timeIntervalSince1970
        let now = MonotonicClock.now()
        for index in machines.indices { perform(index, machines[index].handle(.started, now: now)) }
        var poller = Poller(sockets.map { .socket($0) })
        while done.count < machines.count && !stop() {
            let wake = min(due.next ?? .infinity, machines.lazy.map(\.nextWake).min() ?? .infinity)
            let wait = max(0, min(100, Int(((wake - MonotonicClock.now()) * 1000).rounded(.up))))
            let readable = try poller.poll(timeoutMilliseconds: wait)
            for index in readable.indices where readable[index] { try receiveAll(index) }
            finishDue()
            try handshakes()
            let tick = MonotonicClock.now()
            for index in machines.indices where machines[index].nextWake <= tick {
                perform(index, machines[index].handle(.tick, now: tick))
            }
        }
        counters.endedAt = Date().timeIntervalSince1970
        for (socket, monitor) in zip(sockets, monitors) {
            socket.stopMonitor()
            monitor.close()
            socket.close()
        }
        return counters
    }

    /// Completed handshakes of machines still connecting (their HELLO goes at once, as a real worker's).
    private func handshakes() throws {
        for index in machines.indices where !machines[index].isRegistered {
            while let event = try monitors[index].receiveEvent() {
                guard event.kind == .handshakeSucceeded else { continue }
                perform(index, machines[index].handle(.handshakeSucceeded, now: MonotonicClock.now()))
            }
        }
    }

    private func receiveAll(_ index: Int) throws {
        while let parts = try sockets[index].receive() {
            counters.received += 1
            let event = WorkerConnectionEvent.decode(parts)
            if case .received(.heartbeat) = event { counters.heartbeatsReceived += 1 }
            perform(index, machines[index].handle(event, now: MonotonicClock.now()))
        }
    }

    /// Reports every task whose time has come, one RESULTS batch per machine.
    private func finishDue() {
        let now = MonotonicClock.now()
        var finished: [Int: [TaskResult]] = [:]
        while let next = due.next, next <= now, let (finish, index, lease) = due.pop() {
            running[index] -= 1
            if !waiting[index].isEmpty { start(waiting[index].removeFirst(), on: index, at: finish) }
            finished[index, default: []].append(
                TaskResult(
                    lease: lease, succeeded: true, duration: taskSeconds, metrics: ["score": Double(lease.trial)],
                    error: ""))
        }
        for (index, results) in finished {
            counters.tasks += results.count
            perform(index, machines[index].handle(.finished(results), now: now))
        }
    }

    /// A slot frees as its task ends: the next waiting task starts then, not when we noticed.
    private func start(_ lease: LeaseRef, on index: Int, at time: Double) {
        running[index] += 1
        due.push((time + taskSeconds, index, lease))
    }

    private func perform(_ index: Int, _ actions: [WorkerMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                counters.sent += 1
                if case .heartbeat = message { counters.heartbeatsSent += 1 }
                _ = try? sockets[index].send([Codec.encode(message)])
            case .run(let assignment, _):
                if running[index] < slots {
                    start(assignment.lease, on: index, at: MonotonicClock.now())
                } else {
                    waiting[index].append(assignment.lease)
                }
            case .report(.registered):
                registered.insert(index)
                counters.registered = registered.count
                counters.lastRegisteredAt = Date().timeIntervalSince1970
                if registered.count == machines.count { counters.allRegisteredAt = Date().timeIntervalSince1970 }
            case .report(.sweepDone):
                done.insert(index)
            case .loadSetup, .cancel, .deliverChunk, .serveArtifact, .reconnect, .report, .exit:
                continue
            }
        }
    }
}

/// A worker's view of one received message (the real worker's `WorkerConnection.event`).
enum WorkerConnectionEvent {
    static func decode(_ parts: [[UInt8]]) -> WorkerMachine.Event {
        guard parts.count == 1 else { return .malformed(DecodeError("expected 1 frame, got \(parts.count)")) }
        do { return .received(try Codec.decode(parts[0])) } catch { return .malformed(error) }
    }
}

/// A binary min-heap of task finish times.
struct TimerHeap {
    typealias Entry = (at: Double, machine: Int, lease: LeaseRef)
    private var entries: [Entry] = []

    var next: Double? { entries.first?.at }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].at < entries[parent].at else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].at < entries[smallest].at { smallest = left }
            if right < entries.count && entries[right].at < entries[smallest].at { smallest = right }
            guard smallest != parent else { return top }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
