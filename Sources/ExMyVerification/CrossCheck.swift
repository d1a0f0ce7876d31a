#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import ExMy
import MPFRReference

/// The cross-check of ExMy's engine against the MPFR oracle: the same code runs in the test suite,
/// in `exmy check` and in the fuzz targets.
///
/// The oracle receives only the format's knobs (E, M, bias, subnormals, zero, signedness,
/// specials, tie parity), never a value computed by ExMy, and rounds with MPFR (see `docs/verification.md`).
public enum CrossCheck {
    /// The oracle's description of `format`, from its knobs alone.
    public static func reference(_ format: FloatFormat) -> ReferenceFormat {
        let signedness: ReferenceFormat.Signedness
        switch format.signedness {
        case .signMagnitude: signedness = .signMagnitude
        case .unsigned: signedness = .unsigned
        case .twosComplement: signedness = .twosComplement
        }
        let specials: ReferenceFormat.Specials
        switch format.specials {
        case .ieee: specials = .ieee
        case .fn: specials = .fn
        case .fnuz: specials = .fnuz
        case .none: specials = .none
        case .p3109Finite: specials = .p3109Finite
        case .p3109Extended: specials = .p3109Extended
        }
        return ReferenceFormat(
            exponentBits: format.exponentBitCount, significandBits: format.significandBitCount, bias: format.bias,
            hasSubnormals: format.hasSubnormals, hasZero: format.hasZero, signedness: signedness, specials: specials,
            parity: format.tieBreak == .evenCode ? .evenCode : .evenSignificand)
    }

    /// The oracle's name of a deterministic rule (`nil` for stochastic rules).
    public static func reference(_ rule: RoundingRule) -> ReferenceRounding? {
        switch rule {
        case .toNearestOrEven: return .nearestEven
        case .toNearestOrAwayFromZero: return .nearestAway
        case .toNearestOrZero: return .nearestZero
        case .towardZero: return .towardZero
        case .up: return .up
        case .down: return .down
        case .awayFromZero: return .away
        case .toOdd: return .odd
        case .stochastic, .stochasticA, .stochasticB, .stochasticC: return nil
        }
    }

    /// The oracle's name of an overflow rule.
    public static func reference(_ overflow: OverflowRule) -> ReferenceOverflow {
        switch overflow {
        case .saturateFinite: return .satFinite
        case .saturatePropagate: return .satPropagate
        case .none: return .none
        }
    }

    static func flags(_ s: ConversionStatus) -> ReferenceFlags {
        var f: ReferenceFlags = []
        if s.contains(.inexact) { f.insert(.inexact) }
        if s.contains(.underflow) { f.insert(.underflow) }
        if s.contains(.overflow) { f.insert(.overflow) }
        if s.contains(.invalid) { f.insert(.invalid) }
        if s.contains(.divisionByZero) { f.insert(.divisionByZero) }
        return f
    }

    /// A disagreement between ExMy and MPFR.
    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public var format: FloatFormat
        public var input: Double
        public var rule: String
        public var overflow: OverflowRule
        public var exmyCode: UInt64
        public var exmy: String
        public var mpfr: String

        public var description: String {
            "\(format) x = \(input) (0x\(String(input.bitPattern, radix: 16))) \(rule), overflow \(overflow.rawValue): ExMy code 0x\(String(exmyCode, radix: 16)) = \(exmy), MPFR \(mpfr)"
        }
    }

    /// Compares one deterministic conversion: the decoded value (sign of zero and of NaN included)
    /// and the four flags. A NaN into a format without NaN is compared by its flag only (the code is
    /// a policy choice, `docs/semantics.md` §4.1).
    @inline(__always)
    public static func compare(_ x: Double, _ format: FloatFormat, _ ref: ReferenceFormat, _ rule: RoundingRule,
                               _ overflow: OverflowRule) -> Mismatch? {
        let got = format.encode(x, rounding: rule, overflow: overflow)
        let want = MPFRReference.convert(x, to: ref, rounding: reference(rule)!, overflow: reference(overflow))
        let value = format.decode(got.code)
        let ok: Bool
        if x.isNaN && format.nanCode() == nil {
            ok = got.status == .invalid && want.flags == .invalid
        } else {
            ok = ReferenceResult(value: value, flags: flags(got.status)) == want
        }
        if ok { return nil }
        return Mismatch(format: format, input: x, rule: "\(rule)", overflow: overflow, exmyCode: got.code,
                        exmy: "\(value) \(got.status)", mpfr: "\(want)")
    }

    /// Compares every code's value (formats of at most 20 bits; wider formats: a seeded sample).
    public static func checkCodes(_ format: FloatFormat) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        var bad: [String] = []
        var n = 0
        for code in codes(format) {
            n += 1
            let got = format.decode(code), want = MPFRReference.value(ofCode: code, in: ref)
            let same = got.isNaN ? want.isNaN : got.bitPattern == want.bitPattern
            if !same { bad.append("\(format) code 0x\(String(code, radix: 16)): ExMy \(got), MPFR \(want)") }
        }
        return (n, bad)
    }

    /// Every code (≤ 20 bits) or a seeded sample of 2^20 codes plus the extremes.
    public static func codes(_ format: FloatFormat) -> [UInt64] {
        if format.bitWidth <= 20 { return Array(0...format.codeMask) }
        var g = SplitMix64(seed: UInt64(format.bitWidth))
        var result: [UInt64] = [0, format.codeMask, format.codeMask >> 1, (format.codeMask >> 1) + 1]
        for _ in 0..<(1 << 20) { result.append(g.next() & format.codeMask) }
        return result
    }
}
#endif
