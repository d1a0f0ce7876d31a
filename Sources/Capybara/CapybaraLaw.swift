/// The Capybara law: predicted validation loss of LLM training with floating-point-quantized GEMM
/// inputs, and what follows from it.
///
/// ```
/// L(N, D, E, M, B) = n/N^α + d/D^β + ε  +  (D^β / N^α) · log2(B) / (γ · (E+0.5)^δ · (M+0.5)^ν)
///                    └──── baseLoss ───┘     └ knowledge ┘   └──────── informationLoss ─────────┘
///                                              intensity
/// ```
///
/// Conventions used throughout:
/// - `N` counts the parameters of the attention and MLP weight matrices; `D` counts tokens.
/// - `E` and `M` are the exponent and significand ("mantissa") bit counts. They are `Double`s so
///   that continuous optima and effective values can be evaluated; the law needs `E, M > -0.5`.
/// - The width `P = 1 + E + M` **includes the sign bit**: E4M3 has `P = 8`.
/// - The block size enters only as `log2(B)`; see ``BlockSize``.
/// - The compute model is `C = k·P·N·D` with ``computeCoefficient`` `k` (default 6/16: the usual
///   `6·N·D` training FLOPs at 16 bits, charged in proportion to the width).
///
/// ```swift
/// let law = CapybaraLaw()                       // the paper's constants, k = 6/16
/// let l = try law.loss(N: 1e9, D: 1e11, E: 4, M: 3, B: .elements(128))   // ≈ 2.56307
/// ```
///
/// Every function checks its arguments and throws ``CapybaraError`` rather than returning NaN.
public struct CapybaraLaw: Sendable, Hashable {
    /// The fitted constants.
    public let constants: CapybaraConstants
    /// `k` in the compute model `C = k·P·N·D`.
    public let computeCoefficient: Double

    /// The compute coefficient the paper's figures use: 6 FLOPs per parameter per token at 16 bits.
    public static let paperComputeCoefficient = 6.0 / 16.0

    /// The law with the paper's constants and `k = 6/16`.
    public static let paper = CapybaraLaw()

    /// Creates the law with the given constants and `k = 6/16`.
    public init(constants: CapybaraConstants = .paper) {
        self.constants = constants
        self.computeCoefficient = Self.paperComputeCoefficient
    }

    /// Creates the law with the given constants and compute coefficient `k` (finite, > 0).
    public init(constants: CapybaraConstants, computeCoefficient: Double) throws(CapybaraError) {
        try requirePositive(computeCoefficient, "k")
        self.constants = constants
        self.computeCoefficient = computeCoefficient
    }

    // MARK: - The law and its parts

    /// The high-precision (BF16) loss `n/N^α + d/D^β + ε`.
    public func baseLoss(N: Double, D: Double) throws(CapybaraError) -> Double {
        try requirePositive(N, "N")
        try requirePositive(D, "D")
        let c = constants
        return c.n * _pow(N, -c.alpha) + c.d * _pow(D, -c.beta) + c.epsilon
    }

    /// Knowledge intensity `D^β / N^α`: how much each parameter must hold.
    public func knowledgeIntensity(N: Double, D: Double) throws(CapybaraError) -> Double {
        try requirePositive(N, "N")
        try requirePositive(D, "D")
        return _exp(constants.beta * _log(D) - constants.alpha * _log(N))
    }

    /// The low-precision information loss of a format,
    /// `log2(B) / (γ · (E+0.5)^δ · (M+0.5)^ν)`.
    ///
    /// This is the per-format factor of the precision term; it does not depend on `N` or `D`.
    /// E4M3 with `B = 128` gives about `1.2529e-7`.
    public func informationLoss(E: Double, M: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requireBits(E, "E")
        try requireBits(M, "M")
        let l = try B.log2B()
        return l / denominator(E: E, M: M)
    }

    /// The full precision term: ``knowledgeIntensity(N:D:)`` × ``informationLoss(E:M:B:)``.
    public func precisionTerm(N: Double, D: Double, E: Double, M: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try knowledgeIntensity(N: N, D: D) * informationLoss(E: E, M: M, B: B)
    }

    /// The predicted loss `L(N, D, E, M, B)`: ``baseLoss(N:D:)`` + ``precisionTerm(N:D:E:M:B:)``.
    public func loss(N: Double, D: Double, E: Double, M: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try baseLoss(N: N, D: D) + precisionTerm(N: N, D: D, E: E, M: M, B: B)
    }

    /// Every term of the law at one point, for reports.
    public func breakdown(N: Double, D: Double, E: Double, M: Double, B: BlockSize) throws(CapybaraError) -> LossBreakdown {
        let c = constants
        let ki = try knowledgeIntensity(N: N, D: D)
        let info = try informationLoss(E: E, M: M, B: B)
        let parameterTerm = c.n * _pow(N, -c.alpha)
        let dataTerm = c.d * _pow(D, -c.beta)
        return LossBreakdown(
            parameterTerm: parameterTerm, dataTerm: dataTerm, irreducible: c.epsilon,
            knowledgeIntensity: ki, informationLoss: info, precisionTerm: ki * info,
            loss: parameterTerm + dataTerm + c.epsilon + ki * info)
    }

    // MARK: - Critical data size

    /// The critical data size: the token count at which the loss is smallest for fixed `N` and
    /// format, `D_crit = [d·γ·N^α·(E+0.5)^δ·(M+0.5)^ν / log2(B)]^(1/(2β))`.
    ///
    /// Past `D_crit` more data *raises* the predicted loss: the data term falls more slowly than
    /// the precision term grows. It is the stationary point of `∂L/∂D = 0`.
    ///
    /// - Throws: when an argument is invalid or `log2(B) = 0` (no critical size exists).
    public func criticalDataSize(N: Double, E: Double, M: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(N, "N")
        try requireBits(E, "E")
        try requireBits(M, "M")
        let l = try B.positiveLog2B()
        let c = constants
        let logValue = _log(c.d) + _log(c.gamma) + c.alpha * _log(N)
            + c.delta * _log(E + 0.5) + c.nu * _log(M + 0.5) - _log(l)
        return _exp(logValue / (2 * c.beta))
    }

    // MARK: - Internal

    /// `γ · (E+0.5)^δ · (M+0.5)^ν`, arguments already checked.
    func denominator(E: Double, M: Double) -> Double {
        let c = constants
        return c.gamma * _exp(c.delta * _log(E + 0.5) + c.nu * _log(M + 0.5))
    }
}

/// The terms of the law at one point (see ``CapybaraLaw/breakdown(N:D:E:M:B:)``).
public struct LossBreakdown: Sendable, Hashable {
    /// `n / N^α`.
    public let parameterTerm: Double
    /// `d / D^β`.
    public let dataTerm: Double
    /// `ε`.
    public let irreducible: Double
    /// `D^β / N^α`.
    public let knowledgeIntensity: Double
    /// `log2(B) / (γ (E+0.5)^δ (M+0.5)^ν)`.
    public let informationLoss: Double
    /// `knowledgeIntensity × informationLoss`.
    public let precisionTerm: Double
    /// The sum of the parameter, data, irreducible and precision terms.
    public let loss: Double
    /// The high-precision part, `parameterTerm + dataTerm + irreducible`.
    public var baseLoss: Double { parameterTerm + dataTerm + irreducible }
}
