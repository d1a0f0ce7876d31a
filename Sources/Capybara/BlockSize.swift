/// How many elements share one scaling factor, as the law sees it: through `log2(B)`.
///
/// The law's precision term is proportional to `log2(B)`, so a scaling granularity enters only
/// through that one number:
///
/// | case | log2(B) used |
/// |---|---|
/// | ``elements(_:)`` `(B)` | `log2(B)`, for `B ≥ 1` (`B = 1`, one scale per element, gives 0) |
/// | ``channel`` | ``channelLog2`` = 13.1567, the paper's fitted equivalent for channel-wise scaling |
/// | ``tensor(effectiveLog2:)`` | the value you give: the paper's reference sheet records no tensor-wise constant, so there is no default |
/// | ``effectiveLog2(_:)`` | the value you give (a refit, a what-if) |
///
/// ```swift
/// let mx = BlockSize.elements(32)          // log2(B) = 5
/// let perChannel = BlockSize.channel       // log2(B) = 13.1567
/// ```
public enum BlockSize: Sendable, Hashable, CustomStringConvertible {
    /// One scale per `B` consecutive elements.
    case elements(Int)
    /// One scale per channel; behaves like a constant block size with `log2(B) ≈ 13.1567`.
    case channel
    /// One scale per tensor, with the equivalent `log2(B)` supplied by the caller.
    case tensor(effectiveLog2: Double)
    /// Any other granularity, given directly as an equivalent `log2(B)`.
    case effectiveLog2(Double)

    /// The paper's equivalent `log2(B)` for channel-wise scaling.
    public static let channelLog2 = 13.1567

    /// The `log2(B)` this granularity contributes to the law.
    ///
    /// - Throws: ``CapybaraError/invalidArgument(name:value:requirement:)`` when the block has
    ///   fewer than one element or the effective value is negative or not finite.
    public func log2B() throws(CapybaraError) -> Double {
        switch self {
        case let .elements(count):
            guard count >= 1 else {
                throw .invalidArgument(name: "B", value: Double(count), requirement: "at least 1 element")
            }
            return _log2(Double(count))
        case .channel:
            return Self.channelLog2
        case let .tensor(value), let .effectiveLog2(value):
            guard value.isFinite, value >= 0 else {
                throw .invalidArgument(name: "log2(B)", value: value, requirement: "a finite number ≥ 0")
            }
            return value
        }
    }

    /// `log2(B)`, additionally required to be strictly positive (for closed forms that divide by it
    /// or take its logarithm).
    func positiveLog2B() throws(CapybaraError) -> Double {
        let value = try log2B()
        guard value > 0 else {
            throw .invalidArgument(
                name: "log2(B)", value: value,
                requirement: "> 0 here (B = 1 makes the precision term vanish)")
        }
        return value
    }

    /// A short label for reports, e.g. `B=128` or `channel-wise (log2 B = 13.1567)`.
    public var description: String {
        switch self {
        case let .elements(count): return "B=\(count)"
        case .channel: return "channel-wise (log2 B = \(Self.channelLog2))"
        case let .tensor(value): return "tensor-wise (log2 B = \(value))"
        case let .effectiveLog2(value): return "log2 B = \(value)"
        }
    }
}
