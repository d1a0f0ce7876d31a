/// Comparisons of codes with the flags they raise (IEEE 754 §5.11).
extension FloatFormat {
    /// An IEEE 754 §5.11 comparison predicate.
    public enum ComparisonPredicate: String, Hashable, Sendable, CaseIterable {
        /// `compareQuietEqual`: invalid only for a signaling NaN operand (TestFloat's `_eq`).
        case equal
        /// `compareSignalingLessEqual`: invalid for any NaN operand (TestFloat's `_le`).
        case lessThanOrEqual
        /// `compareSignalingLess`: invalid for any NaN operand (TestFloat's `_lt`).
        case lessThan
    }

    /// Whether `x predicate y` holds for codes of this format, and the flags raised.
    ///
    /// ```swift
    /// FloatFormat.e5m2.compare(code: 0x3C, .lessThan, code: 0x40)      // (true, [])   1 < 2
    /// FloatFormat.e5m2.compare(code: 0x7E, .lessThan, code: 0x40)      // (false, [invalid])
    /// FloatFormat.e5m2.compare(code: 0x00, .equal, code: 0x80)         // (true, [])   +0 == −0
    /// ```
    ///
    /// Values compare as their exact values (−0 equals +0; a NaN is unordered: every predicate is
    /// false). The signaling predicates raise ``ConversionStatus/invalid`` for any NaN operand; the
    /// quiet `equal` raises it only for a signaling NaN under ``ArithmeticOptions/signalingNaNs``
    /// (a format without signaling NaNs never raises it there).
    @inlinable
    public func compare(
        code x: UInt64, _ predicate: ComparisonPredicate, code y: UInt64, options: ArithmeticOptions = .default
    ) -> (result: Bool, status: ConversionStatus) {
        let a = decode(x), b = decode(y)
        if a.isNaN || b.isNaN {
            let signaling = options.signalingNaNs && (isSignalingNaN(x) || isSignalingNaN(y))
            return (false, predicate != .equal || signaling ? .invalid : [])
        }
        switch predicate {
        case .equal: return (a == b, [])
        case .lessThanOrEqual: return (a <= b, [])
        case .lessThan: return (a < b, [])
        }
    }
}
