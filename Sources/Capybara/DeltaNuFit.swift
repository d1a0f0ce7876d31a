/// One measurement for ``fitDeltaNu(samples:)-([InformationLossSample])``: a format `(E, M)`
/// and a positive value believed to follow `value = 1 / (γ' (E+0.5)^δ (M+0.5)^ν)`.
public struct InformationLossSample: Sendable, Hashable {
    /// Exponent bits (the law needs `E > -0.5`).
    public let exponentBits: Double
    /// Significand bits (the law needs `M > -0.5`).
    public let significandBits: Double
    /// The measured value (finite, > 0): an information-loss term or any error proportional to it.
    public let value: Double

    /// Creates a sample: format `(E, M)` and its measured value.
    public init(E: Double, M: Double, value: Double) {
        self.exponentBits = E
        self.significandBits = M
        self.value = value
    }
}

/// The result of ``fitDeltaNu(samples:)-([InformationLossSample])``: the ordinary-least-squares
/// fit of `ln(value) = −ln γ' − δ·ln(E+0.5) − ν·ln(M+0.5)`.
public struct DeltaNuFit: Sendable, Hashable {
    /// `ln γ'` (natural logarithm). When the values are information-loss terms at one block size,
    /// `γ' = γ / log2(B)`; see ``gamma(log2B:)``.
    public let logGamma: Double
    /// The fitted exponent of `(E + 0.5)`.
    public let delta: Double
    /// The fitted exponent of `(M + 0.5)`.
    public let nu: Double
    /// Root-mean-square residual of `ln(value)`: `sqrt(RSS / sampleCount)`. About the relative
    /// error of the fit for small values.
    public let residual: Double
    /// Sum of squared residuals of `ln(value)`.
    public let residualSumOfSquares: Double
    /// Number of samples used.
    public let sampleCount: Int
    /// Standard error of ``delta`` under the usual OLS assumptions; `nil` with exactly 3 samples.
    public let deltaStandardError: Double?
    /// Standard error of ``nu`` under the usual OLS assumptions; `nil` with exactly 3 samples.
    public let nuStandardError: Double?

    /// `γ' = exp(logGamma)`.
    public var gammaPrime: Double { _exp(logGamma) }

    /// The law's `γ` implied by the fit, when the values were information-loss terms at a block
    /// size with this `log2(B)`: `γ = γ' · log2(B)`.
    public func gamma(log2B: Double) -> Double { gammaPrime * log2B }
}

