#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import Foundation
import Testing
import ExMy
import MPFRReference
import ExMyVerification

/// P3109 v4.0 §4.7.4: with P = 1 a tie goes to the even *code* point (and round-to-odd to the odd
/// code), under every saturation mode; other M = 0 formats keep IEEE 754's reading unless asked.
/// Expected values are written from the report's formula by hand (code = log2(value) + bias).
struct P3109TieTests {
    static let binary8p1se = try! FloatFormat(parsing: "binary8p1se")
    static let binary3p1se = try! FloatFormat(parsing: "binary3p1se")
    static let binary3p1sf = try! FloatFormat(parsing: "binary3p1sf")

    /// The report's examples: 1.5·2^60 → 2^60 in binary8p1se (code 60 + 64 = 124, even; 2^61 has
    /// code 125), 1.5 → 1.0 in binary3p1se (code 2; 2.0 would be code 3, +∞) and binary3p1sf.
    @Test(arguments: OverflowRule.allCases)
    func reportExamples(_ overflow: OverflowRule) {
        let a = Self.binary8p1se.encode(0x1.8p60, rounding: .toNearestOrEven, overflow: overflow)
        #expect(a.code == 124)
        #expect(a.status == .inexact)
        #expect(Self.binary8p1se.decode(a.code) == 0x1p60)
        #expect(Self.binary8p1se.encode(-0x1.8p60, rounding: .toNearestOrEven, overflow: overflow).code == 0x80 | 124)
        for f in [Self.binary3p1se, Self.binary3p1sf] {
            let b = f.encode(1.5, rounding: .toNearestOrEven, overflow: overflow)
            #expect(b.code == 2, "\(f) \(overflow)")
            #expect(b.status == .inexact)
            #expect(f.decode(b.code) == 1.0)
        }
        // The next tie up in binary8p1se: 1.5·2^61 lies between codes 125 (odd) and 126: 2^62.
        #expect(Self.binary8p1se.encode(0x1.8p61, rounding: .toNearestOrEven, overflow: overflow).code == 126)
    }

    /// Round-to-odd reads the same parity: 1.5·2^60 (lo code 124, even) → 2^61 (code 125);
    /// 1.25·2^61 (lo code 125, odd) → 2^61.
    @Test func toOddTakesTheOddCode() {
        #expect(Self.binary8p1se.encode(0x1.8p60, rounding: .toOdd).code == 125)
        #expect(Self.binary8p1se.encode(0x1.4p61, rounding: .toOdd).code == 125)
        #expect(Self.binary8p1se.encode(0x1.4p61, rounding: .toNearestOrEven).code == 125)
        // IEEE's reading on the same layout: every normal value is odd, so to-odd truncates and a
        // tie goes up.
        let ieee = try! FloatFormat(parsing: "e7m0:bias=64,specials=p3109-extended,ties=even-significand")
        #expect(ieee.encode(0x1.8p60, rounding: .toOdd).code == 124)
        #expect(ieee.encode(0x1.8p60, rounding: .toNearestOrEven).code == 125)
    }

    /// Ties away and ties toward zero do not read parity.
    @Test func otherNearestRulesUnchanged() {
        #expect(Self.binary8p1se.encode(0x1.8p60, rounding: .toNearestOrAwayFromZero).code == 125)
        #expect(Self.binary8p1se.encode(0x1.8p60, rounding: .toNearestOrZero).code == 124)
    }

    /// E8M0FNU keeps IEEE 754's rule (3 → 4); with ties=even-code it follows gfloat (3 → 2).
    @Test func e8m0BothRules() throws {
        #expect(FloatFormat.e8m0fnu.tieBreak == .evenSignificand)
        #expect(FloatFormat.e8m0fnu.encode(3).code == 0x81)
        let even = try FloatFormat(parsing: "e8m0:bias=127,subnormals=off,zero=off,unsigned,specials=fn,ties=even-code")
        #expect(even.encode(3).code == 0x80)
        #expect(even.encode(6).code == 0x82)  // between 4 (0x81, odd) and 8 (0x82)
        #expect(even.encode(3, rounding: .toOdd).code == 0x81)
        #expect(even != .e8m0fnu)
        #expect(even.canonicalSpelling == "e8m0:unsigned,subnormals=off,zero=off,specials=fn,ties=even-code")
        #expect(try FloatFormat(parsing: even.canonicalSpelling) == even)
    }

