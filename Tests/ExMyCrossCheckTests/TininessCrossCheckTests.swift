#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import Foundation
import Testing
import ExMy
import ExMyVerification
import MPFRReference

/// Tininess after rounding (``ArithmeticOptions/Tininess/afterRounding``) against MPFR.
///
/// The oracle: the result and the other flags are `MPFRReference.evaluate`'s (tininess before
/// rounding); the underflow flag after rounding is "inexact, and the exact result rounded with MPFR
/// to the format's precision with an unbounded exponent range is below 2^emin"
/// (`MPFRReference.isTinyAfterRounding`). Every pair of codes of five 8-bit formats and one 6-bit
/// format goes through + − × ÷ (every code through √, every triple of the 6-bit format through fma),
/// and every Float16 input and random Doubles near 2^emin through conversion, under every
/// deterministic rule. Cases whose exact result is at least 2^(emin+1) in magnitude (a bound checked
/// in `Double` arithmetic, not with ExMy) cannot be tiny: for them only "no underflow" is checked;
/// every other case gets the full comparison.
struct TininessCrossCheckTests {
    static let formats: [FloatFormat] = [
        .e5m2, .e4m3fn, .e3m4, .e4m3fnuz,
        // swiftlint:disable:next force_try
        try! FloatFormat.p3109(bitWidth: 8, precision: 3, signed: true, extended: true),
        // swiftlint:disable:next force_try
        try! FloatFormat(parsing: "e4m3:subnormals=off,specials=fn"),  // flush to zero
        .e2m3fn,
    ]

    static let rules: [RoundingRule] = [.toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd]
    static let after = ArithmeticOptions(tininess: .afterRounding)

    /// Checks one case; returns a description when ExMy disagrees with the oracle.
    static func check(
        _ got: FloatFormat.Encoded, _ operation: ReferenceOperation, approximate: Double, _ f: FloatFormat, _ rule: RoundingRule
    ) -> String? {
        let least = Double(sign: .plus, exponent: f.leastNormalExponent + 1, significand: 1)
        if approximate.isFinite && abs(approximate) >= least {
            return got.status.contains(.underflow) ? "\(f) \(operation) \(rule): underflow on a result ≥ 2^(emin+1)" : nil
        }
        let ruleRef = CrossCheck.reference(rule)!
        var want = MPFRReference.evaluate(operation, in: CrossCheck.reference(f), rounding: ruleRef, overflow: .none)
        want.flags.remove(.underflow)
        if want.flags.contains(.inexact),
            MPFRReference.isTinyAfterRounding(operation, precision: f.significandBitCount + 1, leastNormalExponent: f.leastNormalExponent, rounding: ruleRef) == true {
            want.flags.insert(.underflow)
        }
        let value = f.decode(got.code)
        let valueOK = want.value.isNaN ? value.isNaN : (value == want.value && value.sign == want.value.sign)
        var flags: ReferenceFlags = []
        if got.status.contains(.inexact) { flags.insert(.inexact) }
        if got.status.contains(.underflow) { flags.insert(.underflow) }
        if got.status.contains(.overflow) { flags.insert(.overflow) }
        if got.status.contains(.invalid) { flags.insert(.invalid) }
        if got.status.contains(.divisionByZero) { flags.insert(.divisionByZero) }
        if valueOK && flags == want.flags { return nil }
        return "\(f) \(operation) \(rule): ExMy \(value) \(got.status), MPFR \(want)"
    }

    @Test(arguments: formats)
    func pairs(_ f: FloatFormat) {
        let codes = Array(0...f.codeMask)
        var errors: [String] = []
        var checked = 0
        for rule in Self.rules {
            for a in codes {
                let x = f.decode(a)
                if let e = Self.check(f.squareRoot(code: a, rounding: rule, options: Self.after), .squareRoot(x), approximate: x.squareRoot(), f, rule) { errors.append(e) }
                for b in codes {
                    let y = f.decode(b)
                    let cases: [(FloatFormat.Encoded, ReferenceOperation, Double)] = [
                        (f.add(code: a, code: b, rounding: rule, options: Self.after), .add(x, y), x + y),
                        (f.subtract(code: a, code: b, rounding: rule, options: Self.after), .subtract(x, y), x - y),
                        (f.multiply(code: a, code: b, rounding: rule, options: Self.after), .multiply(x, y), x * y),
                        (f.divide(code: a, code: b, rounding: rule, options: Self.after), .divide(x, y), x / y * (1 - 0x1p-40)),
                    ]
                    for (got, op, approximate) in cases {
                        checked += 1
                        if let e = Self.check(got, op, approximate: approximate, f, rule) { errors.append(e) }
                    }
                }
            }
        }
        #expect(errors.isEmpty, "\(errors.count) of \(checked): \(errors.prefix(5))")
    }

    /// Every triple of a 6-bit format through fma, under every rule.
    @Test func fusedMultiplyAddTriples() {
        let f = FloatFormat.e2m3fn
        let codes = Array(0...f.codeMask)
        var errors: [String] = []
        var checked = 0
        for rule in Self.rules {
            for a in codes {
                let x = f.decode(a)
                for b in codes {
                    let y = f.decode(b)
                    for c in codes {
                        let z = f.decode(c)
                        checked += 1
                        let got = f.fusedMultiplyAdd(code: a, code: b, code: c, rounding: rule, options: Self.after)
                        if let e = Self.check(got, .fusedMultiplyAdd(x, y, z), approximate: x * y + z, f, rule) { errors.append(e) }
                    }
                }
            }
        }
        #expect(errors.isEmpty, "\(errors.count) of \(checked): \(errors.prefix(5))")
    }

    /// Conversions: every finite Float16 value into each 8-bit format, and Doubles around the least
    /// normal value of FP16 and of each format (the binade below 2^emin, with ties and their
    /// neighbours), under every rule.
    @Test(arguments: formats + [.fp16])
    func conversions(_ f: FloatFormat) {
        var inputs: [Double] = []
        if f.bitWidth <= 8 {
            for bits in 0...UInt16.max {
                let h = Float16(bitPattern: bits)
                if h.isFinite && !h.isZero { inputs.append(Double(h)) }
            }
        }
        // The binade [2^(emin−1), 2^emin) on a grid 8 bits finer than the format's, plus ±1 ulp of Double.
        let emin = f.leastNormalExponent, m = f.significandBitCount
        let steps = 1 << (m + 9)
        for i in 0...steps {
            let v = Double(sign: .plus, exponent: emin - 1, significand: 1 + Double(i) / Double(steps))
            inputs += [v, v.nextUp, v.nextDown, -v]
        }
        var g = SplitMix64(seed: 18)
        for _ in 0..<20_000 {
            let v = Double(sign: .plus, exponent: emin - 3, significand: 1 + Double(g.next() >> 11) * 0x1p-53) * Double(1 + g.next() % 15)
            inputs.append(g.next() & 1 == 0 ? v : -v)
        }
        var errors: [String] = []
        for rule in Self.rules {
            for x in inputs {
                let got = f.encode(x, rounding: rule, options: Self.after)
                if let e = Self.check(got, .add(x, 0), approximate: x, f, rule) { errors.append(e) }  // x + 0 = x: x ≠ 0
            }
        }
        #expect(errors.isEmpty, "\(errors.count) of \(inputs.count * Self.rules.count): \(errors.prefix(5))")
    }
}
#endif
