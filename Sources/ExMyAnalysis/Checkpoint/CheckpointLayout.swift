import ExMy
import Foundation
import TensorIO

/// How one quantized tensor is stored in a `.safetensors` file written by ``CheckpointQuantizer``
/// (layout version 1). `NAME` is the source tensor's name, `[..., L]` its shape, `B` the block
/// size, `nb = L' / B` the blocks per row where `L'` is `L`, or `L` rounded up to a multiple of
/// `B` when padding was asked for. Every layout keeps element order: row-major, blocks along the
/// last axis.
///
/// | layout | tensors | matches |
/// |---|---|---|
/// | ``codes`` | `NAME` U8/U16/U32 `[..., L]`, one code per element | plain codes of any format |
/// | ``mxPacked`` | `NAME_blocks` U8 `[..., nb, B·w/8]` packed codes (FP4: low nibble first), `NAME_scales` U8 (E8M0) `[..., nb]` | gpt-oss / transformers MXFP4 |
/// | ``mxBytes`` | `NAME` F8_E4M3, F8_E5M2 or I8 `[..., L']`, `NAME_scales` U8 (E8M0) `[..., nb]` | MXFP8 / MXINT8 (unpacked bytes) |
/// | ``nvfp4`` | `NAME` U8 `[..., L'/2]` packed E2M1 (low nibble first), `NAME_scale` F8_E4M3 `[..., nb]`, `NAME_scale_2` F32 `[]` | NVIDIA ModelOpt NVFP4 (vLLM, TensorRT-LLM) |
/// | ``absmax`` | `NAME` U8 `[..., L']` codes, `NAME_scale` F32 `[..., nb]` | exmy's FP32 absmax blocks |
///
/// Dequantized element: `decode(code) · scale` (times `NAME_scale_2` for ``nvfp4``), computed
/// exactly in `Double`; an E8M0 scale byte `e` is `2^(e − 127)` (0xFF: NaN, the whole block NaN).
public enum CheckpointLayout: String, Codable, Sendable, CaseIterable {
    /// `NAME`: one U8/U16/U32 code per element, source shape; no scale (plain codes of any format).
    case codes
    /// `NAME_blocks` (U8, codes packed `w` bits each, FP4 low nibble first) and `NAME_scales` (U8
    /// E8M0, one per block): gpt-oss / transformers MXFP4. Spelled `mx-packed`.
    case mxPacked = "mx-packed"
    /// `NAME` (F8_E4M3, F8_E5M2 or I8, one byte per element) and `NAME_scales` (U8 E8M0, one per
    /// block): MXFP8 / MXINT8. Spelled `mx-bytes`.
    case mxBytes = "mx-bytes"
    /// `NAME` (U8, packed E2M1, low nibble first), `NAME_scale` (F8_E4M3 block scales) and
    /// `NAME_scale_2` (F32 scalar tensor scale): NVIDIA ModelOpt NVFP4.
    case nvfp4
    /// `NAME` (U8 codes, one per element) and `NAME_scale` (F32, one per block): exmy's FP32 absmax
    /// blocks.
    case absmax

    /// The stored tensors' names for source tensor `name`: element codes first, then block scales,
    /// then the tensor scale.
    public func storedNames(for name: String) -> [String] {
        switch self {
        case .codes: return [name]
        case .mxPacked: return [name + "_blocks", name + "_scales"]
        case .mxBytes: return [name, name + "_scales"]
        case .nvfp4: return [name, name + "_scale", name + "_scale_2"]
        case .absmax: return [name, name + "_scale"]
        }
    }

    /// Whether element codes are packed (two FP4 codes per byte, four FP6 codes per three bytes).
    var packsCodes: Bool { self == .mxPacked || self == .nvfp4 }
}

/// What `exmy quantize` records in `__metadata__` for each quantized tensor, under the key
/// `exmy.quantized.NAME`, as a JSON object. `exmy dequantize` reads only this record and the stored
/// tensors it names.
public struct QuantizedTensorRecord: Codable, Sendable, Hashable {
    /// The metadata key of the layout version (`"1"`).
    public static let versionKey = "exmy.layout_version"
    /// The layout version written.
    public static let version = "1"
    /// The prefix of each record's metadata key.
    public static let keyPrefix = "exmy.quantized."

