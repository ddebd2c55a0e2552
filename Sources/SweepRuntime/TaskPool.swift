import Foundation

/// A fixed set of threads that run jobs off the socket thread, one job per thread at a time.
final class TaskPool: @unchecked Sendable {  // safe: `jobs`, `stopping`, `idle` guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    /// Threads waiting for a job.
    private var idle = 0

    init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let wake = idle > 0
        condition.unlock()
        // After unlocking: a thread woken while the lock is held wakes only to wait for the lock,
        // and each wake-up costs more than the job of a short task. A busy thread takes the job
        // when it finishes its own.
        if wake { condition.signal() }
    }

    /// Lets threads finish their current job and exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping {
                idle += 1
                condition.wait()
                idle -= 1
            }
            if jobs.isEmpty { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
