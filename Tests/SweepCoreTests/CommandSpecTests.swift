import SweepML
import Testing

@testable import SweepCore

struct CommandSpecTests {
    func problems(_ text: String) -> [String] { specProblems(text) }

    @Test func parsesACommandTrainer() throws {
        let spec = try SpecParser.parse(
            """
            trainer:
              command: ["python3", "train.py", "--lr={lr}", "--layers={layers}"]
              workdir: ./code
              env: {PYTHONUNBUFFERED: "1"}
              resources: {cpus: 2, gpus: 1}
            space: {lr: {values: [0.1, 0.01]}, layers: 3}
            objective: {metric: val_loss, goal: minimize}
            """)
        guard case .command(let command) = spec.trainer else { Issue.record("a command trainer expected"); return }
        #expect(spec.trainer.isCommand && spec.trainer.model == nil)
        #expect(command.workdir == "./code")
        #expect(command.env == ["PYTHONUNBUFFERED": "1"])
        #expect(spec.trainer.resources == Resources(cpus: 2, gpus: 1))
        #expect(!spec.cv.stratified, "no data, no labels to stratify by")
        #expect(spec.metricNames == ["val_loss"])
        let rendered = command.template.render(Params(["lr": .double(0.1), "layers": .int(3)]))
        #expect(rendered == ["python3", "train.py", "--lr=0.1", "--layers=3"])
    }

    @Test func placeholdersMustNameParameters() {
        #expect(
            problems(
                """
                trainer: {command: [run, "--a={alpha}"]}
                space: {beta: 1}
                objective: {metric: score}
                """) == ["line 1: trainer.command: placeholder {alpha} names no parameter in space; parameters: beta"])
        #expect(
            problems("trainer: {command: [run, \"--a={alpha\"]}\nobjective: {metric: score}").contains {
                $0.contains("an unclosed '{'")
            })
    }

    @Test func literalBracesAndInjectionAttemptsStayInsideOneArgument() {
        let template = CommandTemplate(["prog", "{{\"json\": {x}}}", "--name={x}"])
        #expect(
            template.render(Params(["x": .string("1; rm -rf / #")])) == [
                "prog", "{\"json\": 1; rm -rf / #}", "--name=1; rm -rf / #",
            ])
    }

    @Test func trainerShapeIsChecked() {
        #expect(
            problems("trainer: {model: knn, command: [x]}").contains {
                $0.hasSuffix("trainer: give either model or command, not both")
            })
        #expect(problems("trainer: {}").contains { $0.contains("give a built-in model") })
        #expect(
            problems("trainer: {command: []}\nobjective: {metric: score}").contains {
                $0.contains("expected a non-empty list")
            })
        #expect(
            problems("trainer: {model: noop, workdir: x}").contains {
                $0.contains("trainer.workdir: applies to command trainers only")
            })
        #expect(
            problems("trainer: {command: [x], env: {SWEEP_FOLD: 3}}\nobjective: {metric: score}").contains {
                $0.contains("SWEEP_* is reserved")
            })
        #expect(
            problems("trainer: {command: [x], resources: {gpus: -1}}\nobjective: {metric: score}").contains {
                $0.contains("trainer.resources.gpus")
            })
    }

    @Test func commandObjectivesNeedAMetricAndAGoalForUnknownMetrics() {
        #expect(
            problems("trainer: {command: [x]}").contains {
                $0.hasPrefix("objective.metric: required for a command trainer")
            })
        #expect(
            problems("trainer: {command: [x]}\nobjective: {metric: val_loss}").contains {
                $0.contains("say whether to maximize or minimize it")
            })
        #expect(
            problems("trainer: {command: [x]}\nobjective: {metric: accuracy}").isEmpty,
            "a known metric keeps its direction")
    }

    @Test func stratifyingWithoutDataIsRefused() {
        #expect(
            problems("trainer: {command: [x]}\ncv: {stratified: true}\nobjective: {metric: score}")
                .contains { $0.contains("cv.stratified: stratified folds need class labels from data") })
    }
}