    /// How the tensor is stored.
    public var layout: CheckpointLayout
    /// The scheme's name (`codes`, `mxfp4`, `mxfp6-e2m3`, `mxfp8-e4m3`, `mxint8`, `nvfp4`, `absmax`).
    public var scheme: String
    /// The element format's canonical spelling.
    public var format: String
    /// Elements per scale block (absent for ``CheckpointLayout/codes``).
    public var block: Int?
    /// The scale format and rule (`e8m0(floor)`, `ue4m3(up, fp32 tensor scale)`, `fp32`).
    public var scale: String?
    /// The element rounding rule, as ``RoundingRule/spelling`` writes it (`nearest-even`, …).
    public var rounding: String
    /// The element overflow rule, as its raw value (`sat-finite`, `sat-propagate` or `none`).
    public var overflow: String
    /// The seed of stochastic rounding (absent for deterministic rules).
    public var seed: UInt64?
    /// The source tensor's shape (before any padding).
    public var shape: [Int]
    /// The source tensor's safetensors dtype name (`F32`, `F16`, `BF16` or `F64`).
    public var dtype: String
    /// The last dimension as stored when it was padded up to a multiple of ``block``; absent when
    /// not padded.
    public var paddedLast: Int?
    /// The stored tensors (``CheckpointLayout/storedNames(for:)``).
    public var tensors: [String]

    /// The record as the JSON text stored in the metadata (keys sorted).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses a record's JSON text.
    public init(json: String) throws {
        self = try JSONDecoder().decode(QuantizedTensorRecord.self, from: Data(json.utf8))
    }

    init(layout: CheckpointLayout, scheme: String, format: String, block: Int?, scale: String?, rounding: String, overflow: String,
         seed: UInt64?, shape: [Int], dtype: String, paddedLast: Int?, tensors: [String]) {
        self.layout = layout
        self.scheme = scheme
        self.format = format
        self.block = block
        self.scale = scale
        self.rounding = rounding
        self.overflow = overflow
        self.seed = seed
        self.shape = shape
        self.dtype = dtype
        self.paddedLast = paddedLast
        self.tensors = tensors
    }
}

/// The block geometry of a tensor of shape `[..., last]` under blocks of `block` along the last
/// axis: a scalar counts as `[1]`; groups tile the tensor row by row; group `g` is elements
/// `row·last + k·B ..< row·last + min((k+1)·B, last)` with `row = g / perRow`, `k = g % perRow`.
struct BlockGeometry: Sendable {
    let last: Int
    let rows: Int
    let block: Int
    let perRow: Int
    var groups: Int { rows * perRow }
    /// The last dimension rounded up to whole blocks (checked: see ``fits``).
    var paddedLast: Int { perRow * block }
    var isPadded: Bool { last % block != 0 }
    /// Whether the padded shape's sizes fit in `Int` (a shape such as `(1, 0, 2^63 − 1)` is empty
    /// but its padded last dimension would not).
    var fits: Bool { !perRow.multipliedReportingOverflow(by: block).overflow }

    init(shape: [Int], elementCount: Int, block: Int) {
        last = shape.last ?? 1
        rows = last == 0 ? 0 : elementCount / last
        self.block = block
        perRow = last / block + (last % block == 0 ? 0 : 1)  // no overflow for last near Int.max
    }

    /// The first element of group `g`.
    func start(_ g: Int) -> Int { (g / perRow) * last + (g % perRow) * block }
    /// One past the last element of group `g`.
    func end(_ g: Int) -> Int { (g / perRow) * last + min((g % perRow + 1) * block, last) }

    /// The stored shape with the last axis replaced by `tail` (the prefix `[...]` of the source shape).
    func shape(_ source: [Int], _ tail: [Int]) -> [Int] { Array(source.dropLast()) + tail }
}

extension QuantizationScheme {
    /// The layout a scheme is stored in, or `nil` when no file layout holds it (per-tensor and
    /// per-channel granularity, scales in an arbitrary ExMy format, elements wider than 8 bits).
    var checkpointLayout: CheckpointLayout? {
        guard case .block = granularity, element.bitWidth <= 8 else { return nil }
        switch scale {
        case .e8m0:
            return element.bitWidth == 8 ? .mxBytes : .mxPacked
        case .ue4m3: return element.bitWidth == 4 ? .nvfp4 : nil
        case .fp32: return .absmax
        case .exmy: return nil
        }
    }
}

