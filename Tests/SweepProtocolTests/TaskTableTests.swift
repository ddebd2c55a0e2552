import Testing

@testable import SweepProtocol

struct TaskTableTests {
    /// Ended tasks are a bit each; only begun, unended tasks keep a state of their own.
    @Test func keepsStateOnlyForTasksInFlight() {
        var table = CoordinatorMachine.TaskTable()
        table.append(fresh: 100_000)
        #expect(table.count == 100_000 && table.begunCount == 0)
        #expect(!table[99_999].done && table[99_999].attempts == 0)
        table[64].attempts += 1
        table[64].failedOn.insert("w1")
        table[65].lost += 1
        #expect(table.begunCount == 2 && table[64].attempts == 1 && table[64].failedOn == ["w1"])
        table[64].done = true
        #expect(table.isDone(64) && table[64].done && table.begunCount == 1, "its state is forgotten")
        table[64].attempts += 1
        #expect(table.begunCount == 1 && table[64].attempts == 0, "an ended task stays ended")
        #expect(!table.isDone(63) && !table.isDone(65))
        table.append(fresh: 2)
        #expect(table.count == 100_002 && !table.isDone(100_001))
        table[100_001].done = true
        #expect(table.isDone(100_001) && table.indices == 0..<100_002)
    }
}
