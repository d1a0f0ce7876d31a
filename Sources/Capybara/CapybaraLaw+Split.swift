/// A format's exponent and significand bit counts as real numbers (continuous optima and
/// effective values). `width` is `1 + exponentBits + significandBits`.
public struct ContinuousFormat: Sendable, Hashable, CustomStringConvertible {
    /// Exponent bits `E` (may be fractional; the law needs `E > -0.5`).
    public let exponentBits: Double
    /// Significand bits `M` (may be fractional; the law needs `M > -0.5`).
    public let significandBits: Double
    /// `P = 1 + E + M`, sign bit included.
    public var width: Double { 1 + exponentBits + significandBits }

    /// Creates a format from (possibly fractional) exponent and significand bit counts.
    public init(exponentBits: Double, significandBits: Double) {
        self.exponentBits = exponentBits
        self.significandBits = significandBits
    }

    /// The format as `E<e>M<m>` with the fractional bit counts, e.g. `E3.3109M3.0`.
    public var description: String { "E\(exponentBits)M\(significandBits)" }
}

/// The best exponent/significand split of a given width.
public struct SplitOptimum: Sendable, Hashable {
    /// The width `P = 1 + E + M` (sign bit included).
    public let width: Int
    /// The continuous optimum: `E = δP/(δ+ν) − 0.5`, `M = νP/(δ+ν) − 0.5`.
    public let continuous: ContinuousFormat
    /// The integer `E ≥ 0` of the best integer split.
    public let exponentBits: Int
    /// The integer `M ≥ 0` of the best integer split, `M = P − 1 − E`.
    public let significandBits: Int
    /// The best integer split in the paper's spelling, e.g. `"E4M3"`.
    public var name: String { "E\(exponentBits)M\(significandBits)" }
}

extension CapybaraLaw {
    /// The continuous best split of a width `P > 0` (sign bit included): the `(E, M)` with
    /// `E + M = P − 1` that minimises the information loss,
    /// `E = δP/(δ+ν) − 0.5`, `M = νP/(δ+ν) − 0.5`.
    public func continuousOptimalSplit(width P: Double) throws(CapybaraError) -> ContinuousFormat {
        try requirePositive(P, "P")
        let c = constants
        let s = c.delta + c.nu
        return ContinuousFormat(exponentBits: c.delta * P / s - 0.5, significandBits: c.nu * P / s - 0.5)
    }

    /// The best split of an integer width `P ≥ 1` (sign bit included): the continuous optimum and
    /// the integer `(E, M)`, `E, M ≥ 0`, `E + M = P − 1`, with the smallest information loss.
    ///
    /// The integer optimum does not depend on `B`, `N` or `D` (they only scale the term). An exact
    /// tie, which the paper's constants never produce, goes to the larger `E`. With the paper's
    /// constants, widths 1…16 give E0M0, E1M0, E1M1, E2M1, E2M2, E3M2, E3M3, E4M3, E4M4, E5M4,
    /// E5M5, E6M5, E6M6, E7M6, E7M7, E8M7.
    public func optimalSplit(width P: Int) throws(CapybaraError) -> SplitOptimum {
        guard P >= 1 else {
            throw .invalidArgument(name: "P", value: Double(P), requirement: "an integer width ≥ 1 (sign bit included)")
        }
        let continuous = try continuousOptimalSplit(width: Double(P))
        let (e, m) = bestIntegerSplit(width: P)
        return SplitOptimum(width: P, continuous: continuous, exponentBits: e, significandBits: m)
    }

    /// `γ_ρ = γ · δ^δ · ν^ν / (δ+ν)^(δ+ν)`: the information-loss scale at the best split, where
    /// `(E+0.5)^δ (M+0.5)^ν = δ^δ ν^ν P^(δ+ν) / (δ+ν)^(δ+ν)`.
    public var gammaRho: Double {
        let c = constants
        let s = c.delta + c.nu
        return _exp(_log(c.gamma) + c.delta * _log(c.delta) + c.nu * _log(c.nu) - s * _log(s))
    }

    /// The information loss at the continuous best split of width `P > 0`:
    /// `log2(B) / (γ_ρ · P^(δ+ν))`.
    public func optimalSplitInformationLoss(width P: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(P, "P")
        let l = try B.log2B()
        let c = constants
        return l / (gammaRho * _pow(P, c.delta + c.nu))
    }

    /// The integer split of width `P ≥ 1` maximising `δ·ln(E+0.5) + ν·ln(M+0.5)`.
    func bestIntegerSplit(width P: Int) -> (Int, Int) {
        let c = constants
        var best = (0, P - 1)
        var bestScore = -Double.infinity
        for e in 0..<P {
            let m = P - 1 - e
            let score = c.delta * _log(Double(e) + 0.5) + c.nu * _log(Double(m) + 0.5)
            if score >= bestScore { bestScore = score; best = (e, m) }
        }
        return best
    }
}
