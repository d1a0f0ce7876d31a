import Foundation

/// One (configuration, length) cell of an accumulation study.
///
/// With `d` the exact dot product of the quantized inputs, `ď` the emulated one and
/// `S = Σ |a_i b_i|` (all of the quantized inputs, tensor-wide scales left out), each trial gives
/// the relative error `|ď − d| / |d|` and the normalized error `|ď − d| / S`; both are computed from
/// the exact difference, rounded to `Double` once. Means and maxima are over the trials (the
/// relative error over those with `d ≠ 0`). A trial whose `ď` is NaN or ±∞ makes both means and
/// maxima +∞.
package struct AccumulationRow: Sendable {
    /// The configuration measured.
    package var configuration: DotConfiguration
    /// The vector length `K`.
    package var length: Int
    /// The number of vector pairs.
    package var trials: Int
    /// Mean of `|ď − d| / |d|` over trials with `d ≠ 0`.
    package var meanRelativeError: Double
    /// Maximum of `|ď − d| / |d|` over trials with `d ≠ 0`.
    package var maxRelativeError: Double
    /// Mean of `|ď − d| / Σ|a_i b_i|`.
    package var meanNormalizedError: Double
    /// Maximum of `|ď − d| / Σ|a_i b_i|`.
    package var maxNormalizedError: Double
    /// Trials whose emulated result was NaN or ±∞.
    package var nonFinite: Int
    /// Trials whose exact dot product was 0 (left out of the relative error).
    package var zeroReference: Int
    /// Terms that were not exact in `Double` (see ``DotEvaluation/inexactTerms``), over all trials.
    package var inexactTerms: Int
}

