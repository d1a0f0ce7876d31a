#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

extension MPFRReference {

    // MARK: Deterministic arithmetic

    /// The correctly rounded result of `operation` in `format`, with its flags ("compute exactly,
    /// then round once").
    ///
    /// The result is computed with MPFR: exactly for add, subtract, multiply, fused multiply-add,
    /// both remainders and roundToIntegral (the precision is sized from the operands' exponents and
    /// the ternary value confirms exactness), and rounded to odd at 128 bits for divide and square
    /// root (`MPFR_RNDZ`, then the last bit set when inexact; 128 ≥ p + 2 keeps every rule's
    /// answer, Boldo–Melquiond). That value then goes through the same rounding as
    /// ``convert(_:to:rounding:overflow:)`` (semantics §4–§7). Special operands and exact zeros are
    /// handled per IEEE 754 (see ``ReferenceOperation``): NaN results take the format's NaN with a
    /// positive sign; ±∞ and ±0 results are encoded as a conversion of ±∞ / ±0 would be, and
    /// a division of a finite nonzero value by zero adds ``ReferenceFlags/divisionByZero``.
    ///
    /// ```swift
    /// evaluate(.add(448, 32), in: e4m3fn, rounding: .nearestEven, overflow: .none)    // NaN [overflow, inexact]
    /// evaluate(.divide(1, 3), in: e4m3fn, rounding: .nearestEven, overflow: .none)    // 0.34375 [inexact]
    /// evaluate(.divide(1, -0.0), in: e4m3fn, rounding: .nearestEven, overflow: .satFinite)  // -448 [inexact, divisionByZero]
    /// ```
    public static func evaluate(
        _ operation: ReferenceOperation, in format: ReferenceFormat,
        rounding: ReferenceRounding, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        evaluate(operation, format, overflow, down: rounding == .down) { ax, negative, plan, w in
            round(ax, negative: negative, rounding: rounding, overflow: overflow, plan, w)
        }
    }

    // MARK: Stochastic arithmetic

    /// `operation` rounded stochastically into `format` with P3109 variant A, B or C and
    /// `randomBits` random bits `random` (as ``convertStochastic(_:to:variant:randomBits:random:overflow:)``).
    ///
    /// Per the arithmetic contract, the value rounded is the exact result *rounded to odd at 64
    /// significant bits* (MPFR: `MPFR_RNDZ` at precision 64, then the last bit set when inexact), so
    /// `ν` is exact to about 2^−(63 − p); the flags (inexact, underflow) are those of the exact
    /// result, which the 64-bit round-to-odd value preserves. Special results take no randomness.
    public static func evaluateStochastic(
        _ operation: ReferenceOperation, in format: ReferenceFormat,
        variant: ReferenceStochastic, randomBits: Int, random: UInt64, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        guard (0...64).contains(randomBits) else { return invalidFormatResult }
        let decide = variantDecision(variant, randomBits: randomBits, random: random)
        return evaluate(operation, format, overflow, down: false) { ax, negative, plan, w in
            roundToOdd64(ax, w)
            return stochastic(w.odd64, negative: negative, overflow, plan, w, decide: decide)
        }
    }

    /// `operation` rounded with exact-probability stochastic rounding, `u / 2^64` the uniform
    /// (as ``convertStochastic(_:to:uniform:overflow:)``), from the 64-bit round-to-odd
    /// intermediate (see ``evaluateStochastic(_:in:variant:randomBits:random:overflow:)``).
    public static func evaluateStochastic(
        _ operation: ReferenceOperation, in format: ReferenceFormat, uniform u: UInt64, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        let decide = uniformDecision(u)
        return evaluate(operation, format, overflow, down: false) { ax, negative, plan, w in
            roundToOdd64(ax, w)
            return stochastic(w.odd64, negative: negative, overflow, plan, w, decide: decide)
        }
    }

    // MARK: Internals

