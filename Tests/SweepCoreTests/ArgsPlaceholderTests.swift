import Testing

@testable import SweepCore

/// `{args}` in `trainer.command` (W&B's `${args}`): one `--name=value` argument per parameter.
struct ArgsPlaceholderTests {
    @Test func expandsToOneArgumentPerActiveParameterInNameOrder() {
        let template = CommandTemplate(["python3", "train.py", "{args}", "--epochs", "3"])
        let params = Params([
            "lr": .double(0.1), "layers": .int(3), "kernel": .string("rbf rbf"), "shuffle": .bool(true),
            "C": .double(1.0),
        ])
        #expect(
            template.render(params) == [
                "python3", "train.py", "--C=1.0", "--kernel=rbf rbf", "--layers=3", "--lr=0.1", "--shuffle=true",
                "--epochs", "3",
            ])
        #expect(
            template.render(Params([:])) == ["python3", "train.py", "--epochs", "3"], "no parameters, no arguments")
        // The same text as a single placeholder gives.
        let single = CommandTemplate(["--lr={lr}"]).render(params)
        #expect(single == ["--lr=0.1"])
        #expect(CommandTemplate(["{{args}}"]).render(params) == ["{args}"], "doubled braces stay literal")
    }

    @Test func argsIsReservedAndMustStandAlone() {
        let space = "space: {lr: {uniform: [0, 1]}, args: 3}\nsearch: {algorithm: random, trials: 2}"
        let reserved = specProblems(
            "trainer: {command: [python3, t.py, \"{args}\"]}\n\(space)\nobjective: {metric: loss, goal: minimize}")
        #expect(
            reserved.count == 1
                && reserved[0].hasSuffix(
                    "space.args: 'args' is reserved while trainer.command uses {args} (every parameter as --name=value); rename the parameter"
                ), "\(reserved)")
        #expect(
            specProblems(
                "trainer: {command: [python3, t.py, \"{args}\", \"{args}x\"]}\nspace: {lr: 1}\nobjective: {metric: loss, goal: minimize}"
            )
                == [
                    "line 1: trainer.command: {args} must be a whole argument of its own: it becomes one --name=value argument per parameter"
                ])
        #expect(
            specProblems(
                "trainer: {command: [python3, t.py, \"{args}\"]}\nspace: {lr: 1}\nobjective: {metric: loss, goal: minimize}"
            ).isEmpty)
        #expect(
            specProblems(
                "trainer: {command: [python3, t.py, \"--a={args}\"]}\nspace: {args: 1}\nobjective: {metric: loss, goal: minimize}"
            ).isEmpty, "a parameter named args is fine without {args}")
    }
}
