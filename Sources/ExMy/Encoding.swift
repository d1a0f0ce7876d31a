/// Encoding exact values into codes: special inputs, the overflow rule and the sign, around the
/// rounding primitive. `docs/semantics.md` §4 states every case.
extension FloatFormat {
    /// A code and the flags raised while producing it.
    @frozen public struct Encoded: Hashable, Sendable {
        /// The code, in the low ``FloatFormat/bitWidth`` bits.
        public var code: UInt64
        /// The exception flags.
        public var status: ConversionStatus

        /// Pairs `code` with `status`, as given: the code is not masked or checked against a format.
        @inlinable public init(code: UInt64, status: ConversionStatus) {
            self.code = code
            self.status = status
        }
    }

    // MARK: Special codes

    /// Whether the format has a distinct −0 code.
    @inlinable public var hasNegativeZero: Bool {
        signedness == .signMagnitude && specials != .fnuz && specials != .p3109Finite && specials != .p3109Extended
    }

    /// Whether a NaN code can carry a sign (IEEE-style and FN formats).
    @inlinable var nanHasSign: Bool { signedness == .signMagnitude && (specials == .ieee || specials == .fn) }

    /// The canonical NaN code (with the sign bit where NaNs are signed), or `nil` without NaN.
    ///
    /// IEEE-style formats use the quiet NaN with only the top significand bit set (E5M2: 0x7E);
    /// FN formats the all-ones magnitude (E4M3FN: 0x7F / 0xFF); FNUZ and signed P3109 formats 0x80;
    /// unsigned P3109 and FN formats the all-ones code.
    @inlinable public func nanCode(negative: Bool = false) -> UInt64? {
        let sign = negative && nanHasSign ? signBit : 0
        switch specials {
        case .none: return nil
        case .ieee: return sign | (UInt64((1 << exponentBitCount) - 1) << UInt64(significandBitCount)) | (UInt64(1) << UInt64(significandBitCount - 1))
        case .fn: return sign | magnitudeMask
        case .fnuz, .p3109Finite, .p3109Extended:
            return signedness == .unsigned ? codeMask : signBit
        }
    }

    /// The code of +∞ or −∞, or `nil` where the format has none.
    @inlinable public func infinityCode(negative: Bool) -> UInt64? {
        switch specials {
        case .ieee:
            if negative && signedness == .unsigned { return nil }
            return (negative ? signBit : 0) | (UInt64((1 << exponentBitCount) - 1) << UInt64(significandBitCount))
        case .p3109Extended:
            if signedness == .unsigned { return negative ? nil : codeMask - 1 }
            return (negative ? signBit : 0) | magnitudeMask
        case .fn, .fnuz, .none, .p3109Finite: return nil
        }
    }

    /// The code of ±greatestFiniteMagnitude (the most negative value for two's complement).
    @inlinable func extremeFiniteCode(negative: Bool) -> UInt64 {
        assembleCode(negative: negative, magnitude: negative ? maxNegativeMagnitudeCode : maxMagnitudeCode)
    }

    /// Puts a sign on a magnitude code. Unsigned formats ignore `negative`; a zero magnitude gives −0
    /// only where the format has it.
    @inlinable func assembleCode(negative: Bool, magnitude: UInt64) -> UInt64 {
        guard negative else { return magnitude }
        switch signedness {
        case .unsigned: return magnitude
        case .twosComplement: return (0 &- magnitude) & codeMask
        case .signMagnitude:
            if magnitude == 0 && !hasNegativeZero { return 0 }
            return signBit | magnitude
        }
    }

    // MARK: Encoding

    /// Encodes an exact nonzero finite value `±significand · 2^exponent`: rounds it once with
    /// `rule`, then applies `overflow`. This is the path every conversion takes.
    ///
    /// An inexact tiny result raises ``ConversionStatus/underflow``; `options.tininess` says whether
    /// tininess is judged before rounding (the default) or after (``ArithmeticOptions/Tininess``).
    /// A stochastic variant with a bit count outside 1 … 62 (see ``RoundingRule/validated()``) cannot
    /// round: the result is the format's NaN (code 0 without NaN) with ``ConversionStatus/invalid``.
    @inlinable
    public func encode<G: RandomNumberGenerator>(
        negative: Bool, significand: UInt64, exponent: Int,
        rounding rule: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        guard rule.isValid else { return Encoded(code: encodeNaN(negative: false).code, status: .invalid) }
        let r = roundMagnitude(significand: significand, exponent: exponent, negative: negative, rule: rule, random: &random)
        var status: ConversionStatus = r.inexact ? .inexact : []
        if r.inexact && r.tiny {
            if options.tininess == .beforeRounding
                || isTinyAfterRounding(significand: significand, exponent: exponent, negative: negative, rule: rule, rounded: r.code) {
                status.insert(.underflow)
            }
        }
        let limit = negative ? maxNegativeMagnitudeCode : maxMagnitudeCode
        if r.code > limit {
            status.formUnion([.overflow, .inexact])
            if negative && signedness == .unsigned { return negativeIntoUnsigned(overflow: overflow) }
            return Encoded(code: overflowCode(negative: negative, rule: rule, overflow: overflow), status: status)
        }
        if negative && signedness == .unsigned && (r.code != 0 || !hasZero) {
            return negativeIntoUnsigned(overflow: overflow)
        }
        return Encoded(code: assembleCode(negative: negative, magnitude: r.code), status: status)
    }

