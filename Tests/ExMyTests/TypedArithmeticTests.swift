import Foundation
import Testing
@testable import ExMy

/// The typed operators and explicit-rule methods, on every pair of codes of the small typed
/// formats, against `Double`-then-`encode` (``DoubleRoundedReference``), never the core itself.
struct TypedArithmeticTests {
    /// Runs `body` for each small typed catalog format.
    static func eachSmallFormat(_ body: (any ExMyFormat.Type) -> Void) {
        let types: [any ExMyFormat.Type] = [
            ExMyFormats.E4M3FN.self, ExMyFormats.E5M2.self, ExMyFormats.E4M3FNUZ.self, ExMyFormats.E5M2FNUZ.self,
            ExMyFormats.E4M3B11FNUZ.self, ExMyFormats.E3M4.self, ExMyFormats.E4M3.self, ExMyFormats.E2M3FN.self,
            ExMyFormats.E3M2FN.self, ExMyFormats.E2M1FN.self, ExMyFormats.E8M0FNU.self, ExMyFormats.UE4M3.self,
            ExMyFormats.MXINT8.self, ExMyFormats.FP3E1M1.self, ExMyFormats.FP3E2M0.self, ExMyFormats.Binary8P3SE.self,
            ExMyFormats.Binary8P4SE.self,
        ]
        for t in types { body(t) }
    }

