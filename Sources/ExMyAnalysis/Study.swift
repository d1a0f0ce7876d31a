import Capybara
import ExMy
import Foundation
import TensorIO

/// Where the analyzer's tensors come from.
package enum DataSource: Sendable, CustomStringConvertible {
    /// `count` values of a seeded synthetic distribution, shaped `[count / 256, 256]` when possible.
    case synthetic(Distribution, count: Int, seed: UInt64)
    /// A `.npy` file (float32, float64, float16).
    case npy(path: String)
    /// The tensors of a `.safetensors` file whose names match `pattern` (exact name or glob; all
    /// when `nil`), read one at a time.
    case safetensors(path: String, pattern: String?)

    package var description: String {
        switch self {
        case .synthetic(let d, let n, let seed): return "\(d) ×\(n) seed \(seed)"
        case .npy(let p): return p
        case .safetensors(let p, let pattern): return pattern.map { "\(p) [\($0)]" } ?? p
        }
    }

    /// The largest synthetic tensor accepted (2^31 elements).
    package static let maximumSyntheticCount = 1 << 31

    /// Visits every tensor of the source, one at a time (a safetensors checkpoint is never loaded
    /// whole: each tensor is read, visited and released).
    ///
    /// `beforeReading(what, shape)` is called before each tensor is read or generated, with a
    /// description of it and its shape: it may throw to refuse a tensor too large for memory.
    package func forEachTensor(beforeReading: ((String, [Int]) throws -> Void)? = nil, _ body: (Tensor) throws -> Void) throws {
        let floatTypes: [TensorDType] = [.float32, .float64, .float16, .bfloat16]
        switch self {
        case .synthetic(let d, let n, let seed):
            guard n >= 1, n <= Self.maximumSyntheticCount else {
                throw AnalysisError("synthetic size \(n) is out of range 1 … \(Self.maximumSyntheticCount)")
            }
            let shape = n % 256 == 0 && n >= 256 ? [n / 256, 256] : [n]
            try beforeReading?("\(n) synthetic values", shape)
            try body(Tensor(name: d.description, values: d.sample(count: n, seed: seed), shape: shape))
        case .npy(let path):
            let file = try NpyFile(path: path)
            guard floatTypes.contains(file.dtype) else {
                throw AnalysisError("\(path): dtype \(file.dtype) is not a floating-point type (float32, float64, float16, bfloat16)")
            }
            try beforeReading?("\(path): the array of shape \(file.shape)", file.shape)
            try body(Tensor(name: (path as NSString).lastPathComponent, values: try file.readFloats(), shape: file.shape))
        case .safetensors(let path, let pattern):
            let file = try SafetensorsFile(path: path, skippingUnsupportedDTypes: true)
            let selected = pattern.map { file.tensors(matching: $0) } ?? file.tensors
            let floats = selected.filter { floatTypes.contains($0.dtype) }
            guard !floats.isEmpty else {
                let what = pattern.map { "no floating-point tensor matches '\($0)'" } ?? "no floating-point tensor"
                throw AnalysisError("\(path): \(what) (\(file.inventory()))")
            }
            for info in floats {
                try beforeReading?("\(path): tensor '\(info.name)' of shape \(info.shape)", info.shape)
                try body(Tensor(name: info.name, values: try file.readFloats(info.name), shape: info.shape))
            }
        }
    }
}

/// One measured (format, scheme) cell of a study.
package struct StudyRow: Sendable {
    package var dataset: String
    package var scheme: QuantizationScheme
    package var metrics: ErrorMetrics
    package var counts: GroupCounts
    package var elapsedSeconds: Double

    /// The element format.
    package var format: FloatFormat { scheme.element }
}

/// Runs many (scheme) quantizations over a data source, in parallel over schemes and chunks.
package enum Study {
    /// Quantizes every tensor of `source` under every scheme; one row per scheme with the metrics
    /// merged over all tensors (and, with `perTensor`, one more row per tensor and scheme).
    ///
    /// `threads` (default: every active processor) are spread over the schemes, and over chunks of
    /// a tensor when there are fewer schemes than threads; the results do not depend on it. Pass 1
    /// (the group maxima) runs once per tensor and granularity, shared by the schemes that use it.
    package static func run(_ schemes: [QuantizationScheme], on source: DataSource, perTensor: Bool = false,
                           seed: UInt64 = 0, threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [StudyRow] {
        if let threads, threads < 1 { throw AnalysisError("threads must be at least 1, not \(threads)") }
        var total = schemes.map { StudyRow(dataset: source.description, scheme: $0, metrics: ErrorMetrics(element: $0.element), counts: GroupCounts(), elapsedSeconds: 0) }
        var extra: [StudyRow] = []
        var done = 0
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        // Each tensor is refused before it is read when its analysis would not fit in memory.
        let check: (String, [Int]) throws -> Void = { what, shape in
            let bytes = try AnalysisMemory.studyBytes(shape: shape, schemes: schemes, threads: threadCount)
            try AnalysisMemory.check(bytes, for: what, advice: "analyse a smaller tensor, or fewer schemes of different granularities")
        }
        try source.forEachTensor(beforeReading: check) { tensor in
            let rows = try runParallel(schemes, tensor: tensor, seed: seed, threads: threadCount) {
                done += 1; progress?(done, schemes.count)
            }
            for (i, r) in rows.enumerated() {
                total[i].metrics.merge(r.metrics)
                total[i].counts.groups += r.counts.groups
                total[i].counts.zeroGroups += r.counts.zeroGroups
                total[i].counts.nonFiniteGroups += r.counts.nonFiniteGroups
                total[i].counts.underflowedScales += r.counts.underflowedScales
                total[i].elapsedSeconds += r.elapsedSeconds
            }
            if perTensor { extra += rows }
        }
        return total + extra
    }

    /// Quantizes one tensor under each scheme: `min(threads, schemes)` workers take schemes in turn,
    /// each spreading its tensor's chunks over `threads / workers` threads.
    static func runParallel(_ schemes: [QuantizationScheme], tensor: Tensor, seed: UInt64, threads: Int, tick: () -> Void) throws -> [StudyRow] {
        final class Box: @unchecked Sendable {
            var rows: [StudyRow?]
            var error: Error?
            var claimed = 0
            let lock = NSLock()
            init(_ n: Int) { rows = Array(repeating: nil, count: n) }
        }
        // Pass 1, once per granularity.
        var maximaByGranularity: [Granularity: GroupMaxima] = [:]
        for s in schemes where maximaByGranularity[s.granularity] == nil {
            maximaByGranularity[s.granularity] = try GroupMaxima(tensor, s.granularity)
        }
        let maxima = schemes.map { maximaByGranularity[$0.granularity]! }
        let box = Box(schemes.count)
        let workers = max(1, min(threads, schemes.count))
        let threadsPerScheme = max(1, threads / workers)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                box.lock.lock()
                let i = box.claimed
                box.claimed += 1
                let stop = box.error != nil
                box.lock.unlock()
                guard i < schemes.count, !stop else { return }
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    let r = try Quantizer.quantize(tensor, schemes[i], maxima: maxima[i], seed: seed, keepOutput: false, threads: threadsPerScheme)
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    box.lock.lock()
                    box.rows[i] = StudyRow(dataset: tensor.name, scheme: schemes[i], metrics: r.metrics, counts: r.counts, elapsedSeconds: seconds)
                    box.lock.unlock()
                } catch {
                    box.lock.lock(); if box.error == nil { box.error = error }; box.lock.unlock()
                }
            }
        }
        if let e = box.error { throw e }
        for _ in schemes { tick() }
        return box.rows.map { $0! }
    }
}

