import ExMy

/// An exact long accumulator (Kulisch style): a two's-complement fixed-point integer wide enough to
/// hold any sum of `Double`s and of exact products of two `Double`s without rounding.
///
/// The value is `N · 2^-2176`, with `N` a 4352-bit two's-complement integer held in 68 limbs of 64
/// bits. Every product of two finite `Double`s is a multiple of `2^-2148` below `2^2048` in
/// magnitude, so it lands on the grid; more than `2^62` such terms fit before the sum could
/// overflow (`2^2110 < 2^2175`). Additions are integer additions: the accumulator never rounds.
/// It rounds once, when read, through ``rounded(into:rule:overflow:random:)`` — the 64-bit
/// round-to-odd significand of the exact value handed to ExMy's one rounding primitive.
///
/// ```swift
/// var acc = ExactAccumulator()
/// acc.add(0x1p1000)
/// acc.add(0x1p-1000)
/// acc.add(-0x1p1000)
/// acc.doubleValue          // 0x1p-1000, exactly
/// acc.addProduct(0x1p-1074, 0x1p-1074)   // 2^-2148, kept exactly
/// ```
///
/// Non-finite inputs are not added to the integer: they set flags, and the value reads as NaN when a
/// NaN was added or both +∞ and −∞ were, otherwise as the infinity that was added (IEEE 754's sum
/// of those operands). An exact zero reads as +0 (the accumulator does not track the sign of zero).
public struct ExactAccumulator: Hashable, Sendable {
    /// Number of 64-bit limbs.
    public static let limbCount = 68
    /// The exponent of the least significant bit of limb 0.
    public static let leastSignificantExponent = -2176

    /// Limbs, least significant first; the integer is two's complement over all of them.
    private var limbs: [UInt64]
    private var sawNaN = false
    private var sawPositiveInfinity = false
    private var sawNegativeInfinity = false

    /// An accumulator holding exact zero.
    public init() {
        limbs = [UInt64](repeating: 0, count: Self.limbCount)
    }

    /// Sets the accumulator back to exact zero.
    public mutating func reset() {
        for i in limbs.indices { limbs[i] = 0 }
        sawNaN = false
        sawPositiveInfinity = false
        sawNegativeInfinity = false
    }

    // MARK: Adding

    /// Adds `x` exactly.
    public mutating func add(_ x: Double) {
        guard x.isFinite else { noteNonFinite(x); return }
        guard x != 0 else { return }
        let (significand, exponent) = Self.integerSignificand(x)
        addMagnitude(high: 0, low: significand, exponent: exponent, negative: x < 0)
    }

    /// Subtracts `x` exactly.
    public mutating func subtract(_ x: Double) { add(-x) }

    /// Adds the exact product `x · y` (no rounding of the product, whatever its width: up to 106
    /// significant bits, down to `2^-2148`). `0 · ∞` adds a NaN, as IEEE 754's product would.
    public mutating func addProduct(_ x: Double, _ y: Double) {
        if !x.isFinite || !y.isFinite {
            noteNonFinite(x * y)  // NaN for NaN operands and 0·∞; a signed ∞ otherwise
            return
        }
        guard x != 0, y != 0 else { return }
        let (sx, ex) = Self.integerSignificand(x)
        let (sy, ey) = Self.integerSignificand(y)
        let (high, low) = sx.multipliedFullWidth(by: sy)
        addMagnitude(high: high, low: low, exponent: ex + ey, negative: (x < 0) != (y < 0))
    }

    /// Adds the value of another accumulator exactly.
    public mutating func add(_ other: ExactAccumulator) {
        sawNaN = sawNaN || other.sawNaN
        sawPositiveInfinity = sawPositiveInfinity || other.sawPositiveInfinity
        sawNegativeInfinity = sawNegativeInfinity || other.sawNegativeInfinity
        var carry = false
        for i in limbs.indices {
            let (s1, c1) = limbs[i].addingReportingOverflow(other.limbs[i])
            let (s2, c2) = s1.addingReportingOverflow(carry ? 1 : 0)
            limbs[i] = s2
            carry = c1 || c2
        }
    }

