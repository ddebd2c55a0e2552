import Testing

@testable import SweepCore
@testable import SweepML

struct PreprocessingTests {
    static let csv = """
        id,size,colour,weight,label
        1,1.0,red,10,a
        2,,blue,20,b
        3,3.0,red,,a
        4,4.0,NA,40,b
        5,5.0,green,50,a
        6,6.0,blue,60,b
        """

    @Test func categoricalColumnsMissingValuesAndDroppedColumns() throws {
        let data = try Dataset(
            csv: try CSVTable(parsing: Self.csv), target: "label", classification: true, drop: ["id"])
        #expect(data.featureNames == ["size", "colour", "weight"])
        #expect(data.categories[0] == nil && data.categories[2] == nil)
        #expect(data.categories[1] == ["blue", "green", "red"])
        #expect(data.features[3].isNaN, "row 2's size is missing")
        #expect(data.features[1] == 2, "red is category 2")
        #expect(data.features[10].isNaN, "NA is missing")
        #expect(
            throws: DatasetError(
                message: "data.drop names 'nope', which is not a column; columns: id, size, colour, weight, label")
        ) {
            try Dataset(csv: try CSVTable(parsing: Self.csv), target: "label", classification: true, drop: ["nope"])
        }
        #expect(
            throws: DatasetError(message: "line 3, column 'y': the target is missing; remove the row or fill it in")
        ) {
            try Dataset(csv: try CSVTable(parsing: "x,y\n1,a\n2,\n"), target: "y", classification: true)
        }
    }

    @Test func imputationStandardisationAndOneHotUseTrainingRowsOnly() throws {
        let data = try Dataset(
            csv: try CSVTable(parsing: Self.csv), target: "label", classification: true, drop: ["id"])
        let train = [0, 1, 2, 3]  // sizes 1, NaN, 3, 4; colours red, blue, red, NaN; weights 10, 20, NaN, 40
        for (imputation, fill) in [(Preprocessor.Imputation.mean, 8.0 / 3), (.median, 3.0), (.mostFrequent, 1.0)] {
            let p = Preprocessor(
                fitting: Matrix(data, rows: train), categories: data.categories, imputation: imputation)
            guard case .numeric(let sizeFill, _, _) = p.steps[0] else { Issue.record("size should be numeric"); return }
            #expect(abs(sizeFill - fill) < 1e-12, "\(imputation)")
        }
        let p = Preprocessor(fitting: Matrix(data, rows: train), categories: data.categories, imputation: .mean)
        guard case .categorical(let fill, let kept) = p.steps[1] else {
            Issue.record("colour should be categorical"); return
        }
        #expect(fill == 2, "red is the most frequent colour in training")
        #expect(kept == [0, 2], "green was never seen in training")
        #expect(p.outputColumns == 4)
        // A validation row with an unseen category (green) one-hot encodes as all zeros.
        let valid = p.transform(Matrix(data, rows: [4]))
        #expect(valid.values[1] == 0 && valid.values[2] == 0)
        let trainOut = p.transform(Matrix(data, rows: train))
        let sizes = (0..<4).map { trainOut[$0, 0] }
        #expect(abs(sizes.reduce(0, +)) < 1e-12, "standardised over the training rows: mean 0")
    }

    @Test func foldPreprocessingNeverSeesValidationRows() throws {
        // The validation fold holds an extreme value; the fitted statistics must not move.
        let rows = (0..<10).map { "\($0 == 9 ? 1e6 : Double($0)),\($0 % 2)" }.joined(separator: "\n")
        let data = try Dataset(csv: try CSVTable(parsing: "x,y\n" + rows), target: "y", classification: true)
        let assignment = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
        let (trainRows, _) = FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [assignment]).split(1)
        let fold = FoldTrainer.preprocessor(data, trainRows: trainRows, imputation: .mean)
        guard case .numeric(_, let mean, let scale) = fold.steps[0] else { Issue.record("numeric expected"); return }
        #expect(mean == 3.5, "the mean of rows 0…7 only")
        #expect(abs(scale - 5.25.squareRoot()) < 1e-12)
    }
}