/// The Capybara law's view of a format, beside what the measured error says.
package struct CapybaraAssessment: Sendable {
    /// The paper's information-loss term `log2(B) / (γ (E+0.5)^δ (M+0.5)^ν)` from the format's (E, M).
    package var paperTerm: Double
    /// The significand width the measured error corresponds to at the format's E, on the fitted
    /// error law of the paper's grid (`nil` when the format has no finite error).
    package var effectiveSignificandBits: Double?
    /// The paper's term at (E, effective M): the term quoted for this format.
    package var effectiveTerm: Double?
}

/// The paper's grid of formats and an error law fitted to their measured error.
package struct ErrorLawFit: Sendable {
    /// The fit `log(relMSE) = −log γ′ − δ log(E+0.5) − ν log(M+0.5)` over the grid.
    package var fit: DeltaNuFit
    /// The grid's measured rows.
    package var rows: [StudyRow]

    /// The paper's formats: E0M7, E1M1 … E1M6, E2M1, E2M3, E3M1, E3M2, E4M1, E4M3, E4M5, E5M1, E5M2,
    /// E6M1 — IEEE-style, with subnormals, all codes finite (specials `none`), IEEE bias.
    package static let paperGrid: [(Int, Int)] = [(0, 7), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 1), (2, 3),
                                                  (3, 1), (3, 2), (4, 1), (4, 3), (4, 5), (5, 1), (5, 2), (6, 1)]

    /// The paper-style layout `E{e}M{m}` (specials none, IEEE bias, subnormals on).
    package static func paperFormat(_ e: Int, _ m: Int) throws -> FloatFormat {
        try FloatFormat(exponentBitCount: e, significandBitCount: m, specials: .none, name: nil)
    }

    /// Measures the grid on `source` with FP32 absmax scaling over blocks of `block` and fits the law.
    package static func measure(on source: DataSource, block: Int, rounding: RoundingRule = .toNearestOrEven) throws -> ErrorLawFit {
        let schemes = try paperGrid.map { e, m -> QuantizationScheme in
            var s = QuantizationScheme.absmax(try paperFormat(e, m), block: block)
            s.rounding = rounding
            return s
        }
        let rows = try Study.run(schemes, on: source)
        let samples = rows.map { (E: Double($0.format.exponentBitCount), M: Double($0.format.significandBitCount), value: $0.metrics.relativeMSE) }
        do {
            return ErrorLawFit(fit: try fitDeltaNu(samples: samples), rows: rows)
        } catch {
            throw AnalysisError("fitting δ and ν failed: \(error)")
        }
    }

    /// The assessment of a format with measured relative MSE `relativeMSE` scaled over `block`.
    package func assess(_ format: FloatFormat, relativeMSE: Double, block: BlockSize, law: CapybaraLaw = CapybaraLaw()) -> CapybaraAssessment {
        let e = Double(format.exponentBitCount), m = Double(format.significandBitCount)
        let paper = (try? law.informationLoss(E: e, M: m, B: block)) ?? .nan
        guard relativeMSE > 0, relativeMSE.isFinite else {
            return CapybaraAssessment(paperTerm: paper, effectiveSignificandBits: nil, effectiveTerm: nil)
        }
        // log r = log c − δ log(E+0.5) − ν log(M+0.5)  ⇒  M = exp((log c − δ log(E+0.5) − log r)/ν) − 0.5
        let logM = (-fit.logGamma - fit.delta * log(e + 0.5) - log(relativeMSE)) / fit.nu
        let mEff = exp(logM) - 0.5
        let term = mEff > -0.5 ? try? law.informationLoss(E: e, M: mEff, B: block) : nil
        return CapybaraAssessment(paperTerm: paper, effectiveSignificandBits: mEff, effectiveTerm: term)
    }
}
