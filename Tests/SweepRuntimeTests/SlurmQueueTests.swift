import Testing

@testable import SweepRuntime

/// squeue's lines for one job array, as `SlurmLauncher` reads them for the progress line and to
/// know that a cancelled array has left the queue.
@Suite struct SlurmQueueTests {
    @Test func countsWorkersByState() {
        let queue = SlurmQueue.parse(
            """
            7_0|RUNNING|None
            7_1|RUNNING|None
            7_2|PENDING|Resources
            7_3|PENDING|Resources
            7_4|PENDING|Priority
            7_5|COMPLETING|None
            7_6|CONFIGURING|None

            """)
        #expect(queue == SlurmQueue(pending: 4, running: 2, other: 1, pendingReason: "Resources"))
        #expect(queue.note(jobID: "7") == "4 workers pending in Slurm (Resources)")
        #expect(!queue.isEmpty)
    }

    @Test func foldedPendingRangesCountEveryTask() {
        #expect(SlurmQueue.parse("9_[2-5%2]|PENDING|JobArrayTaskLimit\n").pending == 4)
        #expect(SlurmQueue.parse("9_[0,3-4]|PENDING|None\n").pending == 3)
        #expect(SlurmQueue.parse("9_[0-8:2]|PENDING|None\n").pending == 5)
        #expect(SlurmQueue.parse("9|RUNNING|None\n").running == 1)
        #expect(SlurmQueue.taskCount("9_[5-2]") == nil)
        #expect(SlurmQueue.taskCount("") == nil)
    }

    @Test func notes() {
        #expect(SlurmQueue(pending: 1).note(jobID: "3") == "1 worker pending in Slurm")
        #expect(SlurmQueue(running: 2).note(jobID: "3") == nil, "nothing to say while every worker runs")
        #expect(SlurmQueue().note(jobID: "3") == "Slurm job 3 has ended; see launch/slurm-3_*.log")
    }

    @Test func emptyAndUnreadableOutput() {
        #expect(SlurmQueue.parse("").isEmpty)
        #expect(SlurmQueue.parse("garbage\n|\n7_x|RUNNING|None\n").isEmpty)
        #expect(SlurmQueue.isUnknownJob(stderr: "slurm_load_jobs error: Invalid job id specified\n"))
        #expect(!SlurmQueue.isUnknownJob(stderr: "slurm_load_jobs error: Unable to contact slurm controller\n"))
    }
}
