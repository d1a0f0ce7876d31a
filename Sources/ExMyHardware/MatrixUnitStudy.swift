import ExMy
import ExMyAnalysis
import Foundation

/// What an accumulator loses: the relative error of a matrix unit's dot products against the exact
/// dot product of the same quantized inputs, as K grows.
///
/// Inputs are seeded normal values scaled to the element format (σ = 1 for formats whose greatest
/// value is at least 16, σ = max/8 below), rounded to nearest-even into A's and B's formats; block
/// scales are 1 (E8M0 code 127, UE4M3 code 0x38). C = 0. The exact value is the exact sum of the
/// exact products (``ExactAccumulator``) rounded once to `Double`; the error is `|d − exact| / |exact|`
/// (cases with an exact zero are skipped).
public enum MatrixUnitStudy {
    /// One row: a unit at one length.
    public struct Row: Sendable, Hashable {
        public var unit: String
        public var k: Int
        public var meanRelativeError: Double
        public var maxRelativeError: Double
        public var trials: Int
    }

    /// The default units of the report's "what your accumulator loses" table: FP8 and FP4 inputs.
    public static let reportUnits = [
        "p3109-block-dot-e4m3", "exmy-dot-fp32-rne-e4m3", "ada-mma-e4m3-f32", "hopper-wgmma-e4m3-f32",
        "blackwell-tcgen05-e4m3-f32", "cdna3-mfma-fp8", "blackwell-tcgen05-mxf8-e4m3", "blackwell-tcgen05-mxf4", "blackwell-tcgen05-nvf4",
    ]

    /// Relative error against K for `unit`, `trials` dot products per length.
    public static func errorVersusK(_ unit: MatrixUnit, lengths: [Int], trials: Int, seed: UInt64) throws -> [Row] {
        let kernel = try MatrixUnitKernel(unit)
        var rows: [Row] = []
        for k in lengths {
            var block = 1
            if let s = unit.blockScale { block = s.blockSize }
            if case .fusedGroup(let g) = unit.pipeline { block = max(block, g.groupSize) }
            let kk = (k + block - 1) / block * block
            var rng = SplitMix64(seed: seed ^ UInt64(kk) &* SplitMix64.increment)
            var sum = 0.0, worst = 0.0, counted = 0
            for _ in 0..<trials {
                let a = quantized(unit.aFormat, count: kk, rng: &rng)
                let b = quantized(unit.bFormat, count: kk, rng: &rng)
                var scaleA: [UInt64]?, scaleB: [UInt64]?
                if let s = unit.blockScale {
                    let one = s.format.encode(1.0).code
                    scaleA = [UInt64](repeating: one, count: kk / s.blockSize)
                    scaleB = scaleA
                }
                let c = unit.accumulatorFormat.encodeZero(negative: false, overflow: .none).code
                let d = try kernel.multiply(MatrixUnitOperands(m: 1, n: 1, k: kk, a: a, b: b, c: [c], scaleA: scaleA, scaleB: scaleB), threads: 1)[0]
                var exact = ExactAccumulator()
                for i in 0..<kk { exact.addProduct(unit.aFormat.decode(a[i]), unit.bFormat.decode(b[i])) }
                let e = exact.doubleValue
                guard e != 0, e.isFinite else { continue }
                let rel = abs(unit.accumulatorFormat.decode(d) - e) / abs(e)
                sum += rel
                worst = max(worst, rel)
                counted += 1
            }
            rows.append(Row(unit: unit.name, k: kk, meanRelativeError: counted > 0 ? sum / Double(counted) : .nan, maxRelativeError: worst, trials: counted))
        }
        return rows
    }

    static func quantized(_ f: FloatFormat, count: Int, rng: inout SplitMix64) -> [UInt64] {
        let sigma = f.greatestFiniteMagnitude >= 16 ? 1.0 : f.greatestFiniteMagnitude / 8
        return (0..<count).map { _ in f.encode(sigma * rng.normal(), rounding: .toNearestOrEven, overflow: .saturateFinite).code }
    }

    /// The table as Markdown (one row per unit, one column per K, mean relative error).
    public static func markdown(_ rows: [Row]) -> String {
        let ks = Array(Set(rows.map(\.k))).sorted()
        var units: [String] = []
        for r in rows where !units.contains(r.unit) { units.append(r.unit) }
        var md = "| unit | " + ks.map { "K = \($0)" }.joined(separator: " | ") + " |\n"
        md += "|---|" + ks.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for u in units {
            md += "| \(u) | " + ks.map { k in
                rows.first { $0.unit == u && $0.k == k }.map { formatted($0.meanRelativeError) } ?? ""
            }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// The table as CSV: unit, k, mean and max relative error, trials.
    public static func csv(_ rows: [Row]) -> String {
        var text = "unit,k,mean_relative_error,max_relative_error,trials\r\n"
        for r in rows { text += "\(r.unit),\(r.k),\(r.meanRelativeError),\(r.maxRelativeError),\(r.trials)\r\n" }
        return text
    }

    static func formatted(_ x: Double) -> String {
        if x == 0 { return "0" }
        if !x.isFinite { return "n/a" }
        return String(format: "%.2e", x)
    }
}

extension SplitMix64 {
    /// A standard normal deviate (Box–Muller) from ExMy's sequential generator, for reproducible
    /// studies.
    mutating func normal() -> Double {
        let u1 = (Double(next() >> 11) + 0.5) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
