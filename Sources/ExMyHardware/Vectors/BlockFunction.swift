import ExMy
import ExMyAnalysis

/// A block function of MX and NVFP4 hardware: a scaled conversion of one block, or a block dot
/// product.
///
/// - `SOURCE_to_SCHEME`: one block of source values becomes a scale code and element codes under a
///   block-scaling scheme of ExMyAnalysis (``QuantizationScheme``). SCHEME is `mxfp8e4m3`,
///   `mxfp8e5m2`, `mxfp6e3m2`, `mxfp6e2m3`, `mxfp4` (OCP MX v1.0: E8M0 scales, blocks of 32),
///   `nvfp4` (E2M1 elements, UE4M3 scales, blocks of 16, an FP32 per-tensor scale) or `absmax`
///   (FP32 scales, the element format and block given separately); the analyzer's hyphenated
///   spellings (`mxfp8-e4m3`) are accepted too. SOURCE is any format token of ``VectorFunction``
///   (`f32`, `bf16`, `f16`, `e5m2`, …).
/// - `SCHEME_dotK`: the OCP MX Dot (or NVFP4's) over K elements of A and B with one scale of A and
///   one of B per block (K a multiple of the block size), plus an accumulator input C.
/// - `FORMAT_dotK`: IEEE P3109 BlockDotProduct over K unscaled elements of any ExMy format
///   (`e4m3fn_dot32`, `binary8p4se_dot32`): the exact sum of the exact products and C, rounded once.
///
/// `f32_to_mxint8` stays the element conversion into the MXINT8 format (it is a format name);
/// the scaled MXINT8 block is not offered.
///
/// ```swift
/// try BlockFunction(parsing: "f32_to_mxfp8e4m3").blockSize    // 32
/// try BlockFunction(parsing: "nvfp4_dot16").scheme?.name      // "nvfp4"
/// try BlockFunction(parsing: "f32_add")                       // nil: not a block function
/// ```
public struct BlockFunction: Hashable, Sendable {
    /// What one vector line holds.
    public enum Kind: Hashable, Sendable {
        /// One block of values of `source` → scale code, element codes.
        case scaledConvert(source: FloatFormat)
        /// A dot product of K elements (scaled when the function has a scheme).
        case dot(k: Int)
    }

    /// The name as given.
    public let name: String
    /// Whether the function is a scaled conversion (and from which source format) or a dot product
    /// (and its K, 1 … 4096).
    public let kind: Kind
    /// The scaling scheme (spec defaults; ``BlockSettings`` may change its rule, element and
    /// block), or `nil` for the unscaled P3109 BlockDotProduct.
    public let scheme: QuantizationScheme?
    /// The element format of an unscaled dot product (the scheme's otherwise).
    public let unscaledElement: FloatFormat?

    /// The scheme tokens: function spelling → analyzer scheme name.
    public static let schemeTokens: [String: String] = [
        "mxfp8e4m3": "mxfp8-e4m3", "mxfp8-e4m3": "mxfp8-e4m3", "mxfp8": "mxfp8-e4m3",
        "mxfp8e5m2": "mxfp8-e5m2", "mxfp8-e5m2": "mxfp8-e5m2",
        "mxfp6e3m2": "mxfp6-e3m2", "mxfp6-e3m2": "mxfp6-e3m2",
        "mxfp6e2m3": "mxfp6-e2m3", "mxfp6-e2m3": "mxfp6-e2m3",
        "mxfp4": "mxfp4", "nvfp4": "nvfp4", "absmax": "absmax",
    ]

