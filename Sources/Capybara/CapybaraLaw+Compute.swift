/// The best integer format found by direct numeric minimisation of the loss, with the model and
/// data sizes it was evaluated at.
public struct IntegerFormatOptimum: Sendable, Hashable {
    /// Exponent bits `E ≥ 0`.
    public let exponentBits: Int
    /// Significand bits `M ≥ 0`.
    public let significandBits: Int
    /// Parameters `N` at this format (fixed, or implied by the compute budget, or optimised).
    public let parameters: Double
    /// Tokens `D` at this format (fixed, or implied by the compute budget, or optimised).
    public let tokens: Double
    /// The predicted loss.
    public let loss: Double
    /// `P = 1 + E + M`, sign bit included.
    public var width: Int { 1 + exponentBits + significandBits }
    /// The format in the paper's spelling, e.g. `"E4M3"`.
    public var name: String { "E\(exponentBits)M\(significandBits)" }
}

/// A compute-optimal precision: the closed-form continuous optimum and the best integer format
/// found numerically under the same constraint, so the two can be compared.
public struct PrecisionOptimum: Sendable, Hashable {
    /// The continuous optimal width `P` from the closed form (sign bit included).
    public let width: Double
    /// The best split of ``width``: `E = δP/(δ+ν) − 0.5`, `M = νP/(δ+ν) − 0.5`.
    public let split: ContinuousFormat
    /// `N` at the continuous optimum.
    public let parameters: Double
    /// `D` at the continuous optimum.
    public let tokens: Double
    /// The loss at the continuous optimum (evaluated with the fractional `E`, `M` of ``split``).
    public let loss: Double
    /// The integer format `(E, M)`, `E, M ≥ 0`, `1 + E + M ≤ maxWidth`, with the smallest loss
    /// under the same constraint, found by exhaustive search.
    public let bestInteger: IntegerFormatOptimum
}

extension CapybaraLaw {
    // MARK: - Compute model

    /// Training compute `C = k·P·N·D` for width `P` (sign bit included).
    public func compute(N: Double, D: Double, P: Double) throws(CapybaraError) -> Double {
        try requirePositive(N, "N")
        try requirePositive(D, "D")
        try requirePositive(P, "P")
        return computeCoefficient * P * N * D
    }

    /// `γ_D = (δ+ν−α) / (n·α·γ_ρ)`, the constant of the fixed-`D` optimum. Positive when `δ+ν > α`.
    public var gammaD: Double {
        let c = constants
        return (c.delta + c.nu - c.alpha) / (c.n * c.alpha * gammaRho)
    }

    /// `γ_N = (β+δ+ν) / (d·β·γ_ρ)`, the constant of the fixed-`N` optimum.
    public var gammaN: Double {
        let c = constants
        return (c.beta + c.delta + c.nu) / (c.d * c.beta * gammaRho)
    }

    /// `λ = (d·β/(n·α)) · (δ+ν−α)/(δ+ν+β)`, the constant of the joint optimum at fixed `C`.
    public var lambda: Double {
        let c = constants
        return (c.d * c.beta / (c.n * c.alpha)) * (c.delta + c.nu - c.alpha) / (c.delta + c.nu + c.beta)
    }

    // MARK: - Closed forms (continuous P)

    /// The compute-optimal width at fixed data `D` (with `N = C/(k·P·D)`):
    /// `P^(δ+ν) = γ_D · D^β · log2(B)`. It does not depend on `C`.
    public func optimalWidth(fixedD D: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(D, "D")
        let l = try B.positiveLog2B()
        let gD = try positiveGammaD()
        let c = constants
        return _exp((_log(gD) + c.beta * _log(D) + _log(l)) / (c.delta + c.nu))
    }

    /// The compute-optimal width at fixed model size `N` and compute `C` (with `D = C/(k·P·N)`):
    /// `P^(δ+ν+2β) = γ_N · (C/k)^(2β) · N^−(α+2β) · log2(B)`.
    public func optimalWidth(fixedN N: Double, C: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(N, "N")
        try requirePositive(C, "C")
        let l = try B.positiveLog2B()
        let c = constants
        let x = C / computeCoefficient
        let logRHS = _log(gammaN) + 2 * c.beta * _log(x) - (c.alpha + 2 * c.beta) * _log(N) + _log(l)
        return _exp(logRHS / (c.delta + c.nu + 2 * c.beta))
    }

