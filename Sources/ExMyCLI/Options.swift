import ArgumentParser
import ExMy

/// A format argument that reports why a spelling is invalid.
struct FormatArgument: ExpressibleByArgument {
    let format: FloatFormat
    init?(argument: String) {
        guard let f = try? FloatFormat(parsing: argument) else { return nil }
        format = f
    }
    static func parse(_ text: String) throws -> FloatFormat {
        do { return try FloatFormat(parsing: text) } catch let e as FormatError { throw CLIError(e.message) }
    }
}

/// `--rounding`, `--random-bits`, `--seed`, `--overflow`, `--profile`.
struct RoundingOptions: ParsableArguments {
    @Option(help: "Rounding rule: nearest-even | nearest-away | nearest-zero | toward-zero | up | down | away | odd | stochastic | stochastic-a | stochastic-b | stochastic-c (default: the format's, nearest-even).")
    var rounding: String?

    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "Random bits N for stochastic rounding (1…62). With plain 'stochastic' and N given, P3109 variant A is used; without N, exact-probability rounding.")
    var randomBits: Int?

    @Option(parsing: .unconditional, help: "Seed of the counter-based random stream for stochastic rounding: an integer 0…18446744073709551615 (default 0).")
    var seed: UInt64 = 0

    @Option(help: "Overflow rule: sat-finite | sat-propagate | none (default: the format's, none).")
    var overflow: String?

    @Option(help: "Behave like a stack: ocp | ocp-sat | ml_dtypes | torch | cuda-satfinite | onnx | p3109 | onnx-cast23 (with --rounding only where the stack offers a choice: onnx for e8m0fnu, p3109).")
    var profile: String?

    func resolvedProfile() throws -> ConversionProfile? {
        guard let p = profile else { return nil }
        guard let value = ConversionProfile(rawValue: p) else {
            throw ValidationError("unknown profile '\(p)': use one of \(ConversionProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // --rounding is checked against the rules the profile offers for the format (ONNX's E8M0
        // round_mode, P3109's modes) when the conversion is resolved.
        if overflow != nil { throw ValidationError("--profile fixes the overflow rule; drop --overflow or --profile") }
        return value
    }

    func rule() throws -> RoundingRule {
        guard let name = rounding else {
            if randomBits != nil { throw ValidationError("--random-bits needs a stochastic --rounding") }
            return .toNearestOrEven
        }
        let rule: RoundingRule
        switch name {
        case "nearest-even": rule = .toNearestOrEven
        case "nearest-away": rule = .toNearestOrAwayFromZero
        case "nearest-zero": rule = .toNearestOrZero
        case "toward-zero": rule = .towardZero
        case "up": rule = .up
        case "down": rule = .down
        case "away": rule = .awayFromZero
        case "odd": rule = .toOdd
        case "stochastic": rule = randomBits.map { .stochasticA(bits: $0) } ?? .stochastic
        case "stochastic-a": rule = .stochasticA(bits: randomBits ?? 8)
        case "stochastic-b": rule = .stochasticB(bits: randomBits ?? 8)
        case "stochastic-c": rule = .stochasticC(bits: randomBits ?? 8)
        default:
            throw ValidationError("unknown rounding '\(name)': use nearest-even, nearest-away, nearest-zero, toward-zero, up, down, away, odd, stochastic, stochastic-a, stochastic-b or stochastic-c")
        }
        if !rule.isStochastic && randomBits != nil { throw ValidationError("--random-bits applies to stochastic rounding only") }
        do { return try rule.validated() } catch let e as FormatError { throw ValidationError(e.message) }
    }

    func overflowRule() throws -> OverflowRule {
        guard let name = overflow else { return .none }
        guard let rule = OverflowRule(rawValue: name) else {
            throw ValidationError("unknown overflow rule '\(name)': use sat-finite, sat-propagate or none")
        }
        return rule
    }
}

