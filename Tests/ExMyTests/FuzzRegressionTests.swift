import Testing
import ExMy

/// Every crash or mismatch the fuzz targets found, as a regression test (`Fuzz/findings/`).
struct FuzzRegressionTests {
    /// fuzz-parse: an option that is only '=' indexed an empty array and trapped.
    @Test(arguments: ["e4m3:=", "e4m3:,", "e4m3:=5", "e4m3: ", "e4m3:bias=", "e4m3:bias==3"])
    func malformedOptionsThrow(_ text: String) {
        #expect(throws: FormatError.self) { try FloatFormat(parsing: text) }
    }

    /// fuzz-crosscheck: a format without zero whose NaN sits at the −0 code has no code for its
    /// negative least value (ExMy answered +least, MPFR −least); such descriptions are now rejected.
    @Test(arguments: ["e4m7:bias=-104,subnormals=off,zero=off,specials=fnuz", "e3m2:subnormals=off,zero=off,specials=p3109-finite",
                      "e3m2:subnormals=off,zero=off,specials=p3109-extended"])
    func zerolessFormatsWithNaNAtMinusZeroAreRejected(_ text: String) {
        #expect(throws: FormatError.self) { try FloatFormat(parsing: text) }
    }

    /// fuzz-crosscheck: a 1-bit two's-complement format (values 0 and −1 quantum) disagreed with
    /// the oracle, which rejects it; ExMy now rejects it too.
    @Test func oneBitTwosComplementIsRejected() {
        #expect(throws: FormatError.self) { try FloatFormat(parsing: "e0m0:twos-complement,specials=none") }
        #expect(throws: FormatError.self) { try FloatFormat(parsing: "e0m0:twos-complement,specials=none,bias=3") }
    }
}
