import Foundation
@testable import ExMy

/// An expectation for the arithmetic that does not use the arithmetic core: the operation in
/// `Double`, then `FloatFormat.encode` (the MPFR-verified conversion) into the format.
///
/// Why `Double` then `encode` is the correctly rounded result where it is used:
/// - `×` of two values of formats with p ≤ 26 is exact in `Double`; `+ −` and `fma` are checked
///   exact element by element with Knuth's TwoSum; an inexact sum still gives the correct
///   nearest-even result for p ≤ 25 (Figueroa: double rounding is innocuous when 53 ≥ 2p + 2);
///   other inexact cases (e.g. 2^127 + 2^-127 in E8M0 under `.up`) get no expectation: `nil`.
/// - `÷` and `√` of p-bit values with p ≤ 25: the exact quotient or root is either on the p-bit
///   grid or at least 2^-(2p+2) (relatively) away from every grid point and midpoint, so the
///   nearest-even `Double` result lies strictly on the same side of each of them: every
///   deterministic rule then decides the same way, and tininess and inexactness are the same.
/// - stochastic rules see the same value only when the `Double` result is exact (so only `+ − ×`
///   of ≤ 8-bit formats); the core hands stochastic rules a 64-bit round-to-odd value.
/// The special cases follow docs/arithmetic.md (IEEE 754): NaN operands give the format's NaN,
/// invalid operations NaN + invalid, x/0 ±∞ + divisionByZero, exact zeros IEEE 754 §6.3's sign.
enum DoubleRoundedReference {
    static let divisionByZero = ConversionStatus(rawValue: 16)

    /// `op(x, y, z)` rounded into `f`, or `nil` where `Double` cannot stand in for the exact result
    /// (an inexact `fma`).
    static func result<G: RandomNumberGenerator>(
        _ op: BatchArithmetic.Operation, _ f: FloatFormat, _ x: Double, _ y: Double = 0, _ z: Double = 0,
        rounding: RoundingRule, overflow: OverflowRule, random g: inout G
    ) -> FloatFormat.Encoded? {
        let operands = op.arity == 1 ? [x] : (op.arity == 2 ? [x, y] : [x, y, z])
        if operands.contains(where: \.isNaN) { return f.encodeNaN(negative: false) }
        let exact: Double
        switch op {
        case .add, .subtract:
            let b = op == .add ? y : -y
            exact = x + b
            // An inexact Double sum still rounds correctly to nearest-even for p ≤ 25 (Figueroa's
            // double-rounding theorem, 53 ≥ 2p + 2); other rules get no expectation.
            if exact.isFinite && !isExactSum(x, b, exact) {
                guard rounding == .toNearestOrEven && f.significandBitCount <= 24 else { return nil }
                // The value is right; the flags must come from the exact sum: inexact, and tiny when
                // the exact sum is below 2^emin (the Double sum may have rounded onto 2^emin).
                var r = f.encode(exact, rounding: rounding, overflow: overflow, random: &g)
                let bb = exact - x
                let err = (x - (exact - bb)) + (b - bb)
                let least = f.leastNormalMagnitude
                let tiny = !f.isFixedPoint && (exact.magnitude < least || (exact.magnitude == least && (err < 0) != (exact < 0)))
                // (A negative result into an unsigned format raises invalid alone, as a conversion does.)
                if !r.status.contains(.invalid) {
                    r.status.insert(.inexact)
                    if tiny { r.status.insert(.underflow) }
                }
                return r
            }
        case .multiply: exact = x * y
        case .divide:
            if y == 0 && x != 0 && x.isFinite {
                var r = f.encodeInfinity(negative: (x.sign == .minus) != (y.sign == .minus), overflow: overflow)
                r.status.insert(divisionByZero)
                return r
            }
            exact = x / y
        case .remainder: exact = x.remainder(dividingBy: y)
        case .truncatingRemainder: exact = x.truncatingRemainder(dividingBy: y)
        case .squareRoot: exact = x.squareRoot()
        case .fusedMultiplyAdd:
            let p = x * y
            if p.isFinite && p != 0 && z.isFinite {
                // x·y is exact for these formats; check that p + z is exact too (TwoSum).
                if !isExactSum(p, z, p + z) { return nil }
            }
            exact = z.addingProduct(x, y)
        }
        if exact.isNaN {
            var r = f.encodeNaN(negative: false)
            r.status.insert(.invalid)
            return r
        }
        if exact.isInfinite { return f.encodeInfinity(negative: exact < 0, overflow: overflow) }
        if exact == 0 { return f.encodeZero(negative: zeroIsNegative(op, x, y, z, exact, rounding), overflow: overflow) }
        return f.encode(exact, rounding: rounding, overflow: overflow, random: &g)
    }

    /// Whether `s = a + b` (rounded to nearest) is exact: Knuth's TwoSum error term is zero.
    static func isExactSum(_ a: Double, _ b: Double, _ s: Double) -> Bool {
        let bb = s - a
        return (a - (s - bb)) + (b - bb) == 0
    }

    /// IEEE 754 §6.3: an exact zero sum of operands that are not both zeros of one sign is +0,
    /// −0 under roundTowardNegative; products, quotients, remainders and roots carry their sign.
    static func zeroIsNegative(_ op: BatchArithmetic.Operation, _ x: Double, _ y: Double, _ z: Double, _ exact: Double, _ rule: RoundingRule) -> Bool {
        let addends: (Double, Double)?
        switch op {
        case .add: addends = (x, y)
        case .subtract: addends = (x, -y)
        case .fusedMultiplyAdd: addends = (x * y, z)
        default: addends = nil
        }
        guard let (a, b) = addends else { return exact.sign == .minus }
        if a == 0 && b == 0 && a.sign == b.sign { return a.sign == .minus }
        return rule == .down
    }

    /// Whether a result matches the expectation: equal codes and flags, or both NaN with equal flags.
    static func matches(_ r: FloatFormat.Encoded, _ e: FloatFormat.Encoded, _ f: FloatFormat) -> Bool {
        if r.status != e.status { return false }
        if r.code == e.code { return true }
        return f.classify(r.code) == .nan && f.classify(e.code) == .nan
    }

    /// Every canonical code of `f` (at most 2^12).
    static func canonicalCodes(_ f: FloatFormat) -> [UInt64] {
        (0..<min(f.codeCount, 1 << 12)).filter { f.classify($0) != .nonCanonical }
    }
}