    /// The compute-optimal width when `N`, `D` and `P` are all chosen under `C = k·P·N·D`:
    /// `P^((δ+ν)(α+β)/β + α) = λ · (γ_D·log2(B))^((α+β)/β) · (C/k)^α`.
    public func optimalWidth(C: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(C, "C")
        let l = try B.positiveLog2B()
        let gD = try positiveGammaD()
        let c = constants
        let ab = (c.alpha + c.beta) / c.beta
        let exponent = (c.delta + c.nu) * ab + c.alpha
        let logRHS = _log(lambda) + ab * _log(gD * l) + c.alpha * _log(C / computeCoefficient)
        return _exp(logRHS / exponent)
    }

    // MARK: - Closed form plus integer search

    /// The compute-optimal precision at fixed `D` and compute `C` (so `N = C/(k·P·D)`).
    ///
    /// ``PrecisionOptimum/width`` is ``optimalWidth(fixedD:B:)``; ``PrecisionOptimum/bestInteger``
    /// is the integer `(E, M)` with `1 + E + M ≤ maxWidth` of smallest loss at `N = C/(k·P·D)`.
    ///
    /// ```swift
    /// let o = try CapybaraLaw.paper.optimalPrecision(fixedD: 1e12, C: 1e23, B: .elements(128))
    /// // o.width ≈ 5.18, o.bestInteger.name == "E2M2"
    /// ```
    public func optimalPrecision(fixedD D: Double, C: Double, B: BlockSize, maxWidth: Int = 32) throws(CapybaraError) -> PrecisionOptimum {
        try requirePositive(C, "C")
        try requireMaxWidth(maxWidth)
        let P = try optimalWidth(fixedD: D, B: B)
        let split = try continuousOptimalSplit(width: P)
        let x = C / computeCoefficient
        let N = x / (P * D)
        let L = try loss(N: N, D: D, E: split.exponentBits, M: split.significandBits, B: B)
        var best: IntegerFormatOptimum?
        for (e, m) in integerFormats(maxWidth: maxWidth) {
            let n = x / (Double(1 + e + m) * D)
            let l = try loss(N: n, D: D, E: Double(e), M: Double(m), B: B)
            if best == nil || l < best!.loss {
                best = IntegerFormatOptimum(exponentBits: e, significandBits: m, parameters: n, tokens: D, loss: l)
            }
        }
        return PrecisionOptimum(width: P, split: split, parameters: N, tokens: D, loss: L, bestInteger: best!)
    }

    /// The compute-optimal precision at fixed `N` and compute `C` (so `D = C/(k·P·N)`).
    ///
    /// ``PrecisionOptimum/width`` is ``optimalWidth(fixedN:C:B:)``; ``PrecisionOptimum/bestInteger``
    /// is the integer `(E, M)` with `1 + E + M ≤ maxWidth` of smallest loss at `D = C/(k·P·N)`.
    public func optimalPrecision(fixedN N: Double, C: Double, B: BlockSize, maxWidth: Int = 32) throws(CapybaraError) -> PrecisionOptimum {
        try requireMaxWidth(maxWidth)
        let P = try optimalWidth(fixedN: N, C: C, B: B)
        let split = try continuousOptimalSplit(width: P)
        let x = C / computeCoefficient
        let D = x / (P * N)
        let L = try loss(N: N, D: D, E: split.exponentBits, M: split.significandBits, B: B)
        var best: IntegerFormatOptimum?
        for (e, m) in integerFormats(maxWidth: maxWidth) {
            let d = x / (Double(1 + e + m) * N)
            let l = try loss(N: N, D: d, E: Double(e), M: Double(m), B: B)
            if best == nil || l < best!.loss {
                best = IntegerFormatOptimum(exponentBits: e, significandBits: m, parameters: N, tokens: d, loss: l)
            }
        }
        return PrecisionOptimum(width: P, split: split, parameters: N, tokens: D, loss: L, bestInteger: best!)
    }

