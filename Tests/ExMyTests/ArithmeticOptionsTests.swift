import Testing
@testable import ExMy

/// The options of `ArithmeticOptions` on hand-checked cases (each expectation derived in its comment).
struct ArithmeticOptionsTests {
    /// 0x1.ffep-15 = 2^-14 − 2^-26 lies in FP16's subnormal range (tiny before rounding); rounded to
    /// 11 bits with unbounded exponent it is the tie between 2^-14 − 2^-25 (odd significand) and
    /// 2^-14, so ties-to-even gives 2^-14: not tiny after rounding. Toward zero it stays below.
    @Test func tininessFP16() {
        let x = 0x1.ffep-15
        let after = ArithmeticOptions(tininess: .afterRounding)
        #expect(FloatFormat.fp16.encode(x).status == [.inexact, .underflow])
        #expect(FloatFormat.fp16.encode(x).code == 0x0400)
        #expect(FloatFormat.fp16.encode(x, options: after).status == [.inexact])
        #expect(FloatFormat.fp16.encode(x, options: after).code == 0x0400)
        #expect(FloatFormat.fp16.encode(x, rounding: .towardZero, options: after).status == [.inexact, .underflow])
        #expect(FloatFormat.fp16.encode(x, rounding: .toOdd, options: after).status == [.inexact, .underflow])
        // 2^-16 + 2^-40 is far below 2^-14: tiny under both rules.
        #expect(FloatFormat.fp16.encode(0x1p-16 + 0x1p-40, options: after).status == [.inexact, .underflow])
    }

    /// E5M2 0x7D (S.11111.01) is a signaling NaN, 0x7E and 0x7F are quiet; E4M3FN has none.
    @Test func signalingNaN() {
        #expect(FloatFormat.e5m2.isSignalingNaN(0x7D) && FloatFormat.e5m2.isSignalingNaN(0xFD))
        #expect(!FloatFormat.e5m2.isSignalingNaN(0x7E) && !FloatFormat.e5m2.isSignalingNaN(0x7F) && !FloatFormat.e5m2.isSignalingNaN(0x7C))
        #expect(Float8E5M2(bitPattern: 0x7D).isSignalingNaN && !Float8E5M2(bitPattern: 0x7E).isSignalingNaN)
        #expect(!(0...255).contains { FloatFormat.e4m3fn.isSignalingNaN(UInt64($0)) })
        let s = ArithmeticOptions(signalingNaNs: true)
        #expect(FloatFormat.e5m2.add(code: 0x7D, code: 0x3C).status == [])
        #expect(FloatFormat.e5m2.add(code: 0x7D, code: 0x3C, options: s) == .init(code: 0x7E, status: .invalid))
        #expect(FloatFormat.e5m2.add(code: 0x7E, code: 0x3C, options: s) == .init(code: 0x7E, status: []))
        #expect(FloatFormat.fp16.encode(Double.signalingNaN, options: s) == .init(code: 0x7E00, status: .invalid))
        #expect(FloatFormat.fp16.encode(Double.signalingNaN) == .init(code: 0x7E00, status: []))
        #expect(Float8E5M2(bitPattern: 0x7D).adding(1, rounding: .toNearestOrEven, options: s).status == .invalid)
        #expect(FloatFormat.fp16.encode(Float.signalingNaN, rounding: .toNearestOrEven, overflow: .none, options: s, random: &Self.g).status == .invalid)
    }
    static nonisolated(unsafe) var g = SystemRandomNumberGenerator()

    @Test func fusedMultiplyAddZeroInfinityNaN() {
        #expect(FloatFormat.fp16.fusedMultiplyAdd(0, .infinity, .nan).status == [])
        #expect(FloatFormat.fp16.fusedMultiplyAdd(.infinity, -0.0, .nan, options: .softFloat).status == .invalid)
        #expect(FloatFormat.fp16.fusedMultiplyAdd(1, .infinity, .nan, options: .softFloat).status == [])
    }

    /// Round to odd: truncate, then set the last integer bit when inexact.
    @Test func roundToIntegralOddAndExact() {
        let odd = ArithmeticOptions(roundToIntegralToOdd: true)
        let f = FloatFormat.fp16
        #expect(f.decode(f.roundToIntegral(2.5, .toNearestOrEven, options: odd).code) == 3)
        #expect(f.decode(f.roundToIntegral(3.5, .toNearestOrEven, options: odd).code) == 3)
        #expect(f.decode(f.roundToIntegral(-0.25, .toNearestOrEven, options: odd).code) == -1)
        #expect(f.decode(f.roundToIntegral(4, .toNearestOrEven, options: odd).code) == 4)
        #expect(f.roundToIntegral(2.5, .toNearestOrEven).status == [])
        #expect(f.roundToIntegral(2.5, .toNearestOrEven, options: .init(roundToIntegralExact: true)).status == .inexact)
        #expect(f.roundToIntegral(2, .toNearestOrEven, options: .init(roundToIntegralExact: true)).status == [])
    }
}
