/// The one rounding primitive.
///
/// Every conversion into a format — from `Double`, `Float`, `Float16`, bfloat16, another ExMy
/// format, an arithmetic result, scalar or batch — ends here, so every rule is implemented once.
extension FloatFormat {
    /// The outcome of rounding a positive magnitude onto a format's unbounded grid.
    @frozen public struct RoundedMagnitude: Hashable, Sendable {
        /// The magnitude code of the rounded value. Codes above the greatest finite code continue the
        /// grid (the value is then an overflow); `UInt64.max` marks an input so large that it
        /// overflows whatever the rounding.
        public var code: UInt64
        /// Whether rounding changed the value.
        public var inexact: Bool
        /// Whether the exact magnitude is below the least normal magnitude (tininess before rounding).
        /// Always `false` for fixed-point formats (E = 0 with subnormals): they have no normal range.
        public var tiny: Bool

        /// Creates an outcome from its parts, as given (nothing is checked).
        @inlinable public init(code: UInt64, inexact: Bool, tiny: Bool) {
            self.code = code
            self.inexact = inexact
            self.tiny = tiny
        }
    }

    /// Rounds the magnitude `significand · 2^exponent` (nonzero) onto this format's grid.
    ///
    /// The grid has precision `M + 1` in every binade at or above `2^leastNormalExponent` with no
    /// upper limit, multiples of `2^(leastNormalExponent − M)` below it when the format has
    /// subnormals (and everywhere when `E = 0`), `{0, 2^leastNormalExponent}` below it when it has
    /// none, and only `2^leastNormalExponent` for a format without zero. The rounding rule picks
    /// between the two neighbours on that grid (for `M = 0` the format's ``tieBreak`` says which
    /// one is even); `negative` matters for ``RoundingRule/up`` and
    /// ``RoundingRule/down``. Stochastic rules draw from `random`. A stochastic variant whose bit
    /// count lies outside 1 … 62 is rounded with the nearest count in that range (no trap);
    /// ``encode(negative:significand:exponent:rounding:overflow:options:random:)`` rejects such a rule
    /// with ``ConversionStatus/invalid`` before it gets here.
    ///
    /// - Precondition: `significand != 0`.
    @inlinable
    public func roundMagnitude<G: RandomNumberGenerator>(
        significand: UInt64, exponent: Int, negative: Bool, rule: RoundingRule, random: inout G
    ) -> RoundedMagnitude {
        let m = significandBitCount
        let emin = leastNormalExponent
        let lz = significand.leadingZeroBitCount
        let e = exponent + 63 - lz  // floor(log2 |x|)
        let tiny = e < emin
        if e > (negative ? maxNegativeExponent : maxExponent) {
            return RoundedMagnitude(code: .max, inexact: true, tiny: false)
        }
        // The quantum 2^q of the grid at |x|.
        let q: Int
        let normalPath: Bool
        if isFixedPoint || (tiny && hasSubnormals) {
            q = emin - m
            normalPath = false
        } else if !tiny {
            q = e - m
            normalPath = true
        } else if hasZero {
            q = emin  // flush to zero: the grid below 2^emin is {0, 2^emin}
            normalPath = false
        } else {
            // No zero: the least value is the only candidate below it.
            return RoundedMagnitude(code: 0, inexact: true, tiny: true)
        }
        // Split |x| / 2^q into integer part n and fraction ν = fraction · 2^-(64 + extra).
        let (integer, fraction, extra) = Self.split(significand, droppingLowBits: q - exponent)
        var n = integer
        let inexact = fraction != 0
        // Parity of the lower neighbour, for ties-to-even and to-odd. With M ≥ 1 (and below the
        // normal range) it is the parity of n, which is also the parity of lo's code. With M = 0 in
        // the normal range n = 1 always: `evenSignificand` reads that (every such lo is odd, IEEE
        // 754), `evenCode` reads the code of lo, e − emin + 1 (e − emin without zero), P3109 v4.0
        // §4.7.4's IsEven(Q + B).
        let lowIsOdd: Bool
        if m == 0 && normalPath && tieBreak == .evenCode {
            lowIsOdd = (e - emin + (hasZero ? 1 : 0)) & 1 == 1
        } else {
            lowIsOdd = n & 1 == 1
        }
        if inexact && Self.roundsUp(n: n, lowIsOdd: lowIsOdd, fraction: fraction, extra: extra, negative: negative, rule: rule, random: &random) {
            n += 1
        }
        // Magnitude code of n · 2^q.
        let code: UInt64
        if normalPath {
            // n ∈ [2^M, 2^(M+1)]; a carry to 2^(M+1) lands on the next binade's first code.
            let binade = UInt64(e - emin) << UInt64(m)
            code = hasZero ? binade + n : binade + n - (UInt64(1) << UInt64(m))
        } else if q == emin && !hasSubnormals {
            code = n == 0 ? 0 : UInt64(1) << UInt64(m)
        } else {
            code = n  // fixed point or subnormal; n = 2^M is the least normal code
        }
        return RoundedMagnitude(code: code, inexact: inexact, tiny: tiny && !isFixedPoint)
    }
    /// `significand · 2^−shift` split into its integer part `n` and its fraction
    /// `ν = fraction · 2^−(64 + extra)` (`shift ≤ 0`: `n = significand · 2^−shift`, exact, with
    /// `significand` small enough not to overflow; `shift ≥ 64`: `n = 0`).
    @inlinable @inline(__always)
    static func split(_ significand: UInt64, droppingLowBits shift: Int) -> (n: UInt64, fraction: UInt64, extra: Int) {
        if shift <= 0 { return (significand << UInt64(-shift), 0, 0) }
        if shift < 64 { return (significand >> UInt64(shift), significand << UInt64(64 - shift), 0) }
        return (0, significand, shift - 64)
    }


