import ExMy

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