    /// What an operation produced before rounding into the format.
    enum Outcome: Equatable {
        /// NaN; `invalid` for an invalid operation, not for a NaN operand.
        case nan(invalid: Bool)
        /// An exact ±∞; `divisionByZero` for a finite nonzero value divided by zero.
        case infinity(negative: Bool, divisionByZero: Bool)
        /// An exact ±0.
        case zero(negative: Bool)
        /// A finite nonzero result whose magnitude is in `w.exact` (exact, or rounded to odd at 128
        /// bits for divide and square root).
        case finite(negative: Bool)
    }

    /// Shared body: plan, special results, then `roundFinite` for a finite nonzero result.
    private static func evaluate(
        _ operation: ReferenceOperation, _ format: ReferenceFormat, _ overflow: ReferenceOverflow, down: Bool,
        roundFinite: (MP, Bool, Plan, Workspace) -> ReferenceResult
    ) -> ReferenceResult {
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return invalidFormatResult }
        let saved = SavedRange()
        defer { saved.restore() }
        switch outcome(operation, down: down, w) {
        case .nan(let invalid):
            if plan.hasNaN { return ReferenceResult(value: .nan, flags: invalid ? .invalid : []) }
            return ReferenceResult(value: zeroOrLeast(plan), flags: .invalid)
        case .infinity(let negative, let divisionByZero):
            var r = specialInput(negative ? -.infinity : .infinity, plan, overflow) ?? invalidFormatResult
            if divisionByZero { r.flags.insert(.divisionByZero) }
            return r
        case .zero(let negative):
            return specialInput(negative ? -0.0 : 0.0, plan, overflow) ?? invalidFormatResult
        case .finite(let negative):
            w.usePrecision(plan.precision)
            return roundFinite(w.exact, negative, plan, w)
        }
    }

    /// The exact outcome of `operation` (wide range active). `down`: the rounding rule is toward
    /// −∞, which gives an exact zero sum of nonzero or opposite-signed terms the sign `−` (IEEE 754
    /// §6.3).
    static func outcome(_ operation: ReferenceOperation, down: Bool, _ w: Workspace) -> Outcome {
        switch operation {
        case .add(let x, let y):
            return sum(x, y, down: down, w)
        case .subtract(let x, let y):
            return sum(x, -y, down: down, w)
        case .multiply(let x, let y):
            if x.isNaN || y.isNaN { return .nan(invalid: false) }
            let negative = (x.sign == .minus) != (y.sign == .minus)
            if x.isInfinite || y.isInfinite {
                return x == 0 || y == 0 ? .nan(invalid: true) : .infinity(negative: negative, divisionByZero: false)
            }
            if x == 0 || y == 0 { return .zero(negative: negative) }
            mpfr_set_d(w.ox, x.magnitude, MPFR_RNDN)
            mpfr_set_d(w.oy, y.magnitude, MPFR_RNDN)
            exactly(w, 106) { mpfr_mul(w.exact, w.ox, w.oy, $0) }
            return .finite(negative: negative)
        case .divide(let x, let y):
            if x.isNaN || y.isNaN { return .nan(invalid: false) }
            let negative = (x.sign == .minus) != (y.sign == .minus)
            if x.isInfinite {
                return y.isInfinite ? .nan(invalid: true) : .infinity(negative: negative, divisionByZero: false)
            }
            if y.isInfinite { return .zero(negative: negative) }
            if y == 0 {
                return x == 0 ? .nan(invalid: true) : .infinity(negative: negative, divisionByZero: true)
            }
            if x == 0 { return .zero(negative: negative) }
            mpfr_set_d(w.ox, x.magnitude, MPFR_RNDN)
            mpfr_set_d(w.oy, y.magnitude, MPFR_RNDN)
            roundToOdd128(w) { mpfr_div(w.exact, w.ox, w.oy, MPFR_RNDZ) }
            return .finite(negative: negative)
        case .squareRoot(let x):
            if x.isNaN { return .nan(invalid: false) }
            if x == 0 { return .zero(negative: x.sign == .minus) }
            if x < 0 { return .nan(invalid: true) }
            if x.isInfinite { return .infinity(negative: false, divisionByZero: false) }
            mpfr_set_d(w.ox, x, MPFR_RNDN)
            roundToOdd128(w) { mpfr_sqrt(w.exact, w.ox, MPFR_RNDZ) }
            return .finite(negative: false)
        case .fusedMultiplyAdd(let x, let y, let z):
            return fusedMultiplyAdd(x, y, z, down: down, w)
        case .remainder(let x, let y), .truncatingRemainder(let x, let y):
            if x.isNaN || y.isNaN { return .nan(invalid: false) }
            if x.isInfinite || y == 0 { return .nan(invalid: true) }
            let negativeZero = x.sign == .minus
            if x == 0 { return .zero(negative: negativeZero) }
            if y.isInfinite { return exactDouble(x, w) }
            mpfr_set_d(w.ox, x, MPFR_RNDN)
            mpfr_set_d(w.oy, y, MPFR_RNDN)
            if case .remainder = operation {
                exactly(w, 64) { mpfr_remainder(w.exact, w.ox, w.oy, $0) }
            } else {
                exactly(w, 64) { mpfr_fmod(w.exact, w.ox, w.oy, $0) }
            }
            return signedResult(zeroNegative: negativeZero, w)
        case .roundToIntegral(let x, let rule):
            if x.isNaN { return .nan(invalid: false) }
            if x.isInfinite { return .infinity(negative: x.sign == .minus, divisionByZero: false) }
            if x == 0 { return .zero(negative: x.sign == .minus) }
            mpfr_set_d(w.ox, x, MPFR_RNDN)
            // 64 bits hold every integer within one unit of a 53-bit value; the ternary value of
            // these functions compares the integer with x, so exactness is by precision here.
            mpfr_set_prec(w.exact, 64)
            switch rule {
            case .toNearestOrAwayFromZero: _ = mpfr_round(w.exact, w.ox)
            case .toNearestOrEven: _ = mpfr_roundeven(w.exact, w.ox)
            case .up: _ = mpfr_ceil(w.exact, w.ox)
            case .down: _ = mpfr_floor(w.exact, w.ox)
            case .towardZero: _ = mpfr_trunc(w.exact, w.ox)
            case .awayFromZero: _ = mpfr_rint(w.exact, w.ox, MPFR_RNDA)
            }
            return signedResult(zeroNegative: x.sign == .minus, w)
        }
    }

    /// `x + y` (IEEE 754 §6.1, §6.3).
    private static func sum(_ x: Double, _ y: Double, down: Bool, _ w: Workspace) -> Outcome {
        if x.isNaN || y.isNaN { return .nan(invalid: false) }
        if x.isInfinite || y.isInfinite {
            if x.isInfinite && y.isInfinite && x.sign != y.sign { return .nan(invalid: true) }
            return .infinity(negative: (x.isInfinite ? x : y).sign == .minus, divisionByZero: false)
        }
        if x == 0 && y == 0 { return .zero(negative: x.sign == y.sign ? x.sign == .minus : down) }
        if y == 0 { return exactDouble(x, w) }
        if x == 0 { return exactDouble(y, w) }
        mpfr_set_d(w.ox, x, MPFR_RNDN)
        mpfr_set_d(w.oy, y, MPFR_RNDN)
        exactly(w, sumPrecision(w.ox, 53, w.oy, 53)) { mpfr_add(w.exact, w.ox, w.oy, $0) }
        return signedResult(zeroNegative: down, w)
    }

    /// `x · y + z` with one rounding (IEEE 754 §5.4.1; a NaN operand gives NaN without invalid,
    /// even with 0 · ∞).
    private static func fusedMultiplyAdd(_ x: Double, _ y: Double, _ z: Double, down: Bool, _ w: Workspace) -> Outcome {
        if x.isNaN || y.isNaN || z.isNaN { return .nan(invalid: false) }
        let productNegative = (x.sign == .minus) != (y.sign == .minus)
        if x.isInfinite || y.isInfinite {
            if x == 0 || y == 0 { return .nan(invalid: true) }
            if z.isInfinite && (z.sign == .minus) != productNegative { return .nan(invalid: true) }
            return .infinity(negative: productNegative, divisionByZero: false)
        }
        if z.isInfinite { return .infinity(negative: z.sign == .minus, divisionByZero: false) }
        if x == 0 || y == 0 {
            if z == 0 {
                return .zero(negative: productNegative == (z.sign == .minus) ? productNegative : down)
            }
            return exactDouble(z, w)
        }
        mpfr_set_d(w.ox, x, MPFR_RNDN)
        mpfr_set_d(w.oy, y, MPFR_RNDN)
        let t = mpfr_mul(w.product, w.ox, w.oy, MPFR_RNDN)  // exact: 106 bits
        precondition(t == 0, "MPFRReference: a product of two Doubles is exact in 106 bits")
        if z == 0 {
            mpfr_set_prec(w.exact, 106)
            mpfr_set(w.exact, w.product, MPFR_RNDN)
            return signedResult(zeroNegative: down, w)
        }
        mpfr_set_d(w.oz, z, MPFR_RNDN)
        exactly(w, sumPrecision(w.product, 106, w.oz, 53)) { mpfr_add(w.exact, w.product, w.oz, $0) }
        return signedResult(zeroNegative: down, w)
    }

    /// A precision that holds `a + b` exactly: from the lower of the two least significant bit
    /// positions (exponent − precision) to one above the higher exponent (a carry).
    private static func sumPrecision(_ a: MP, _ aBits: Int, _ b: MP, _ bBits: Int) -> Int {
        let ea = mpfr_get_exp(a), eb = mpfr_get_exp(b)
        let high = max(ea, eb) + 1
        let low = min(ea - aBits, eb - bBits)
        return max(2, high - low + 1)
    }

    /// Runs `operation` into `w.exact` at `precision` bits (`MPFR_RNDN`), doubling the precision
    /// until MPFR reports the result exact (ternary value 0).
    private static func exactly(_ w: Workspace, _ precision: Int, _ operation: (mpfr_rnd_t) -> Int32) {
        var p = precision
        while true {
            mpfr_set_prec(w.exact, p)
            if operation(MPFR_RNDN) == 0 { return }
            p *= 2
        }
    }

    /// Runs `operation` (which rounds toward zero into `w.exact`, a positive value) at 128 bits and
    /// makes the result round-to-odd: the last bit set when inexact.
    private static func roundToOdd128(_ w: Workspace, _ operation: () -> Int32) {
        mpfr_set_prec(w.exact, 128)
        if operation() != 0 && mpfr_min_prec(w.exact) < 128 { mpfr_nextabove(w.exact) }
    }

    /// `w.odd64` = the positive `ax` rounded to odd at 64 bits (`MPFR_RNDZ`, then the last bit set
    /// when inexact).
    static func roundToOdd64(_ ax: MP, _ w: Workspace) {
        if mpfr_set(w.odd64, ax, MPFR_RNDZ) != 0 && mpfr_min_prec(w.odd64) < 64 { mpfr_nextabove(w.odd64) }
    }

    /// The exact nonzero `Double` `x` as the outcome.
    private static func exactDouble(_ x: Double, _ w: Workspace) -> Outcome {
        mpfr_set_prec(w.exact, 53)
        mpfr_set_d(w.exact, x.magnitude, MPFR_RNDN)
        return .finite(negative: x.sign == .minus)
    }

    /// The signed exact value in `w.exact` as an outcome (its magnitude left in `w.exact`); an
    /// exact zero takes the sign `zeroNegative`.
    private static func signedResult(zeroNegative: Bool, _ w: Workspace) -> Outcome {
        let sign = mpfr_sgn_shim(w.exact)
        if sign == 0 { return .zero(negative: zeroNegative) }
        mpfr_abs(w.exact, w.exact, MPFR_RNDN)
        return .finite(negative: sign < 0)
    }
}
#endif
