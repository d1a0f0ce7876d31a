#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import MPFRReference
import Testing

/// The MPFR emulation against the format's own code table: for many small formats, every pair of
/// adjacent positive values `a < b` (found by decoding every code and sorting) is probed at the
/// quarter points and the midpoint, and each rule must pick what the contract's table says, with
/// parity read from `a`'s code (M ≥ 1 and M = 0 with P3109's `evenCode` parity: its last bit;
/// M = 0 with `evenSignificand`: zero is even, every other value odd).
@Suite struct GridPropertyTests {
    typealias O = MPFRReference

    static let formats: [ReferenceFormat] = {
        var list: [ReferenceFormat] = []
        for e in 1...5 {
            for m in 0...4 {
                let bias = (1 << (e - 1)) - 1
                for specials in [ReferenceFormat.Specials.ieee, .fn, .none, .fnuz, .p3109Extended] {
                    list.append(ReferenceFormat(exponentBits: e, significandBits: m, bias: bias,
                                                specials: specials))
                }
                list.append(ReferenceFormat(exponentBits: e, significandBits: m, bias: bias,
                                            hasSubnormals: false, specials: .none))
                list.append(ReferenceFormat(exponentBits: e, significandBits: m, bias: bias + 1,
                                            hasSubnormals: false, hasZero: false,
                                            signedness: .unsigned, specials: .fn))
                list.append(ReferenceFormat(exponentBits: e, significandBits: m, bias: bias,
                                            signedness: .unsigned, specials: .p3109Finite))
            }
        }
        for m in 1...6 {
            list.append(ReferenceFormat(exponentBits: 0, significandBits: m, bias: 2,
                                        signedness: .twosComplement, specials: .none))
            list.append(ReferenceFormat(exponentBits: 0, significandBits: m, bias: -3, specials: .fn))
        }
        return list.filter { $0.validationProblem == nil }
    }()

    @Test(arguments: formats)
    func adjacentValues(_ f: ReferenceFormat) {
        // Positive finite values with their codes (the first code met for each value).
        var byValue: [Double: UInt64] = [:]
        let signBit: UInt64 = f.signedness == .unsigned ? 0 : 1 << UInt64(f.bitWidth - 1)
        for code in 0..<(UInt64(1) << UInt64(f.bitWidth)) where code & signBit == 0 {
            let v = O.value(ofCode: code, in: f)
            if v.isFinite && v >= 0 && byValue[v] == nil { byValue[v] = code }
        }
        let values = byValue.keys.sorted()
        #expect(values.last == O.greatestFiniteMagnitude(f))
        #expect(values.first(where: { $0 > 0 }) == O.leastNonzeroMagnitude(f))
        // Fixed-point formats (E = 0 with subnormals) never raise underflow (docs/semantics.md §4).
        let tiny = f.exponentBits == 0 && f.hasSubnormals ? 0 : O.leastNormalMagnitude(f)
        for v in values {
            for rule in ReferenceRounding.allCases {
                #expect(O.convert(v, to: f, rounding: rule, overflow: .none).value == v, "\(f) \(v)")
            }
        }
        for (a, b) in zip(values, values.dropFirst()) {
            // M = 0: IEEE 754's reading unless the format reads the code (P3109 v4.0 §4.7.4).
            let aIsOdd = f.significandBits == 0 && f.parity == .evenSignificand ? a != 0 : byValue[a]! & 1 == 1
            let q1 = a + (b - a) / 4, mid = a + (b - a) / 2, q3 = a + 3 * (b - a) / 4
            var flags: ReferenceFlags = .inexact
            if mid < tiny { flags.insert(.underflow) }
            func check(_ x: Double, _ rule: ReferenceRounding, _ expected: Double) {
                let result = O.convert(x, to: f, rounding: rule, overflow: .none)
                let fl: ReferenceFlags = x < tiny ? [.inexact, .underflow] : .inexact
                #expect(result == ReferenceResult(value: expected, flags: fl), "\(f) x=\(x) \(rule)")
            }
            check(q1, .nearestEven, a); check(q3, .nearestEven, b)
            check(q1, .nearestAway, a); check(q3, .nearestAway, b)
            check(q1, .towardZero, a); check(q3, .towardZero, a)
            check(q1, .away, b); check(q1, .up, b); check(q3, .down, a)
            check(mid, .nearestEven, aIsOdd ? b : a)
            check(mid, .nearestAway, b)
            check(mid, .nearestZero, a)
            check(q1, .odd, aIsOdd ? a : b); check(q3, .odd, aIsOdd ? a : b)
            let c = O.stochasticCandidates(q3, in: f)
            #expect(c.lo == a && c.hi == b && c.fraction.value == 0.75, "\(f) \(q3)")
            if f.signedness == .signMagnitude {
                let negative = O.convert(-q1, to: f, rounding: .down, overflow: .none).value
                #expect(negative == -b, "\(f) \(-q1)")
            }
        }
    }
}
#endif
