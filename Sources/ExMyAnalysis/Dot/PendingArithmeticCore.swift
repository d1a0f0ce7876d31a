import ExMy

// TEMPORARY — delete this file when `fusedMultiplyAdd` lands in the arithmetic core (branch
// `arith-core`, Sources/ExMy/Arithmetic; `add`, `subtract` and `multiply` are merged already).
//
// A stand-in for the core's `fusedMultiplyAdd` with the signature of
// /work/notes/arithmetic-api.md, so that the dot-product study builds and runs before it lands. It
// follows the contract's model: compute the exact result (here in the exact long accumulator), then
// round once through the one primitive (`encode(negative:significand:exponent:…)`
// via `ExactAccumulator.rounded(into:…)`), with NaN, ∞ and exact-zero signs per IEEE 754. Once the
// core is merged, its public method takes over (this internal one would be ambiguous with it).
extension FloatFormat {
    func fusedMultiplyAdd<G: RandomNumberGenerator>(_ x: Double, _ y: Double, _ z: Double, rounding: RoundingRule, overflow: OverflowRule, random: inout G) -> Encoded {
        if x.isNaN || y.isNaN || z.isNaN { return encodeNaN(negative: false) }
        let productNegative = (x.sign == .minus) != (y.sign == .minus)
        if x.isInfinite || y.isInfinite {
            if x == 0 || y == 0 { return nanInvalid() }
            if z.isInfinite && (z < 0) != productNegative { return nanInvalid() }
            return encodeInfinity(negative: productNegative, overflow: overflow)
        }
        if z.isInfinite { return encodeInfinity(negative: z < 0, overflow: overflow) }
        var acc = ExactAccumulator()
        acc.addProduct(x, y)
        acc.add(z)
        if acc.isZero {
            let productIsZero = x == 0 || y == 0
            let negative: Bool
            if productIsZero && z == 0 {
                negative = zeroSumIsNegative(productNegative ? -0.0 : 0.0, z, rounding)
            } else {
                negative = rounding == .down
            }
            return encodeZero(negative: negative, overflow: overflow)
        }
        return acc.rounded(into: self, rule: rounding, overflow: overflow, random: &random)
    }

    private func nanInvalid() -> Encoded {
        var e = encodeNaN(negative: false)
        e.status.insert(.invalid)
        return e
    }

    /// IEEE 754 §6.3: an exact zero sum is +0, except −0 for (−0) + (−0) and under roundTowardNegative.
    private func zeroSumIsNegative(_ x: Double, _ y: Double, _ rule: RoundingRule) -> Bool {
        if x == 0 && y == 0 && x.sign == y.sign { return x.sign == .minus }
        return rule == .down
    }
}
