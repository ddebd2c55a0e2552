extension CoordinatorMachine {
    /// Every task of the sweep by index (trial × folds + fold), kept small at a million tasks:
    /// a bit for each ended task, and a `TaskState` only for tasks that have begun and not ended
    /// (dispatched, failed, lost). The rest read as a fresh state. Memory follows what is in flight,
    /// not the task count; results themselves live in the run database.
    struct TaskTable {
        private var ended: [UInt64] = []
        private var begun: [Int: TaskState] = [:]
        private(set) var count = 0

        var indices: Range<Int> { 0..<count }

        /// Adds `count` fresh tasks at the end (a new trial's folds).
        mutating func append(fresh added: Int) {
            count += added
            while ended.count * 64 < count { ended.append(0) }
        }

        func isDone(_ index: Int) -> Bool { ended[index >> 6] & (1 << UInt64(index & 63)) != 0 }

        /// A task's state; setting `done` ends it and forgets the rest of its state. An ended task
        /// stays ended (a late count on it changes nothing that is read again).
        subscript(index: Int) -> TaskState {
            get {
                var state = begun[index] ?? TaskState()
                state.done = isDone(index)
                return state
            }
            set {
                if newValue.done {
                    ended[index >> 6] |= 1 << UInt64(index & 63)
                    begun[index] = nil
                } else if !isDone(index) {
                    begun[index] = newValue
                }
            }
        }

        /// Tasks with a state of their own (begun, not ended): what the table holds beyond its bits.
        var begunCount: Int { begun.count }
    }
}
