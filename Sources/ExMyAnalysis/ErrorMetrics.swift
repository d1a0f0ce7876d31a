import ExMy
import Foundation

/// Quantization error statistics, accumulated element by element (definitions in `docs/analysis.md`).
///
/// With inputs `x_i` (the finite ones; NaN/∞ inputs are only counted), outputs `q_i`, errors
/// `e_i = q_i − x_i` and `n` the number of finite inputs:
/// - `mse = Σ e_i² / n` (+∞ when any output is NaN or ∞ for a finite input);
/// - `relativeMSE = mse / (Σ x_i² / n)`; `sqnrDB = 10·log10(Σ x_i² / Σ e_i²)`;
/// - `meanAbsoluteError`, `maxAbsoluteError` over `|e_i|`; `meanRelativeError`, `maxRelativeError`
///   over `|e_i| / |x_i|` for `x_i ≠ 0`; `bias = Σ e_i / n`;
/// - `flushedToZero`: fraction with `x_i ≠ 0` and `q_i = 0`; `saturated`: fraction with
///   `|x_i| > |q_i|` and `|q_i|` the greatest finite element value times the group's scale;
///   `nan`: fraction of NaN outputs (for finite inputs), `infinite`: fraction of ±∞ outputs;
/// - `ulpHistogram`: `e_i / ulp_i`, with `ulp_i` the element grid's spacing at `|x_i| / s` times the
///   scale `s`, counted in bins of 1/8 ulp over [−2, 2) plus two overflow bins.
public struct ErrorMetrics: Hashable, Sendable {
    /// The number of finite inputs added (`n`), whatever their outputs.
    public private(set) var count = 0
    /// The number of NaN or ±∞ inputs added; they enter no other statistic.
    public private(set) var nonFiniteInputs = 0
    /// The number of finite inputs whose output is NaN or ±∞ (``nanOutputs`` + ``infiniteOutputs``).
    public private(set) var nonFiniteOutputs = 0
    /// The number of finite inputs whose output is NaN.
    public private(set) var nanOutputs = 0
    /// The number of finite inputs whose output is ±∞.
    public private(set) var infiniteOutputs = 0
    /// `Σ e_i²` over the finite inputs with a finite output.
    public private(set) var sumSquaredError = 0.0
    /// `Σ x_i²` over every finite input (those with a non-finite output included).
    public private(set) var sumSquaredInput = 0.0
    /// `Σ |e_i|` over the finite inputs with a finite output.
    public private(set) var sumAbsoluteError = 0.0
    /// The greatest `|e_i|` over the finite inputs with a finite output (0 before any).
    public private(set) var maxAbsoluteError = 0.0
    /// `Σ |e_i| / |x_i|` over the nonzero finite inputs with a finite output.
    public private(set) var sumRelativeError = 0.0
    /// The greatest `|e_i| / |x_i|` over the nonzero finite inputs with a finite output (0 before any).
    public private(set) var maxRelativeError = 0.0
    /// The number of nonzero finite inputs with a finite output: the denominator of
    /// ``meanRelativeError``.
    public private(set) var nonzeroInputs = 0
    /// `Σ e_i` (signed) over the finite inputs with a finite output.
    public private(set) var sumError = 0.0
    /// The number of nonzero finite inputs whose output is ±0.
    public private(set) var flushedCount = 0
    /// The number of finite inputs with `|x_i| > |q_i|` and `|q_i|` equal to the element format's
    /// greatest finite magnitude times the group's scale (counted only for a finite positive scale).
    public private(set) var saturatedCount = 0
    /// Bins of 1/8 ulp over [−2, 2): index 0 is [−2, −1.875); plus `below` and `above`.
    public private(set) var ulpHistogram = [Int](repeating: 0, count: 32)
    /// The number of errors below −2 ulp (the histogram's lower overflow bin).
    public private(set) var ulpBelow = 0
    /// The number of errors of 2 ulp or more (the histogram's upper overflow bin).
    public private(set) var ulpAbove = 0

