import Foundation
import Testing
@testable import ExMy

/// Numeric code written only against `FloatingPoint` / `BinaryFloatingPoint`, knowing nothing of
/// ExMy.
enum GenericNumerics {
    static func horner<T: FloatingPoint>(_ coefficients: [T], at x: T) -> T {
        var acc: T = 0
        for c in coefficients.reversed() { acc = acc * x + c }
        return acc
    }

    static func kahanSum<T: FloatingPoint>(_ xs: [T]) -> T {
        var sum: T = 0, c: T = 0
        for x in xs {
            let y = x - c
            let t = sum + y
            c = (t - sum) - y
            sum = t
        }
        return sum
    }

    static func newtonSquareRoot<T: FloatingPoint>(_ a: T, steps: Int) -> T {
        var x: T = a > 1 ? a / 2 : 1
        for _ in 0..<steps { x = (x + a / x) / 2 }
        return x
    }

    /// At most `limit` elements: in a format without ∞, `Self(k)` saturates (FP4: 6) or becomes
    /// NaN (E4M3FN past 464), so a stride needing more steps than that never reaches its end.
    static func strided<T: FloatingPoint>(from a: T, to b: T, by d: T, limit: Int) -> [T] where T.Stride == T {
        Array(stride(from: a, to: b, by: d).prefix(limit))
    }

    static func totalOrderSorted<T: FloatingPoint>(_ xs: [T]) -> [T] {
        xs.sorted { !$1.isTotallyOrdered(belowOrEqualTo: $0) }
    }

    static func toDouble<T: BinaryFloatingPoint>(_ x: T) -> Double { Double(x) }
    static func toFloat<T: BinaryFloatingPoint>(_ x: T) -> Float { Float(x) }
    static func toFloat16<T: BinaryFloatingPoint>(_ x: T) -> Float16 { Float16(x) }
    static func convert<T: BinaryFloatingPoint, U: BinaryFloatingPoint>(_ x: T, to _: U.Type) -> U { U(x) }
    static func fromDouble<T: BinaryFloatingPoint>(_ d: Double, as _: T.Type) -> T { T(d) }

    static func randoms<T: BinaryFloatingPoint, G: RandomNumberGenerator>(_ range: Range<T>, count: Int, using g: inout G) -> [T]
    where T.RawSignificand: FixedWidthInteger {
        (0..<count).map { _ in T.random(in: range, using: &g) }
    }
}

/// The same computations step by step in `Double`, each step rounded into the format with
/// ``DoubleRoundedReference`` (Double, then `FloatFormat.encode`).
struct Stepwise<F: ExMyFormat> {
    var failures = 0

    func op(_ o: BatchArithmetic.Operation, _ x: Double, _ y: Double = 0, _ z: Double = 0) -> Double {
        var g = SystemRandomNumberGenerator()
        guard let e = DoubleRoundedReference.result(o, F.format, x, y, z, rounding: F.defaultRounding, overflow: F.defaultOverflow, random: &g) else {
            Issue.record("\(F.format) \(o)(\(x), \(y), \(z)): Double is not exact here; choose other test values")
            return .nan
        }
        return F.format.decode(e.code)
    }

    /// A value rounded into the format (a literal or an integer).
    func r(_ x: Double) -> Double { F.format.decode(F.format.encode(x, rounding: F.defaultRounding, overflow: F.defaultOverflow).code) }

    func horner(_ c: [Double], _ x: Double) -> Double {
        var acc = 0.0
        for k in c.reversed() { acc = op(.add, op(.multiply, acc, x), k) }
        return acc
    }

    func kahanSum(_ xs: [Double]) -> Double {
        var sum = 0.0, c = 0.0
        for x in xs {
            let y = op(.subtract, x, c)
            let t = op(.add, sum, y)
            c = op(.subtract, op(.subtract, t, sum), y)
            sum = t
        }
        return sum
    }

    func newtonSquareRoot(_ a: Double, steps: Int) -> Double {
        var x = a > 1 ? op(.divide, a, r(2)) : r(1)
        for _ in 0..<steps { x = op(.divide, op(.add, x, op(.divide, a, x)), r(2)) }
        return x
    }

