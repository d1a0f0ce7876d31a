import Testing
@testable import ExMy

/// The engine against the brute-force reference: every catalog format of ≤ 16 bits and a sample
/// of generic formats, every deterministic rule, every overflow rule, every probe input.
struct ConversionReferenceTests {
    static let formats: [FloatFormat] = FloatFormat.catalog.filter { $0.bitWidth <= 12 } + [
        try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off"),
        try! FloatFormat(parsing: "e2m2:specials=none,subnormals=off"),
        try! FloatFormat(parsing: "e4m2:unsigned,specials=fn"),
        try! FloatFormat(parsing: "e3m1:bias=-2"),
        try! FloatFormat(parsing: "e0m3:specials=none"),
        try! FloatFormat(parsing: "e5m0:unsigned,subnormals=off,zero=off,specials=fn"),
        try! FloatFormat(parsing: "e3m2:unsigned,specials=none"),
    ] + FloatFormat.p3109Family.filter { $0.bitWidth <= 6 }

    @Test(arguments: formats)
    func everyProbeEveryRule(_ f: FloatFormat) {
        let reference = BruteForceReference(f)
        var mismatches = 0
        for x in reference.probeInputs() {
            for rule in RoundingRule.deterministicRules {
                for overflow in OverflowRule.allCases {
                    let (expected, expectedFlags) = reference.convert(x, rule, overflow)
                    let got = f.encode(x, rounding: rule, overflow: overflow)
                    let value = f.decode(got.code)
                    let ok: Bool
                    switch expected {
                    case .nan: ok = value.isNaN
                    case .invalidAnyValue: ok = true
                    case .value(let v): ok = value == v && value.sign == v.sign
                    }
                    if !ok || got.status != expectedFlags {
                        mismatches += 1
                        if mismatches <= 5 {
                            Issue.record("\(f) x=\(x) \(rule) \(overflow): got \(value) \(got.status), expected \(expected) \(expectedFlags)")
                        }
                    }
                }
            }
        }
        #expect(mismatches == 0)
    }
}
