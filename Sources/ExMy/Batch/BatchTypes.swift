/// Options, policies, errors and element types of the batch conversion API.

/// Why a batch conversion was refused or failed.
///
/// Every error says what is wrong and, where there is one, how to fix it. Argument errors
/// (lengths, alignment, sizes, code widths) are thrown before anything is written.
public struct BatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Hashable, Sendable {
        /// A NaN input into a format without NaN under ``BatchNaNPolicy/error``: `index` is the
        /// index of the first NaN in the input buffer (not counting ``BatchOptions/startIndex``).
        case nanInput(index: Int)
        /// Input and output lengths do not match.
        case lengthMismatch
        /// A buffer is not aligned for its element type.
        case misaligned
        /// The request is too large (byte counts or indices would overflow).
        case tooLarge
        /// The code type is narrower than the format.
        case codeTypeTooNarrow
        /// An argument is out of range (a rule's bit count, a packing width, a thread count).
        case invalidArgument
    }

    /// The kind of failure.
    public let kind: Kind
    /// The human-readable explanation.
    public let message: String
    /// For ``Kind/nanInput(index:)``: the NaN that was found (its sign and payload kept).
    public let value: Double?

    /// Creates an error of `kind` with its explanation and, for ``Kind/nanInput(index:)``, the NaN
    /// found. Nothing is validated: `value` is kept as given, whatever `kind` is.
    public init(_ kind: Kind, _ message: String, value: Double? = nil) {
        self.kind = kind
        self.message = message
        self.value = value
    }

    public var description: String { message }

    public static func == (lhs: BatchError, rhs: BatchError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.value?.bitPattern == rhs.value?.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
        hasher.combine(value?.bitPattern)
    }
}

/// What a batch conversion does with a NaN input when the format has no NaN code (OCP FP6/FP4,
/// MXINT8, formats with specials `none`). Formats with a NaN code always produce it (the sign
/// kept where their NaNs carry one) and raise no flag.
public enum BatchNaNPolicy: Hashable, Sendable {
    /// Throw ``BatchError`` (kind ``BatchError/Kind/nanInput(index:)``) naming the first NaN's
    /// index and value. The whole input is still converted first: every output element holds its
    /// code, each NaN input holding code 0 (the raw primitive's answer), so the output does not
    /// depend on where the NaNs are. The default.
    case error
    /// Write these codes (for a NaN with the sign bit clear / set) and raise
    /// ``ConversionStatus/invalid``. ml_dtypes 0.6, for example, writes −0 for +NaN and +0 for −NaN
    /// into FP4/FP6: `.codes(positive: format.assembleCode(negative: true, magnitude: 0), negative: 0)`.
    case codes(positive: UInt64, negative: UInt64)

    /// The raw primitive's answer: code 0 (+0, or the least value of a format without zero), flag
    /// ``ConversionStatus/invalid``.
    public static let zero = BatchNaNPolicy.codes(positive: 0, negative: 0)
}

/// Per-call options of the batch API.
public struct BatchOptions: Hashable, Sendable {
    /// The most threads to use, or `nil` to choose automatically (one thread below
    /// ``parallelThreshold`` elements, else every active processor). A named count is a cap: each
    /// thread gets at least 64K elements, so a short array runs on fewer threads (or on the calling
    /// thread) where waking workers would cost more than they save. Results never depend on it.
    public var threads: Int?
    /// The seed of the ``CounterRandom`` stream that stochastic rules draw from.
    public var seed: UInt64
    /// The stream index of the first element: element `k` of the buffer draws from
    /// `word(startIndex + k, …)`. Converting an array in pieces with matching start indices gives
    /// exactly the result of converting it at once.
    public var startIndex: UInt64

    /// Arrays shorter than this are converted on the calling thread when ``threads`` is `nil`.
    public static let parallelThreshold = 1 << 18

    /// Creates options with the given thread cap, stochastic-rounding seed and stream start index.
    ///
    /// Nothing is checked here; a `threads` count below 1 is refused (``BatchError/Kind/invalidArgument``)
    /// by the conversion that receives it.
    public init(threads: Int? = nil, seed: UInt64 = 0, startIndex: UInt64 = 0) {
        self.threads = threads
        self.seed = seed
        self.startIndex = startIndex
    }
}

/// The element types the batch API converts from and to: `Float`, `Double` and `Float16`. bfloat16
/// buffers are passed as their `UInt16` bit patterns (the `bfloat16Bits:` variants).
public protocol BatchFloatingPoint: BinaryFloatingPoint, Sendable {
    /// Which of the supported types this is.
    static var batchElementKind: BatchElementKind { get }
}

/// The floating-point element layouts the batch API reads and writes.
public enum BatchElementKind: String, Hashable, Sendable, CaseIterable {
    /// `Float`: IEEE 754 binary32, 4 bytes.
    case float
    /// `Double`: IEEE 754 binary64, 8 bytes.
    case double
    /// `Float16`: IEEE 754 binary16, 2 bytes.
    case float16
    /// bfloat16 (E8M7), passed as its `UInt16` bit pattern, 2 bytes.
    case bfloat16

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float: return 4
        case .double: return 8
        case .float16, .bfloat16: return 2
        }
    }
}

extension Float: BatchFloatingPoint {
    @inlinable public static var batchElementKind: BatchElementKind { .float }
}

extension Double: BatchFloatingPoint {
    @inlinable public static var batchElementKind: BatchElementKind { .double }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16: BatchFloatingPoint {
    @inlinable public static var batchElementKind: BatchElementKind { .float16 }
}
#endif

/// The unsigned integer types that hold codes: `UInt8`, `UInt16`, `UInt32`, `UInt64`. A code
/// buffer's type must be at least as wide as the format (``FloatFormat/bitWidth``).
public protocol BatchCode: FixedWidthInteger, UnsignedInteger, Sendable {}
extension UInt8: BatchCode {}
extension UInt16: BatchCode {}
extension UInt32: BatchCode {}
extension UInt64: BatchCode {}

// MARK: Argument checks shared by the entry points

@usableFromInline
enum BatchChecks {
    static func aligned<T>(_ pointer: UnsafeRawPointer?, _: T.Type, _ what: String) throws {
        guard let p = pointer else { return }
        if Int(bitPattern: p) % MemoryLayout<T>.alignment != 0 {
            throw BatchError(
                .misaligned,
                "the \(what) buffer at \(p) is not aligned for \(T.self) (alignment \(MemoryLayout<T>.alignment)); copy it into an aligned buffer, e.g. an Array")
        }
    }

    static func sameLength(_ input: Int, _ output: Int, _ what: String) throws {
        guard input == output else {
            throw BatchError(
                .lengthMismatch,
                "\(what): the input has \(input) elements but the output has room for \(output); pass buffers of equal length")
        }
    }

    static func threads(_ t: Int?) throws {
        if let t, t < 1 {
            throw BatchError(.invalidArgument, "threads must be at least 1 (or nil for automatic), not \(t)")
        }
    }

    static func byteCount(_ count: Int, _ size: Int) throws {
        let (_, overflow) = count.multipliedReportingOverflow(by: max(size, 8))
        if overflow || count > Int.max / 16 {
            throw BatchError(.tooLarge, "\(count) elements are too many: the byte count would overflow")
        }
    }

    static func startIndex(_ start: UInt64, _ count: Int) throws {
        let (_, overflow) = start.addingReportingOverflow(UInt64(count))
        if overflow {
            throw BatchError(.tooLarge, "startIndex \(start) + \(count) elements passes the end of the 64-bit counter stream")
        }
    }
}
