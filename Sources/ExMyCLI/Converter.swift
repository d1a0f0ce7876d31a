import ArgumentParser
import ExMy

extension FloatFormat {
    /// IEEE binary64, the format of `Double` (for reading text as a stack that parses into float64 does).
    static let binary64 = try! FloatFormat(exponentBitCount: 11, significandBitCount: 52)
}

/// The conversion the CLI applies: a profile resolved for the format, or explicit rules, with a
/// seeded counter-based random stream. Every path — text, binary, .npy, scalar or batch — uses the
/// same rules, and element `i` of the input draws its random bits from `(seed, i)`, so the output
/// never depends on chunking or threads.
struct Converter {
    let format: FloatFormat
    let profile: ConversionProfile?
    /// The profile resolved for the format (nil without a profile).
    let conversion: ConversionProfile.Conversion?
    let rule: RoundingRule
    let overflow: OverflowRule
    let seed: UInt64
    /// What a NaN becomes in a format without NaN.
    let nanPolicy: BatchNaNPolicy
    /// Whether `Double` inputs are rounded to `Float` first (the profile's double rounding).
    let roundsDoubleThroughFloat: Bool
    /// The batch encoder for these rules.
    let encoder: BatchEncoder

    init(format: FloatFormat, rules: RoundingOptions) throws {
        self.format = format
        profile = try rules.resolvedProfile()
        if let profile {
            let requested = rules.rounding == nil ? nil : try rules.rule()
            let resolved: ConversionProfile.Conversion
            do { resolved = try profile.conversion(for: format, rounding: requested) } catch let e as ProfileError { throw CLIError(e.message) }
            conversion = resolved
            rule = resolved.rounding
            overflow = resolved.overflow
        } else {
            conversion = nil
            rule = try rules.rule()
            overflow = rules.overflowRule()
        }
        seed = rules.seed
        if conversion?.nanMapping == .zeroOfOppositeSign, format.nanCode() == nil {
            // ml_dtypes: NaN → the zero of the opposite sign.
            let negativeZero = format.encodeZero(negative: true, overflow: .none).code
            nanPolicy = .codes(positive: negativeZero, negative: 0)
        } else {
            nanPolicy = .error
        }
        roundsDoubleThroughFloat = conversion?.roundsDoubleThroughFloat ?? false
        do {
            encoder = try BatchEncoder(format, rounding: rule, overflow: overflow, nanPolicy: nanPolicy)
        } catch let e as BatchError {
            throw CLIError(e.message)
        }
    }

    /// Whether every element must go through the profile's scalar conversion (a quirk of the stack
    /// that the batch rules do not express).
    var needsScalarProfile: Bool { conversion?.scaleSubnormalQuirk ?? false }

    /// Encodes one `Double` (element `index` of the input) exactly as the batch path does.
    func encode(_ x: Double, index: UInt64) -> FloatFormat.Encoded {
        // A profile with a deterministic rule converts as its stack does; a stochastic rule chosen
        // with --profile p3109 draws from the seeded stream like the batch path.
        if let conversion, !conversion.rounding.isStochastic { return conversion.encode(x) }
        let input = roundsDoubleThroughFloat ? Double(Float(x)) : x
        var random = CounterRandomGenerator(seed: seed, index: index)
        return format.encode(input, rounding: rule, overflow: overflow, random: &random)
    }

    /// A number read from text and its code.
    struct TextResult {
        var encoded: FloatFormat.Encoded
        var isNaN: Bool
    }

    /// Encodes one number given as UTF-8 text, rounding once from its exact value (profiles whose
    /// stacks read numbers as `Double` and round through `Float` first do so). `nil` if the bytes are
    /// not a number.
    func encode(utf8 bytes: UnsafeRawBufferPointer, index: UInt64) -> TextResult? {
        guard let number = ExactNumber(utf8: bytes) else { return nil }
        let isNaN = number.kind == .nan
        if roundsDoubleThroughFloat || needsScalarProfile {
            // The stack parses the text into a float64 (correctly rounded), then converts that.
            let x = Double(bitPattern: FloatFormat.binary64.encode(number).code)
            return TextResult(encoded: encode(x, index: index), isNaN: isNaN)
        }
        if isNaN, format.nanCode() == nil, case .codes(let p, let n) = nanPolicy {
            return TextResult(encoded: .init(code: number.sign == .minus ? n : p, status: .invalid), isNaN: true)
        }
        var random = CounterRandomGenerator(seed: seed, index: index)
        return TextResult(encoded: format.encode(number, rounding: rule, overflow: overflow, random: &random), isNaN: isNaN)
    }

    /// The error for a NaN input into a format without NaN, at input element `index`.
    func nanError(source: String, index: Int) -> CLIError {
        let hint = profile.map { "profile \($0.rawValue) leaves this undefined; --profile ml_dtypes maps it to a zero" }
            ?? "--profile ml_dtypes maps it to a zero"
        return CLIError("\(source): element \(index) is NaN, and \(format) has no NaN code (\(hint))")
    }
}