    /// The decision of every rounding rule, given the truncated integer significand `n`, whether
    /// the lower neighbour counts as odd (``TieBreak``), and the discarded fraction
    /// `ν = fraction · 2^-(64 + extra)` (nonzero).
    @inlinable
    static func roundsUp<G: RandomNumberGenerator>(
        n: UInt64, lowIsOdd: Bool, fraction: UInt64, extra: Int, negative: Bool, rule: RoundingRule, random: inout G
    ) -> Bool {
        let half: UInt64 = 1 << 63
        switch rule {
        case .toNearestOrEven:
            return extra == 0 && (fraction > half || (fraction == half && lowIsOdd))
        case .toNearestOrAwayFromZero:
            return extra == 0 && fraction >= half
        case .toNearestOrZero:
            return extra == 0 && fraction > half
        case .towardZero:
            return false
        case .up:
            return !negative
        case .down:
            return negative
        case .awayFromZero:
            return true
        case .toOdd:
            return !lowIsOdd
        case .stochastic:
            return stochasticExact(fraction: fraction, extra: extra, random: &random)
        case .stochasticA(let requested):
            let bits = RoundingRule.clampedRandomBits(requested)
            let r = random.next() & ((1 << UInt64(bits)) - 1)
            return leadingBits(fraction: fraction, extra: extra, count: bits) + r >= (1 << UInt64(bits))
        case .stochasticB(let requested):
            let bits = RoundingRule.clampedRandomBits(requested)
            let r = random.next() & ((1 << UInt64(bits)) - 1)
            return leadingBits(fraction: fraction, extra: extra, count: bits + 1) + 2 * r + 1 >= (1 << UInt64(bits + 1))
        case .stochasticC(let requested):
            let bits = RoundingRule.clampedRandomBits(requested)
            let r = random.next() & ((1 << UInt64(bits)) - 1)
            var t = leadingBits(fraction: fraction, extra: extra, count: bits)
            // roundTiesToEven(ν · 2^bits): look at the bits below the kept ones.
            let position = 64 + extra - bits  // bit index (in `fraction`) of ν·2^bits's unit
            if position <= 64 {
                let rest = position == 64 ? fraction : fraction << UInt64(64 - position)
                if rest > half || (rest == half && t & 1 == 1) { t += 1 }
            }
            return t + r >= (1 << UInt64(bits))
        }
    }

    /// `⌊ν · 2^count⌋` for `ν = fraction · 2^-(64 + extra)`, `count ≤ 63`.
    @inlinable
    static func leadingBits(fraction: UInt64, extra: Int, count: Int) -> UInt64 {
        let shift = 64 + extra - count
        return shift >= 64 ? 0 : fraction >> UInt64(shift)
    }

    /// Exact-probability stochastic decision: draws a uniform `u ∈ [0, 1)` 64 bits at a time and
    /// returns `u < ν` for `ν = fraction · 2^-(64 + extra)`, consuming only the words it needs.
    @inlinable
    static func stochasticExact<G: RandomNumberGenerator>(fraction: UInt64, extra: Int, random: inout G) -> Bool {
        var skip = extra
        while skip >= 64 {
            if random.next() != 0 { return false }
            skip -= 64
        }
        if skip == 0 { return random.next() < fraction }
        let high = fraction >> UInt64(skip)
        let r1 = random.next()
        if r1 != high { return r1 < high }
        return random.next() < fraction << UInt64(64 - skip)
    }
}
