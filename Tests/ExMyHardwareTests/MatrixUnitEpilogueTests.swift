import ExMy
import ExMyHardware
import Testing

/// The linear-combination epilogue against the machine's own IEEE FP32 arithmetic (Swift's `Float`
/// multiplication and fused multiply-add, and `Float16(Float)`), not against ExMy's engine.
@Suite struct MatrixUnitEpilogueTests {
    /// Bit patterns spread over every kind of FP32 value: zeros, subnormals, normals, the extremes,
    /// infinities and NaNs.
    static func patterns(count: Int, seed: UInt64) -> [UInt32] {
        var rng = SplitMix64(seed: seed)
        let edges: [UInt32] = [0, 0x8000_0000, 1, 0x8000_0001, 0x007F_FFFF, 0x0080_0000, 0x3F80_0000, 0xBF80_0000,
                               0x7F7F_FFFF, 0xFF7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x7F80_0001]
        return edges + (0..<count).map { _ in
            let r = rng.next()
            // Half the draws near 1 (exponents 100 … 154), half anywhere.
            if r & 1 == 0 { return UInt32(truncatingIfNeeded: r >> 32) }
            return UInt32(truncatingIfNeeded: r >> 32) & 0x807F_FFFF | UInt32(100 + (r >> 8) % 55) << 23
        }
    }

    @Test func fp32MatchesTheMachine() throws {
        let accs = Self.patterns(count: 3000, seed: 1), cs = Self.patterns(count: 3000, seed: 2)
        let scalars: [(Float, Float)] = [(1, 0), (2, 0), (-0.5, 0), (1, 1), (0.375, -1.5), (0x1p-127, 1), (1e30, 1e-30), (1.5, 0.1)]
        var checked = 0
        for (alpha, beta) in scalars {
            let e = MatrixUnitEpilogue(alpha: alpha, beta: beta)
            for (acc, c) in zip(accs, cs) {
                let x = Float(bitPattern: acc), y = Float(bitPattern: c)
                let expected: Float = beta == 0 ? alpha * x : (beta * y).addingProduct(alpha, x)
                let got = e.apply(accumulator: UInt64(acc), source: UInt64(c), format: .fp32)
                if expected.isNaN {
                    #expect(got == 0x7FFF_FFFF)
                } else {
                    #expect(got == UInt64(expected.bitPattern), "alpha \(alpha) beta \(beta) acc \(x) c \(y)")
                }
                checked += 1
            }
        }
        #expect(checked == 8 * 3014)
    }

    @Test func fp16OutputIsRoundedOnceFromFP32() throws {
        var rng = SplitMix64(seed: 3)
        let e = MatrixUnitEpilogue(alpha: 1.25, beta: -0.75)
        for _ in 0..<20_000 {
            let acc = UInt16(truncatingIfNeeded: rng.next()), c = UInt16(truncatingIfNeeded: rng.next())
            let x = Float(Float16(bitPattern: acc)), y = Float(Float16(bitPattern: c))
            let expected = Float16((-0.75 * y).addingProduct(1.25, x))
            let got = e.apply(accumulator: UInt64(acc), source: UInt64(c), format: .fp16)
            if expected.isNaN { #expect(got == 0x7FFF) } else { #expect(got == UInt64(expected.bitPattern), "acc \(x) c \(y)") }
        }
    }

    @Test func outputFormatsFP32CannotHoldAreRefused() {
        #expect(throws: MatrixUnitError.self) { try MatrixUnitEpilogue.validate(FloatFormat(parsing: "e11m52")) }
        #expect(throws: Never.self) { try MatrixUnitEpilogue.validate(.fp16) }
        var d: [UInt64] = [0, 0]
        #expect(throws: MatrixUnitError.self) { try MatrixUnitEpilogue().apply(to: &d, source: [0], format: .fp32) }
    }
}
