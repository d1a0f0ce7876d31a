import Foundation
@testable import ExMy

/// An independent reference for formats of at most 16 bits, written from `docs/semantics.md` without
/// the engine: values from the §2 formula with `pow`, rounding by searching the sorted grid and
/// comparing with exact midpoints, overflow and specials from the §4–§7 tables.
struct BruteForceReference {
    let format: FloatFormat
    /// Positive finite grid values, ascending, extended above the greatest finite value by the
    /// unbounded grid (two more binades), plus the least normal binade's neighbours below.
    let grid: [Double]
    let maxFinite: Double
    let maxNegative: Double  // magnitude of the most negative finite value
    let emin: Int

    init(_ f: FloatFormat) {
        format = f
        let e = f.exponentBitCount, m = f.significandBitCount, bias = f.bias
        emin = f.hasZero ? 1 - bias : -bias
        var values = Set<Double>()
        // Every value of the unbounded grid up to 4× past the top field, from the formula.
        let fields = e == 0 ? 1 : (1 << e) + 2
        for field in 0..<fields {
            for sig in 0..<(1 << m) {
                let v: Double
                if field == 0 && f.hasSubnormals {
                    v = Double(sig) * pow(2.0, Double(1 - bias - m))
                } else if field == 0 && f.hasZero {
                    v = 0
                } else if e == 0 {
                    v = Double(sig) * pow(2.0, Double(1 - bias - m))
                } else {
                    v = Double((1 << m) + sig) * pow(2.0, Double(field - bias - m))
                }
                values.insert(v)
            }
        }
        if e == 0 { for extra in 0...(1 << m) { values.insert(Double((1 << m) + extra) * pow(2.0, Double(1 - bias - m))) } }
        grid = values.sorted()
        // Greatest finite: the largest code that the §3 table leaves finite.
        let mags = (1 << (e + m))
        var largest = 0.0
        for mag in 0..<mags where !Self.isSpecialMagnitude(f, mag) {
            let field = e == 0 ? 0 : mag >> m, sig = mag & ((1 << m) - 1)
            let v: Double
            if field == 0 && (f.hasSubnormals || e == 0) { v = Double(e == 0 ? mag : sig) * pow(2.0, Double(1 - bias - m)) }
            else if field == 0 && f.hasZero { v = 0 }
            else { v = Double((1 << m) + sig) * pow(2.0, Double(field - bias - m)) }
            largest = max(largest, v)
        }
        maxFinite = largest
        maxNegative = f.signedness == .twosComplement ? largest + pow(2.0, Double(1 - bias - m)) : largest
    }

    static func isSpecialMagnitude(_ f: FloatFormat, _ mag: Int) -> Bool {
        let e = f.exponentBitCount, m = f.significandBitCount
        let allOnes = (1 << (e + m)) - 1
        switch f.specials {
        case .ieee: return mag >> m == (1 << e) - 1
        case .fn: return mag == allOnes
        case .fnuz, .none: return false
        case .p3109Finite: return f.signedness == .unsigned && mag == allOnes
        case .p3109Extended: return f.signedness == .unsigned ? mag >= allOnes - 1 : mag == allOnes
        }
    }

    enum Outcome: Equatable, CustomStringConvertible {
        case value(Double)  // includes ±0 (sign checked) and ±inf
        case nan
        case invalidAnyValue  // NaN into a format without NaN: value is the caller's choice
        var description: String {
            switch self {
            case .value(let v): return v == 0 && v.sign == .minus ? "-0.0" : "\(v)"
            case .nan: return "nan"
            case .invalidAnyValue: return "invalid"
            }
        }
    }

    var hasNaN: Bool { format.specials != .none }
    var hasInf: Bool { format.specials == .ieee || format.specials == .p3109Extended }
    var hasNegativeZero: Bool {
        format.signedness == .signMagnitude && [.ieee, .fn, .none].contains(format.specials)
    }
    var unsigned: Bool { format.signedness == .unsigned }

    func zero(_ negative: Bool) -> Double { negative && hasNegativeZero ? -0.0 : 0.0 }
    var leastPositive: Double { grid.first { $0 > 0 }! }

