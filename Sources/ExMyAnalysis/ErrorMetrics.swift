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
    public private(set) var count = 0
    public private(set) var nonFiniteInputs = 0
    public private(set) var nonFiniteOutputs = 0
    public private(set) var nanOutputs = 0
    public private(set) var infiniteOutputs = 0
    public private(set) var sumSquaredError = 0.0
    public private(set) var sumSquaredInput = 0.0
    public private(set) var sumAbsoluteError = 0.0
    public private(set) var maxAbsoluteError = 0.0
    public private(set) var sumRelativeError = 0.0
    public private(set) var maxRelativeError = 0.0
    public private(set) var nonzeroInputs = 0
    public private(set) var sumError = 0.0
    public private(set) var flushedCount = 0
    public private(set) var saturatedCount = 0
    /// Bins of 1/8 ulp over [−2, 2): index 0 is [−2, −1.875); plus `below` and `above`.
    public private(set) var ulpHistogram = [Int](repeating: 0, count: 32)
    public private(set) var ulpBelow = 0
    public private(set) var ulpAbove = 0

    let elementMax: Double
    let element: FloatFormat

    public init(element: FloatFormat) {
        self.element = element
        elementMax = element.greatestFiniteMagnitude
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

    /// The spacing of the element grid at magnitude `y` (the unbounded grid of `docs/semantics.md` §4).
    func gridSpacing(at y: Double) -> Double {
        let emin = element.leastNormalExponent, m = element.significandBitCount
        if element.isFixedPoint || (y < element.leastNormalMagnitude && element.hasSubnormals) || y == 0 {
            return Double(sign: .plus, exponent: emin - m, significand: 1)
        }
        if y < element.leastNormalMagnitude { return element.leastNormalMagnitude }
        return Double(sign: .plus, exponent: Int(y.exponent) - m, significand: 1)
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

    public var mse: Double { nonFiniteOutputs > 0 ? .infinity : count == 0 ? 0 : sumSquaredError / Double(count) }
    public var relativeMSE: Double { sumSquaredInput == 0 ? (mse == 0 ? 0 : .infinity) : mse / (sumSquaredInput / Double(count)) }
    public var sqnrDB: Double {
        if nonFiniteOutputs > 0 { return -.infinity }
        if sumSquaredError == 0 { return .infinity }
        return 10 * log10(sumSquaredInput / sumSquaredError)
    }
    public var meanAbsoluteError: Double { count == 0 ? 0 : sumAbsoluteError / Double(count - nonFiniteOutputs > 0 ? count - nonFiniteOutputs : 1) }
    public var meanRelativeError: Double { nonzeroInputs == 0 ? 0 : sumRelativeError / Double(nonzeroInputs) }
    public var bias: Double { count - nonFiniteOutputs <= 0 ? 0 : sumError / Double(count - nonFiniteOutputs) }
    public var flushedToZero: Double { count == 0 ? 0 : Double(flushedCount) / Double(count) }
    public var saturated: Double { count == 0 ? 0 : Double(saturatedCount) / Double(count) }
    public var nanFraction: Double { count == 0 ? 0 : Double(nanOutputs) / Double(count) }
    public var infiniteFraction: Double { count == 0 ? 0 : Double(infiniteOutputs) / Double(count) }
}
