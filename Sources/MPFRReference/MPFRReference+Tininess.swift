#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

extension MPFRReference {
    /// Whether the exact result of `operation` is tiny *after rounding* (IEEE 754-2019 §7.5): rounded
    /// under `rounding` to `precision` significant bits with MPFR's (practically unbounded) exponent
    /// range, its magnitude is below `2^leastNormalExponent`. `nil` when the exact result is not
    /// finite and nonzero (NaN, ±∞, ±0: never tiny).
    ///
    /// The exact result is MPFR's (exact, or rounded to odd at 128 bits for divide and square root,
    /// which keeps every rounding to `precision ≤ 126` bits). Rules: `nearestEven` is `MPFR_RNDN`;
    /// `towardZero`, `away`, `up`, `down` the directed modes on the signed value; `nearestAway` and
    /// `nearestZero` are `MPFR_RNDN` except at a tie (the value exact at `precision + 1` bits and
    /// not at `precision`), which goes to `MPFR_RNDA` / `MPFR_RNDZ`; `odd` is `MPFR_RNDZ` with the
    /// last bit set when inexact. `precision ≥ 2` (with one bit "even" is not defined by a
    /// significand).
    public static func isTinyAfterRounding(
        _ operation: ReferenceOperation, precision: Int, leastNormalExponent: Int, rounding: ReferenceRounding
    ) -> Bool? {
        precondition(precision >= 2 && precision <= 126, "precision out of range")
        let w = Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        guard case .finite(let negative) = outcome(operation, down: rounding == .down, w) else { return nil }
        let r = makeMP(precision), probe = makeMP(precision + 1)
        defer {
            mpfr_clear(r); r.deallocate()
            mpfr_clear(probe); probe.deallocate()
        }
        // w.exact holds the magnitude: directed rules toward ±∞ become RNDZ / RNDA on it.
        let mode: mpfr_rnd_t
        switch rounding {
        case .nearestEven: mode = MPFR_RNDN
        case .towardZero, .odd: mode = MPFR_RNDZ
        case .away: mode = MPFR_RNDA
        case .up: mode = negative ? MPFR_RNDZ : MPFR_RNDA
        case .down: mode = negative ? MPFR_RNDA : MPFR_RNDZ
        case .nearestAway, .nearestZero:
            let exactAtNext = mpfr_set(probe, w.exact, MPFR_RNDZ) == 0
            let tie = exactAtNext && mpfr_set(r, probe, MPFR_RNDZ) != 0
            mode = tie ? (rounding == .nearestAway ? MPFR_RNDA : MPFR_RNDZ) : MPFR_RNDN
        }
        let ternary = mpfr_set(r, w.exact, mode)
        if rounding == .odd && ternary != 0 {
            // Set the last bit: the truncated value's last bit is clear exactly when r·2^(p−1−e) is even.
            let e = mpfr_get_exp(r)  // r ∈ [2^(e−1), 2^e)
            mpfr_set(probe, r, MPFR_RNDN)
            mpfr_mul_2si(probe, probe, precision - Int(e), MPFR_RNDN)  // an integer with p bits
            if mpfr_integer_p(probe) != 0 {
                mpfr_div_2ui(probe, probe, 1, MPFR_RNDN)
                if mpfr_integer_p(probe) != 0 { mpfr_nextabove(r) }  // even: take the odd neighbour above
            }
        }
        return mpfr_cmp_ui_2exp(r, 1, leastNormalExponent) < 0
    }
}
#endif