    /// The knob is part of the identity, the spelling and Codable; it exists only for M = 0.
    @Test func knobIdentity() throws {
        let generic = try FloatFormat(parsing: "e7m0:bias=64,specials=p3109-extended")
        #expect(generic == Self.binary8p1se)
        #expect(generic.hashValue == Self.binary8p1se.hashValue)
        #expect(Self.binary8p1se.tieBreak == .evenCode)
        #expect(try FloatFormat(parsing: "binary8p3se").tieBreak == .evenCode)
        #expect(FloatFormat.e4m3fn.tieBreak == .evenSignificand)
        let ieee = try FloatFormat(parsing: "e7m0:bias=64,specials=p3109-extended,ties=even-significand")
        #expect(ieee != Self.binary8p1se)
        #expect(ieee.genericSpelling == "e7m0:bias=64,specials=p3109-extended,ties=even-significand")
        #expect(Self.binary8p1se.genericSpelling == "e7m0:bias=64,specials=p3109-extended")
        #expect(Self.binary8p1se.canonicalSpelling == "binary8p1se")
        let data = try JSONEncoder().encode([ieee, Self.binary8p1se])
        #expect(try JSONDecoder().decode([FloatFormat].self, from: data) == [ieee, Self.binary8p1se])
        #expect(throws: FormatError.self) { try FloatFormat(parsing: "e4m3:ties=even-code") }
        #expect(throws: FormatError.self) { try FloatFormat(parsing: "e5m0:ties=odd") }
        #expect(throws: FormatError.self) {
            try FloatFormat(exponentBitCount: 4, significandBitCount: 3, tieBreak: .evenCode)
        }
        let named = ieee.named("binary8p1se")
        #expect(named.canonicalSpelling == ieee.genericSpelling)
    }

    /// The oracle, on its own description (no ExMy value involved), gives the report's answers.
    @Test func oracleExamples() {
        let p1se8 = ReferenceFormat(exponentBits: 7, significandBits: 0, bias: 64, specials: .p3109Extended)
        let p1se3 = ReferenceFormat(exponentBits: 2, significandBits: 0, bias: 2, specials: .p3109Extended)
        for o in ReferenceOverflow.allCases {
            #expect(MPFRReference.convert(0x1.8p60, to: p1se8, rounding: .nearestEven, overflow: o) == ReferenceResult(value: 0x1p60, flags: .inexact))
            #expect(MPFRReference.convert(1.5, to: p1se3, rounding: .nearestEven, overflow: o) == ReferenceResult(value: 1, flags: .inexact))
        }
        var ieee = p1se3
        ieee.parity = .evenSignificand
        #expect(MPFRReference.convert(1.5, to: ieee, rounding: .nearestEven, overflow: .none) == ReferenceResult(value: .infinity, flags: [.inexact, .overflow]))
        #expect(MPFRReference.convert(0x1.8p60, to: p1se8, rounding: .odd, overflow: .none) == ReferenceResult(value: 0x1p61, flags: .inexact))
    }

    /// Every P = 1 P3109 format ExMy can hold (signed K = 2 … 12, unsigned K = 2 … 11: E ≤ 11),
    /// extended and finite, plus each with the other tie rule: every midpoint and its neighbours
    /// (and the overflow boundary) against the oracle, every deterministic rule × every overflow rule.
    static var precisionOneFormats: [FloatFormat] {
        var list: [FloatFormat] = []
        for k in 2...16 {
            for signed in [true, false] {
                for extended in [true, false] {
                    if let f = try? FloatFormat.p3109(bitWidth: k, precision: 1, signed: signed, extended: extended) { list.append(f) }
                }
            }
        }
        return list
    }

    @Test func familyCoverage() {
        let formats = Self.precisionOneFormats
        let names = Set(formats.compactMap(\.name))
        #expect(names.isSuperset(of: ["binary3p1se", "binary3p1sf", "binary8p1se", "binary8p1ue", "binary12p1se", "binary12p1sf", "binary11p1ue", "binary11p1uf"]))
        #expect(!names.contains("binary13p1se"))  // E = 12: beyond ExMy's E ≤ 11
        #expect(formats.count >= 40)
    }

    @Test(arguments: precisionOneFormats)
    func crossCheckAgainstOracle(_ format: FloatFormat) throws {
        // The other tie rule too for K ≤ 8 (the wider ones only repeat the same grid shape).
        for f in format.bitWidth <= 8 ? [format, try flipped(format)] : [format] {
            let tally = CrossCheck.run(f, sets: [.boundaries], randomCount: 0)
            #expect(tally.total > 0)
            #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
        }
    }

    /// The batch encoder (vector kernel or scalar engine) gives the scalar engine's codes at every
    /// midpoint and neighbour of every P = 1 format and of E8M0 under both tie rules.
    @Test(arguments: precisionOneFormats + [.e8m0fnu])
    func batchMatchesScalar(_ format: FloatFormat) throws {
        for f in [format, try flipped(format)] {
            let xs = CrossCheck.inputs(.boundaries, f).filter { !$0.isNaN }.map(Float.init).filter { $0.isFinite }
            for rule in [RoundingRule.toNearestOrEven, .toOdd] {
                for overflow in OverflowRule.allCases {
                    let (codes, _) = try f.encode(xs, as: UInt64.self, rounding: rule, overflow: overflow)
                    for (i, x) in xs.enumerated() {
                        let want = f.encode(Double(x), rounding: rule, overflow: overflow).code
                        if codes[i] != want {
                            Issue.record("\(f) \(rule) \(overflow) x = \(x): batch 0x\(String(codes[i], radix: 16)), scalar 0x\(String(want, radix: 16))")
                            return
                        }
                    }
                }
            }
        }
    }

    /// Typed values and arithmetic end in the same primitive: 1 + 0.5 = 1.5 → 1.0 in binary3p1se.
    @Test func typedAndArithmetic() {
        enum B3P1SE: ExMyFormat {
            typealias BitPattern = UInt8
            static let format = try! FloatFormat(parsing: "binary3p1se")
        }
        #expect(ExMy<B3P1SE>(1.5).bitPattern == 2)
        #expect(ExMy<B3P1SE>(Float(1.5)).bitPattern == 2)
        #expect(Self.binary3p1se.add(1, 0.5).code == 2)
        #expect(Self.binary8p1se.multiply(0x1.8p30, 0x1p30).code == 124)
    }

    /// The same format with the other tie rule.
    func flipped(_ f: FloatFormat) throws -> FloatFormat {
        try FloatFormat(
            exponentBitCount: f.exponentBitCount, significandBitCount: f.significandBitCount, bias: f.bias,
            hasSubnormals: f.hasSubnormals, hasZero: f.hasZero, signedness: f.signedness, specials: f.specials,
            tieBreak: f.tieBreak == .evenCode ? .evenSignificand : .evenCode)
    }
}
#endif
