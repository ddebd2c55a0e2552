import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol

/// The machine across a sweep's lifecycle: a finished sweep restored with a raised budget
/// continues exactly as an uninterrupted one would, and a retried task runs again with a fresh
/// attempt number and is counted once.
struct CoordinatorLifecycleTests {
    let peer = PeerID([1])

    /// What a run recorded: the trials in order and the counted outcomes in order.
    struct Book {
        var trials: [Trial] = []
        var counted: [(task: TaskID, status: TaskStatus, metrics: [String: Double])] = []
        var attempts: [TaskID: Int] = [:]

        var restored: CoordinatorMachine.Restored {
            CoordinatorMachine.Restored(trials: trials, counted: counted, attempts: attempts)
        }
    }

    static func branin(_ params: Params) -> Double {
        let x = params["x"]!.number!, y = params["y"]!.number!
        let b: Double = 5.1 / (4 * Double.pi * Double.pi)
        let a: Double = y - b * x * x + 5 / Double.pi * x - 6
        let s: Double = 10 * (1 - 1 / (8 * Double.pi))
        return a * a + s * cos(x) + 10
    }

    func search(trials: Int, patience: Int? = nil, algorithm: SearchAlgorithm = .tpe) -> SearchDriver.Configuration {
        SearchDriver.Configuration(
            space: [Dimension(name: "x", kind: .uniform(-5, 10)), Dimension(name: "y", kind: .uniform(0, 15))],
            algorithm: algorithm, seed: 11, trials: trials, stopAfterNoImprovement: patience, goal: .minimize, folds: 1)
    }

    /// Runs a machine to its end with one worker of one slot (a deterministic order), scoring
    /// `score(params)` (nil: the task fails), and appends what it recorded to `book`.
    func drive(
        _ machine: inout CoordinatorMachine, _ book: inout Book, score: (Params) -> Double? = Self.branin
    ) {
        var now = 1.0
        func note(_ actions: [CoordinatorMachine.Action]) {
            for action in actions {
                switch action {
                case .trialAdded(let trial): book.trials.append(trial)
                case .record(let record): book.counted.append((record.task, record.status, record.metrics))
                case .dispatched(let ref, _, _): book.attempts[ref.task] = ref.attempt
                default: break
                }
            }
        }
        let hello = machine.handle(.received(peer, Kit.hello("w", slots: 1)), now: now)
        note(hello)
        var pending = Kit.assigned(hello, to: peer)
        while let lease = pending.first, !machine.isFinished {
            pending.removeFirst()
            let params = machine.trials[lease.trial].params
            let result =
                score(params).map {
                    TaskResult(lease: lease, succeeded: true, duration: 0.1, metrics: ["score": $0], error: "")
                } ?? Kit.failure(lease)
            now += 1
            let actions = machine.handle(.received(peer, .results(sweepID: 5, [result])), now: now)
            pending += Kit.assigned(actions, to: peer)
            note(actions)
        }
    }

    func machine(_ search: SearchDriver.Configuration, restored: CoordinatorMachine.Restored? = nil)
        -> CoordinatorMachine
    {
        CoordinatorMachine(
            .init(sweepID: 5, search: search, objective: "score", maxAttempts: 1, taskTimeout: 100), restored: restored)
    }

    @Test(arguments: [SearchAlgorithm.tpe, .random, .sobol])
    func aSweepExtendedFrom10To20SuggestsWhatAStraight20TrialSweepDoes(_ algorithm: SearchAlgorithm) {
        func search(trials: Int) -> SearchDriver.Configuration { self.search(trials: trials, algorithm: algorithm) }
        var straight = machine(search(trials: 20))
        var straightBook = Book()
        drive(&straight, &straightBook)
        #expect(straightBook.trials.count == 20)

        var first = machine(search(trials: 10))
        var book = Book()
        drive(&first, &book)
        #expect(first.isFinished && book.trials.count == 10)
        var extended = machine(search(trials: 20), restored: book.restored)
        #expect(!extended.isFinished, "a raised budget reopens the finished sweep")
        drive(&extended, &book)
        #expect(book.trials.count == 20)
        #expect(book.trials.map(\.params) == straightBook.trials.map(\.params))
        #expect(extended.succeeded == 20)
    }

    @Test func extendingRestartsTheNoImprovementCount() {
        var first = machine(search(trials: 100, patience: 3))
        var book = Book()
        drive(&first, &book) { _ in 1 }  // never improves after the first
        #expect(book.trials.count == 4, "the first trial sets the best; three more without improving end it")
        var again = Book.restored(book)
        var plain = machine(search(trials: 100, patience: 3), restored: again)
        let plainSpent = plain.search.isExhausted(now: 0)
        #expect(plainSpent, "a plain resume keeps the count")
        again.patienceRestartsAfter = book.counted.count
        var extended = machine(search(trials: 100, patience: 3), restored: again)
        let extendedSpent = extended.search.isExhausted(now: 0)
        #expect(!extendedSpent)
        drive(&extended, &book) { _ in 1 }
        #expect(book.trials.count == 7, "three more trials without improving after the extension")
    }

    @Test func aRetriedTaskRunsWithTheNextAttemptAndIsCountedOnce() {
        let trials = (0..<3).map { Trial(number: $0, params: Params(["x": .int($0)])) }
        var first = machine(.fixed(trials, folds: 1))
        var book = Book()
        drive(&first, &book) { $0["x"] == .int(1) ? nil : 1 }
        #expect(first.failed == 1 && first.succeeded == 2)
        // `sweep retry` sets the counted failure aside: the restored machine runs the task again.
        var retried = book
        retried.counted.removeAll { $0.status == .failed }
        var second = machine(.fixed(trials, folds: 1), restored: retried.restored)
        #expect(!second.isFinished)
        var after = Book()
        drive(&second, &after) { _ in 1 }
        #expect(after.counted.map(\.task) == [TaskID(trial: 1, fold: 0)])
        #expect(after.counted.first?.status == .ok)
        #expect(after.attempts[TaskID(trial: 1, fold: 0)] == book.attempts[TaskID(trial: 1, fold: 0)]! + 1)
        #expect(second.isFinished && second.succeeded == 3 && second.failed == 0)
    }
}

extension CoordinatorLifecycleTests.Book {
    static func restored(_ book: Self) -> CoordinatorMachine.Restored { book.restored }
}
