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

/// The order in which a dot product's terms are added.
public enum AccumulationOrder: Hashable, Sendable, CustomStringConvertible {
    /// `acc = round(acc + t_i)` for i = 1 … n, from `acc = +0`. With exact products and no block
    /// scaling each step is one fused multiply–add, `acc = round(a_i·b_i + acc)`.
    case sequential
    /// A balanced binary tree: the sum of `t[0..<n]` is `round(sum(t[0..<n/2]) + sum(t[n/2..<n]))`
    /// (the left half has ⌊n/2⌋ terms), a single term is `round(t)`.
    case pairwise
    /// Partial sums in the accumulator format, added into a wide accumulator every `interval`
    /// products (DeepSeek-V3's FP8 GEMM promotes every 128): sequential within an interval from
    /// `+0`, then `wide = round_wide(wide + partial)`; a last, shorter interval is promoted too.
    case promoted(interval: Int, wide: DotRounding)

    /// `sequential`, `pairwise` or `promote/K_p→wide`.
    public var description: String {
        switch self {
        case .sequential: return "sequential"
        case .pairwise: return "pairwise"
        case .promoted(let k, let wide): return "promote/\(k)→\(wide)"
        }
    }
}

/// How one operand of a dot product is quantized before the product.
public enum DotInput: Hashable, Sendable, CustomStringConvertible {
    /// FP32: the data as it comes (values are `Float`s).
    case none
    /// Every value rounded into a format with no scale (`decode(encode(x))`).
    case format(FloatFormat, RoundingRule, OverflowRule)
    /// A scaling scheme (per-tensor, absmax blocks, MX, NVFP4). Block scales multiply per-block
    /// partial sums; tensor-wide scales (a per-tensor FP32 scale, NVFP4's second level) are a
    /// common factor of the computed and the exact dot product and are left out of both.
    case scheme(QuantizationScheme)

    /// `fp32`, the format's spelling, or the scheme's name.
    public var description: String {
        switch self {
        case .none: return "fp32"
        case .format(let f, _, _): return f.canonicalSpelling
        case .scheme(let s): return s.element == QuantizationScheme.named(s.name)?.element ? s.name : "\(s.name)(\(s.element.canonicalSpelling))"
        }
    }
}

/// A complete dot-product configuration: input quantization of each operand, product rounding,
/// accumulator and accumulation order.
public struct DotConfiguration: Hashable, Sendable, CustomStringConvertible {
    /// A display name (defaults to a description of the settings).
    public var name: String
    /// How the first operand is quantized.
    public var inputA: DotInput
    /// How the second operand is quantized.
    public var inputB: DotInput
    /// Rounding of each product (of elements, before any block scale): exact by default.
    public var product: DotRounding
    /// The accumulator: exact, or a format with a rounding rule.
    public var accumulator: DotRounding
    /// The order of the accumulation steps.
    public var order: AccumulationOrder

    /// Creates a configuration; `name` defaults to ``settingsDescription``.
    public init(name: String? = nil, inputA: DotInput, inputB: DotInput, product: DotRounding = .exact,
                accumulator: DotRounding, order: AccumulationOrder = .sequential) {
        self.inputA = inputA
        self.inputB = inputB
        self.product = product
        self.accumulator = accumulator
        self.order = order
        self.name = name ?? ""
        if name == nil { self.name = settingsDescription }
    }

    /// `inputs × product → accumulator, order`.
    public var settingsDescription: String {
        let inputs = inputA == inputB ? inputA.description : "\(inputA)·\(inputB)"
        let product = self.product.format == nil ? "" : " ×\(self.product)"
        return "\(inputs)\(product) acc \(accumulator) \(order)"
    }

    /// The display name.
    public var description: String { name }

    /// Checks the settings that do not depend on the data.
    public func validate() throws {
        if case .promoted(let k, let wide) = order {
            guard k >= 1 else { throw AnalysisError("promotion interval \(k) must be at least 1") }
            guard wide.format != nil else { throw AnalysisError("promotion into an exact accumulator: use --accumulator exact instead") }
        }
        for input in [inputA, inputB] {
            if case .scheme(let s) = input, case .channel = s.granularity {
                throw AnalysisError("per-channel scaling does not apply to a dot product of two vectors: use per-tensor, absmax or a block scheme")
            }
        }
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