    let elementMax: Double
    let element: FloatFormat
    // The element grid, read once (see `gridSpacing(at:)`).
    let leastNormal: Double
    let leastSpacing: Double
    let significandBits: Int
    let flatGrid: Bool
    let subnormalsOn: Bool
    /// `2^−M`, and whether `2^(exponent(y) − M)` may be formed from `y`'s bits times it: every
    /// `y ≥ 2^emin` is then a normal `Double` and the product a normal power of two.
    let significandScale: Double
    let bitwiseSpacing: Bool

    /// Creates empty statistics for outputs in `element` (whose greatest finite magnitude and grid
    /// spacing define ``saturated`` and the ulp histogram). The format is not validated.
    public init(element: FloatFormat) {
        self.element = element
        elementMax = element.greatestFiniteMagnitude
        let emin = element.leastNormalExponent, m = element.significandBitCount
        leastNormal = element.leastNormalMagnitude
        leastSpacing = Double(sign: .plus, exponent: emin - m, significand: 1)
        significandBits = m
        flatGrid = element.isFixedPoint
        subnormalsOn = element.hasSubnormals
        significandScale = Double(sign: .plus, exponent: -m, significand: 1)
        bitwiseSpacing = emin - m >= -1022 && m <= 1000
    }

    /// Adds one element: input `x`, output `q`, group scale `s`.
    public mutating func add(input x: Double, output q: Double, scale s: Double) {
        guard x.isFinite else { nonFiniteInputs += 1; return }
        count += 1
        sumSquaredInput += x * x
        if !q.isFinite {
            nonFiniteOutputs += 1
            if q.isNaN { nanOutputs += 1 } else { infiniteOutputs += 1 }
            return
        }
        let e = q - x
        let ae = abs(e)
        sumSquaredError += e * e
        sumAbsoluteError += ae
        sumError += e
        if ae > maxAbsoluteError { maxAbsoluteError = ae }
        if x != 0 {
            nonzeroInputs += 1
            let r = ae / abs(x)
            sumRelativeError += r
            if r > maxRelativeError { maxRelativeError = r }
            if q == 0 { flushedCount += 1 }
        }
        if s.isFinite && s > 0 {
            if abs(x) > abs(q) && abs(q) == elementMax * s { saturatedCount += 1 }
            let ulp = gridSpacing(at: abs(x) / s) * s
            if ulp > 0 && ulp.isFinite {
                let u = e / ulp
                if u < -2 { ulpBelow += 1 } else if u >= 2 { ulpAbove += 1 } else { ulpHistogram[min(31, Int(((u + 2) * 8).rounded(.down)))] += 1 }
            }
        }
    }

