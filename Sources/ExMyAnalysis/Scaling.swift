import ExMy
import Foundation

/// How scale factors are shared.
public enum Granularity: Hashable, Sendable, CustomStringConvertible {
    /// One scale for the whole tensor.
    case tensor
    /// One scale per index along `axis` (reducing over the other axes).
    case channel(axis: Int)
    /// One scale per run of `B` consecutive elements along the last axis (a shorter final run when
    /// the last dimension is not a multiple of `B`), as OCP MX (B = 32) and NVFP4 (B = 16).
    case block(Int)

    public var description: String {
        switch self {
        case .tensor: return "tensor"
        case .channel(let a): return "channel(axis \(a))"
        case .block(let b): return "block \(b)"
        }
    }
}

/// How an E8M0 (power-of-two) block scale is chosen from the block's absolute maximum `amax` and the
/// element format's greatest finite value `max`.
public enum PowerOfTwoScaleRule: String, Hashable, Sendable, CaseIterable {
    /// OCP MX v1.0 reference: `2^(floor(log2 amax) − emax_elem)`. The largest element may clip
    /// (E2M1: 7.9·2^k becomes 6·2^k).
    case floor
    /// `2^ceil(log2(amax / max))`: the least power of two with no clipping (cuBLAS/cuDNN round up).
    case ceil
    /// `amax / max` rounded to the nearest power of two, ties to the even exponent (gfloat's cast).
    case even
    /// `amax / max` rounded to the nearest power of two, ties upward (ml_dtypes' cast, MPFR).
    case up
}

/// How NVFP4's UE4M3 block scale `amax / 6` is rounded into UE4M3.
public enum BlockScaleRounding: String, Hashable, Sendable, CaseIterable {
    /// Round up (cuDNN's documented rule): no element clips.
    case up
    /// Round to nearest even (torchao eager).
    case even
}

/// The format and rule of the scale factors.
public enum ScaleFormat: Hashable, Sendable, CustomStringConvertible {
    /// FP32 absmax scaling (the Capybara paper): `scale = Float(amax / max)`.
    case fp32
    /// E8M0 power-of-two scales (OCP MX).
    case e8m0(PowerOfTwoScaleRule)
    /// UE4M3 block scales (NVFP4), with an optional second-level FP32 per-tensor scale
    /// `amax_tensor / (448 · max)` that keeps block scales within UE4M3's range.
    case ue4m3(BlockScaleRounding, twoLevel: Bool)
    /// Any ExMy format: `amax / max` rounded into it with the given rule, saturating.
    case exmy(FloatFormat, RoundingRule)

    public var description: String {
        switch self {
        case .fp32: return "fp32"
        case .e8m0(let r): return "e8m0(\(r.rawValue))"
        case .ue4m3(let r, let two): return "ue4m3(\(r.rawValue)\(two ? ", fp32 tensor scale" : ""))"
        case .exmy(let f, _): return f.canonicalSpelling
        }
    }
}

/// A complete quantization recipe: element format and rules, scale granularity and scale format.
public struct QuantizationScheme: Hashable, Sendable, CustomStringConvertible {
    /// A display name (`mxfp4`, `nvfp4`, `absmax`, …).
    public var name: String
    /// The element format the scaled values are rounded into.
    public var element: FloatFormat
    /// Which elements share a scale: the whole tensor, a channel, or a block along the last axis.
    public var granularity: Granularity
    /// The format and rule of the scale factors.
    public var scale: ScaleFormat
    /// Rounding of elements (ties-to-even in every spec; the Capybara paper's QPyTorch used ties-away).
    public var rounding: RoundingRule
    /// Element overflow rule (saturating in OCP MX and NVFP4).
    public var overflow: OverflowRule

    /// Creates a scheme from its parts. Nothing is validated here: a block size below 1 or a
    /// channel axis the tensor lacks is refused (``AnalysisError``) when a tensor is quantized.
    public init(name: String, element: FloatFormat, granularity: Granularity, scale: ScaleFormat,
                rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .saturateFinite) {
        self.name = name
        self.element = element
        self.granularity = granularity
        self.scale = scale
        self.rounding = rounding
        self.overflow = overflow
    }

    public var description: String { "\(name)[\(element.canonicalSpelling), \(granularity), scale \(scale)]" }

    /// The block of the FP32 absmax scheme when none is given: 128, the Capybara paper's setting.
    /// Every command and ``absmax(_:block:)`` take it from here.
    public static let defaultAbsmaxBlock = 128