    /// Swift's floating-point stride: element k is `start.addingProduct(Self(k), step)`.
    func strided(from a: Double, to b: Double, by d: Double, limit: Int) -> [Double] {
        var out: [Double] = []
        var k = 0
        var v = a
        while d > 0 ? v < b : v > b {
            out.append(v)
            k += 1
            v = op(.fusedMultiplyAdd, r(Double(k)), d, a)
            if out.count == limit { break }
        }
        return out
    }

    /// The standard library's `random(in:)` for `BinaryFloatingPoint` (see its source), step by step.
    func stdlibRandom<G: RandomNumberGenerator>(_ lo: Double, _ hi: Double, _ g: inout G) -> Double {
        let m = F.format.significandBitCount
        while true {
            let rand = g.next() & ((UInt64(1) << UInt64(m + 1)) - 1)
            let unit = op(.multiply, r(Double(rand)), op(.divide, r(F.format.ulpOfOne), r(2)))
            let v = op(.add, op(.multiply, op(.subtract, hi, lo), unit), lo)
            if v != hi { return v }
        }
    }
}

/// Generic code on several catalog types, against the step-by-step reference.
struct GenericNumericTests {
    static func eachType(_ body: (any ExMyFormat.Type) -> Void) {
        for t: any ExMyFormat.Type in [
            ExMyFormats.E4M3FN.self, ExMyFormats.E5M2.self, ExMyFormats.E4M3FNUZ.self, ExMyFormats.E3M2FN.self,
            ExMyFormats.E2M1FN.self, ExMyFormats.Binary8P3SE.self, ExMyFormats.BFloat16.self, ExMyFormats.Binary16.self,
        ] { body(t) }
    }

    static func same<F: ExMyFormat>(_ x: ExMy<F>, _ d: Double) -> Bool {
        x.isNaN ? d.isNaN : (x.doubleValue == d && x.doubleValue.sign == d.sign)
    }

    /// Finite values of the format with magnitude at most `limit`, from a fixed pseudo-random walk.
    static func values<F: ExMyFormat>(_: F.Type, count: Int, limit: Double, seed: UInt64) -> [ExMy<F>] {
        var g = CounterRandomGenerator(seed: seed, index: 0)
        var out: [ExMy<F>] = []
        while out.count < count {
            let x = ExMy<F>(bitPattern: F.BitPattern(truncatingIfNeeded: g.next()))
            if x.isFinite && x.isCanonical && x.doubleValue.magnitude <= limit { out.append(x) }
        }
        return out
    }

    @Test func hornerPolynomials() {
        Self.eachType { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let ref = Stepwise<F>()
            let xs = Self.values(F.self, count: 24, limit: 2, seed: 1)
            for p in 0..<12 {
                let c = Self.values(F.self, count: 2 + p % 5, limit: 4, seed: UInt64(100 + p))
                for x in xs {
                    let got = GenericNumerics.horner(c, at: x)
                    let want = ref.horner(c.map(\.doubleValue), x.doubleValue)
                    #expect(Self.same(got, want), "\(F.format) horner \(c) at \(x): \(got) vs \(want)")
                }
            }
            // The documented example: 0.25·3² + 0.5·3 + 1 = 4.75, a tie in E4M3FN's [4, 8) → 5.
            if F.self == ExMyFormats.E4M3FN.self {
                #expect(GenericNumerics.horner([1, 0.5, 0.25] as [ExMy<F>], at: 3).doubleValue == 5)
            }
        }
    }

    @Test func kahanSums() {
        Self.eachType { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let ref = Stepwise<F>()
            for s in 0..<8 {
                let xs = Self.values(F.self, count: 64, limit: 8, seed: UInt64(200 + s))
                let got = GenericNumerics.kahanSum(xs)
                let want = ref.kahanSum(xs.map(\.doubleValue))
                #expect(Self.same(got, want), "\(F.format) kahan \(s): \(got) vs \(want)")
            }
        }
    }