/// Fits `ln(value) = −ln γ' − δ·ln(E+0.5) − ν·ln(M+0.5)` by ordinary linear least squares.
///
/// The columns are centred (which removes the intercept from the solve and improves conditioning)
/// and the remaining two-column problem is solved by a QR factorisation (Gram–Schmidt with
/// re-orthogonalisation), never by forming the normal equations.
///
/// ```swift
/// let fit = try fitDeltaNu(samples: [(E: 2, M: 1, value: 3.1e-4), (E: 4, M: 3, value: 1.8e-5),
///                                    (E: 5, M: 2, value: 2.2e-5), (E: 3, M: 2, value: 5.0e-5)])
/// print(fit.delta, fit.nu)
/// ```
///
/// - Throws: ``CapybaraError/illPosedFit(reason:)`` when a sample is invalid (non-finite,
///   `value ≤ 0`, `E` or `M ≤ −0.5`), when there are fewer than 3 distinct `(E, M)` points, or when
///   the points do not separate `δ` from `ν` (all share one `E`, all share one `M`, or they lie on
///   one line in `(ln(E+0.5), ln(M+0.5))`).
public func fitDeltaNu(samples: [InformationLossSample]) throws(CapybaraError) -> DeltaNuFit {
    var a: [Double] = [], b: [Double] = [], y: [Double] = []
    a.reserveCapacity(samples.count); b.reserveCapacity(samples.count); y.reserveCapacity(samples.count)
    var distinct = Set<[Double]>()
    for (i, s) in samples.enumerated() {
        guard s.exponentBits.isFinite, s.exponentBits > -0.5,
              s.significandBits.isFinite, s.significandBits > -0.5 else {
            throw .illPosedFit(reason: "sample \(i) has E = \(s.exponentBits), M = \(s.significandBits); both must be finite and > -0.5")
        }
        guard s.value.isFinite, s.value > 0 else {
            throw .illPosedFit(reason: "sample \(i) has value \(s.value); values must be finite and > 0 (the fit is in log space)")
        }
        a.append(_log(s.exponentBits + 0.5))
        b.append(_log(s.significandBits + 0.5))
        y.append(_log(s.value))
        distinct.insert([s.exponentBits, s.significandBits])
    }
    guard distinct.count >= 3 else {
        throw .illPosedFit(reason: "need at least 3 distinct (E, M) points to fit ln γ', δ and ν; got \(distinct.count) (\(samples.count) samples)")
    }
    let count = Double(y.count)
    let meanA = a.reduce(0, +) / count, meanB = b.reduce(0, +) / count, meanY = y.reduce(0, +) / count
    var ac = a.map { $0 - meanA }
    let bc = b.map { $0 - meanB }
    let yc = y.map { $0 - meanY }

    func dot(_ u: [Double], _ v: [Double]) -> Double {
        var s = 0.0
        for i in u.indices { s += u[i] * v[i] }
        return s
    }
    func norm(_ u: [Double]) -> Double { dot(u, u).squareRoot() }

    let tolerance = 1e-10
    let scaleA = a.map { abs($0) }.max()! + 1, scaleB = b.map { abs($0) }.max()! + 1
    // Column 1: ln(E + 0.5), centred.
    let r11 = norm(ac)
    guard r11 > tolerance * scaleA * count.squareRoot() else {
        throw .illPosedFit(reason: "every sample has the same E, so δ is not identifiable; vary the exponent bits")
    }
    let normB = norm(bc)
    guard normB > tolerance * scaleB * count.squareRoot() else {
        throw .illPosedFit(reason: "every sample has the same M, so ν is not identifiable; vary the significand bits")
    }
    for i in ac.indices { ac[i] /= r11 }                       // q1
    // Column 2: ln(M + 0.5), centred, orthogonalised against q1 twice.
    var w = bc
    var r12 = 0.0
    for _ in 0..<2 {
        let p = dot(ac, w)
        r12 += p
        for i in w.indices { w[i] -= p * ac[i] }
    }
    let r22 = norm(w)
    guard r22 > tolerance * normB else {
        throw .illPosedFit(reason: "the (E, M) points lie on one line in (ln(E+0.5), ln(M+0.5)), so δ and ν cannot be separated")
    }
    for i in w.indices { w[i] /= r22 }                         // q2
    // Solve R·[p, q] = Qᵀ·y, where ln(value) − mean = p·a_c + q·b_c, p = −δ, q = −ν.
    let qy1 = dot(ac, yc), qy2 = dot(w, yc)
    let q = qy2 / r22
    let p = (qy1 - r12 * q) / r11
    let delta = -p, nu = -q
    let intercept = meanY + delta * meanA + nu * meanB           // = −ln γ'

    var rss = 0.0
    for i in y.indices {
        let r = y[i] - (intercept - delta * a[i] - nu * b[i])
        rss += r * r
    }
    var seDelta: Double? = nil, seNu: Double? = nil
    if y.count > 3 {
        let sigma2 = rss / (count - 3)
        // (RᵀR)⁻¹ = R⁻¹R⁻ᵀ with R⁻¹ = [[1/r11, −r12/(r11 r22)], [0, 1/r22]].
        let varP = (1 / (r11 * r11) + (r12 * r12) / (r11 * r11 * r22 * r22)) * sigma2
        let varQ = sigma2 / (r22 * r22)
        seDelta = varP.squareRoot()
        seNu = varQ.squareRoot()
    }
    return DeltaNuFit(
        logGamma: -intercept, delta: delta, nu: nu,
        residual: (rss / count).squareRoot(), residualSumOfSquares: rss, sampleCount: y.count,
        deltaStandardError: seDelta, nuStandardError: seNu)
}

/// Fits `ln(value) = −ln γ' − δ·ln(E+0.5) − ν·ln(M+0.5)` from `(E, M, value)` tuples; see
/// ``fitDeltaNu(samples:)-([InformationLossSample])``.
public func fitDeltaNu(samples: [(E: Double, M: Double, value: Double)]) throws(CapybaraError) -> DeltaNuFit {
    try fitDeltaNu(samples: samples.map { InformationLossSample(E: $0.E, M: $0.M, value: $0.value) })
}
