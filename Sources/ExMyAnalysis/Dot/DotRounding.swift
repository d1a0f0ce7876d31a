import ExMy

/// Where a dot product's intermediate values are rounded: nowhere (exact), or into a format with a
/// rounding rule and an overflow rule.
public struct DotRounding: Hashable, Sendable, CustomStringConvertible {
    /// The format, or `nil` for exact (no rounding).
    public var format: FloatFormat?
    /// The rounding rule (stochastic rules draw from the dot product's seeded generator).
    public var rule: RoundingRule
    /// The overflow rule (IEEE's `none` by default: overflow gives ±∞, or NaN in a format without ∞).
    public var overflow: OverflowRule

    /// Rounding into `format` (`nil`: exact).
    public init(_ format: FloatFormat?, rule: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) {
        self.format = format
        self.rule = rule
        self.overflow = overflow
    }

    /// No rounding.
    public static let exact = DotRounding(nil)

    /// `exact`, the format's spelling, or `format/rule` for a rule other than nearest-even.
    public var description: String {
        guard let format else { return "exact" }
        return rule == .toNearestOrEven ? format.canonicalSpelling : "\(format.canonicalSpelling)/\(rule.shortName)"
    }
}

extension RoundingRule {
    /// A short name for tables: `rne`, `rna`, `rtz`, `sr`, `sr-a8`, ….
    public var shortName: String {
        switch self {
        case .toNearestOrEven: return "rne"
        case .toNearestOrAwayFromZero: return "rna"
        case .toNearestOrZero: return "rnz"
        case .towardZero: return "rtz"
        case .up: return "rup"
        case .down: return "rdn"
        case .awayFromZero: return "raz"
        case .toOdd: return "rto"
        case .stochastic: return "sr"
        case .stochasticA(let n): return "sr-a\(n)"
        case .stochasticB(let n): return "sr-b\(n)"
        case .stochasticC(let n): return "sr-c\(n)"
        }
    }
}
