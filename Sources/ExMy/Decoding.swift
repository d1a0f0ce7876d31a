/// Decoding codes into exact values, and classifying them (`docs/semantics.md` §2–3, §5).
extension FloatFormat {
    /// What a code means, without its value.
    public enum CodeClass: String, Hashable, Sendable, Codable {
        /// A NaN code (with either sign, where the format's NaNs carry one).
        case nan
        /// The +∞ or −∞ code (IEEE-style and P3109 extended formats only).
        case infinity
        /// The +0 code, or −0 where the format has one (never for a format without zero).
        case zero
        /// A nonzero code in exponent field 0 of a format with subnormals: for a fixed-point format
        /// (E = 0, such as MXINT8) every nonzero code. (Without subnormals such a code is
        /// ``nonCanonical``; two's-complement codes with E = 0 are always `subnormal`.)
        case subnormal
        /// A code with a nonzero exponent field that is not NaN or ∞; every non-NaN code of a format
        /// without zero (E8M0FNU).
        case normal
        /// A code in exponent field 0 of a format without subnormals: decodes as zero, never produced.
        case nonCanonical = "non-canonical"
    }

    /// Whether `code` is negative (sign bit set, or the top bit of a two's-complement code). NaN codes
    /// report the sign bit they carry.
    @inlinable public func isNegative(_ code: UInt64) -> Bool {
        switch signedness {
        case .unsigned: return false
        case .signMagnitude: return code & signBit != 0
        case .twosComplement: return (code >> UInt64(bitWidth - 1)) & 1 != 0
        }
    }

    /// The magnitude code of `code` (for two's complement: the absolute value, up to `2^M`).
    @inlinable public func magnitudeCode(_ code: UInt64) -> UInt64 {
        let c = code & codeMask
        switch signedness {
        case .twosComplement: return isNegative(c) ? ((0 &- c) & codeMask) : c
        default: return c & magnitudeMask
        }
    }

    /// The class of `code`.
    @inlinable public func classify(_ code: UInt64) -> CodeClass {
        let c = code & codeMask
        if let nan = nanCode(), specials != .ieee {
            // Single-NaN layouts, or NaN at the all-ones magnitude of either sign (fn).
            if specials == .fn ? (c & magnitudeMask) == magnitudeMask : c == nan { return .nan }
        }
        if specials == .p3109Extended || specials == .ieee {
            if c == infinityCode(negative: false) || c == infinityCode(negative: true) { return .infinity }
        }
        let mag = magnitudeCode(c)
        let field = exponentBitCount == 0 ? 0 : mag >> UInt64(significandBitCount)
        if specials == .ieee && field == UInt64((1 << exponentBitCount) - 1) { return .nan }
        if field == 0 {
            if !hasZero { return .normal }
            if mag == 0 { return .zero }
            if exponentBitCount == 0 && signedness == .twosComplement { return .subnormal }
            return hasSubnormals ? .subnormal : .nonCanonical
        }
        return .normal
    }

    /// The exact value of `code` (NaN and ±∞ included). Only the low ``bitWidth`` bits are read.
    ///
    /// Every finite value of a valid format is exactly a `Double`, so this never rounds.
    @inlinable public func decode(_ code: UInt64) -> Double {
        let c = code & codeMask
        let negative = isNegative(c)
        switch classify(c) {
        case .nan: return negative && nanHasSign ? -Double.nan : .nan
        case .infinity: return negative ? -.infinity : .infinity
        case .zero, .nonCanonical: return negative && hasNegativeZero ? -0.0 : 0.0
        case .subnormal, .normal:
            let mag = magnitudeCode(c)
            let m = UInt64(significandBitCount)
            let value: Double
            if exponentBitCount == 0 && hasSubnormals {
                value = Double(sign: .plus, exponent: leastNormalExponent - significandBitCount, significand: Double(mag))
            } else {
                let field = Int(mag >> m)
                let f = mag & ((1 << m) - 1)
                if field == 0 && hasZero {  // subnormal
                    value = Double(sign: .plus, exponent: leastNormalExponent - significandBitCount, significand: Double(f))
                } else {
                    let unbiased = hasZero ? field - bias : field - bias
                    value = Double(sign: .plus, exponent: unbiased - significandBitCount, significand: Double((1 << m) | f))
                }
            }
            return negative ? -value : value
        }
    }
}