    /// The reference conversion of `x` under a deterministic rule: (outcome, flags).
    func convert(_ x: Double, _ rule: RoundingRule, _ overflow: OverflowRule) -> (Outcome, ConversionStatus) {
        let negative = x.sign == .minus
        if x.isNaN { return hasNaN ? (.nan, []) : (.invalidAnyValue, .invalid) }
        if x.isInfinite {
            if negative && unsigned {
                return overflow == .none && hasNaN ? (.nan, .invalid) : (.value(format.hasZero ? 0 : leastPositive), .invalid)
            }
            if overflow == .saturateFinite { return (.value(negative ? -maxNegative : maxFinite), .inexact) }
            if hasInf { return (.value(x), []) }
            if hasNaN { return (.nan, .invalid) }
            return (.value(negative ? -maxNegative : maxFinite), [.invalid, .inexact])
        }
        if x == 0 {
            if format.hasZero { return (.value(zero(negative)), []) }
            return overflow == .none && hasNaN ? (.nan, .invalid) : (.value(leastPositive), .invalid)
        }
        let a = abs(x)
        // Neighbours on the grid.
        var lo = 0.0, hi = Double.infinity
        for v in grid { if v <= a { lo = v } else { hi = v; break } }
        if !format.hasZero && a < leastPositive { lo = leastPositive; hi = leastPositive }
        let exact = lo == a
        let fixedPoint = format.exponentBitCount == 0 && format.hasSubnormals  // §4: no underflow
        let tiny = !fixedPoint && a < pow(2.0, Double(emin))
        var r: Double
        if exact || hi == lo { r = lo } else {
            let mid = (lo + hi) / 2
            let parityOdd: Bool = {
                // integer significand of lo on its grid is odd
                if lo == 0 { return false }
                let m = format.significandBitCount
                // M = 0 with P3109's reading (v4.0 §4.7.4): the code of lo = 2^j is j + bias (§2).
                if m == 0 && format.tieBreak == .evenCode { return (Int(lo.exponent) + format.bias) & 1 != 0 }
                let q: Int
                let le = Int(lo.exponent)
                if format.exponentBitCount == 0 || (le < emin && format.hasSubnormals) { q = emin - m }
                else if le < emin { q = emin } else { q = le - m }
                let n = lo / pow(2.0, Double(q))
                return Int(n) % 2 == 1
            }()
            switch rule {
            case .toNearestOrEven: r = a < mid ? lo : a > mid ? hi : (parityOdd ? hi : lo)
            case .toNearestOrAwayFromZero: r = a < mid ? lo : hi
            case .toNearestOrZero: r = a <= mid ? lo : hi
            case .towardZero: r = lo
            case .up: r = negative ? lo : hi
            case .down: r = negative ? hi : lo
            case .awayFromZero: r = hi
            case .toOdd: r = parityOdd ? lo : hi
            case .stochastic, .stochasticA, .stochasticB, .stochasticC: fatalError("deterministic rules only")
            }
        }
        var flags: ConversionStatus = exact ? [] : .inexact
        if !exact && tiny { flags.insert(.underflow) }
        let limit = negative ? maxNegative : maxFinite
        if r > limit {
            flags.formUnion([.overflow, .inexact])
            if negative && unsigned {
                return overflow == .none && hasNaN ? (.nan, .invalid) : (.value(format.hasZero ? 0 : leastPositive), .invalid)
            }
            if overflow != .none { return (.value(negative ? -limit : limit), flags) }
            let toInf: Bool
            switch rule {
            case .towardZero, .toOdd: toInf = false
            case .up: toInf = !negative
            case .down: toInf = negative
            case .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .awayFromZero,
                 .stochastic, .stochasticA, .stochasticB, .stochasticC:
                toInf = true
            }
            if !toInf { return (.value(negative ? -limit : limit), flags) }
            if hasInf { return (.value(negative ? -.infinity : .infinity), flags) }
            if hasNaN { return (.nan, flags) }
            return (.value(negative ? -limit : limit), flags)
        }
        if negative && unsigned && (r != 0 || !format.hasZero) {
            return overflow == .none && hasNaN ? (.nan, .invalid) : (.value(format.hasZero ? 0 : leastPositive), .invalid)
        }
        return (.value(negative ? (r == 0 ? zero(true) : -r) : r), flags)
    }

    /// Inputs that exercise every decision: every grid value, every midpoint and their Double
    /// neighbours, around zero, the least value, the overflow boundary, and specials.
    func probeInputs() -> [Double] {
        var xs: [Double] = [0, -0.0, .infinity, -.infinity, .nan, -.nan]
        var points = grid
        for i in 0..<(grid.count - 1) { points.append((grid[i] + grid[i + 1]) / 2) }
        points.append(leastPositive / 2)
        points.append(leastPositive / 4)
        points.append(maxFinite * 4)
        points.append(.greatestFiniteMagnitude)
        points.append(.leastNonzeroMagnitude)
        for p in points where p.isFinite {
            for v in [p, p.nextUp, p.nextDown] where v.isFinite { xs.append(v); xs.append(-v) }
        }
        return xs
    }
}