/// The error of emulated dot products against the exact result as the length grows.
package enum AccumulationStudy {
    /// The largest vector length accepted (2^24).
    package static let maximumLength = 1 << 24
    /// The largest `length × trials` accepted per length (2^28 element products).
    package static let maximumWork = 1 << 28

    /// Runs every configuration on `trials` vector pairs of each length (fewer when real data holds
    /// fewer; lengths with none are skipped and returned in `skipped`). Trials run in parallel.
    package static func run(
        _ configurations: [DotConfiguration], lengths: [Int], trials: Int, source: DotVectorSource, seed: UInt64 = 0,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> (rows: [AccumulationRow], skipped: [Int]) {
        guard !configurations.isEmpty else { throw AnalysisError("no dot-product configuration to run") }
        guard !lengths.isEmpty else { throw AnalysisError("no vector length given") }
        guard trials >= 1 else { throw AnalysisError("the number of trials must be at least 1, not \(trials)") }
        for k in lengths {
            guard k >= 1, k <= maximumLength else { throw AnalysisError("vector length \(k) is out of range 1 … \(maximumLength)") }
            guard k.multipliedReportingOverflow(by: trials).partialValue <= maximumWork, trials <= maximumWork else {
                throw AnalysisError("length \(k) × \(trials) trials exceeds \(maximumWork) products per length: use fewer trials")
            }
        }
        for c in configurations { try c.validate() }
        try source.validate()
        var rows: [AccumulationRow] = []
        var skipped: [Int] = []
        for (index, k) in lengths.enumerated() {
            let n = min(trials, source.availablePairs(length: k))
            guard n >= 1 else { skipped.append(k); continue }
            rows += try runLength(configurations, length: k, trials: n, source: source, seed: seed)
            progress?(index + 1, lengths.count)
        }
        guard !rows.isEmpty else {
            throw AnalysisError("the data holds no vector pair of any requested length (longest: \(source.maximumLength ?? 0))")
        }
        return (rows, skipped)
    }

    struct Tally {
        var sumRelative = 0.0, maxRelative = 0.0, relativeCount = 0
        var sumNormalized = 0.0, maxNormalized = 0.0, normalizedCount = 0
        var nonFinite = 0, zeroReference = 0, inexactTerms = 0

        mutating func merge(_ o: Tally) {
            sumRelative += o.sumRelative; maxRelative = max(maxRelative, o.maxRelative); relativeCount += o.relativeCount
            sumNormalized += o.sumNormalized; maxNormalized = max(maxNormalized, o.maxNormalized); normalizedCount += o.normalizedCount
            nonFinite += o.nonFinite; zeroReference += o.zeroReference; inexactTerms += o.inexactTerms
        }
    }

    /// One trial of every configuration.
    static func trial(_ configurations: [DotConfiguration], length k: Int, trial t: Int, source: DotVectorSource,
                      seed: UInt64, into tallies: inout [Tally]) throws {
        let (rawA, rawB) = source.pair(length: k, trial: t)
        var cacheA: [DotInput: QuantizedVector] = [:], cacheB: [DotInput: QuantizedVector] = [:]
        struct ReferenceKey: Hashable { var a: DotInput; var b: DotInput }
        var references: [ReferenceKey: (dot: ExactAccumulator, absoluteSum: ExactAccumulator)] = [:]
        for (ci, c) in configurations.enumerated() {
            let qa = try cacheA[c.inputA] ?? QuantizedVector(quantizing: rawA, as: c.inputA, seed: DotVectorSource.derivedSeed(seed, UInt64(k), UInt64(t), 2))
            let qb = try cacheB[c.inputB] ?? QuantizedVector(quantizing: rawB, as: c.inputB, seed: DotVectorSource.derivedSeed(seed, UInt64(k), UInt64(t), 3))
            cacheA[c.inputA] = qa
            cacheB[c.inputB] = qb
            let key = ReferenceKey(a: c.inputA, b: c.inputB)
            let reference = try references[key] ?? DotProduct.exact(qa, qb)
            references[key] = reference
            var random = SeededGenerator(seed: DotVectorSource.derivedSeed(seed, UInt64(k), UInt64(t), 100 + UInt64(ci)))
            let result = try DotProduct.evaluate(qa, qb, c, random: &random)
            tallies[ci].inexactTerms += result.inexactTerms
            guard reference.dot.isFinite else { tallies[ci].nonFinite += 1; continue }  // NaN in the data
            guard result.value.isFinite else { tallies[ci].nonFinite += 1; continue }
            var difference = result.value
            difference.subtract(reference.dot)
            let error = abs(difference.doubleValue)
            let s = reference.absoluteSum.doubleValue
            let normalized = s == 0 ? (error == 0 ? 0 : Double.infinity) : error / s
            tallies[ci].sumNormalized += normalized
            tallies[ci].maxNormalized = max(tallies[ci].maxNormalized, normalized)
            tallies[ci].normalizedCount += 1
            if reference.dot.isZero {
                tallies[ci].zeroReference += 1
            } else {
                let relative = error / abs(reference.dot.doubleValue)
                tallies[ci].sumRelative += relative
                tallies[ci].maxRelative = max(tallies[ci].maxRelative, relative)
                tallies[ci].relativeCount += 1
            }
        }
    }

    static func runLength(_ configurations: [DotConfiguration], length k: Int, trials: Int, source: DotVectorSource,
                          seed: UInt64) throws -> [AccumulationRow] {
        final class Box: @unchecked Sendable {
            var tallies: [Tally]
            var error: Error?
            var next = 0
            let lock = NSLock()
            init(_ n: Int) { tallies = Array(repeating: Tally(), count: n) }
        }
        let box = Box(configurations.count)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, trials)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var local = [Tally](repeating: Tally(), count: configurations.count)
            while true {
                box.lock.lock()
                let t = box.next
                box.next += 1
                let failed = box.error != nil
                box.lock.unlock()
                guard t < trials, !failed else { break }
                do {
                    try trial(configurations, length: k, trial: t, source: source, seed: seed, into: &local)
                } catch {
                    box.lock.lock(); box.error = error; box.lock.unlock()
                    break
                }
            }
            box.lock.lock()
            for i in local.indices { box.tallies[i].merge(local[i]) }
            box.lock.unlock()
        }
        if let e = box.error { throw e }
        return configurations.indices.map { i in
            let t = box.tallies[i]
            let broken = t.nonFinite > 0
            func mean(_ sum: Double, _ n: Int) -> Double { broken ? .infinity : n == 0 ? .nan : sum / Double(n) }
            return AccumulationRow(
                configuration: configurations[i], length: k, trials: trials,
                meanRelativeError: mean(t.sumRelative, t.relativeCount), maxRelativeError: broken ? .infinity : t.relativeCount == 0 ? .nan : t.maxRelative,
                meanNormalizedError: mean(t.sumNormalized, t.normalizedCount), maxNormalizedError: broken ? .infinity : t.normalizedCount == 0 ? .nan : t.maxNormalized,
                nonFinite: t.nonFinite, zeroReference: t.zeroReference, inexactTerms: t.inexactTerms)
        }
    }
}
