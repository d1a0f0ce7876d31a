#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

/// The MPFR oracle: code values and correctly rounded conversions into small formats, computed with
/// GNU MPFR and nothing else, per the contract in `docs/semantics.md`.
///
/// Every answer comes from MPFR's machinery: the format's grid is emulated by MPFR's precision
/// (`p = M + 1`), its exponent range (`mpfr_set_emin`) and `mpfr_subnormalize`; the candidates are
/// MPFR's `MPFR_RNDZ` and `MPFR_RNDA` roundings; nearest-even is `MPFR_RNDN`; ties, parity and
/// stochastic decisions are exact MPFR comparisons (`mpfr_cmp`, `mpfr_sub`, `mpfr_mul_2si`,
/// `mpfr_rint`, `mpfr_roundeven`). The overflow, NaN, ∞, zero and unsigned rules of §4–§7 are applied
/// to those exact values.
///
/// ```swift
/// let e4m3fn = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 7, specials: .fn)
/// MPFRReference.convert(-431.99999999999994, to: e4m3fn, rounding: .nearestEven, overflow: .none)
/// // value −416.0, flags [inexact]   (single rounding from the exact input)
/// ```
///
/// All functions are synchronous and thread-safe: each thread has its own MPFR registers, and
/// MPFR's per-thread exponent range is saved and restored inside every call. An invalid format (see
/// ``ReferenceFormat/validationProblem``) makes every function answer NaN (conversions also flag
/// ``ReferenceFlags/invalid``).
public enum MPFRReference {

    // MARK: Decoding and extremes