    @Test func newtonSquareRoots() {
        Self.eachType { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let ref = Stepwise<F>()
            for a in Self.values(F.self, count: 60, limit: 64, seed: 3) where a > 0 {
                let got = GenericNumerics.newtonSquareRoot(a, steps: 6)
                let want = ref.newtonSquareRoot(a.doubleValue, steps: 6)
                #expect(Self.same(got, want), "\(F.format) newton √\(a): \(got) vs \(want)")
            }
        }
    }

    @Test func strides() {
        Self.eachType { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let ref = Stepwise<F>()
            // (−2, 3, 0.5) never ends in FP4: Self(k) saturates at 6, so −2 + 6·0.5 = 1 is the last value.
            for (a, b, d) in [(0.0, 4.0, 0.25), (0.0, 6.0, 0.75), (-2.0, 3.0, 0.5), (1.0, -1.0, -0.125), (0.5, 12.0, 1.5)] {
                let (x, y, z) = (ExMy<F>(a), ExMy<F>(b), ExMy<F>(d))
                guard z != 0 else { continue }
                let got = GenericNumerics.strided(from: x, to: y, by: z, limit: 300)
                let want = ref.strided(from: x.doubleValue, to: y.doubleValue, by: z.doubleValue, limit: 300)
                #expect(got.count == want.count && zip(got, want).allSatisfy { Self.same($0, $1) }, "\(F.format) stride(\(a), \(b), \(d)): \(got) vs \(want)")
            }
        }
    }

    /// `T.random(in:)` in generic code runs the standard library's algorithm on ExMy arithmetic.
    @Test func genericRandomInRange() {
        for t: any ExMyFormat.Type in [ExMyFormats.E4M3FN.self, ExMyFormats.E5M2.self, ExMyFormats.BFloat16.self, ExMyFormats.Binary16.self] { check(t) }
        func check<F: ExMyFormat>(_: F.Type) {
            let ref = Stepwise<F>()
            for (a, b) in [(0.0, 1.0), (-2.0, 2.0), (1.0, 4.0), (-0.5, 0.25)] {
                var g1 = CounterRandomGenerator(seed: 5, index: 9), g2 = g1
                let got = GenericNumerics.randoms(ExMy<F>(a)..<ExMy<F>(b), count: 300, using: &g1)
                let want = (0..<300).map { _ in ref.stdlibRandom(a, b, &g2) }
                #expect(zip(got, want).allSatisfy { Self.same($0, $1) }, "\(F.format) random(in: \(a)..<\(b))")
                #expect(got.allSatisfy { $0.doubleValue >= a && $0.doubleValue < b })
            }
        }
    }

    /// The concrete `random(in:)` works for every format, including those the standard library's
    /// algorithm cannot serve (E8M0, FP4, MXINT8, whole ranges), and never traps.
    @Test func concreteRandomInRange() {
        func check<F: ExMyFormat>(_: F.Type, _ lo: ExMy<F>, _ hi: ExMy<F>) {
            var g = CounterRandomGenerator(seed: 8, index: 1)
            let all = BinaryFloatingPointConformanceTests.all(F.self).filter { $0.isFinite && $0 >= lo && $0 < hi }.map(\.doubleValue)
            var seen = Set<Double>()
            for _ in 0..<4000 {
                let x = ExMy<F>.random(in: lo..<hi, using: &g)
                #expect(x >= lo && x < hi, "\(F.format) \(x) not in \(lo)..<\(hi)")
                seen.insert(x.doubleValue)
                let c = ExMy<F>.random(in: lo...hi, using: &g)
                #expect(c >= lo && c <= hi)
            }
            #expect(seen.isSubset(of: Set(all)) && seen.count > 1)
            #expect(ExMy<F>.random(in: lo..<lo).isNaN == F.format.specials.hasNaN)  // empty: nan, no trap
        }
        check(ExMyFormats.E8M0FNU.self, Float8E8M0FNU(0x1p-10), Float8E8M0FNU(0x1p10))
        check(ExMyFormats.E2M1FN.self, -Float4E2M1FN.greatestFiniteMagnitude, Float4E2M1FN.greatestFiniteMagnitude)
        check(ExMyFormats.MXINT8.self, MXInt8(-2.0), MXInt8(1.5))
        check(ExMyFormats.E4M3FN.self, -Float8E4M3FN.greatestFiniteMagnitude, Float8E4M3FN.greatestFiniteMagnitude)
        check(ExMyFormats.UE4M3.self, FloatUE4M3(0), FloatUE4M3(3))
    }

