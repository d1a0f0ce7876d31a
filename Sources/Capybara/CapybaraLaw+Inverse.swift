/// Inverse helpers: what `(E, M)` a measured information loss corresponds to.
///
/// The analyzer measures a format's actual quantization error and converts it to a value of the
/// law's information-loss term `T = log2(B) / (γ (E+0.5)^δ (M+0.5)^ν)`. These functions invert
/// that term along one direction at a time, giving an *effective* (continuous) format. Results
/// are always `> -0.5` (the law's domain); an effective bit count below 0 means the format is
/// worth less than the smallest integer format in that direction.
extension CapybaraLaw {
    /// The exponent bits `E` at which a format with `M` significand bits has information loss
    /// `term`: `E = (log2(B) / (γ · term · (M+0.5)^ν))^(1/δ) − 0.5`.
    public func effectiveExponentBits(term: Double, M: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(term, "term")
        try requireBits(M, "M")
        let l = try B.positiveLog2B()
        let c = constants
        return _exp((_log(l) - _log(c.gamma) - _log(term) - c.nu * _log(M + 0.5)) / c.delta) - 0.5
    }

    /// The significand bits `M` at which a format with `E` exponent bits has information loss
    /// `term`: `M = (log2(B) / (γ · term · (E+0.5)^δ))^(1/ν) − 0.5`.
    public func effectiveSignificandBits(term: Double, E: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(term, "term")
        try requireBits(E, "E")
        let l = try B.positiveLog2B()
        let c = constants
        return _exp((_log(l) - _log(c.gamma) - _log(term) - c.delta * _log(E + 0.5)) / c.nu) - 0.5
    }

    /// The width `P` (sign bit included) whose *best split* has information loss `term`:
    /// `P = (log2(B) / (γ_ρ · term))^(1/(δ+ν))`. Split it with ``continuousOptimalSplit(width:)``.
    public func effectiveWidth(term: Double, B: BlockSize) throws(CapybaraError) -> Double {
        try requirePositive(term, "term")
        let l = try B.positiveLog2B()
        let c = constants
        return _exp((_log(l) - _log(gammaRho) - _log(term)) / (c.delta + c.nu))
    }

    /// The format on the ray through `reference` — `(E+0.5, M+0.5)` scaled by one common factor
    /// `s` — whose information loss is `term`: `s = (T_ref / term)^(1/(δ+ν))`.
    ///
    /// This keeps the reference format's exponent-to-significand proportion and asks how many
    /// bits of that shape the measured error is worth.
    public func effectiveFormat(term: Double, along reference: ContinuousFormat, B: BlockSize) throws(CapybaraError) -> ContinuousFormat {
        try requirePositive(term, "term")
        _ = try B.positiveLog2B()
        let reference0 = try informationLoss(E: reference.exponentBits, M: reference.significandBits, B: B)
        let c = constants
        let s = _exp((_log(reference0) - _log(term)) / (c.delta + c.nu))
        return ContinuousFormat(
            exponentBits: s * (reference.exponentBits + 0.5) - 0.5,
            significandBits: s * (reference.significandBits + 0.5) - 0.5)
    }

    /// The effective exponent bits of a format `(E, M)` whose information loss is `errorRatio`
    /// times the law's value for it (`errorRatio = T_measured / T_law(E, M, B)`; `B` cancels):
    /// `E_eff = (E+0.5) · errorRatio^(−1/δ) − 0.5`.
    public func effectiveExponentBits(errorRatio: Double, E: Double, M: Double) throws(CapybaraError) -> Double {
        try requirePositive(errorRatio, "errorRatio")
        try requireBits(E, "E")
        try requireBits(M, "M")
        return (E + 0.5) * _pow(errorRatio, -1 / constants.delta) - 0.5
    }

    /// The effective significand bits of a format `(E, M)` whose information loss is `errorRatio`
    /// times the law's value for it: `M_eff = (M+0.5) · errorRatio^(−1/ν) − 0.5`.
    public func effectiveSignificandBits(errorRatio: Double, E: Double, M: Double) throws(CapybaraError) -> Double {
        try requirePositive(errorRatio, "errorRatio")
        try requireBits(E, "E")
        try requireBits(M, "M")
        return (M + 0.5) * _pow(errorRatio, -1 / constants.nu) - 0.5
    }
}
