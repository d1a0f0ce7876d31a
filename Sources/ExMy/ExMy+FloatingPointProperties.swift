/// Classification, fields, neighbours and limits, with `BinaryFloatingPoint`'s names.
extension ExMy {
    // MARK: Classification

    @inlinable var codeClass: FloatFormat.CodeClass { Format.format.classify(code) }

    /// Whether the value is NaN.
    @inlinable public var isNaN: Bool { codeClass == .nan }
    /// Whether the value is ±∞.
    @inlinable public var isInfinite: Bool { codeClass == .infinity }
    /// Whether the value is finite (not NaN, not ∞).
    @inlinable public var isFinite: Bool { let c = codeClass; return c != .nan && c != .infinity }
    /// Whether the value is ±0 (non-canonical codes of formats without subnormals included).
    @inlinable public var isZero: Bool { let c = codeClass; return c == .zero || c == .nonCanonical }
    /// Whether the value is subnormal (all nonzero values of `E = 0` fixed-point formats are).
    @inlinable public var isSubnormal: Bool { codeClass == .subnormal }
    /// Whether the value is normal.
    @inlinable public var isNormal: Bool { codeClass == .normal }
    /// Whether the code is the format's canonical encoding of its value.
    @inlinable public var isCanonical: Bool { codeClass != .nonCanonical }
    /// Whether the code is a signaling NaN: a NaN of an IEEE-style format whose quiet bit (the top
    /// significand bit) is clear (E5M2 0x7D, 0xFD). Always `false` for FN, FNUZ and P3109 formats,
    /// which have no signaling NaN. Arithmetic treats such a NaN as signaling (invalid, quiet NaN
    /// result) only under ``ArithmeticOptions/signalingNaNs``; by default every NaN is quiet.
    @inlinable public var isSignalingNaN: Bool { Format.format.isSignalingNaN(code) }

    /// The sign: `.minus` for negative values, −0 and NaNs carrying a sign bit.
    @inlinable public var sign: FloatingPointSign { Format.format.isNegative(code) ? .minus : .plus }

    // MARK: Fields

    /// The raw exponent field (0 for `E = 0` formats).
    @inlinable public var exponentBitPattern: UInt64 {
        let f = Format.format
        return f.exponentBitCount == 0 ? 0 : f.magnitudeCode(code) >> UInt64(f.significandBitCount)
    }

    /// The raw trailing significand field (for two's complement: the magnitude in quanta).
    @inlinable public var significandBitPattern: UInt64 {
        let f = Format.format
        if f.exponentBitCount == 0 { return f.magnitudeCode(code) }
        return f.magnitudeCode(code) & ((1 << UInt64(f.significandBitCount)) - 1)
    }

    /// Creates a value from its fields, as IEEE types do: the code is the sign bit, the exponent
    /// field and the significand field put side by side, so every code round-trips through
    /// (``sign``, ``exponentBitPattern``, ``significandBitPattern``). Field bits beyond their widths
    /// are ignored; a negative sign on an unsigned format is ignored. In fnuz and signed P3109
    /// formats `(.minus, 0, 0)` is therefore the NaN (the code −0 would have). Two's complement
    /// (exponent field of width 0): `significandBitPattern` is the magnitude in quanta, up to `2^M`
    /// for a negative sign (MXINT8's −2.0 is `(.minus, 0, 128)`).
    @inlinable public init(sign: FloatingPointSign, exponentBitPattern: UInt64, significandBitPattern: UInt64) {
        let f = Format.format
        let m = UInt64(f.significandBitCount)
        var magnitude = ((exponentBitPattern << m) | (significandBitPattern & ((1 << m) - 1))) & f.magnitudeMask
        let code: UInt64
        switch f.signedness {
        case .unsigned: code = magnitude
        case .signMagnitude: code = (sign == .minus ? f.signBit : 0) | magnitude
        case .twosComplement:
            if sign == .minus && significandBitPattern & ((2 << m) - 1) == 1 << m { magnitude = 1 << m }
            code = f.assembleCode(negative: sign == .minus, magnitude: magnitude)
        }
        self.init(bitPattern: Format.BitPattern(truncatingIfNeeded: code))
    }

    /// `floor(log2(|x|))` for finite nonzero values; `Int.min` for zero, `Int.max` for NaN and ∞
    /// (as `BinaryFloatingPoint.exponent` does).
    @inlinable public var exponent: Int {
        let v = doubleValue
        if v.isNaN || v.isInfinite { return .max }
        if v == 0 { return .min }
        return Int(v.exponent)
    }