    /// The element format of the FP32 schemes (`absmax`, `per-tensor`, `per-channel`) when
    /// ``init(parsing:element:block:axis:)`` is given none.
    public static let defaultElement = FloatFormat.e4m3fn

    /// FP32 absmax scaling over blocks of `block` elements (the Capybara paper's setting).
    public static func absmax(_ element: FloatFormat, block: Int = defaultAbsmaxBlock) -> QuantizationScheme {
        QuantizationScheme(name: "absmax", element: element, granularity: .block(block), scale: .fp32)
    }

    /// One FP32 scale for the whole tensor.
    public static func perTensor(_ element: FloatFormat) -> QuantizationScheme {
        QuantizationScheme(name: "per-tensor", element: element, granularity: .tensor, scale: .fp32)
    }

    /// One FP32 scale per index along `axis`.
    public static func perChannel(_ element: FloatFormat, axis: Int = 0) -> QuantizationScheme {
        QuantizationScheme(name: "per-channel", element: element, granularity: .channel(axis: axis), scale: .fp32)
    }

    /// OCP MX: blocks of 32 with an E8M0 scale (`rule` defaults to the spec's floor).
    public static func mx(_ name: String, _ element: FloatFormat, block: Int = 32, rule: PowerOfTwoScaleRule = .floor) -> QuantizationScheme {
        QuantizationScheme(name: name, element: element, granularity: .block(block), scale: .e8m0(rule))
    }

    /// NVFP4: E2M1 elements in blocks of 16 with a UE4M3 scale and an FP32 per-tensor scale.
    public static func nvfp4(block: Int = 16, rounding: BlockScaleRounding = .up, twoLevel: Bool = true) -> QuantizationScheme {
        QuantizationScheme(name: "nvfp4", element: .e2m1fn, granularity: .block(block), scale: .ue4m3(rounding, twoLevel: twoLevel))
    }

    /// The named schemes: `mxfp8-e4m3`, `mxfp8-e5m2`, `mxfp6-e3m2`, `mxfp6-e2m3`, `mxfp4`, `mxint8`,
    /// `nvfp4`.
    public static func named(_ name: String) -> QuantizationScheme? {
        switch name {
        case "mxfp8-e4m3": return .mx(name, .e4m3fn)
        case "mxfp8-e5m2": return .mx(name, .e5m2)
        case "mxfp6-e3m2": return .mx(name, .e3m2fn)
        case "mxfp6-e2m3": return .mx(name, .e2m3fn)
        case "mxfp4": return .mx(name, .e2m1fn)
        case "mxint8": return .mx(name, .mxint8)
        case "nvfp4": return .nvfp4()
        default: return nil
        }
    }

    /// The names ``named(_:)`` accepts.
    public static let namedSchemes = ["mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e3m2", "mxfp6-e2m3", "mxfp4", "mxint8", "nvfp4"]

    /// The FP32-scaled schemes, whose element format is the caller's: `absmax`, `per-tensor`, `per-channel`.
    public static let fp32Schemes = ["absmax", "per-tensor", "per-channel"]

    /// Every name ``init(parsing:element:block:axis:)`` accepts (besides the alias `mxfp8`).
    public static var schemeNames: [String] { fp32Schemes + namedSchemes }

    /// Whether `name` is a scheme with its own element format (the OCP MX and NVFP4 schemes).
    public static func hasFixedElement(_ name: String) -> Bool { named(name == "mxfp8" ? "mxfp8-e4m3" : name) != nil }