    /// The exact value of `code` (its low ``ReferenceFormat/bitWidth`` bits), per semantics §2–3.
    ///
    /// Computed with `mpfr_set_ui_2exp` (`mpfr_set_si_2exp` for two's complement) and returned as an
    /// exact `Double`: `±∞` for infinity codes, NaN for NaN codes (negative NaN for a NaN code with the
    /// sign bit set in `ieee` / `fn` formats), `−0` only where the format has `−0`. Non-canonical codes
    /// of flush-to-zero formats decode as zero (`−0` when the sign bit is set and `−0` exists, else
    /// `+0`).
    ///
    /// ```swift
    /// MPFRReference.value(ofCode: 0x7E, in: e4m3fn)   // 448.0
    /// MPFRReference.value(ofCode: 0x80, in: mxint8)   // -2.0
    /// ```
    public static func value(ofCode code: UInt64, in format: ReferenceFormat) -> Double {
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return .nan }
        let saved = SavedRange()
        defer { saved.restore() }
        switch plan.decode(code, into: w.code) {
        case .nan(let negative): return negative ? -Double.nan : .nan
        case .infinity(let negative): return negative ? -.infinity : .infinity
        case .finite(let negative):
            let v = mpfr_get_d(w.code, MPFR_RNDN)
            return negative ? -v : v
        }
    }

    /// The value of the largest finite positive code (E4M3FN: 448), decoded with MPFR.
    ///
    /// For two's complement the negative side reaches one quantum further (MXINT8: 127/64 here,
    /// −2 on the negative side).
    public static func greatestFiniteMagnitude(_ format: ReferenceFormat) -> Double {
        Workspace.current.plan(for: format).greatestFinite
    }

    /// `2^emin`, the least positive normal magnitude and the tininess threshold (E4M3FN: 2^−6).
    ///
    /// `emin = 1 − bias`, or `−bias` for formats without zero. For `E = 0` formats (pure fixed
    /// point, no normal codes) this is still `2^emin`, the threshold below which inexact results
    /// flag underflow; it is then not itself a value of the format.
    public static func leastNormalMagnitude(_ format: ReferenceFormat) -> Double {
        Workspace.current.plan(for: format).leastNormal
    }

    /// The least positive value (E4M3FN: 2^−9; flush-to-zero and no-zero formats: `2^emin`),
    /// decoded with MPFR.
    public static func leastNonzeroMagnitude(_ format: ReferenceFormat) -> Double {
        Workspace.current.plan(for: format).leastNonzero
    }

    // MARK: Deterministic conversion

    /// The correctly rounded conversion of `x` into `format` (semantics §4–§7), with its flags.
    ///
    /// One rounding from the exact input: `|x|` is rounded by MPFR on the format's unbounded grid
    /// (`MPFR_RNDZ` and `MPFR_RNDA` give the candidates, `MPFR_RNDN` the nearest-even result, exact
    /// `mpfr_cmp` against the midpoint the other nearest rules, MPFR's `MPFR_RNDN` of the midpoint the
    /// parity for round-to-odd), then the overflow rule is applied. `Float` inputs: convert to
    /// `Double` first (exact).
    ///
    /// ```swift
    /// convert(464, to: e4m3fn, rounding: .nearestEven, overflow: .none)  // 448 [inexact]
    /// convert(465, to: e4m3fn, rounding: .nearestEven, overflow: .none)  // NaN [inexact, overflow]
    /// convert(5, to: e2m1, rounding: .nearestAway, overflow: .none)      // 6 [inexact]
    /// ```
    public static func convert(
        _ x: Double, to format: ReferenceFormat,
        rounding: ReferenceRounding, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return invalidFormatResult }
        if let special = specialInput(x, plan, overflow) { return special }
        let saved = SavedRange()
        defer { saved.restore() }
        w.usePrecision(plan.precision)
        mpfr_set_d(w.ax, x.magnitude, MPFR_RNDN)  // exact: 53 bits, wide range
        return round(w.ax, negative: x.sign == .minus, rounding: rounding, overflow: overflow, plan, w)
    }

    /// §4 steps 4–7 for the finite nonzero value `±ax` (`ax` positive, any precision): the body of
    /// every deterministic conversion, from a `Double` or from an exact arithmetic result. Wide
    /// range and the plan's precision must be active; `ax` is read, never written.
    static func round(
        _ ax: MP, negative: Bool, rounding: ReferenceRounding, overflow: ReferenceOverflow,
        _ plan: Plan, _ w: Workspace
    ) -> ReferenceResult {
        // Code parity (P3109, M = 0): nearest-even decides ties itself from the candidates' codes.
        let codeParity = plan.codeParity
        let need: Need
        switch rounding {
        case .nearestEven: need = codeParity ? .both : .nearest
        case .towardZero: need = .lo
        case .away: need = .hi
        case .up: need = negative ? .lo : .hi
        case .down: need = negative ? .hi : .lo
        case .nearestAway, .nearestZero, .odd: need = .both
        }
        let c = candidates(ax, plan, w, need)
        let result: MP
        switch need {
        case .nearest: result = w.rn
        case .lo: result = w.lo
        case .hi: result = w.hi
        case .both:
            result = c.exact || c.clamped || !pickHi(rounding, ax, plan, w) ? w.lo : w.hi
        }
        let toInfinity: Bool
        switch rounding {
        case .nearestEven, .nearestAway, .nearestZero, .away: toInfinity = true
        case .up: toInfinity = !negative
        case .down: toInfinity = negative
        case .towardZero, .odd: toInfinity = false
        }
        return finish(result, negative: negative, inexact: !c.exact, tiny: c.tiny && !(plan.e == 0 && plan.hasZero),
                      toInfinity: toInfinity, overflow, plan, w)
    }

    // MARK: Stochastic rounding

    /// The two candidates of stochastic rounding and the exact probability of rounding to `hi`.
    ///
    /// `lo` is MPFR's `MPFR_RNDZ` rounding of `|x|` and `hi` its `MPFR_RNDA` rounding, on the
    /// format's unbounded grid (exponent range emulated, no overflow handling), both carrying `x`'s
    /// sign (`lo` may be `−0`; `hi` may be `±∞` when it lies beyond the `Double` range). The
    /// probability `ν = (|x| − lo)/(hi − lo)` is returned exactly as
    /// ``ReferenceFraction/numerator`` `/ 2^` ``ReferenceFraction/denominatorLog2`` (computed with
    /// exact `mpfr_sub`; `hi − lo` is one grid step, a power of two), plus its nearest `Double`.
    ///
    /// Degenerate cases: `x` on the grid gives `lo = hi = x` and `ν = 0 / 2^0`; a tiny `x` in a format
    /// without zero gives `lo = hi = ±2^emin` (the only candidate) and `ν = 0`; `±0` and `±∞` give
    /// `lo = hi = x` and `ν = 0`; NaN (or an invalid format) gives NaN everywhere.
    ///
    /// ```swift
    /// stochasticCandidates(2.25, in: e2m1)  // (lo: 2, hi: 3, fraction: 0.25 = 0.25 / 2^0)
    /// ```
    public static func stochasticCandidates(
        _ x: Double, in format: ReferenceFormat
    ) -> (lo: Double, hi: Double, fraction: ReferenceFraction) {
        let w = Workspace.current
        let plan = w.plan(for: format)
        let zero = ReferenceFraction(numerator: 0, denominatorLog2: 0, value: 0, isExactAsDouble: true)
        guard plan.problem == nil, !x.isNaN else {
            let nan = ReferenceFraction(numerator: .nan, denominatorLog2: 0, value: .nan,
                                        isExactAsDouble: false)
            return (.nan, .nan, nan)
        }
        if x.isInfinite || x == 0 { return (x, x, zero) }
        let saved = SavedRange()
        defer { saved.restore() }
        w.usePrecision(plan.precision)
        mpfr_set_d(w.ax, x.magnitude, MPFR_RNDN)  // exact: 53 bits, wide range
        let c = candidates(w.ax, plan, w, .both)
        let sign: Double = x.sign == .minus ? -1 : 1
        let lo = sign * mpfr_get_d(w.lo, MPFR_RNDN)
        let hi = sign * mpfr_get_d(w.hi, MPFR_RNDN)
        if c.exact || c.clamped { return (lo, hi, zero) }
        let g = exactFraction(w.ax, w)
        let numerator = mpfr_get_d(w.diff, MPFR_RNDN)  // exact: |x| − lo has at most 53 bits
        mpfr_mul_2si(w.scaled, w.diff, -g, MPFR_RNDN)
        let value = mpfr_get_d(w.scaled, MPFR_RNDN)
        let exact = mpfr_cmp_d(w.scaled, value) == 0
        return (lo, hi, ReferenceFraction(numerator: numerator, denominatorLog2: g, value: value,
                                          isExactAsDouble: exact))
    }

    /// Stochastic rounding with `randomBits` (`N`, 0 … 64) random bits `R` (the low `N` bits of
    /// `random`; higher bits are ignored), P3109 variant A, B or C (semantics §4), then the overflow
    /// rule (stochastic rounding overflows like the nearest rules: to ∞ under `.none`).
    ///
    /// The candidates and `ν` come from ``stochasticCandidates(_:in:)``; the decision is the contract's
    /// integer formula, evaluated exactly with MPFR (`mpfr_mul_2si`, `mpfr_rint` toward −∞ for
    /// `floor`, `mpfr_roundeven`, `mpfr_sub_ui`, `mpfr_cmp`). MPFR has no stochastic rounding of its
    /// own, so the formula — not MPFR — is the judge of the decision.
    ///
    /// ```swift
    /// // E2M1, x = 2.25: lo 2, hi 3, ν = 1/4; variant A with N = 2: floor(1) + R ≥ 4 ⇔ R = 3.
    /// convertStochastic(2.25, to: e2m1, variant: .variantA, randomBits: 2, random: 3,
    ///                   overflow: .satFinite)   // 3 [inexact]
    /// ```
    ///
    /// A `randomBits` outside 0 … 64 (or an invalid format) gives NaN with ``ReferenceFlags/invalid``.
    public static func convertStochastic(
        _ x: Double, to format: ReferenceFormat,
        variant: ReferenceStochastic, randomBits: Int, random: UInt64,
        overflow: ReferenceOverflow
    ) -> ReferenceResult {
        guard (0...64).contains(randomBits) else { return invalidFormatResult }
        return stochastic(x, format, overflow, decide: variantDecision(variant, randomBits: randomBits, random: random))
    }

    /// The P3109 A/B/C decision with `n` random bits `random` (low `n` bits), as a `decide` closure
    /// for ``stochastic(_:negative:_:_:_:decide:)``.
    static func variantDecision(
        _ variant: ReferenceStochastic, randomBits n: Int, random: UInt64
    ) -> (Workspace, Int) -> Bool {
        let r = n == 64 ? random : random & ((1 << UInt64(n)) - 1)
        return { w, g in
            // Decide "hi" from ν·2^s = diff · 2^(s − g), an exact MPFR multiplication by a power of two.
            let s = variant == .variantB ? n + 1 : n
            mpfr_mul_2si(w.scaled, w.diff, s - g, MPFR_RNDN)
            if variant == .variantC {
                mpfr_roundeven(w.scaled, w.scaled)
            } else {
                mpfr_rint(w.scaled, w.scaled, MPFR_RNDD)  // floor
            }
            // threshold = 2^s − R (A, C) or 2^(N+1) − 2R − 1 (B); hi iff scaled ≥ threshold.
            mpfr_set_ui_2exp(w.threshold, 1, s, MPFR_RNDN)
            mpfr_sub_ui(w.threshold, w.threshold, UInt(r), MPFR_RNDN)
            if variant == .variantB {
                mpfr_sub_ui(w.threshold, w.threshold, UInt(r), MPFR_RNDN)
                mpfr_sub_ui(w.threshold, w.threshold, 1, MPFR_RNDN)
            }
            return mpfr_cmp(w.scaled, w.threshold) >= 0
        }
    }

    /// Exact-probability stochastic rounding: rounds to `hi` when `u / 2^64 < ν`, compared exactly
    /// (`u < ν·2^64` with `mpfr_mul_2si` and `mpfr_cmp_ui`), then the overflow rule.
    ///
    /// This is the contract's "stochastic (exact)" rule with `u ∈ [0, 1)` given to 64 bits. Over all
    /// 2^64 values of `u` the probability of `hi` is `ceil(ν·2^64) / 2^64`: exactly `ν` when `ν` is a
    /// multiple of 2^−64, otherwise larger than `ν` by less than 2^−64. (Note that variant A with
    /// `N = 64` rounds up for *large* `R`, this rule for *small* `u`; the probabilities differ by at
    /// most 2^−64.)
    ///
    /// ```swift
    /// // ν = 1/4: hi for u < 2^62.
    /// convertStochastic(2.25, to: e2m1, uniform: 1 << 62 - 1, overflow: .none)  // 3 [inexact]
    /// convertStochastic(2.25, to: e2m1, uniform: 1 << 62, overflow: .none)      // 2 [inexact]
    /// ```
    public static func convertStochastic(
        _ x: Double, to format: ReferenceFormat, uniform u: UInt64, overflow: ReferenceOverflow
    ) -> ReferenceResult {
        stochastic(x, format, overflow, decide: uniformDecision(u))
    }

    /// The exact-probability decision `u / 2^64 < ν`, as a `decide` closure.
    static func uniformDecision(_ u: UInt64) -> (Workspace, Int) -> Bool {
        { w, g in
            mpfr_mul_2si(w.scaled, w.diff, 64 - g, MPFR_RNDN)
            return mpfr_cmp_ui(w.scaled, UInt(u)) > 0
        }
    }

    // MARK: Internals

    static let invalidFormatResult = ReferenceResult(value: .nan, flags: .invalid)

    /// Shared body of the stochastic conversions; `decide(w, g)` sees `w.diff = |x| − lo` and
    /// `hi − lo = 2^g` and says whether to take `hi`.
    private static func stochastic(
        _ x: Double, _ format: ReferenceFormat, _ overflow: ReferenceOverflow,
        decide: (Workspace, Int) -> Bool
    ) -> ReferenceResult {
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return invalidFormatResult }
        if let special = specialInput(x, plan, overflow) { return special }
        let saved = SavedRange()
        defer { saved.restore() }
        w.usePrecision(plan.precision)
        mpfr_set_d(w.ax, x.magnitude, MPFR_RNDN)  // exact: 53 bits, wide range
        return stochastic(w.ax, negative: x.sign == .minus, overflow, plan, w, decide: decide)
    }

    /// The stochastic conversion of the finite nonzero value `±ax` (`ax` positive; at most 128
    /// significant bits so that `|x| − lo` is exact): the body shared by conversions and arithmetic.
    /// Wide range and the plan's precision must be active.
    static func stochastic(
        _ ax: MP, negative: Bool, _ overflow: ReferenceOverflow, _ plan: Plan, _ w: Workspace,
        decide: (Workspace, Int) -> Bool
    ) -> ReferenceResult {
        let c = candidates(ax, plan, w, .both)
        var result = w.lo
        if !(c.exact || c.clamped) {
            let g = exactFraction(ax, w)
            if decide(w, g) { result = w.hi }
        }
        return finish(result, negative: negative, inexact: !c.exact, tiny: c.tiny && !(plan.e == 0 && plan.hasZero),
                      toInfinity: true, overflow, plan, w)
    }

    /// Which of step 4's roundings a caller needs.
    enum Need {
        /// `w.rn` only (MPFR_RNDN).
        case nearest
        /// `w.lo` only (MPFR_RNDZ).
        case lo
        /// `w.hi` only (MPFR_RNDA).
        case hi
        /// `w.lo` and `w.hi`.
        case both
    }

    /// Step 4's roundings of a finite positive `a` (a register of any precision) on the format's
    /// grid: `w.lo` (MPFR_RNDZ), `w.hi` (MPFR_RNDA), `w.rn` (MPFR_RNDN), as many as `need` asks for.
    /// Wide range on entry and on return.
    ///
    /// - `exact`: `a` is on the grid (then `w.hi` equals `w.lo` when both are asked for).
    /// - `tiny`: `a < 2^emin` (exact MPFR comparison).
    /// - `clamped`: a format without zero and a tiny `a`: the only candidate is `2^emin` (all three
    ///   registers hold it).
    @inline(__always)
    private static func candidates(
        _ a: MP, _ plan: Plan, _ w: Workspace, _ need: Need
    ) -> (exact: Bool, tiny: Bool, clamped: Bool) {
        let tiny = mpfr_cmp_ui_2exp(a, 1, plan.emin) < 0
        if tiny && !plan.hasZero {
            mpfr_set_ui_2exp(w.lo, 1, plan.emin, MPFR_RNDN)
            mpfr_set(w.hi, w.lo, MPFR_RNDN)
            mpfr_set(w.rn, w.lo, MPFR_RNDN)
            return (false, true, true)
        }
        // The format's grid: precision p, least positive MPFR number 2^(emin_mpfr − 1), and
        // mpfr_subnormalize for the gradual-underflow part. emax stays wide: unbounded above.
        // As `mpfr_set_d` does internally: round to precision p in the wide range, then let
        // `mpfr_check_range` apply the format's emin (MPFR's underflow rule, using the ternary
        // value), then `mpfr_subnormalize` (which also uses it: one rounding in effect).
        @inline(__always) func round(_ v: MP, _ rnd: mpfr_rnd_t) -> Int32 {
            var t = mpfr_set(v, a, rnd)
            mpfr_set_emin(plan.mpfrEmin)
            t = mpfr_check_range(v, t, rnd)
            if plan.subnormalize { t = mpfr_subnormalize(v, t, rnd) }
            mpfr_set_emin(wideEmin)
            return t
        }
        switch need {
        case .nearest: return (round(w.rn, MPFR_RNDN) == 0, tiny, false)
        case .lo: return (round(w.lo, MPFR_RNDZ) == 0, tiny, false)
        case .hi: return (round(w.hi, MPFR_RNDA) == 0, tiny, false)
        case .both:
            if round(w.lo, MPFR_RNDZ) == 0 {
                mpfr_set(w.hi, w.lo, MPFR_RNDN)
                return (true, tiny, false)
            }
            _ = round(w.hi, MPFR_RNDA)
            return (false, tiny, false)
        }
    }

    /// Whether nearestAway, nearestZero or odd takes `hi` (inexact, `w.lo < w.hi`; wide range on
    /// entry and return).
    private static func pickHi(_ rule: ReferenceRounding, _ ax: MP, _ plan: Plan, _ w: Workspace) -> Bool {
        switch rule {
        case .nearestAway, .nearestZero:
            setMidpoint(w)
            let c = mpfr_cmp(ax, w.mid)
            return c > 0 || (c == 0 && rule == .nearestAway)
        case .nearestEven where plan.codeParity:
            setMidpoint(w)
            let c = mpfr_cmp(ax, w.mid)
            return c > 0 || (c == 0 && !loCodeIsEven(plan, w))  // a tie takes the even code
        case .odd:
            // Take hi exactly when lo is even: the result is odd.
            return plan.codeParity ? loCodeIsEven(plan, w) : loIsEven(plan, w)
        case .nearestEven, .towardZero, .up, .down, .away:
            preconditionFailure("\(rule) needs one MPFR rounding, not a choice")
        }
    }

    /// `w.mid = (lo + hi) / 2`, exact (at most p + 1 ≤ 54 bits in a 128-bit register).
    @inline(__always)
    private static func setMidpoint(_ w: Workspace) {
        mpfr_add(w.mid, w.lo, w.hi, MPFR_RNDN)
        mpfr_div_2ui(w.mid, w.mid, 1, MPFR_RNDN)
    }

    /// MPFR's parity of `lo`: `lo` is even when MPFR_RNDN rounds the midpoint of `lo` and `hi` to
    /// `lo` on the emulated grid (zero is even; for M = 0 MPFR's precision-1 ties go up, so a
    /// nonzero normal `lo` is odd). The midpoint may lie below the emulated range (`lo = 0`);
    /// `mpfr_check_range` applies MPFR's underflow rule to it first, then `mpfr_set` and
    /// `mpfr_subnormalize` round it to the grid as one rounding.
    private static func loIsEven(_ plan: Plan, _ w: Workspace) -> Bool {
        setMidpoint(w)
        mpfr_set_emin(plan.mpfrEmin)
        let t0 = mpfr_check_range(w.mid, 0, MPFR_RNDN)
        var t = mpfr_set(w.rn, w.mid, MPFR_RNDN)
        if t0 != 0 { t = t0 }
        if plan.subnormalize { t = mpfr_subnormalize(w.rn, t, MPFR_RNDN) }
        mpfr_set_emin(wideEmin)
        return mpfr_equal_p(w.rn, w.lo) != 0
    }

    /// P3109's parity for `M = 0` (v4.0 §4.7.4, `CodeIsEven = (⌊S̃⌋ = 0) or IsEven(Q + B)`): whether
    /// the code of `lo` is even. `lo` is 0 (code 0) or a power of two `2^j`, whose code is `j + bias`
    /// by semantics §2 (exponent field `j + bias`, no significand bits), read from MPFR's exponent of
    /// `lo` (`mpfr_get_exp` is `j + 1`). The code continues past the greatest finite one: the
    /// grid is unbounded above, as in the report's `Q + B`.
    private static func loCodeIsEven(_ plan: Plan, _ w: Workspace) -> Bool {
        if mpfr_zero_p(w.lo) != 0 { return true }
        let j = mpfr_get_exp(w.lo) - 1
        return (j + plan.format.bias) & 1 == 0
    }

    /// `w.diff = |x| − lo` and `w.step = hi − lo = 2^g` (both exact: `|x|` has at most 128
    /// significant bits and `|x| − lo` is below one grid step); returns `g`.
    @inline(__always)
    private static func exactFraction(_ ax: MP, _ w: Workspace) -> Int {
        mpfr_sub(w.diff, ax, w.lo, MPFR_RNDN)
        mpfr_sub(w.step, w.hi, w.lo, MPFR_RNDN)
        // MPFR significands are in [0.5, 1): 2^g has MPFR exponent g + 1.
        return mpfr_get_exp(w.step) - 1
    }

    /// §4 steps 1–3, §6 and §7 for NaN, ±∞ and ±0 inputs; `nil` for finite nonzero `x`.
    static func specialInput(
        _ x: Double, _ plan: Plan, _ overflow: ReferenceOverflow
    ) -> ReferenceResult? {
        let negative = x.sign == .minus
        if x.isNaN {
            if plan.hasNaN { return ReferenceResult(value: nan(negative, plan), flags: []) }
            return ReferenceResult(value: zeroOrLeast(plan), flags: .invalid)
        }
        if x.isInfinite {
            if negative && !plan.signed { return invalidNegative(plan, overflow) }
            let limit = negative && plan.twos ? plan.mostNegativeMagnitude : plan.greatestFinite
            let saturated = negative ? -limit : limit
            if overflow == .satFinite { return ReferenceResult(value: saturated, flags: .inexact) }
            if plan.hasInfinity { return ReferenceResult(value: x, flags: []) }
            if plan.hasNaN { return ReferenceResult(value: nan(negative, plan), flags: .invalid) }
            return ReferenceResult(value: saturated, flags: [.invalid, .inexact])
        }
        if x == 0 {
            if plan.hasZero {
                return ReferenceResult(value: negative && plan.hasNegativeZero ? -0.0 : 0.0, flags: [])
            }
            if overflow == .none && plan.hasNaN {
                return ReferenceResult(value: .nan, flags: .invalid)
            }
            return ReferenceResult(value: plan.leastNonzero, flags: .invalid)
        }
        return nil
    }

    /// NaN carrying `negative` where the format's NaNs carry a sign.
    @inline(__always)
    static func nan(_ negative: Bool, _ plan: Plan) -> Double {
        negative && plan.nanHasSign ? -Double.nan : .nan
    }

    /// `+0`, or the least positive value in a format without zero.
    @inline(__always)
    static func zeroOrLeast(_ plan: Plan) -> Double {
        plan.hasZero ? 0 : plan.leastNonzero
    }

    /// §7: a nonzero negative result (or −∞) into an unsigned format.
    private static func invalidNegative(_ plan: Plan, _ overflow: ReferenceOverflow) -> ReferenceResult {
        if overflow == .none && plan.hasNaN { return ReferenceResult(value: .nan, flags: .invalid) }
        return ReferenceResult(value: zeroOrLeast(plan), flags: .invalid)
    }

    /// §4 flags, §5 overflow and §7 unsigned rule applied to the rounded magnitude `r`.
    @inline(__always)
    private static func finish(
        _ r: MP, negative: Bool, inexact: Bool, tiny: Bool, toInfinity: Bool,
        _ overflow: ReferenceOverflow, _ plan: Plan, _ w: Workspace
    ) -> ReferenceResult {
        var flags: ReferenceFlags = []
        if inexact {
            flags.insert(.inexact)
            if tiny { flags.insert(.underflow) }
        }
        let isZero = mpfr_zero_p(r) != 0
        if negative && !plan.signed {
            if isZero { return ReferenceResult(value: 0, flags: flags) }
            return invalidNegative(plan, overflow)
        }
        let limit = negative && plan.twos ? plan.mostNegativeMagnitude : plan.greatestFinite
        if mpfr_cmp(r, negative && plan.twos ? w.negativeLimit : w.limit) > 0 {
            let saturated = negative ? -limit : limit
            let value: Double
            if overflow != .none || !toInfinity {
                value = saturated
            } else if plan.hasInfinity {
                value = negative ? -.infinity : .infinity
            } else if plan.hasNaN {
                value = nan(negative, plan)
            } else {
                value = saturated
            }
            return ReferenceResult(value: value, flags: [.overflow, .inexact])
        }
        if isZero {
            return ReferenceResult(value: negative && plan.hasNegativeZero ? -0.0 : 0.0, flags: flags)
        }
        let magnitude = mpfr_get_d(r, MPFR_RNDN)  // exact: a finite value of the format
        return ReferenceResult(value: negative ? -magnitude : magnitude, flags: flags)
    }
}
#endif
