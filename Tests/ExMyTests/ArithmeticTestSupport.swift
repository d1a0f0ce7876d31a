import Foundation
import Testing
@testable import ExMy

/// Shared pieces of the arithmetic tests: the small formats swept exhaustively,
/// and the comparison of an engine result with `BruteForceReference` (a rounding by searching the
/// sorted list of the format's values, written without the engine).
enum ArithmeticTestSupport {
    /// Small formats of every special-value encoding, signedness and subnormal setting, small enough
    /// that every pair of codes is tried.
    static let smallFormats: [FloatFormat] = [
        .e2m1fn, .e3m2fn, .fp3E1M1, .fp3E2M0, .fp3E1M1NoSubnormals,
        try! FloatFormat(parsing: "e3m2"),                                  // IEEE ∞/NaN
        try! FloatFormat(parsing: "e3m2:subnormals=off,specials=fn"),       // flush to zero, NaN only
        try! FloatFormat(parsing: "e3m2:specials=fnuz"),                    // no −0, NaN at 0x20
        try! FloatFormat(parsing: "e3m2:unsigned,specials=fn"),             // unsigned
        try! FloatFormat(parsing: "e3m1:specials=p3109-extended"),          // P3109 ±∞, NaN at −0
        try! FloatFormat(parsing: "e3m0:zero=off,subnormals=off,unsigned,specials=fn"),  // E8M0-like
        try! FloatFormat(parsing: "e0m3:bias=0,twos-complement,specials=none"),          // MXINT-like
        try! FloatFormat(parsing: "e2m2:bias=3"),                           // non-default bias
    ]

    static let overflowRules: [OverflowRule] = [.none, .saturateFinite, .saturatePropagate]

    /// Every decoded value of `format` (every code, specials included).
    static func values(_ format: FloatFormat) -> [Double] {
        (0...format.codeMask).map { format.decode($0) }
    }

    /// Whether `r` is what the reference conversion of the exact value `exact` gives.
    static func matches(_ r: FloatFormat.Encoded, _ expected: (BruteForceReference.Outcome, ConversionStatus), in f: FloatFormat) -> Bool {
        let (outcome, flags) = expected
        guard r.status == flags else { return false }
        let got = f.decode(r.code)
        switch outcome {
        case .nan: return got.isNaN
        case .invalidAnyValue: return true
        case .value(let v): return got == v && got.sign == v.sign
        }
    }

    /// A `Double` that a conversion rounds exactly as it would round a real number `t > 0` known only
    /// through `compare(v) = sign(t − v)` (for exact results that are not `Double`s, like 1/3):
    /// `t` itself when it is on the grid, else a value strictly inside the same half of the same
    /// grid interval. Every decision of a conversion (neighbours, tie, tininess against the grid
    /// point 2^emin, overflow) depends only on that position.
    static func surrogate(in reference: BruteForceReference, compare: (Double) -> Int) -> Double {
        let grid = reference.grid.filter { $0 > 0 }
        guard compare(grid[0]) > 0 else {
            if compare(grid[0]) == 0 { return grid[0] }
            // Below the least positive grid value: keep the position against its half.
            let half = grid[0] / 2
            let c = compare(half)
            return c == 0 ? half : c < 0 ? grid[0] / 4 : grid[0] * 3 / 4
        }
        var lo = grid[0]
        for v in grid.dropFirst() {
            let c = compare(v)
            if c == 0 { return v }
            if c < 0 {
                let mid = (lo + v) / 2
                let cm = compare(mid)
                return cm == 0 ? mid : cm < 0 ? (lo + mid) / 2 : (mid + v) / 2
            }
            lo = v
        }
        return lo * 4  // beyond the extended grid: overflows under every rule
    }
}