    /// `+ − × ÷`, `remainder`, `truncatingRemainder` with the default rules, on every pair.
    @Test func operatorsOnEveryPair() {
        Self.eachSmallFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            let codes = DoubleRoundedReference.canonicalCodes(f)
            var g = SystemRandomNumberGenerator()
            var failures = 0, compared = 0
            for a in codes {
                let x = ExMy<F>(bitPattern: F.BitPattern(a))
                for b in codes {
                    let y = ExMy<F>(bitPattern: F.BitPattern(b))
                    let results: [(BatchArithmetic.Operation, ExMy<F>)] = [
                        (.add, x + y), (.subtract, x - y), (.multiply, x * y), (.divide, x / y),
                        (.remainder, x.remainder(dividingBy: y)), (.truncatingRemainder, x.truncatingRemainder(dividingBy: y)),
                    ]
                    for (op, r) in results {
                        guard let e = DoubleRoundedReference.result(
                            op, f, x.doubleValue, y.doubleValue, rounding: F.defaultRounding, overflow: F.defaultOverflow, random: &g)
                        else { continue }
                        compared += 1
                        let ok = r.bitPattern == F.BitPattern(e.code) || (r.isNaN && f.classify(e.code) == .nan)
                        if !ok {
                            failures += 1
                            if failures <= 5 { Issue.record("\(f) \(op) \(x.debugDescription), \(y.debugDescription): got \(r.debugDescription), expected 0x\(String(e.code, radix: 16))") }
                        }
                    }
                }
            }
            #expect(failures == 0, "\(f): \(failures) of \(compared)")
            #expect(compared > codes.count * codes.count * 5, "\(f): too few comparisons (\(compared))")
        }
    }

    /// `adding`, `subtracting`, `multiplied`, `divided`, `squareRoot`, `rounded` under every
    /// deterministic rule and every overflow rule, with flags, on every pair.
    @Test func explicitRulesWithFlagsOnEveryPair() {
        Self.eachSmallFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            let codes = DoubleRoundedReference.canonicalCodes(f)
            var g = SystemRandomNumberGenerator()
            var failures = 0
            func record(_ what: @autoclosure () -> String) {
                failures += 1
                if failures <= 5 { Issue.record(Comment(rawValue: what())) }
            }
            for rule in RoundingRule.deterministicRules {
                for overflow in OverflowRule.allCases {
                    for a in codes {
                        let x = ExMy<F>(bitPattern: F.BitPattern(a))
                        if let e = DoubleRoundedReference.result(.squareRoot, f, x.doubleValue, rounding: rule, overflow: overflow, random: &g) {
                            let r = x.squareRoot(rounding: rule, overflow: overflow)
                            if !DoubleRoundedReference.matches(.init(code: UInt64(r.value.bitPattern), status: r.status), e, f) {
                                record("\(f) sqrt \(x.debugDescription) \(rule) \(overflow): got \(r.value.debugDescription) \(r.status), expected 0x\(String(e.code, radix: 16)) \(e.status)")
                            }
                        }
                        for b in codes {
                            let y = ExMy<F>(bitPattern: F.BitPattern(b))
                            let results: [(BatchArithmetic.Operation, (value: ExMy<F>, status: ConversionStatus))] = [
                                (.add, x.adding(y, rounding: rule, overflow: overflow)),
                                (.subtract, x.subtracting(y, rounding: rule, overflow: overflow)),
                                (.multiply, x.multiplied(by: y, rounding: rule, overflow: overflow)),
                                (.divide, x.divided(by: y, rounding: rule, overflow: overflow)),
                            ]
                            for (op, r) in results {
                                guard let e = DoubleRoundedReference.result(op, f, x.doubleValue, y.doubleValue, rounding: rule, overflow: overflow, random: &g) else { continue }
                                if !DoubleRoundedReference.matches(.init(code: UInt64(r.value.bitPattern), status: r.status), e, f) {
                                    record("\(f) \(op) \(x.debugDescription), \(y.debugDescription) \(rule) \(overflow): got \(r.value.debugDescription) \(r.status), expected 0x\(String(e.code, radix: 16)) \(e.status)")
                                }
                            }
                        }
                    }
                }
            }
            // roundToIntegral: Double's `rounded` is exact; the integer is then converted.
            for a in codes {
                let x = ExMy<F>(bitPattern: F.BitPattern(a))
                for integral in [FloatingPointRoundingRule.toNearestOrEven, .toNearestOrAwayFromZero, .up, .down, .towardZero, .awayFromZero] {
                    let v = x.doubleValue
                    let e = v.isNaN ? f.encodeNaN(negative: false) : f.encode(v.rounded(integral), rounding: F.defaultRounding, overflow: F.defaultOverflow)
                    let r = x.rounded(integral)
                    let ok = r.bitPattern == F.BitPattern(e.code) || (r.isNaN && f.classify(e.code) == .nan)
                    if !ok { record("\(f) rounded(\(integral)) \(x.debugDescription): got \(r.debugDescription), expected 0x\(String(e.code, radix: 16))") }
                }
            }
            #expect(failures == 0, "\(f): \(failures) mismatches")
        }
    }

    /// Stochastic rules through `using:` replay the reference's decisions draw for draw (the
    /// `Double` sum or product is exact, so both round the same value with the same words).
    @Test func stochasticRulesReplayWithTheSameGenerator() {
        Self.eachSmallFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            let codes = DoubleRoundedReference.canonicalCodes(f)
            var failures = 0, index: UInt64 = 0
            for rule in [RoundingRule.stochastic, .stochasticA(bits: 3), .stochasticB(bits: 8), .stochasticC(bits: 5)] {
                for a in codes where a % 3 == 0 {
                    let x = ExMy<F>(bitPattern: F.BitPattern(a))
                    for b in codes {
                        let y = ExMy<F>(bitPattern: F.BitPattern(b))
                        index += 1
                        for op in [BatchArithmetic.Operation.add, .subtract, .multiply] {
                            var g1 = CounterRandomGenerator(seed: 11, index: index), g2 = g1
                            guard let e = DoubleRoundedReference.result(op, f, x.doubleValue, y.doubleValue, rounding: rule, overflow: .none, random: &g2) else { continue }
                            let r: (value: ExMy<F>, status: ConversionStatus)
                            switch op {
                            case .add: r = x.adding(y, rounding: rule, overflow: .none, using: &g1)
                            case .subtract: r = x.subtracting(y, rounding: rule, overflow: .none, using: &g1)
                            default: r = x.multiplied(by: y, rounding: rule, overflow: .none, using: &g1)
                            }
                            if !DoubleRoundedReference.matches(.init(code: UInt64(r.value.bitPattern), status: r.status), e, f) {
                                failures += 1
                                if failures <= 5 { Issue.record("\(f) \(op) \(x.debugDescription), \(y.debugDescription) \(rule): got \(r.value.debugDescription) \(r.status), expected 0x\(String(e.code, radix: 16)) \(e.status)") }
                            }
                        }
                    }
                }
            }
            #expect(failures == 0, "\(f): \(failures) mismatches")
        }
    }

    /// `addingProduct` (fma) on every pair with a spread of addends, where `Double` is exact.
    @Test func fusedMultiplyAddOnEveryPair() {
        Self.eachSmallFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            let codes = DoubleRoundedReference.canonicalCodes(f)
            let addends = codes.enumerated().filter { $0.offset % max(1, codes.count / 12) == 0 }.map(\.element)
            var g = SystemRandomNumberGenerator()
            var failures = 0, compared = 0
            for rule in [RoundingRule.toNearestOrEven, .towardZero, .up] {
                for c in addends {
                    let z = ExMy<F>(bitPattern: F.BitPattern(c))
                    for a in codes {
                        let x = ExMy<F>(bitPattern: F.BitPattern(a))
                        for b in codes {
                            let y = ExMy<F>(bitPattern: F.BitPattern(b))
                            guard let e = DoubleRoundedReference.result(.fusedMultiplyAdd, f, x.doubleValue, y.doubleValue, z.doubleValue, rounding: rule, overflow: F.defaultOverflow, random: &g) else { continue }
                            compared += 1
                            let r = z.addingProduct(x, y, rounding: rule)
                            if !DoubleRoundedReference.matches(.init(code: UInt64(r.value.bitPattern), status: r.status), e, f) {
                                failures += 1
                                if failures <= 5 { Issue.record("\(f) fma \(x.debugDescription)·\(y.debugDescription) + \(z.debugDescription) \(rule): got \(r.value.debugDescription) \(r.status), expected 0x\(String(e.code, radix: 16)) \(e.status)") }
                            }
                            if rule == .toNearestOrEven && F.defaultRounding == .toNearestOrEven {
                                let op = z.addingProduct(x, y)
                                if !(op.bitPattern == r.value.bitPattern || (op.isNaN && r.value.isNaN)) { failures += 1 }
                            }
                        }
                    }
                }
            }
            #expect(failures == 0, "\(f): \(failures) of \(compared)")
            #expect(compared > 0)
        }
    }

    /// Worked examples from the documentation, with their flags.
    @Test func documentedExamples() {
        let a: Float8E4M3FN = 1.5, b: Float8E4M3FN = 0.3125
        #expect((a + b).doubleValue == 1.75)
        let up = a.adding(b, rounding: .up)
        #expect(up.value.doubleValue == 1.875 && up.status == .inexact)
        let sat = Float8E4M3FN(448).multiplied(by: 2, rounding: .toNearestOrEven, overflow: .saturateFinite)
        #expect(sat.value.doubleValue == 448 && sat.status == [.inexact, .overflow])
        #expect((Float8E4M3FN(448) + 32).isNaN)  // 480 rounds to 512 > 448: overflow `none` → NaN
        #expect((Float8E4M3FN(448) + 16).doubleValue == 448)  // 464 is a tie: rounds to 448, no overflow
        #expect((Float4E2M1FN(6) * 2).doubleValue == 6)  // no ∞, no NaN: the greatest value
        #expect((Float8E5M2(1) / 0).isInfinite)
        #expect((Float8E4M3FN(1) / 0).isNaN)
        #expect((Float8E4M3FN(0) / 0).isNaN)
        #expect(Float8E4M3FN(-0.0).squareRoot().bitPattern == 0x80)
        let exactZero = Float8E4M3FN(1).subtracting(1, rounding: .down)
        #expect(exactZero.value.bitPattern == 0x80 && exactZero.status.isEmpty)  // −0 under roundTowardNegative
        #expect((Float8E4M3FN(1) - 1).bitPattern == 0)
    }
}