    /// The result of a finite overflow (semantics §5).
    @inlinable
    func overflowCode(negative: Bool, rule: RoundingRule, overflow: OverflowRule) -> UInt64 {
        if overflow != .none { return extremeFiniteCode(negative: negative) }
        let toInfinity: Bool
        switch rule {
        case .towardZero, .toOdd: toInfinity = false
        case .up: toInfinity = !negative
        case .down: toInfinity = negative
        case .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .awayFromZero,
             .stochastic, .stochasticA, .stochasticB, .stochasticC:
            toInfinity = true
        }
        guard toInfinity else { return extremeFiniteCode(negative: negative) }
        if let inf = infinityCode(negative: negative) { return inf }
        return nanCode(negative: negative) ?? extremeFiniteCode(negative: negative)
    }

    /// A nonzero negative value (or −∞) into an unsigned format (semantics §7).
    @inlinable
    func negativeIntoUnsigned(overflow: OverflowRule) -> Encoded {
        if overflow == .none, let nan = nanCode() { return Encoded(code: nan, status: .invalid) }
        return Encoded(code: 0, status: .invalid)  // +0, or the least value where there is no zero
    }

    /// Encodes ±∞ (semantics §6).
    @inlinable
    public func encodeInfinity(negative: Bool, overflow: OverflowRule) -> Encoded {
        if negative && signedness == .unsigned { return negativeIntoUnsigned(overflow: overflow) }
        if overflow == .saturateFinite { return Encoded(code: extremeFiniteCode(negative: negative), status: .inexact) }
        if let inf = infinityCode(negative: negative) { return Encoded(code: inf, status: []) }
        if let nan = nanCode(negative: negative) { return Encoded(code: nan, status: .invalid) }
        return Encoded(code: extremeFiniteCode(negative: negative), status: [.invalid, .inexact])
    }

    /// Encodes a NaN. Formats without NaN return code 0 (+0, or the least value) with
    /// ``ConversionStatus/invalid``; the checked APIs turn that into an error or a profile's choice.
    @inlinable
    public func encodeNaN(negative: Bool) -> Encoded {
        if let nan = nanCode(negative: negative) { return Encoded(code: nan, status: []) }
        return Encoded(code: 0, status: .invalid)
    }

    /// Encodes ±0 (semantics §4.3).
    @inlinable
    public func encodeZero(negative: Bool, overflow: OverflowRule) -> Encoded {
        if hasZero { return Encoded(code: assembleCode(negative: negative, magnitude: 0), status: []) }
        if overflow == .none, let nan = nanCode() { return Encoded(code: nan, status: .invalid) }
        return Encoded(code: 0, status: .invalid)
    }

    /// Encodes a `Double`, rounding once from its exact value.
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.encode(-431.99999999999994).code   // 0xFD (−416), not −448 (0xFE)
    /// ```
    ///
    /// With ``ArithmeticOptions/signalingNaNs``, a signaling NaN `x` (quiet bit clear) gives the
    /// format's quiet NaN with ``ConversionStatus/invalid`` (IEEE 754 §7.2); by default every NaN
    /// converts without a flag.
    @inlinable
    public func encode<G: RandomNumberGenerator>(
        _ x: Double, rounding rule: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        let bits = x.bitPattern
        let negative = bits >> 63 != 0
        let biased = Int((bits >> 52) & 0x7FF)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        if biased == 0x7FF {
            if fraction == 0 { return encodeInfinity(negative: negative, overflow: overflow) }
            if options.signalingNaNs && x.isSignalingNaN { return encodeSignalingNaN() }
            return encodeNaN(negative: negative)
        }
        if biased == 0 {
            if fraction == 0 { return encodeZero(negative: negative, overflow: overflow) }
            return encode(
                negative: negative, significand: fraction, exponent: -1074, rounding: rule, overflow: overflow,
                options: options, random: &random)
        }
        return encode(
            negative: negative, significand: fraction | (1 << 52), exponent: biased - 1075,
            rounding: rule, overflow: overflow, options: options, random: &random)
    }

