import ExMy
import ExMyAnalysis
import Foundation

/// What an accumulator loses: the relative error of a matrix unit's dot products against the exact
/// dot product of the same quantized inputs, as K grows.
///
/// Inputs are seeded normal values whose magnitude varies from block to block of 32 elements (each
/// block multiplied by `2^u`, `u` uniform in −6 … 6, as activations with outlier channels have), with
/// σ = 1 for formats whose greatest value is at least 16 and σ = max/8 below. Units without block
/// scales round them to nearest-even into A's and B's formats. Block-scaled units quantize them as
/// the analyzer does (``QuantizedVector``): OCP MX (E8M0 scale, shared exponent
/// ⌊log2 amax⌋ − emax) or NVFP4 (UE4M3 scale; its per-tensor FP32 factor is common to every product
/// and left out of both sides). C = 0. The exact value is the exact sum of the exact scaled products
/// (``ExactAccumulator``) rounded once to `Double`; the error is `|d − exact| / |exact|` (cases with
/// an exact zero are skipped).
package enum MatrixUnitStudy {
    /// One row: a unit at one length.
    package struct Row: Sendable, Hashable {
        package var unit: String
        package var k: Int
        package var meanRelativeError: Double
        package var maxRelativeError: Double
        package var trials: Int
    }

    /// The default units of the report's "what your accumulator loses" table: FP8 and FP4 inputs.
    package static let reportUnits = [
        "p3109-block-dot-e4m3", "exmy-dot-fp32-rne-e4m3", "ada-mma-e4m3-f32", "hopper-wgmma-e4m3-f32",
        "blackwell-tcgen05-e4m3-f32", "cdna3-mfma-fp8", "blackwell-tcgen05-mxf8-e4m3", "blackwell-tcgen05-mxf4", "blackwell-tcgen05-nvf4",
    ]

    /// Relative error against K for `unit`, `trials` dot products per length.
    package static func errorVersusK(_ unit: MatrixUnit, lengths: [Int], trials: Int, seed: UInt64) throws -> [Row] {
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
                let operands = try quantizedOperands(unit, count: kk, rng: &rng)
                let c = unit.accumulatorFormat.encodeZero(negative: false, overflow: .none).code
                let d = try kernel.multiply(
                    MatrixUnitOperands(m: 1, n: 1, k: kk, a: operands.a.codes, b: operands.b.codes, c: [c], scaleA: operands.a.scales, scaleB: operands.b.scales),
                    threads: 1)[0]
                var exact = ExactAccumulator()
                for i in 0..<kk { exact.addProduct(operands.a.scaled(i), operands.b.scaled(i)) }
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

    /// The length of the blocks whose magnitude varies in the study's data.
    static let magnitudeBlock = 32

    /// Seeded normal data with a magnitude `2^u`, `u` uniform in −6 … 6, per block of ``magnitudeBlock``.
    static func data(_ f: FloatFormat, count: Int, rng: inout SplitMix64) -> [Float] {
        let sigma = f.greatestFiniteMagnitude >= 16 ? 1.0 : f.greatestFiniteMagnitude / 8
        var values: [Float] = []
        values.reserveCapacity(count)
        var factor = 1.0
        for i in 0..<count {
            if i % magnitudeBlock == 0 { factor = Double(sign: .plus, exponent: Int(rng.next() % 13) - 6, significand: 1) }
            values.append(Float(sigma * factor * rng.normal()))
        }
        return values
    }

    /// One operand of the study: element codes, block-scale codes (nil without block scales) and the
    /// exact values they stand for.
    struct Operand {
        var codes: [UInt64]
        var scales: [UInt64]?
        var values: [Double]
        var blockScales: [Double]
        var blockSize: Int
        /// Element `i` times its block scale (exact: a scale is a power of two or a UE4M3 value, an
        /// element has at most a few significant bits).
        func scaled(_ i: Int) -> Double { blockScales.isEmpty ? values[i] : values[i] * blockScales[i / blockSize] }
    }

    static func quantizedOperands(_ unit: MatrixUnit, count: Int, rng: inout SplitMix64) throws -> (a: Operand, b: Operand) {
        let a = try operand(unit.aFormat, unit.blockScale, data(unit.aFormat, count: count, rng: &rng))
        let b = try operand(unit.bFormat, unit.blockScale, data(unit.bFormat, count: count, rng: &rng))
        return (a, b)
    }

    static func operand(_ f: FloatFormat, _ block: MatrixUnit.BlockScale?, _ data: [Float]) throws -> Operand {
        guard let block else {
            let codes = data.map { f.encode(Double($0), rounding: .toNearestOrEven, overflow: .saturateFinite).code }
            return Operand(codes: codes, scales: nil, values: codes.map { f.decode($0) }, blockScales: [], blockSize: 1)
        }
        let scheme: QuantizationScheme
        if block.format.exponentBitCount == 8 && block.format.significandBitCount == 0 {
            scheme = .mx("mx", f, block: block.blockSize)
        } else {
            scheme = QuantizationScheme(name: "nvfp4", element: f, granularity: .block(block.blockSize), scale: .ue4m3(.up, twoLevel: true))
        }
        let q: QuantizedVector
        do { q = try QuantizedVector(quantizing: data, as: .scheme(scheme)) } catch let e as AnalysisError { throw MatrixUnitError(e.description) }
        let codes = q.elements.map { f.encode($0).code }
        let scales = q.blockScales.map { block.format.encode($0).code }
        // The codes must stand for the quantized values exactly (a scale or element off the grid
        // would make the study measure the encoding, not the accumulator).
        for (i, c) in codes.enumerated() where f.decode(c) != q.elements[i] && !q.elements[i].isNaN {
            throw MatrixUnitError("element \(q.elements[i]) is not a value of \(f)")
        }
        for (j, c) in scales.enumerated() where block.format.decode(c) != q.blockScales[j] && !q.blockScales[j].isNaN {
            throw MatrixUnitError("block scale \(q.blockScales[j]) is not a value of \(block.format)")
        }
        return Operand(codes: codes, scales: scales, values: q.elements, blockScales: q.blockScales, blockSize: block.blockSize)
    }

    /// The table as Markdown (one row per unit, one column per K, mean relative error).
    package static func markdown(_ rows: [Row]) -> String {
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

    /// The table as a plot: mean relative error against K (both axes logarithmic), one line per
    /// unit. A unit whose error is 0 at a length has no point there (a logarithmic axis cannot show
    /// it); the Markdown table shows those zeros.
    package static func plot(_ rows: [Row]) -> SVGPlot {
        var plot = SVGPlot(title: "What your accumulator loses: mean relative error vs K",
                           xAxis: .init(label: "K (dot-product length)", scale: .log2),
                           yAxis: .init(label: "mean |d − exact| / |exact|", scale: .log10))
        var units: [String] = []
        for r in rows where !units.contains(r.unit) { units.append(r.unit) }
        for u in units {
            let points = rows.filter { $0.unit == u }.sorted { $0.k < $1.k }.map { (x: Double($0.k), y: $0.meanRelativeError) }
            plot.series.append(.init(u, points: points))
        }
        return plot
    }

    /// The table as CSV: unit, k, mean and max relative error, trials.
    package static func csv(_ rows: [Row]) -> String {
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