    /// Adds `−other` exactly.
    public mutating func subtract(_ other: ExactAccumulator) {
        add(other.negated())
    }

    /// The accumulator holding `−value` (NaN stays NaN; the infinities swap).
    public func negated() -> ExactAccumulator {
        var r = self
        r.sawPositiveInfinity = sawNegativeInfinity
        r.sawNegativeInfinity = sawPositiveInfinity
        r.negateLimbs()
        return r
    }

    private mutating func noteNonFinite(_ x: Double) {
        if x.isNaN { sawNaN = true } else if x > 0 { sawPositiveInfinity = true } else { sawNegativeInfinity = true }
    }

    /// `|x| = significand · 2^exponent` with an integer significand (53 bits at most).
    private static func integerSignificand(_ x: Double) -> (UInt64, Int) {
        let a = abs(x)
        if a.isNormal {
            return (a.significandBitPattern | (1 << 52), Int(a.exponentBitPattern) - 1075)
        }
        return (a.significandBitPattern, -1074)  // subnormal
    }

    /// Adds (or subtracts) `(high · 2^64 + low) · 2^exponent`.
    private mutating func addMagnitude(high: UInt64, low: UInt64, exponent: Int, negative: Bool) {
        let position = exponent - Self.leastSignificantExponent
        precondition(position >= 0, "ExactAccumulator: product below the grid (cannot happen for finite Doubles)")
        let index = position >> 6
        let shift = UInt64(position & 63)
        // The 192-bit value (high, low) << shift as three limbs.
        let w0 = low << shift
        let w1 = shift == 0 ? high : (high << shift) | (low >> (64 - shift))
        let w2 = shift == 0 ? 0 : high >> (64 - shift)
        limbs.withUnsafeMutableBufferPointer { l in
            let n = l.count
            var i = index
            if negative {
                var borrow: UInt64 = 0
                for k in 0..<3 where i < n {
                    let w = k == 0 ? w0 : k == 1 ? w1 : w2
                    let (d1, b1) = l[i].subtractingReportingOverflow(w)
                    let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                    l[i] = d2
                    borrow = b1 || b2 ? 1 : 0
                    i += 1
                }
                while borrow != 0 && i < n {
                    let (d, b) = l[i].subtractingReportingOverflow(1)
                    l[i] = d
                    borrow = b ? 1 : 0
                    i += 1
                }
            } else {
                var carry: UInt64 = 0
                for k in 0..<3 where i < n {
                    let w = k == 0 ? w0 : k == 1 ? w1 : w2
                    let (s1, c1) = l[i].addingReportingOverflow(w)
                    let (s2, c2) = s1.addingReportingOverflow(carry)
                    l[i] = s2
                    carry = c1 || c2 ? 1 : 0
                    i += 1
                }
                while carry != 0 && i < n {
                    let (t, c) = l[i].addingReportingOverflow(1)
                    l[i] = t
                    carry = c ? 1 : 0
                    i += 1
                }
            }
        }
    }

    private mutating func negateLimbs() {
        var carry = true
        for i in limbs.indices {
            let (s, c) = (~limbs[i]).addingReportingOverflow(carry ? 1 : 0)
            limbs[i] = s
            carry = c
        }
    }

    // MARK: Reading

    /// Whether a NaN was added, or both +∞ and −∞ were.
    public var isNaN: Bool { sawNaN || (sawPositiveInfinity && sawNegativeInfinity) }

    /// Whether the value is ±∞ (an infinity was added, and no NaN or opposite infinity).
    public var isInfinite: Bool { !isNaN && (sawPositiveInfinity || sawNegativeInfinity) }

    /// Whether the value is finite (only finite terms were added).
    public var isFinite: Bool { !sawNaN && !sawPositiveInfinity && !sawNegativeInfinity }

    /// Whether the finite part is exactly zero.
    public var isZero: Bool { isFinite && limbs.allSatisfy { $0 == 0 } }

    /// Whether the finite part is negative.
    private var isNegativeInteger: Bool { limbs[limbs.count - 1] >> 63 == 1 }