    /// Sorting with NaN by `isTotallyOrdered`, and `sorted()` of the numbers, on every code.
    @Test func sortingWithNaN() {
        Self.eachType { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            var g = CounterRandomGenerator(seed: 2, index: 0)
            let codes = BinaryFloatingPointConformanceTests.all(F.self).filter(\.isCanonical).shuffled(using: &g)
            let sorted = GenericNumerics.totalOrderSorted(codes)
            // Independent key: NaNs by their sign bit at the ends, then the value, −0 before +0.
            func key(_ x: ExMy<F>) -> (Int, Double) {
                let v = x.doubleValue
                if v.isNaN { return (x.sign == .minus ? 0 : 4, 0) }
                if v == 0 { return (2, v.sign == .minus ? -1 : 0) }
                return (v < 0 ? 1 : 3, v)
            }
            let keys = sorted.map(key)
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "\(F.format) total order")
            let numbers = codes.filter { !$0.isNaN }.sorted().map(\.doubleValue)
            #expect(numbers == codes.filter { !$0.isNaN }.map(\.doubleValue).sorted())
        }
    }

    /// `Double(x)`, `Float(x)`, `Float16(x)` and `T(d)` in generic code (the standard library's
    /// generic conversions, which read ExMy's fields) on every code.
    @Test func genericConversionsRoundTrip() {
        BinaryFloatingPointConformanceTests.eachTypedFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            for x in BinaryFloatingPointConformanceTests.all(F.self) {
                let v = x.doubleValue
                let d = GenericNumerics.toDouble(x)
                #expect(d.isNaN ? v.isNaN : (d == v && d.sign == v.sign), "\(F.format) Double(0x\(String(UInt64(x.bitPattern), radix: 16)))")
                let f = GenericNumerics.toFloat(x)
                #expect(f.isNaN ? v.isNaN : (f == Float(v) && f.sign == v.sign), "\(F.format) Float(\(v))")
                let h = GenericNumerics.toFloat16(x)
                #expect(h.isNaN ? v.isNaN : (h == Float16(v) && h.sign == v.sign), "\(F.format) Float16(\(v))")
                let back = GenericNumerics.fromDouble(d, as: ExMy<F>.self)
                if x.isCanonical && !x.isNaN { #expect(back.bitPattern == x.bitPattern || (x.isZero && back.isZero), "\(F.format) T(Double(x)) \(v)") }
            }
        }
    }

    /// ExMy → ExMy through the generic initialiser, sources of every layout (two's complement,
    /// no zero, unsigned), against `encode` of the exact value.
    @Test func genericConversionBetweenFormats() {
        func check<S: ExMyFormat, T: ExMyFormat>(_: S.Type, _: T.Type) {
            for x in BinaryFloatingPointConformanceTests.all(S.self) {
                let y = GenericNumerics.convert(x, to: ExMy<T>.self)
                let e = T.format.encode(x.doubleValue)
                #expect(y.bitPattern == T.BitPattern(e.code) || (y.isNaN && T.format.classify(e.code) == .nan), "\(S.format) \(x) → \(T.format)")
            }
        }
        check(ExMyFormats.MXINT8.self, ExMyFormats.E4M3FN.self)
        check(ExMyFormats.E8M0FNU.self, ExMyFormats.BFloat16.self)
        check(ExMyFormats.E8M0FNU.self, ExMyFormats.E5M2.self)
        check(ExMyFormats.UE4M3.self, ExMyFormats.E2M1FN.self)
        check(ExMyFormats.E4M3FNUZ.self, ExMyFormats.MXINT8.self)
        check(ExMyFormats.Binary16.self, ExMyFormats.E4M3FN.self)
        check(ExMyFormats.E2M3FN.self, ExMyFormats.Binary8P3SE.self)
    }
}
