/// The eight fitted constants of the Capybara law.
///
/// The law (Sun et al., "Scaling Laws for Floating-Point Quantization Training",
/// arXiv:2501.02423) predicts the validation loss of a model with `N` parameters trained on `D`
/// tokens with FP-quantized GEMM inputs of `E` exponent bits, `M` significand bits and one scale
/// per `B` elements:
///
/// ```
/// L = n/N^α + d/D^β + ε + (D^β / N^α) · log2(B) / (γ · (E+0.5)^δ · (M+0.5)^ν)
/// ```
///
/// ``paper`` holds the published values. Other values (a refit, a sensitivity study) go through
/// the validating initializer:
///
/// ```swift
/// let refit = try CapybaraConstants(n: 69.2343, alpha: 0.2368, d: 68973.0621, beta: 0.5162,
///                                   epsilon: 1.9061, gamma: 11334.5197, delta: 3.0, nu: 3.0)
/// ```
public struct CapybaraConstants: Sendable, Hashable, CustomStringConvertible {
    /// Coefficient of the parameter term `n/N^α`.
    public let n: Double
    /// Exponent of `N` in the parameter term and in the knowledge intensity.
    public let alpha: Double
    /// Coefficient of the data term `d/D^β`.
    public let d: Double
    /// Exponent of `D` in the data term and in the knowledge intensity.
    public let beta: Double
    /// The irreducible loss `ε`.
    public let epsilon: Double
    /// Scale `γ` of the information-loss denominator.
    public let gamma: Double
    /// Exponent `δ` of `(E + 0.5)`.
    public let delta: Double
    /// Exponent `ν` of `(M + 0.5)`.
    public let nu: Double

    /// The constants published in the paper (v3, ICML 2025).
    ///
    /// | n | α | d | β | ε | γ | δ | ν |
    /// |---|---|---|---|---|---|---|---|
    /// | 69.2343 | 0.2368 | 68973.0621 | 0.5162 | 1.9061 | 11334.5197 | 3.1926 | 2.9543 |
    public static let paper = CapybaraConstants(
        unchecked: 69.2343, 0.2368, 68973.0621, 0.5162, 1.9061, 11334.5197, 3.1926, 2.9543)

    /// Creates a set of constants, checking that the law is defined for them.
    ///
    /// `n`, `alpha`, `d`, `beta`, `gamma`, `delta` and `nu` must be finite and strictly positive
    /// (they are coefficients or exponents of decreasing power laws, and `γ` divides);
    /// `epsilon` must be finite (any sign: it only shifts the loss).
    ///
    /// - Throws: ``CapybaraError/invalidConstant(name:value:requirement:)`` naming the first
    ///   offending constant.
    public init(
        n: Double, alpha: Double, d: Double, beta: Double,
        epsilon: Double, gamma: Double, delta: Double, nu: Double
    ) throws(CapybaraError) {
        for (name, value) in [("n", n), ("alpha", alpha), ("d", d), ("beta", beta),
                              ("gamma", gamma), ("delta", delta), ("nu", nu)] {
            guard value.isFinite, value > 0 else {
                throw .invalidConstant(name: name, value: value, requirement: "a finite number > 0")
            }
        }
        guard epsilon.isFinite else {
            throw .invalidConstant(name: "epsilon", value: epsilon, requirement: "a finite number")
        }
        self.init(unchecked: n, alpha, d, beta, epsilon, gamma, delta, nu)
    }

    private init(
        unchecked n: Double, _ alpha: Double, _ d: Double, _ beta: Double,
        _ epsilon: Double, _ gamma: Double, _ delta: Double, _ nu: Double
    ) {
        self.n = n; self.alpha = alpha; self.d = d; self.beta = beta
        self.epsilon = epsilon; self.gamma = gamma; self.delta = delta; self.nu = nu
    }

    /// All eight constants on one line, for reports.
    public var description: String {
        "n=\(n) α=\(alpha) d=\(d) β=\(beta) ε=\(epsilon) γ=\(gamma) δ=\(delta) ν=\(nu)"
    }
}