    /// The exact finite value as `±significand · 2^exponent`, with `significand` the value's 64
    /// leading bits rounded to odd (truncated, then the last bit set if any discarded bit was 1) and
    /// its top bit set; `nil` for zero or a non-finite value.
    ///
    /// Rounding this significand once more to `p ≤ 62` bits gives the correctly rounded value under
    /// every deterministic rule (round to odd at `p + 2` bits or more avoids double rounding).
    public var roundedToOdd64: (negative: Bool, significand: UInt64, exponent: Int)? {
        guard isFinite else { return nil }
        let negative = isNegativeInteger
        let magnitude: [UInt64]
        if negative {
            var copy = self
            copy.negateLimbs()
            magnitude = copy.limbs
        } else {
            magnitude = limbs
        }
        guard let top = magnitude.lastIndex(where: { $0 != 0 }) else { return nil }
        let lz = magnitude[top].leadingZeroBitCount
        // Bit index (from bit 0 of limb 0) of the leading one.
        let lead = top * 64 + 63 - lz
        // Take bits lead-63 … lead.
        let lowBit = lead - 63
        if lowBit <= 0 {
            // lead ≤ 63: the whole magnitude is limb 0; shift its leading one to bit 63.
            return (negative, magnitude[0] << UInt64(-lowBit), Self.leastSignificantExponent + lowBit)
        }
        var significand: UInt64
        var sticky = false
        let limbIndex = lowBit >> 6
        let shift = lowBit & 63
        if shift == 0 {
            significand = magnitude[limbIndex]
        } else {
            significand = magnitude[limbIndex] >> UInt64(shift)
            if limbIndex + 1 < magnitude.count { significand |= magnitude[limbIndex + 1] << UInt64(64 - shift) }
            sticky = magnitude[limbIndex] & ((1 << UInt64(shift)) - 1) != 0
        }
        if !sticky {
            for i in 0..<limbIndex where magnitude[i] != 0 {
                sticky = true
                break
            }
        }
        if sticky { significand |= 1 }
        return (negative, significand, Self.leastSignificantExponent + lowBit)
    }

    /// The value rounded once into `format` with `rule` and `overflow`, as a conversion of that
    /// extended-real value would: zero through `encodeZero` (as +0), ±∞ through `encodeInfinity`, NaN
    /// through `encodeNaN`, finite nonzero values through `encode(negative:significand:exponent:…)`.
    ///
    /// For `format`s of precision `M + 1 ≤ 62` every deterministic rule gives the correctly rounded
    /// value; stochastic rules see the 64-bit round-to-odd value (exact to about `2^-(63 − M)`).
    public func rounded<G: RandomNumberGenerator>(
        into format: FloatFormat, rule: RoundingRule, overflow: OverflowRule, random: inout G
    ) -> FloatFormat.Encoded {
        if isNaN { return format.encodeNaN(negative: false) }
        if isInfinite { return format.encodeInfinity(negative: sawNegativeInfinity, overflow: overflow) }
        guard let (negative, significand, exponent) = roundedToOdd64 else {
            return format.encodeZero(negative: false, overflow: overflow)
        }
        return format.encode(negative: negative, significand: significand, exponent: exponent,
                             rounding: rule, overflow: overflow, random: &random)
    }

    /// IEEE 754 binary64 as an ExMy format (for ``doubleValue``).
    static let binary64: FloatFormat = {
        guard let f = try? FloatFormat(exponentBitCount: 11, significandBitCount: 52, specials: .ieee, name: "binary64") else {
            preconditionFailure("binary64 is a valid ExMy format")
        }
        return f
    }()

    /// The value rounded to the nearest `Double` (ties to even), overflowing to ±∞ — the correctly
    /// rounded binary64 value of the exact sum.
    public var doubleValue: Double {
        var unused = SystemRandomNumberGenerator()
        let e = rounded(into: Self.binary64, rule: .toNearestOrEven, overflow: .none, random: &unused)
        return Self.binary64.decode(e.code)
    }
}