    /// Parses a scheme by name, the one parser every command uses.
    ///
    /// - `absmax`: FP32 absmax scales over blocks of `block` (default ``defaultAbsmaxBlock``);
    /// - `per-tensor`, `per-channel` (along `axis`): one FP32 scale per tensor or per channel;
    /// - the names of ``namedSchemes`` (and `mxfp8` for `mxfp8-e4m3`): OCP MX and NVFP4, whose
    ///   `element` and `block`, when given, replace the specification's.
    ///
    /// The FP32 schemes take `element` (default ``defaultElement``). Rounding and overflow are the
    /// scheme's defaults (nearest-even, saturating); scale formats are the specification's.
    ///
    /// - Throws: ``AnalysisError`` for an unknown name (listing the accepted ones), a block below 1 or
    ///   a negative axis.
    public init(parsing name: String, element: FloatFormat? = nil, block: Int? = nil, axis: Int = 0) throws {
        if let block, block < 1 { throw AnalysisError("the block size must be a positive integer, got \(block)") }
        if axis < 0 { throw AnalysisError("the axis must be a non-negative integer (0 is the first dimension), got \(axis)") }
        var scheme: QuantizationScheme
        if let named = Self.named(name == "mxfp8" ? "mxfp8-e4m3" : name) {
            scheme = named
            if let block { scheme.granularity = .block(block) }
        } else {
            let e = element ?? Self.defaultElement
            switch name {
            case "absmax": scheme = .absmax(e, block: block ?? Self.defaultAbsmaxBlock)
            case "per-tensor": scheme = .perTensor(e)
            case "per-channel": scheme = .perChannel(e, axis: axis)
            default:
                throw AnalysisError("unknown scheme '\(name)': use \(Self.schemeNames.joined(separator: ", "))")
            }
        }
        if let element { scheme.element = element }
        self = scheme
    }
}

extension QuantizationScheme {
    /// The scale of a group whose finite absolute maximum is `amax > 0`. `tensorScale` is the
    /// second-level scale (NVFP4), 1 otherwise. May return 0 (a scale that underflowed its format).
    func groupScale(amax: Double, tensorScale: Double) -> Double {
        groupScale(amax: amax, tensorScale: tensorScale, maxElement: element.greatestFiniteMagnitude)
    }

    /// ``groupScale(amax:tensorScale:)`` with the element format's greatest finite value given.
    func groupScale(amax: Double, tensorScale: Double, maxElement: Double) -> Double {
        let f = groupScaleFactors(amax: amax, tensorScale: tensorScale, maxElement: maxElement)
        return f.stored * f.tensor
    }

    /// ``groupScale(amax:tensorScale:)`` as the factor stored with the group and the tensor-wide
    /// factor it multiplies (`groupScale = stored · tensor`, computed exactly in `Double`): NVFP4's
    /// UE4M3 block scale and FP32 tensor scale; `tensor` is 1 for every other scale format. The
    /// dot-product study applies the stored factor to per-block partial sums, as hardware does.
    package func groupScaleFactors(amax: Double, tensorScale: Double, maxElement: Double) -> (stored: Double, tensor: Double) {
        switch scale {
        case .fp32:
            return (Double(Float(amax / maxElement)), 1)
        case .e8m0(let rule):
            let e: Int
            switch rule {
            case .floor:
                e = Int(amax.exponent) - Int(maxElement.exponent)
            case .ceil:
                let a = Int(amax.exponent) - Int(maxElement.exponent)
                e = amax.significand > maxElement.significand ? a + 1 : a
            case .even, .up:
                // Nearest power of two to r = amax / max; the tie is r = 1.5·2^k.
                let r = amax / maxElement
                let k = Int(r.exponent)
                let s = r.significand
                if s < 1.5 { e = k } else if s > 1.5 { e = k + 1 } else { e = rule == .up ? k + 1 : (k % 2 == 0 ? k : k + 1) }
            }
            return (Double(sign: .plus, exponent: min(max(e, -127), 127), significand: 1), 1)
        case .ue4m3(let rounding, _):
            let r = amax / (maxElement * tensorScale)
            let code = FloatFormat.ue4m3.encode(r, rounding: rounding == .up ? .up : .toNearestOrEven, overflow: .saturateFinite).code
            return (FloatFormat.ue4m3.decode(code), tensorScale)
        case .exmy(let format, let rule):
            var g = SystemRandomNumberGenerator()
            let code = format.encode(amax / maxElement, rounding: rule, overflow: .saturateFinite, random: &g).code
            let s = format.decode(code)
            return (s.isFinite && s > 0 ? s : 0, 1)
        }
    }

    /// The scale of an all-zero group (its elements quantize to zero whatever the scale).
    package var zeroGroupScale: Double {
        switch scale {
        case .e8m0: return 0x1p-127  // the least E8M0 scale (as torchao)
        default: return 1
        }
    }

    /// NVFP4's second-level scale: `amax_tensor / (448 · max_element)`, in FP32.
    package func tensorScale(amax: Double) -> Double {
        if case .ue4m3(_, true) = scale, amax > 0, amax.isFinite {
            return Double(Float(amax / (FloatFormat.ue4m3.greatestFiniteMagnitude * element.greatestFiniteMagnitude)))
        }
        return 1
    }
}