    /// Parses a block function name; `nil` when `text` is not one (an element-wise function).
    ///
    /// - Throws: ``VectorError`` for a block function with a bad part (an unknown source format, a
    ///   K that is not a positive multiple of the block size).
    public init?(parsing text: String, customFormats: [String: FloatFormat] = [:]) throws {
        name = text
        if let r = text.range(of: "_to_"), let schemeName = Self.schemeTokens[String(text[r.upperBound...]).lowercased()] {
            let source = try VectorFunction.format(text[..<r.lowerBound], in: text, customFormats: customFormats)
            kind = .scaledConvert(source: source)
            scheme = try Self.scheme(schemeName)
            unscaledElement = nil
            return
        }
        guard let r = text.range(of: "_dot", options: .backwards) else { return nil }
        let digits = text[r.upperBound...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        guard let k = Int(digits), k >= 1, k <= 4096 else { throw VectorError("'\(text)': K = \(digits) must be 1 … 4096") }
        kind = .dot(k: k)
        let token = String(text[..<r.lowerBound])
        if let schemeName = Self.schemeTokens[token.lowercased()] {
            guard schemeName != "absmax" else { throw VectorError("'\(text)': the block dot product takes an MX or NVFP4 scheme (E8M0 or UE4M3 scales) or an element format, not absmax") }
            scheme = try Self.scheme(schemeName)
            unscaledElement = nil
        } else {
            scheme = nil
            unscaledElement = try VectorFunction.format(Substring(token), in: text, customFormats: customFormats)
        }
    }

    static func scheme(_ name: String) throws -> QuantizationScheme {
        do { return try QuantizationScheme(parsing: name) } catch let e as AnalysisError { throw VectorError(e.description) }
    }
}

/// The choices of a block model: rounding and overflow of the elements (or of the dot product's
/// one rounding), the scale rule, the engine's options, and the device's accumulator model.
public struct BlockSettings: Hashable, Sendable {
    /// Element rounding (scaled conversion) or the rounding of the exact sum (dot); `nil` for the
    /// scheme's (nearest-even).
    public var rounding: RoundingRule?
    /// Element overflow rule; `nil` for the scheme's (saturating, as OCP MX and NVFP4 specify).
    /// Not used by the dot product (the exact sum overflows to ±∞).
    public var overflow: OverflowRule?
    /// Tininess and the other engine choices (``ArithmeticOptions``).
    public var options: ArithmeticOptions
    /// The scale rule: for E8M0 scales a ``PowerOfTwoScaleRule`` (`floor`, the OCP MX rule, by
    /// default; `ceil`, `even`, `up`); for NVFP4's UE4M3 scale a ``BlockScaleRounding`` (`up`
    /// by default, `even`). `nil`: the scheme's.
    public var scaleRule: String?
    /// NVFP4 only: `false` drops the FP32 per-tensor scale (the block scale is `amax / 6` alone).
    public var tensorScale: Bool
    /// Replaces the scheme's element format (scaled conversion; `absmax` takes E4M3FN otherwise).
    public var element: FloatFormat?
    /// Replaces the scheme's block size.
    public var block: Int?
    /// The device's accumulator model for a dot product (a ``MatrixUnit``, e.g. a preset); `nil`
    /// for the exact reference.
    public var unit: MatrixUnit?
    /// Dot product: generate C = +0 in every vector (a device without an accumulator input).
    public var zeroC: Bool

    /// Creates settings as given (by default: every rule the scheme's, the per-tensor scale kept,
    /// the exact reference, C generated). Nothing is validated here: ``BlockVectorModel/init(_:_:)``
    /// throws ``VectorError`` for a choice that does not apply to its function.
    public init(rounding: RoundingRule? = nil, overflow: OverflowRule? = nil, options: ArithmeticOptions = .default,
                scaleRule: String? = nil, tensorScale: Bool = true, element: FloatFormat? = nil, block: Int? = nil,
                unit: MatrixUnit? = nil, zeroC: Bool = false) {
        self.rounding = rounding
        self.overflow = overflow
        self.options = options
        self.scaleRule = scaleRule
        self.tensorScale = tensorScale
        self.element = element
        self.block = block
        self.unit = unit
        self.zeroC = zeroC
    }
}
