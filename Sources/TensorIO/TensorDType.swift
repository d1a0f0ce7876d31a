/// The element type of a stored tensor.
///
/// Every case has a fixed size in bytes (``byteSize``), a name in the safetensors header
/// (``safetensorsName``) and, where NumPy has one, a `.npy` `descr` string (``npyDescr``).
///
/// | case | bytes | safetensors | `.npy` descr |
/// |---|---|---|---|
/// | ``float64`` | 8 | `F64` | `<f8` |
/// | ``float32`` | 4 | `F32` | `<f4` |
/// | ``float16`` | 2 | `F16` | `<f2` |
/// | ``bfloat16`` | 2 | `BF16` | none (`<V2` by the ml_dtypes convention, see below) |
/// | ``float8E4M3FN`` | 1 | `F8_E4M3` | none (`<V1` by the ml_dtypes convention) |
/// | ``float8E5M2`` | 1 | `F8_E5M2` | none (`<V1`) |
/// | ``float8E8M0`` | 1 | `F8_E8M0` | none (`<V1`) |
/// | ``int64`` … ``int8`` | 8, 4, 2, 1 | `I64` `I32` `I16` `I8` | `<i8` `<i4` `<i2` `\|i1` |
/// | ``uint64`` … ``uint8`` | 8, 4, 2, 1 | `U64` `U32` `U16` `U8` | `<u8` `<u4` `<u2` `\|u1` |
/// | ``bool`` | 1 | `BOOL` | `\|b1` |
///
/// NumPy has no bfloat16 or float8 types of its own. The `ml_dtypes` package, which supplies them,
/// saves them to `.npy` as anonymous void types (`<V2`, `<V1`), so a `.npy` file cannot say which
/// 2-byte or 1-byte format it holds. ``NpyFile`` reads such files only when the caller names the
/// type (``NpyFile/init(path:interpretingVoidAs:)``), and ``NpyWriter`` writes these types with
/// the same void descr that ml_dtypes uses.
public enum TensorDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IEEE 754 binary64.
    case float64
    /// IEEE 754 binary32.
    case float32
    /// IEEE 754 binary16.
    case float16
    /// bfloat16: the upper 16 bits of a binary32 (8 exponent bits, 7 stored significand bits).
    case bfloat16
    /// OCP FP8 E4M3 in its "FN" form (finite only): bias 7, no infinities, NaN is `S.1111.111`.
    /// Safetensors calls it `F8_E4M3` (PyTorch `float8_e4m3fn`).
    case float8E4M3FN
    /// OCP FP8 E5M2: bias 15, IEEE-style infinities and NaNs (the upper byte of a binary16).
    case float8E5M2
    /// OCP MX scale type E8M0: an unsigned power of two `2^(e-127)`; `0xFF` is NaN. No zero.
    case float8E8M0
    /// Two's-complement 64-bit integer.
    case int64
    /// Two's-complement 32-bit integer.
    case int32
    /// Two's-complement 16-bit integer.
    case int16
    /// Two's-complement 8-bit integer.
    case int8
    /// Unsigned 64-bit integer.
    case uint64
    /// Unsigned 32-bit integer.
    case uint32
    /// Unsigned 16-bit integer.
    case uint16
    /// Unsigned 8-bit integer.
    case uint8
    /// One byte per element; zero is false, anything else true.
    case bool

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float8E4M3FN, .float8E5M2, .float8E8M0, .int8, .uint8, .bool: return 1
        }
    }

    /// Whether the type is a floating-point format (including bfloat16 and the FP8 formats).
    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16, .float8E4M3FN, .float8E5M2, .float8E8M0: return true
        default: return false
        }
    }

    /// The dtype string used in safetensors headers (`"F32"`, `"BF16"`, `"F8_E4M3"`, …).
    public var safetensorsName: String {
        switch self {
        case .float64: return "F64"
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float8E4M3FN: return "F8_E4M3"
        case .float8E5M2: return "F8_E5M2"
        case .float8E8M0: return "F8_E8M0"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint64: return "U64"
        case .uint32: return "U32"
        case .uint16: return "U16"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    /// The type named by a safetensors dtype string, or `nil` for names this module does not
    /// support (for example the packed sub-byte types `F4`, `F6_E2M3`, or complex `C64`).
    public init?(safetensorsName name: String) {
        switch name {
        case "F64": self = .float64
        case "F32": self = .float32
        case "F16": self = .float16
        case "BF16": self = .bfloat16
        case "F8_E4M3": self = .float8E4M3FN
        case "F8_E5M2": self = .float8E5M2
        case "F8_E8M0": self = .float8E8M0
        case "I64": self = .int64
        case "I32": self = .int32
        case "I16": self = .int16
        case "I8": self = .int8
        case "U64": self = .uint64
        case "U32": self = .uint32
        case "U16": self = .uint16
        case "U8": self = .uint8
        case "BOOL": self = .bool
        default: return nil
        }
    }

    /// The little-endian `.npy` descr NumPy writes for this type (`"<f4"`, `"|u1"`, `"|b1"`, …),
    /// or `nil` for types NumPy does not have (bfloat16 and the FP8 formats).
    public var npyDescr: String? {
        guard let code = npyTypeCode else { return nil }
        return (byteSize == 1 ? "|" : "<") + code
    }

    /// The type named by a `.npy` descr such as `"<f4"`, `">u2"`, `"|b1"` or `"f8"` (any byte-order
    /// character), or `nil` for descrs this module does not read (strings, complex, void, …).
    public init?(npyDescr descr: String) {
        guard let (dtype, _) = try? NpyFile.parseDescr(descr, voidType: nil, path: "") else { return nil }
        self = dtype
    }

    /// NumPy kind letter plus size, without the byte-order character.
    var npyTypeCode: String? {
        switch self {
        case .float64: return "f8"
        case .float32: return "f4"
        case .float16: return "f2"
        case .int64: return "i8"
        case .int32: return "i4"
        case .int16: return "i2"
        case .int8: return "i1"
        case .uint64: return "u8"
        case .uint32: return "u4"
        case .uint16: return "u2"
        case .uint8: return "u1"
        case .bool: return "b1"
        case .bfloat16, .float8E4M3FN, .float8E5M2, .float8E8M0: return nil
        }
    }

    /// The descr written to `.npy` files: ``npyDescr`` where NumPy has the type, otherwise the
    /// ml_dtypes convention of an anonymous void type of the same size (`"<V2"`, `"<V1"`).
    var npyWriteDescr: String {
        npyDescr ?? "<V\(byteSize)"
    }

    /// A readable name (the case name).
    public var description: String { rawValue }
}

/// A Swift type whose in-memory representation is exactly one element of a ``TensorDType``.
///
/// Conforming types can be written by ``NpyWriter`` and ``SafetensorsWriter`` and read back with
/// `readElements(as:)`. The module provides the conformances for `Float`, `Double`, `Float16`
/// (where the platform has it), the fixed-width integers and `Bool`.
///
/// Formats without a Swift type (bfloat16, the FP8 formats) are handled as bit patterns: an
/// unsigned integer of the same size (`UInt16` for bfloat16, `UInt8` for FP8) may stand for them
/// when reading and writing; see ``TensorElement/canRepresentBits(of:)``.
public protocol TensorElement: BitwiseCopyable, Sendable {
    /// The tensor element type this Swift type stores natively.
    static var tensorDType: TensorDType { get }
}

extension TensorElement {
    /// Whether values of this Swift type may carry elements of `dtype`: either `dtype` is the
    /// type's own ``tensorDType``, or this type is an unsigned integer of the same size, used as
    /// a raw bit pattern (for example `UInt16` for ``TensorDType/bfloat16``).
    public static func canRepresentBits(of dtype: TensorDType) -> Bool {
        if dtype == tensorDType { return true }
        switch tensorDType {
        case .uint8, .uint16, .uint32, .uint64: return tensorDType.byteSize == dtype.byteSize
        default: return false
        }
    }
}

extension Float: TensorElement { public static var tensorDType: TensorDType { .float32 } }
extension Double: TensorElement { public static var tensorDType: TensorDType { .float64 } }
#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16: TensorElement { public static var tensorDType: TensorDType { .float16 } }
#endif
extension Int64: TensorElement { public static var tensorDType: TensorDType { .int64 } }
extension Int32: TensorElement { public static var tensorDType: TensorDType { .int32 } }
extension Int16: TensorElement { public static var tensorDType: TensorDType { .int16 } }
extension Int8: TensorElement { public static var tensorDType: TensorDType { .int8 } }
extension UInt64: TensorElement { public static var tensorDType: TensorDType { .uint64 } }
extension UInt32: TensorElement { public static var tensorDType: TensorDType { .uint32 } }
extension UInt16: TensorElement { public static var tensorDType: TensorDType { .uint16 } }
extension UInt8: TensorElement { public static var tensorDType: TensorDType { .uint8 } }
extension Bool: TensorElement { public static var tensorDType: TensorDType { .bool } }