    /// Adds `count` elements: inputs `x[k]`, outputs `q[k]`, group scales `s[k]`, in order; `y[k]`
    /// must be `Double(x[k]) / s[k]` wherever `s[k]` is finite and positive (the quotient the
    /// element was encoded from).
    ///
    /// Exactly `add(input: Double(x[k]), output: q[k], scale: s[k])` for `k = 0 ..< count`: every
    /// floating-point sum takes the same terms in the same order (a skipped term becomes `+ 0`,
    /// which leaves a non-negative sum unchanged; `sumError` still skips), with the accumulators
    /// held in registers and the per-element decisions made without branches.
    mutating func add(inputs x: UnsafePointer<Float>, outputs q: UnsafePointer<Double>, scales s: UnsafePointer<Double>,
                      quotients y: UnsafePointer<Double>, count n: Int) {
        var count = self.count, nonFiniteInputs = self.nonFiniteInputs, nonFiniteOutputs = self.nonFiniteOutputs
        var nanOutputs = self.nanOutputs, infiniteOutputs = self.infiniteOutputs
        var sumSquaredError = self.sumSquaredError, sumSquaredInput = self.sumSquaredInput
        var sumAbsoluteError = self.sumAbsoluteError, maxAbsoluteError = self.maxAbsoluteError
        var sumRelativeError = self.sumRelativeError, maxRelativeError = self.maxRelativeError
        var nonzeroInputs = self.nonzeroInputs, sumError = self.sumError
        var flushedCount = self.flushedCount, saturatedCount = self.saturatedCount
        var ulpBelow = self.ulpBelow, ulpAbove = self.ulpAbove
        let elementMax = self.elementMax
        var bins = ulpHistogram
        ulpHistogram = []
        bins.withUnsafeMutableBufferPointer { histogram in
            var k = 0
            while k < n {
                defer { k &+= 1 }
                let x = Double(x[k]), q = q[k], s = s[k]
                if !x.isFinite || !q.isFinite {
                    guard x.isFinite else { nonFiniteInputs &+= 1; continue }
                    count &+= 1
                    sumSquaredInput += x * x
                    nonFiniteOutputs &+= 1
                    if q.isNaN { nanOutputs &+= 1 } else { infiniteOutputs &+= 1 }
                    continue
                }
                count &+= 1
                sumSquaredInput += x * x
                let e = q - x
                let ae = abs(e)
                sumSquaredError += e * e
                sumAbsoluteError += ae
                sumError += e
                maxAbsoluteError = ae > maxAbsoluteError ? ae : maxAbsoluteError
                let ax = abs(x), aq = abs(q)
                let nonzero = x != 0
                let r = ae / ax  // NaN or +∞ for x = 0: never used then
                nonzeroInputs &+= nonzero ? 1 : 0
                sumRelativeError += nonzero ? r : 0
                maxRelativeError = nonzero && r > maxRelativeError ? r : maxRelativeError
                flushedCount &+= nonzero && q == 0 ? 1 : 0
                if s.isFinite && s > 0 {
                    saturatedCount &+= ax > aq && aq == elementMax * s ? 1 : 0
                    let ulp = gridSpacingWithoutBranches(at: abs(y[k])) * s
                    if ulp > 0 && ulp.isFinite {
                        let u = e / ulp
                        // (u + 2) · 8 ≥ 0 here, so truncation is the floor (no call to floor()).
                        if u < -2 { ulpBelow &+= 1 } else if u >= 2 { ulpAbove &+= 1 } else { histogram[min(31, Int((u + 2) * 8))] &+= 1 }
                    }
                }
            }
        }
        ulpHistogram = bins
        self.count = count; self.nonFiniteInputs = nonFiniteInputs; self.nonFiniteOutputs = nonFiniteOutputs
        self.nanOutputs = nanOutputs; self.infiniteOutputs = infiniteOutputs
        self.sumSquaredError = sumSquaredError; self.sumSquaredInput = sumSquaredInput
        self.sumAbsoluteError = sumAbsoluteError; self.maxAbsoluteError = maxAbsoluteError
        self.sumRelativeError = sumRelativeError; self.maxRelativeError = maxRelativeError
        self.nonzeroInputs = nonzeroInputs; self.sumError = sumError
        self.flushedCount = flushedCount; self.saturatedCount = saturatedCount
        self.ulpBelow = ulpBelow; self.ulpAbove = ulpAbove
    }

    /// ``gridSpacing(at:)`` as selects rather than branches (the same value).
    @inline(__always)
    func gridSpacingWithoutBranches(at y: Double) -> Double {
        guard bitwiseSpacing else { return gridSpacing(at: y) }
        let normal = Double(bitPattern: y.bitPattern & 0x7FF0_0000_0000_0000) * significandScale
        let small = y < leastNormal
        let least = flatGrid || y == 0 || (small && subnormalsOn)
        return least ? leastSpacing : small ? leastNormal : normal
    }

    /// The spacing of the element grid at magnitude `y` (the unbounded grid of `docs/semantics.md` §4).
    @inline(__always)
    func gridSpacing(at y: Double) -> Double {
        if flatGrid || (y < leastNormal && subnormalsOn) || y == 0 {
            return leastSpacing
        }
        if y < leastNormal { return leastNormal }
        if bitwiseSpacing {
            // y ≥ 2^emin ≥ 2^−1022 (or +∞): clearing the significand gives 2^exponent(y) exactly.
            return Double(bitPattern: y.bitPattern & 0x7FF0_0000_0000_0000) * significandScale
        }
        return Double(sign: .plus, exponent: Int(y.exponent) - significandBits, significand: 1)
    }