    /// The compute-optimal precision when `N`, `D` and the format are all chosen under
    /// `C = k·P·N·D`.
    ///
    /// The continuous optimum is ``optimalWidth(C:B:)``, with
    /// `N = (γ_D·log2 B)^(1/β) · (C/k) · P^(−(β+δ+ν)/β)` and `D = (C/k)/(N·P)`.
    /// ``PrecisionOptimum/bestInteger`` is found by minimising, for every integer `(E, M)` with
    /// `1 + E + M ≤ maxWidth`, the loss over `N` (a convex problem in `ln N`, solved by bisection
    /// on its derivative), then taking the smallest.
    ///
    /// With the paper's constants, `B = 128` and `k = 6/16`, the continuous optimum runs from
    /// about 4.19 bits at `C = 1e21` to 7.58 bits at `C = 1e31`.
    public func optimalPrecision(C: Double, B: BlockSize, maxWidth: Int = 32) throws(CapybaraError) -> PrecisionOptimum {
        try requireMaxWidth(maxWidth)
        let P = try optimalWidth(C: C, B: B)
        let split = try continuousOptimalSplit(width: P)
        let l = try B.positiveLog2B()
        let c = constants
        let x = C / computeCoefficient
        let N = _exp(_log(gammaD * l) / c.beta + _log(x) - (c.beta + c.delta + c.nu) / c.beta * _log(P))
        let D = x / (N * P)
        let L = try loss(N: N, D: D, E: split.exponentBits, M: split.significandBits, B: B)
        var best: IntegerFormatOptimum?
        for (e, m) in integerFormats(maxWidth: maxWidth) {
            let info = try informationLoss(E: Double(e), M: Double(m), B: B)
            let width = Double(1 + e + m)
            let n = optimalParameters(width: width, information: info, budget: x, start: N)
            let d = x / (width * n)
            let loss = try loss(N: n, D: d, E: Double(e), M: Double(m), B: B)
            if best == nil || loss < best!.loss {
                best = IntegerFormatOptimum(exponentBits: e, significandBits: m, parameters: n, tokens: d, loss: loss)
            }
        }
        return PrecisionOptimum(width: P, split: split, parameters: N, tokens: D, loss: L, bestInteger: best!)
    }

    // MARK: - Internal

    private func positiveGammaD() throws(CapybaraError) -> Double {
        let value = gammaD
        guard value > 0, value.isFinite else {
            let c = constants
            throw .invalidConstant(
                name: "delta + nu - alpha", value: c.delta + c.nu - c.alpha,
                requirement: "> 0 for a compute-optimal precision to exist")
        }
        return value
    }

    private func requireMaxWidth(_ maxWidth: Int) throws(CapybaraError) {
        guard (1...128).contains(maxWidth) else {
            throw .invalidArgument(name: "maxWidth", value: Double(maxWidth), requirement: "an integer in 1...128")
        }
    }

    /// Every `(E, M)` with `E, M ≥ 0` and `1 + E + M ≤ maxWidth`.
    private func integerFormats(maxWidth: Int) -> [(Int, Int)] {
        var formats: [(Int, Int)] = []
        for e in 0..<maxWidth {
            for m in 0..<(maxWidth - e) { formats.append((e, m)) }
        }
        return formats
    }

    /// The `N` minimising the loss at fixed width `P`, information loss `I` and budget `X = C/k`
    /// (with `D = X/(P·N)`). In `u = ln N` the loss is
    /// `n·e^(−αu) + d·(P/X)^β·e^(βu) + (X/P)^β·I·e^(−(α+β)u) + ε`, a sum of convex exponentials,
    /// so its derivative is increasing and has one root, found by bracketing and bisection.
    func optimalParameters(width P: Double, information I: Double, budget X: Double, start: Double) -> Double {
        let c = constants
        let a = c.alpha, b = c.beta
        let t2 = c.d * _pow(P / X, b)
        let t3 = _pow(X / P, b) * I
        func slope(_ u: Double) -> Double {
            -a * c.n * _exp(-a * u) + b * t2 * _exp(b * u) - (a + b) * t3 * _exp(-(a + b) * u)
        }
        let u0 = _log(start)
        var lo = u0.isFinite ? u0 : 0, hi = lo
        var step = 1.0
        for _ in 0..<64 where slope(lo) > 0 { lo -= step; step *= 2 }
        step = 1.0
        for _ in 0..<64 where slope(hi) < 0 { hi += step; step *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if slope(mid) > 0 { hi = mid } else { lo = mid }
        }
        return _exp(0.5 * (lo + hi))
    }
}
