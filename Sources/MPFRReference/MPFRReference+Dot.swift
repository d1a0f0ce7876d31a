#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

extension MPFRReference {
    /// The correctly rounded value of `Σ x_i · y_i + z` in `format`, with its flags: the exact sum of
    /// the exact products (IEEE P3109 BlockDotProduct, a dot product with exact accumulation),
    /// rounded once.
    ///
    /// The products and the sum are exact in MPFR (the precision is sized from the terms'
    /// exponents, and every addition's ternary value is checked). Special values follow IEEE 754
    /// applied to the exact products and their sum: a product 0 · ∞ is invalid (NaN, flag invalid)
    /// even next to a NaN operand; otherwise a NaN operand gives NaN without a flag; infinities of
    /// both signs give NaN, invalid; an infinity gives that infinity. An exact zero sum is −0 when
    /// every term is a zero and every one is −0, or when the terms cancel under `.down`; +0
    /// otherwise (IEEE 754 §6.3).
    ///
    /// ```swift
    /// sumOfProducts([1, 0x1p-24], [1, 1], plus: 0, in: binary32, rounding: .nearestEven, overflow: .none)
    /// // 1.0 [inexact]: 1 + 2^-24 is a tie, to even
    /// ```
    public static func sumOfProducts(
        _ x: [Double], _ y: [Double], plus z: Double, in format: ReferenceFormat,
        rounding: ReferenceRounding, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        precondition(x.count == y.count, "MPFRReference.sumOfProducts: x and y differ in length")
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return invalidFormatResult }
        let saved = SavedRange()
        defer { saved.restore() }
        // 1. Specials.
        var sawNaN = z.isNaN, invalid = false
        var positive = z == .infinity, negative = z == -.infinity
        var allZero = z == 0, allNegativeZero = z == 0 && z.sign == .minus
        var low = Int.max, high = Int.min
        func span(_ e: Int, _ bits: Int) {
            low = Swift.min(low, e - bits)
            high = Swift.max(high, e + 2)
        }
        if z.isFinite && z != 0 { span(Int(z.exponent), 53) }
        for i in 0..<x.count {
            let a = x[i], b = y[i]
            let productNegative = (a.sign == .minus) != (b.sign == .minus)
            if (a.isInfinite && b == 0) || (a == 0 && b.isInfinite) { invalid = true; continue }
            if a.isNaN || b.isNaN { sawNaN = true; continue }
            if a.isInfinite || b.isInfinite {
                if productNegative { negative = true } else { positive = true }
                continue
            }
            if a == 0 || b == 0 {
                if !productNegative { allNegativeZero = false }
                continue
            }
            allZero = false
            allNegativeZero = false
            span(Int(a.exponent) + Int(b.exponent), 106)
        }
        if z != 0 || z.isNaN { allZero = false; allNegativeZero = false }
        if invalid || (!sawNaN && positive && negative) {
            return plan.hasNaN ? ReferenceResult(value: .nan, flags: .invalid) : ReferenceResult(value: zeroOrLeast(plan), flags: .invalid)
        }
        if sawNaN {
            return plan.hasNaN ? ReferenceResult(value: .nan, flags: []) : ReferenceResult(value: zeroOrLeast(plan), flags: .invalid)
        }
        if positive || negative { return specialInput(negative ? -.infinity : .infinity, plan, overflow) ?? invalidFormatResult }
        if allZero { return specialInput(allNegativeZero ? -0.0 : 0.0, plan, overflow) ?? invalidFormatResult }
        // 2. The exact sum.
        let count = Double(x.count + 1).exponent + 2
        let acc = makeMP(Swift.max(2, high - low + Int(count) + 2))
        defer {
            mpfr_clear(acc)
            acc.deallocate()
        }
        mpfr_set_zero(acc, 1)
        func add(_ term: MP) {
            let t = mpfr_add(acc, acc, term, MPFR_RNDN)
            precondition(t == 0, "MPFRReference.sumOfProducts: the sum is exact at this precision")
        }
        if z != 0 {
            mpfr_set_d(w.ox, z, MPFR_RNDN)
            add(w.ox)
        }
        for i in 0..<x.count where x[i] != 0 && y[i] != 0 {
            mpfr_set_d(w.ox, x[i], MPFR_RNDN)
            mpfr_set_d(w.oy, y[i], MPFR_RNDN)
            let t = mpfr_mul(w.product, w.ox, w.oy, MPFR_RNDN)
            precondition(t == 0, "MPFRReference: a product of two Doubles is exact in 106 bits")
            add(w.product)
        }
        // 3. One rounding.
        let sign = mpfr_sgn_shim(acc)
        if sign == 0 { return specialInput(rounding == .down ? -0.0 : 0.0, plan, overflow) ?? invalidFormatResult }
        mpfr_abs(acc, acc, MPFR_RNDN)
        w.usePrecision(plan.precision)
        return round(acc, negative: sign < 0, rounding: rounding, overflow: overflow, plan, w)
    }
}
#endif
