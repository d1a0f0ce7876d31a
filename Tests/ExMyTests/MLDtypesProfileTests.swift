import Foundation
import Testing
@testable import ExMy

/// The `ml_dtypes` profile against ml_dtypes 0.6.0 itself: the fixtures hold the codes ml_dtypes'
/// `astype` produced (see `Fixtures/make_ml_dtypes_fixtures.py`) for every float16 and every
/// bfloat16 bit pattern, and for 40,003 float64 values near rounding boundaries.
struct MLDtypesProfileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static let names = ["e4m3fn", "e5m2", "e4m3fnuz", "e5m2fnuz", "e4m3b11fnuz", "e3m4", "e4m3", "e2m3fn", "e3m2fn", "e2m1fn", "e8m0fnu"]

    static func inputs() throws -> [Double] {
        var xs: [Double] = []
        for bits in 0..<65536 { xs.append(Double(Float(Float16(bitPattern: UInt16(bits))))) }
        for bits in 0..<65536 { xs.append(Double(Float(bitPattern: UInt32(bits) << 16))) }
        let raw = try Data(contentsOf: fixtures.appendingPathComponent("doubles.bin"))
        xs += raw.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        return xs
    }

    @Test(arguments: names)
    func matchesMLDtypes(_ name: String) throws {
        let format = try FloatFormat(parsing: name)
        let expected = try Self.load("ml_dtypes-\(name).bin")
        let xs = try Self.inputs()
        try #require(expected.count == xs.count)
        var mismatches = 0
        for (i, x) in xs.enumerated() {
            let got = ConversionProfile.mlDtypes.encode(x, into: format).code
            // ml_dtypes gives NaN payloads its own way; compare NaNs as NaNs (sign included where signed).
            let want = UInt64(expected[i])
            let same = got == want || (format.decode(got).isNaN && format.decode(want).isNaN && format.isNegative(got) == format.isNegative(want))
            if !same {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(name) x=\(x) (input \(i)): ExMy 0x\(String(got, radix: 16)), ml_dtypes 0x\(String(want, radix: 16))") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func exactDoubleConversionDiffersWhereMLDtypesRoundsTwice() {
        // formats.md disagreement 3: the correct answer is −416 (S.1111.101 = 0xFD); ml_dtypes gives
        // −448 (S.1111.110 = 0xFE).
        #expect(ConversionProfile.ocp.encode(-431.99999999999994, into: .e4m3fn).code == 0xFD)
        #expect(ConversionProfile.mlDtypes.encode(-431.99999999999994, into: .e4m3fn).code == 0xFE)
        #expect(Float8E4M3FN(-431.99999999999994).doubleValue == -416)
    }
}
