/// A value of a small floating-point format known at compile time.
///
/// `ExMy` stores only its code (`bitPattern`); its format is the phantom type `Format`, so
/// `MemoryLayout<Float8E4M3FN>.size == 1`. Every operation goes through the same engine as the
/// runtime ``FloatFormat`` description.
///
/// ```swift
/// let x = Float8E4M3FN(0.3)            // rounds to nearest even: 0.3125
/// x.bitPattern                         // 0x2A
/// Float(x)                             // 0.3125
/// Float8E4M3FN(500.0).isNaN            // true: OCP non-saturating overflow
/// Float8E4M3FN(500.0, rounding: .toNearestOrEven, overflow: .saturateFinite)   // 448
/// let y = Float4E2M1FN(Float8E4M3FN(2.5))   // converts between formats, rounding once
/// ```
///
/// Departures from IEEE 754 are the format's (see ``SpecialValueEncoding``): formats without ∞
/// saturate or produce NaN on overflow per ``OverflowRule``; formats without −0 (FNUZ, P3109)
/// turn −0 into +0.
@frozen
public struct ExMy<Format: ExMyFormat>: Sendable {
    /// The code, in the low `Format.format.bitWidth` bits.
    public var bitPattern: Format.BitPattern

    /// Creates a value from its code. Bits above the format's width are ignored.
    @inlinable public init(bitPattern: Format.BitPattern) {
        self.bitPattern = bitPattern & Format.BitPattern(truncatingIfNeeded: Format.format.codeMask)
    }

    /// The runtime description of the format.
    @inlinable public static var format: FloatFormat { Format.format }

    @inlinable var code: UInt64 { UInt64(truncatingIfNeeded: bitPattern) }

    @inlinable init(encoded: FloatFormat.Encoded) {
        self.bitPattern = Format.BitPattern(truncatingIfNeeded: encoded.code)
    }

    // MARK: Conversions in

    /// Converts `x` with the format's default rules (round to nearest even, overflow `none`).
    @inlinable public init(_ x: Double) {
        var g = SystemRandomNumberGenerator()
        self.init(encoded: Format.format.encode(x, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// Converts `x` with the format's default rules.
    @inlinable public init(_ x: Float) { self.init(Double(x)) }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    /// Converts `x` with the format's default rules.
    @inlinable public init(_ x: Float16) { self.init(Double(x)) }
    #endif

    /// Converts any binary floating-point value, rounding once from its exact value.
    @inlinable public init<Source: BinaryFloatingPoint>(_ x: Source) {
        self.init(x, rounding: Format.defaultRounding, overflow: Format.defaultOverflow)
    }

    /// Converts any binary floating-point value with the given rules. A stochastic rule draws from the
    /// system generator; pass `using:` for reproducible results.
    @inlinable public init<Source: BinaryFloatingPoint>(_ x: Source, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow) {
        var g = SystemRandomNumberGenerator()
        self.init(x, rounding: rounding, overflow: overflow, using: &g)
    }

    /// Converts with the given rules, drawing any randomness from `generator`.
    @inlinable public init<Source: BinaryFloatingPoint, G: RandomNumberGenerator>(
        _ x: Source, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, using generator: inout G
    ) {
        self.init(encoded: Format.format.encode(x, rounding: rounding, overflow: overflow, random: &generator))
    }

    /// Converts and reports the flags raised.
    @inlinable public static func converting<Source: BinaryFloatingPoint>(
        _ x: Source, rounding: RoundingRule = Format.defaultRounding, overflow: OverflowRule = Format.defaultOverflow
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        let r = Format.format.encode(x, rounding: rounding, overflow: overflow, random: &g)
        return (ExMy(encoded: r), r.status)
    }

    /// Converts an integer, rounding once.
    @inlinable public init<Source: BinaryInteger>(_ x: Source) {
        self.init(x, rounding: Format.defaultRounding)
    }

    /// Converts an integer with the given rules.
    @inlinable public init<Source: BinaryInteger>(_ x: Source, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow) {
        var g = SystemRandomNumberGenerator()
        self.init(encoded: Format.format.encode(integer: x, rounding: rounding, overflow: overflow, random: &g))
    }

    /// Converts from another ExMy format, rounding once (the source value is exact in `Double`).
    @inlinable public init<Other: ExMyFormat>(_ x: ExMy<Other>, rounding: RoundingRule = Format.defaultRounding, overflow: OverflowRule = Format.defaultOverflow) {
        self.init(x.doubleValue, rounding: rounding, overflow: overflow)
    }

    /// Creates the value `x` exactly, or `nil` if `x` is not representable (NaN converts to NaN where
    /// the format has one).
    @inlinable public init?<Source: BinaryFloatingPoint>(exactly x: Source) {
        var g = SystemRandomNumberGenerator()
        let r = Format.format.encode(x, rounding: .toNearestOrEven, overflow: .none, random: &g)
        guard r.status.isEmpty else { return nil }
        self.init(encoded: r)
    }

    // MARK: Conversions out

    /// The exact value as a `Double`.
    @inlinable public var doubleValue: Double { Format.format.decode(code) }
}

extension Double {
    /// The exact value of an ExMy value (every ExMy value is a `Double`).
    @inlinable public init<F: ExMyFormat>(_ x: ExMy<F>) { self = x.doubleValue }
}

extension Float {
    /// The value of an ExMy value, rounded to nearest even if it does not fit in `Float`.
    @inlinable public init<F: ExMyFormat>(_ x: ExMy<F>) { self = Float(x.doubleValue) }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16 {
    /// The value of an ExMy value, rounded to nearest even if it does not fit in `Float16`.
    @inlinable public init<F: ExMyFormat>(_ x: ExMy<F>) { self = Float16(x.doubleValue) }
}
#endif
