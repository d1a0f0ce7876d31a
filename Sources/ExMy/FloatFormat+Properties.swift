import Foundation

/// Derived properties, named as `BinaryFloatingPoint` names them.
extension FloatFormat {
    /// Whether the format is fixed point: no exponent bits, subnormals on, so every value is a
    /// multiple of one quantum `2^(leastNormalExponent − M)` (MXINT8, E0M7). Such formats have no
    /// normal range: they never raise underflow.
    @inlinable public var isFixedPoint: Bool { exponentBitCount == 0 && hasSubnormals }

    /// The greatest finite value (the value of the largest finite positive code).
    public var greatestFiniteMagnitude: Double { decode(maxMagnitudeCode) }

    /// The magnitude of the most negative finite value (equals ``greatestFiniteMagnitude`` except
    /// for two's complement, where it is one quantum larger). Zero for unsigned formats.
    public var greatestNegativeMagnitude: Double {
        signedness == .unsigned ? 0 : -decode(extremeFiniteCode(negative: true))
    }

    /// The least positive normal value, `2^leastNormalExponent` (fixed-point formats with `E = 0`
    /// have no normal values; this is then the first value past the grid).
    public var leastNormalMagnitude: Double { Double(sign: .plus, exponent: leastNormalExponent, significand: 1) }

    /// The least positive value (a subnormal where the format has subnormals).
    public var leastNonzeroMagnitude: Double {
        if !hasZero { return decode(0) }
        if hasSubnormals { return Double(sign: .plus, exponent: leastNormalExponent - significandBitCount, significand: 1) }
        return leastNormalMagnitude
    }

    /// The distance from 1 to the next larger value on the format's grid, `2^-M` for formats whose
    /// normal range contains 1 (for `E = 0`: the fixed quantum). The machine epsilon.
    public var ulpOfOne: Double {
        if isFixedPoint { return Double(sign: .plus, exponent: leastNormalExponent - significandBitCount, significand: 1) }
        return Double(sign: .plus, exponent: max(0, leastNormalExponent) - significandBitCount, significand: 1)
    }

    /// `log2(greatestFiniteMagnitude / leastNonzeroMagnitude)`: the dynamic range in binades.
    ///
    /// Finite for every format: where the ratio itself overflows a `Double` (E11M52's is about
    /// 2^2098), the two logarithms are subtracted instead.
    public var dynamicRange: Double {
        let ratio = greatestFiniteMagnitude / leastNonzeroMagnitude
        return ratio.isFinite ? log2(ratio) : log2(greatestFiniteMagnitude) - log2(leastNonzeroMagnitude)
    }

    /// The number of codes, `2^bitWidth` (saturating at `UInt64.max` for 64-bit formats).
    public var codeCount: UInt64 { bitWidth >= 64 ? .max : UInt64(1) << UInt64(bitWidth) }

    /// The number of finite codes, canonical ones only (non-canonical codes of formats without
    /// subnormals are excluded; +0 and −0 count separately).
    public var finiteCodeCount: UInt64 {
        let perSign: UInt64 = {
            var n = maxMagnitudeCode + 1
            if hasZero && !hasSubnormals && exponentBitCount > 0 {
                n -= (UInt64(1) << UInt64(significandBitCount)) - 1  // non-canonical codes
            }
            return n
        }()
        switch signedness {
        case .unsigned: return perSign
        case .twosComplement: return perSign + maxNegativeMagnitudeCode
        case .signMagnitude: return hasNegativeZero ? 2 * perSign : 2 * perSign - (hasZero ? 1 : 0)
        }
    }

    /// The number of NaN codes.
    public var nanCodeCount: UInt64 {
        switch specials {
        case .none: return 0
        case .fn: return signedness == .signMagnitude ? 2 : 1
        case .fnuz, .p3109Finite, .p3109Extended: return 1
        case .ieee:
            let perSign = (UInt64(1) << UInt64(significandBitCount)) - 1
            return signedness == .signMagnitude ? 2 * perSign : perSign
        }
    }

    /// The canonical NaN codes (one per sign where NaNs carry a sign); empty without NaN.
    public var canonicalNaNCodes: [UInt64] {
        guard let positive = nanCode(negative: false) else { return [] }
        let negative = nanCode(negative: true) ?? positive
        return positive == negative ? [positive] : [positive, negative]
    }

    /// The codes of +∞ and −∞ that exist.
    public var infinityCodes: [UInt64] {
        [infinityCode(negative: false), infinityCode(negative: true)].compactMap { $0 }
    }
}
