import Testing
import ExMy

/// The README's example, statement by statement, with the values it claims.
struct ReadmeExampleTests {
    @Test func readmeExample() throws {
        let x = Float8E4M3FN(0.3)
        #expect("\(x)" == "0.3" && x.bitPattern == 42 && Float(x) == 0.3125)
        #expect(Float8E4M3FN(-431.99999999999994).doubleValue == -416)
        #expect(Float8E4M3FN(500).isNaN)
        #expect(Float8E4M3FN(500.0, rounding: .toNearestOrEven, overflow: .saturateFinite).doubleValue == 448)
        let fp4 = Float4E2M1FN(x, rounding: .stochasticA(bits: 8))
        #expect(fp4.doubleValue == 0 || fp4.doubleValue == 0.5)  // 0.3125 lies between 0 and 0.5
        let mine = try FloatFormat(parsing: "e3m3:bias=5,subnormals=off")
        let r = mine.encode(0.1, rounding: .toOdd, overflow: .saturateFinite)
        #expect(r.status.contains(.inexact))
        #expect(ConversionProfile.mlDtypes.encode(-431.99999999999994, into: .e4m3fn).code == 0xFE)  // −448
    }
}