    /// Merges the statistics of another part of the same data.
    public mutating func merge(_ o: ErrorMetrics) {
        count += o.count; nonFiniteInputs += o.nonFiniteInputs; nonFiniteOutputs += o.nonFiniteOutputs
        nanOutputs += o.nanOutputs; infiniteOutputs += o.infiniteOutputs
        sumSquaredError += o.sumSquaredError; sumSquaredInput += o.sumSquaredInput
        sumAbsoluteError += o.sumAbsoluteError; maxAbsoluteError = max(maxAbsoluteError, o.maxAbsoluteError)
        sumRelativeError += o.sumRelativeError; maxRelativeError = max(maxRelativeError, o.maxRelativeError)
        nonzeroInputs += o.nonzeroInputs; sumError += o.sumError
        flushedCount += o.flushedCount; saturatedCount += o.saturatedCount
        for i in ulpHistogram.indices { ulpHistogram[i] += o.ulpHistogram[i] }
        ulpBelow += o.ulpBelow; ulpAbove += o.ulpAbove
    }

    /// `Σ e_i² / n`: +∞ when any finite input has a NaN or ±∞ output, 0 when ``count`` is 0.
    public var mse: Double { nonFiniteOutputs > 0 ? .infinity : count == 0 ? 0 : sumSquaredError / Double(count) }
    /// ``mse`` divided by the mean squared input `Σ x_i² / n`; when every input is zero, 0 if
    /// ``mse`` is 0 and +∞ otherwise.
    public var relativeMSE: Double { sumSquaredInput == 0 ? (mse == 0 ? 0 : .infinity) : mse / (sumSquaredInput / Double(count)) }
    /// The signal-to-quantization-noise ratio `10·log10(Σ x_i² / Σ e_i²)`, in decibels: −∞ when any
    /// output is NaN or ±∞, +∞ when `Σ e_i²` is 0 (so also with no inputs), −∞ when every input is
    /// zero and some error is not.
    public var sqnrDB: Double {
        if nonFiniteOutputs > 0 { return -.infinity }
        if sumSquaredError == 0 { return .infinity }
        return 10 * log10(sumSquaredInput / sumSquaredError)
    }
    /// ``sumAbsoluteError`` divided by the number of finite inputs with a finite output
    /// (``count`` − ``nonFiniteOutputs``); 0 when there are none.
    public var meanAbsoluteError: Double { count == 0 ? 0 : sumAbsoluteError / Double(count - nonFiniteOutputs > 0 ? count - nonFiniteOutputs : 1) }
    /// ``sumRelativeError`` / ``nonzeroInputs``: the mean of `|e_i| / |x_i|` over nonzero inputs; 0
    /// when there are none.
    public var meanRelativeError: Double { nonzeroInputs == 0 ? 0 : sumRelativeError / Double(nonzeroInputs) }
    /// The mean signed error ``sumError`` / (``count`` − ``nonFiniteOutputs``), over the finite
    /// inputs with a finite output; 0 when there are none. Positive when outputs exceed inputs.
    public var bias: Double { count - nonFiniteOutputs <= 0 ? 0 : sumError / Double(count - nonFiniteOutputs) }
    /// ``flushedCount`` / ``count``: the fraction, in [0, 1], of finite inputs that were nonzero and
    /// became ±0; 0 when ``count`` is 0.
    public var flushedToZero: Double { count == 0 ? 0 : Double(flushedCount) / Double(count) }
    /// ``saturatedCount`` / ``count``: the fraction, in [0, 1], of finite inputs clipped to the
    /// greatest finite element value times the scale; 0 when ``count`` is 0.
    public var saturated: Double { count == 0 ? 0 : Double(saturatedCount) / Double(count) }
    /// ``nanOutputs`` / ``count``: the fraction, in [0, 1], of finite inputs that became NaN; 0 when
    /// ``count`` is 0.
    public var nanFraction: Double { count == 0 ? 0 : Double(nanOutputs) / Double(count) }
    /// ``infiniteOutputs`` / ``count``: the fraction, in [0, 1], of finite inputs that became ±∞; 0
    /// when ``count`` is 0.
    public var infiniteFraction: Double { count == 0 ? 0 : Double(infiniteOutputs) / Double(count) }
}