    /// Encodes a `Double` with a deterministic rule (a stochastic rule draws from the system generator).
    @inlinable
    public func encode(
        _ x: Double, rounding rule: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return encode(x, rounding: rule, overflow: overflow, options: options, random: &g)
    }

    /// The result of a signaling NaN operand under ``ArithmeticOptions/signalingNaNs``: the quiet
    /// NaN (code 0 without NaN), flag invalid (IEEE 754 §7.2).
    @inlinable
    func encodeSignalingNaN() -> Encoded {
        Encoded(code: encodeNaN(negative: false).code, status: .invalid)
    }

    // MARK: Signaling NaNs

    /// Whether `code` is a signaling NaN: a NaN code of an IEEE-style format
    /// (``SpecialValueEncoding/ieee``) whose quiet bit, the top significand bit, is clear (IEEE 754
    /// §6.2.1; E5M2 0x7D–0x7F: 0x7D and its negative 0xFD are signaling, 0x7E, 0x7F quiet).
    /// Formats with FN, FNUZ or P3109 specials have no signaling NaN: always `false` for them.
    /// Arithmetic treats these codes as signaling only under ``ArithmeticOptions/signalingNaNs``.
    @inlinable public func isSignalingNaN(_ code: UInt64) -> Bool {
        guard specials == .ieee, classify(code) == .nan else { return false }
        return code & (UInt64(1) << UInt64(significandBitCount - 1)) == 0
    }

    /// The `Double` operand the arithmetic core takes for `code`: ``decode(_:)``, except that a
    /// signaling NaN code becomes a signaling `Double` NaN (with its sign), so that
    /// ``ArithmeticOptions/signalingNaNs`` can see it. Arithmetic on codes is arithmetic on their
    /// operands:
    ///
    /// ```swift
    /// let f = FloatFormat.e5m2
    /// f.add(f.operand(0x3C), f.operand(0x7D), options: .softFloat)   // (0x7E, [invalid]): 0x7D is signaling
    /// ```
    @inlinable public func operand(_ code: UInt64) -> Double {
        guard isSignalingNaN(code) else { return decode(code) }
        return isNegative(code) ? -Double.signalingNaN : Double.signalingNaN
    }

    /// Whether tininess after rounding holds for an inexact result that is tiny before rounding
    /// (`|x| < 2^emin`, `x = ±significand · 2^exponent`): `x` rounded with `rule` to precision `M + 1`
    /// and an unbounded exponent range stays below `2^emin`. Only `x` in the binade just below
    /// `2^emin` can round up to it. Stochastic rules judge the delivered magnitude code `rounded`.
    @inlinable
    func isTinyAfterRounding(significand: UInt64, exponent: Int, negative: Bool, rule: RoundingRule, rounded: UInt64) -> Bool {
        let m = significandBitCount
        let emin = leastNormalExponent
        if rule.isStochastic {
            // The least normal value's magnitude code: 2^M (code 0 when the format has no zero).
            return rounded < (hasZero ? UInt64(1) << UInt64(m) : 0)
        }
        let e = exponent + 63 - significand.leadingZeroBitCount
        guard e == emin - 1 else { return true }
        // |x| / 2^(e − M) = n + ν: n has M + 1 bits; only n = 2^(M+1) − 1 can carry into 2^emin.
        let shift = e - m - exponent  // the low bits of the significand to drop
        guard shift > 0 else { return true }  // exact at precision M + 1: x itself, below 2^emin
        let (n, fraction, extra) = Self.split(significand, droppingLowBits: shift)
        guard fraction != 0, n == (UInt64(1) << UInt64(m + 1)) - 1 else { return true }
        // The parity of the lower neighbour, as roundMagnitude reads it (for M = 0 and the
        // even-code tie break: the code 2^(emin − 1) would have, one below the least normal's).
        let lowIsOdd = m == 0 && tieBreak == .evenCode ? (hasZero ? false : true) : true
        var none = NoRandomness()
        return !Self.roundsUp(n: n, lowIsOdd: lowIsOdd, fraction: fraction, extra: extra, negative: negative, rule: rule, random: &none)
    }
}

/// The generator of the deterministic rules' decisions, which never draw.
@usableFromInline
struct NoRandomness: RandomNumberGenerator {
    @inlinable init() {}
    @inlinable mutating func next() -> UInt64 { 0 }
}
