import Foundation
import Testing

@testable import SweepRuntime

/// MODEL.md shows text from the data literally: no value can style the card, break a table row
/// or a code span; and numbers a user copies back into a spec are given in full.
@Suite struct ModelCardMarkdownTests {
    @Test func dataTextIsEscapedNotRendered() {
        #expect(ModelCard.escaped("*bold* <b>h</b> a|b") == #"\*bold\* \<b\>h\</b\> a\|b"#)
        #expect(ModelCard.escaped("two\nlines") == #"two\nlines"#, "a line break cannot split a table row")
        #expect(ModelCard.escaped("`c` _u_ [l](x) #h") == ##"\`c\` \_u\_ \[l\](x) \#h"##)
        #expect(ModelCard.escaped("plain words, 1.5") == "plain words, 1.5")
    }

    @Test func aCodeSpanHoldsBackticksAndBreaksLiterally() {
        #expect(ModelCard.code("target") == "`target`")
        #expect(ModelCard.code("x`y") == "``x`y``")
        #expect(ModelCard.code("`edge") == "`` `edge ``")
        #expect(ModelCard.code("a\nb|c") == #"`a\nb\|c`"#)
    }

    @Test func aChosenNumberIsGivenInFull() throws {
        var card = try #require(ModelCard.make(try ModelCardTests.inputs()))
        card.params = ["C": .double(1.2845928472196475), "kernel": .string("rbf`x")]
        #expect(card.markdown.contains("Trial 1: ``C=1.2845928472196475, kernel=rbf`x``"), "\(card.markdown)")
    }

    @Test func aNestedRunWithoutAnEstimateIsNotCalledUnnested() throws {
        var inputs = try ModelCardTests.inputs(nested: ModelCard.Nested(mean: nil, std: nil, folds: [nil, 0.8]))
        inputs.summary.refit?.holdout = nil
        let card = try #require(ModelCard.make(inputs))
        #expect(card.limitations.contains { $0.hasPrefix("Nested CV ran but gave no estimate") }, "\(card.limitations)")
        #expect(!card.markdown.contains("no nested CV ran"))
    }
}
