#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import Foundation
import Testing
import ExMy
import ExMyVerification

/// ExMy's arithmetic against the MPFR oracle, code and flags, zero mismatches allowed
/// (docs/verification.md lists the counts and times).
struct ArithmeticCrossCheckTests {
    /// The catalog formats of at most 8 bits.
    static let smallFormats = FloatFormat.catalog.filter { $0.bitWidth <= 8 }

    /// Wider formats and formats outside the catalog, checked on seeded random operands.
    static let wideFormats: [FloatFormat] = {
        var formats: [FloatFormat] = [.fp16, .bf16, .tf32, .fp32]
        // swiftlint:disable force_try
        formats.append(try! FloatFormat.p3109(bitWidth: 8, precision: 3, signed: true, extended: true))
        formats.append(try! FloatFormat.p3109(bitWidth: 8, precision: 5, signed: false, extended: false))
        formats.append(try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off"))
        formats.append(try! FloatFormat(parsing: "e5m6"))
        formats.append(try! FloatFormat(exponentBitCount: 11, significandBitCount: 52, specials: .ieee))  // binary64
        // swiftlint:enable force_try
        return formats
    }()

    /// Every pair of codes, every deterministic rule × every overflow rule (24 pairs), for + − × ÷
    /// and both remainders.
    @Test(arguments: smallFormats, [CrossCheck.Operation.add, .subtract, .multiply, .divide, .remainder, .truncatingRemainder])
    func everyPair(_ format: FloatFormat, _ operation: CrossCheck.Operation) {
        let inputs = CrossCheck.exhaustiveInputs(operation, format)
        let tally = CrossCheck.runArithmetic(operation, format, inputs: inputs)
        #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
        #expect(tally.total == inputs.count * 24)
        #expect(inputs.count == 1 << (2 * format.bitWidth))
    }

    /// Square root and roundToIntegral (each integral rule) of every code, and 20,000 seeded
    /// random triples of codes for the fused multiply-add, under all 24 rule pairs.
    @Test(arguments: smallFormats)
    func unaryAndFusedMultiplyAdd(_ format: FloatFormat) {
        for operation in [CrossCheck.Operation.squareRoot, .roundToIntegral, .fusedMultiplyAdd] {
            let inputs = CrossCheck.exhaustiveInputs(operation, format, fmaCount: 20_000)
            let tally = CrossCheck.runArithmetic(operation, format, inputs: inputs)
            #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
            #expect(tally.total == inputs.count * 24)
        }
    }

    /// Operands from another format (an FP8 product into an FP16 accumulator, a narrowing into
    /// FP4): every pair of the source format's codes (every code for square root, 20,000 triples
    /// for fma), rounded into the target, one rule pair each, cycling through the 24.
    @Test(arguments: [(FloatFormat.e4m3fn, FloatFormat.fp16), (.e5m2, .bf16), (.e4m3fn, .fp32), (.e4m3fn, .e2m1fn),
                      (.mxint8, .e4m3fn), (.e8m0fnu, .e5m2)])
    func crossFormat(_ source: FloatFormat, _ target: FloatFormat) {
        for operation in CrossCheck.Operation.allCases {
            let inputs = CrossCheck.exhaustiveInputs(operation, source, fmaCount: 20_000)
            let tally = CrossCheck.runArithmetic(operation, target, inputs: inputs, cycle: true)
            #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
            #expect(tally.total == inputs.count)
        }
    }

    /// 8-bit formats at the ends of the Double range (biases 1072, 1060, −1000, −1020): operands
    /// near 2^−1074 or 2^1015, exact products and sums far outside the Double range. Every pair of
    /// codes, one rule pair each, cycling.
    @Test(arguments: ["e4m3:bias=1072", "e5m2:bias=1060,subnormals=off", "e4m3:bias=-1000", "e2m5:bias=-1020,specials=fn"])
    func extremeExponents(_ text: String) throws {
        let format = try FloatFormat(parsing: text)
        for operation in CrossCheck.Operation.allCases {
            let inputs = CrossCheck.exhaustiveInputs(operation, format, fmaCount: 20_000)
            let tally = CrossCheck.runArithmetic(operation, format, inputs: inputs, cycle: true)
            #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
            #expect(tally.total == inputs.count)
        }
    }

    /// Seeded random operands (the format's codes, near-cancelling partners, specials, off-grid
    /// Doubles), one rule pair each, cycling through the 24.
    @Test(arguments: wideFormats)
    func randomOperands(_ format: FloatFormat) {
        var total = 0
        for operation in CrossCheck.Operation.allCases {
            let inputs = CrossCheck.randomInputs(operation, format, count: Self.randomCount)
            let tally = CrossCheck.runArithmetic(operation, format, inputs: inputs, cycle: true)
            #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
            total += tally.total
        }
        #expect(total == Self.randomCount * CrossCheck.Operation.allCases.count)
    }

    /// Stochastic rounding of every operation: variants A, B, C with 1, 3, 8, 16 random bits and
    /// exact-probability rounding, on seeded random operands with seeded random words.
    @Test(arguments: [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .e8m0fnu, .mxint8, .ue4m3, .bf16, .fp3E1M1NoSubnormals])
    func stochastic(_ format: FloatFormat) {
        var count = 0
        for operation in CrossCheck.Operation.allCases {
            let inputs = CrossCheck.randomInputs(operation, format, count: 300, seed: 5)
            let r = CrossCheck.runArithmeticStochastic(format, inputs: inputs)
            #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
            count += r.count
        }
        #expect(count == 300 * CrossCheck.Operation.allCases.count * 3 * 2 * 13)
    }

    static var randomCount: Int { Int(ProcessInfo.processInfo.environment["EXMY_ARITHMETIC_RANDOM"] ?? "") ?? 20_000 }
}
#endif