    /// `|x| / 2^exponent`, in [1, 2) for finite nonzero values, rounded into the format with the
    /// default rules where it cannot hold it (FP3 E1M1 has no 1.5, so 3's significand is 2; formats
    /// whose range excludes [1, 2)); NaN for NaN, +∞ for ±∞, +0 for zeros.
    @inlinable public var significand: ExMy {
        let v = doubleValue
        if v.isNaN { return .nan }
        return ExMy(v.significand)
    }

    // MARK: Limits

    /// The greatest finite value.
    @inlinable public static var greatestFiniteMagnitude: ExMy { ExMy(encoded: .init(code: Format.format.maxMagnitudeCode, status: [])) }
    /// The least positive normal value (2^leastNormalExponent), rounded into the format.
    @inlinable public static var leastNormalMagnitude: ExMy { ExMy(Format.format.leastNormalMagnitude) }
    /// The least positive value.
    @inlinable public static var leastNonzeroMagnitude: ExMy { ExMy(Format.format.leastNonzeroMagnitude) }
    /// The grid spacing at 1, rounded into the format.
    @inlinable public static var ulpOfOne: ExMy { ExMy(Format.format.ulpOfOne) }
    /// The canonical (positive) NaN. A format without NaN has none: this is then code 0 (+0, or the
    /// least value of a format without zero), what ``FloatFormat/encodeNaN(negative:)`` and every
    /// NaN-producing operation give there. `isNaN` is then `false`.
    @inlinable public static var nan: ExMy { ExMy(encoded: Format.format.encodeNaN(negative: false)) }
    /// +∞. A format without ∞ has none: this is then what converting `Double.infinity` with the
    /// format's default overflow rule gives — its NaN (E4M3FN, FNUZ, P3109 finite), or the greatest
    /// finite value where it has no NaN either (FP4, FP6, MXINT8) or the rule saturates.
    @inlinable public static var infinity: ExMy {
        ExMy(encoded: Format.format.encodeInfinity(negative: false, overflow: Format.defaultOverflow))
    }
    /// Zero (+0). A format without zero (E8M0) has none: this is then code 0, its least value
    /// (2^−127), which is not an additive identity.
    @inlinable public static var zero: ExMy { ExMy(encoded: .init(code: 0, status: [])) }

    // MARK: Neighbours

    /// The least value greater than `self`. For the greatest finite value: +∞ where the format has
    /// it, else NaN where it has NaN, else `self`. NaN stays NaN; +∞ stays +∞.
    @inlinable public var nextUp: ExMy { step(up: true) }

    /// The greatest value less than `self` (mirror of ``nextUp``).
    @inlinable public var nextDown: ExMy { step(up: false) }

    @inlinable func step(up: Bool) -> ExMy {
        let f = Format.format
        let v = doubleValue
        if v.isNaN { return self }
        if v.isInfinite {
            if (v > 0) == up { return self }
            return ExMy(encoded: .init(code: f.extremeFiniteCode(negative: v < 0), status: []))
        }
        // Every format value is a Double whose grid is no finer than Double's, so the Double
        // neighbour of v rounded outward (up or down) is the format's neighbour of v.
        let target = up ? v.nextUp : v.nextDown
        var g = SystemRandomNumberGenerator()
        var r: FloatFormat.Encoded
        if v == 0 {
            r = f.encode(up ? f.leastNonzeroMagnitude : -f.leastNonzeroMagnitude, rounding: .toNearestOrEven, overflow: .saturateFinite, random: &g)
            if !up && f.signedness == .unsigned { return self }
            if !f.hasZero && !up { return self }
        } else {
            r = f.encode(target, rounding: up ? .up : .down, overflow: .none, random: &g)
            if r.status.contains(.overflow) {
                let inf = f.infinityCode(negative: !up) ?? f.nanCode(negative: !up)
                guard let special = inf else { return self }
                r = .init(code: special, status: [])
            }
            if r.status.contains(.invalid) { return self }  // below 0 in an unsigned format
        }
        return ExMy(encoded: r)
    }

    /// The distance from `|self|` to the next larger magnitude on the format's grid, rounded into the
    /// format; NaN for NaN and ∞; the least nonzero magnitude for zero.
    @inlinable public var ulp: ExMy {
        ExMy(ulpValue)
    }

    /// ``ulp`` as an exact `Double`.
    @inlinable public var ulpValue: Double {
        let f = Format.format
        let v = doubleValue.magnitude
        if v.isNaN || v.isInfinite { return .nan }
        if v == 0 { return f.leastNonzeroMagnitude }
        let e = Int(v.exponent)
        let q: Int
        if f.isFixedPoint || (e < f.leastNormalExponent && f.hasSubnormals) {
            q = f.leastNormalExponent - f.significandBitCount
        } else {
            q = max(e, f.leastNormalExponent) - f.significandBitCount
        }
        return Double(sign: .plus, exponent: q, significand: 1)
    }
}
