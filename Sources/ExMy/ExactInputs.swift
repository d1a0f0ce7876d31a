/// Encoding any `BinaryFloatingPoint` or `BinaryInteger` value through the one rounding primitive,
/// from its exact value.
extension FloatFormat {
    /// Encodes any binary floating-point value with at most 63 significand bits (`Float`, `Double`,
    /// `Float16`, `Float80`, ExMy values), rounding once from the exact value. Reads the value
    /// through `exponent` and `significandBitPattern` only, which ExMy values (every layout) answer
    /// as IEEE types do.
    ///
    /// `options` as for the `Double` conversion: tininess, and a
    /// signaling NaN `x` (`x.isSignalingNaN`) raising invalid under ``ArithmeticOptions/signalingNaNs``.
    @inlinable
    public func encode<T: BinaryFloatingPoint, G: RandomNumberGenerator>(
        _ x: T, rounding rule: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if T.self == Double.self { return encode(x as! Double, rounding: rule, overflow: overflow, options: options, random: &random) }
        let negative = x.sign == .minus
        if x.isNaN { return options.signalingNaNs && x.isSignalingNaN ? encodeSignalingNaN() : encodeNaN(negative: negative) }
        if x.isInfinite { return encodeInfinity(negative: negative, overflow: overflow) }
        if x.isZero { return encodeZero(negative: negative, overflow: overflow) }
        let width = T.significandBitCount
        guard width <= 63 else {
            // Wider than any standard type; Double(x) rounds, so report the conversion as inexact.
            var r = encode(Double(x), rounding: rule, overflow: overflow, options: options, random: &random)
            r.status.insert(.inexact)
            return r
        }
        let bits = UInt64(truncatingIfNeeded: x.significandBitPattern)
        if x.isNormal {
            return encode(
                negative: negative, significand: bits | (1 << UInt64(width)), exponent: Int(x.exponent) - width,
                rounding: rule, overflow: overflow, options: options, random: &random)
        }
        // Subnormal (or fixed point): |x| = bits · 2^(exponent − L), L the index of the leading one.
        // (Not `leastNormalMagnitude`: a fixed-point ExMy format has no normal range.)
        return encode(
            negative: negative, significand: bits, exponent: Int(x.exponent) - (63 - bits.leadingZeroBitCount),
            rounding: rule, overflow: overflow, options: options, random: &random)
    }

    /// Encodes an integer of any width, rounding once. Integers wider than 64 significant bits keep
    /// their top 64 bits plus a sticky bit, which decides every deterministic rule exactly (the
    /// sticky bit lies at least 11 places below the rounding position).
    @inlinable
    public func encode<I: BinaryInteger, G: RandomNumberGenerator>(
        integer x: I, rounding rule: RoundingRule, overflow: OverflowRule, random: inout G
    ) -> Encoded {
        let negative = x < 0
        let magnitude = x.magnitude
        if magnitude == 0 { return encodeZero(negative: false, overflow: overflow) }
        if let small = UInt64(exactly: magnitude) {
            return encode(negative: negative, significand: small, exponent: 0, rounding: rule, overflow: overflow, random: &random)
        }
        // Find the number of significant bits w > 64.
        var w = 64
        while magnitude >> w != 0 { w += 64 }
        var low = w - 64, high = w
        while high - low > 1 {
            let mid = (low + high) / 2
            if magnitude >> mid != 0 { low = mid } else { high = mid }
        }
        let shift = high - 64
        var top = UInt64(truncatingIfNeeded: magnitude >> shift)
        if magnitude & ((I.Magnitude(1) << shift) - 1) != 0 { top |= 1 }
        return encode(negative: negative, significand: top, exponent: shift, rounding: rule, overflow: overflow, random: &random)
    }
}
