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

/// A rounding rule as named on the command line, checked by ``RoundingRule/init(parsing:randomBits:)``.
/// The name is kept: `--random-bits` applies to it when the rule is resolved.
struct RoundingArgument: ExpressibleByArgument, Sendable {
    let name: String
    /// The rule with the default bit count.
    let rule: RoundingRule

    init?(argument: String) {
        guard let rule = try? RoundingRule(parsing: argument) else { return nil }
        name = argument
        self.rule = rule
    }

    static var allValueStrings: [String] { RoundingRule.names }
    var defaultValueDescription: String { name }

    /// The rule with `randomBits` applied: `--random-bits` must go with a stochastic rule.
    func resolved(randomBits: Int?) throws -> RoundingRule {
        if !rule.isStochastic && randomBits != nil { throw ValidationError("--random-bits applies to stochastic rounding only") }
        do { return try RoundingRule(parsing: name, randomBits: randomBits) } catch let e as FormatError { throw ValidationError(e.message) }
    }

    /// The rule named by `--rounding` (nearest-even when absent) with `--random-bits` applied.
    static func resolve(_ rounding: RoundingArgument?, randomBits: Int?) throws -> RoundingRule {
        guard let rounding else {
            if randomBits != nil { throw ValidationError("--random-bits needs a stochastic --rounding") }
            return .toNearestOrEven
        }
        return try rounding.resolved(randomBits: randomBits)
    }
}

extension OverflowRule: ExpressibleByArgument {}

/// `--rounding`, `--random-bits`, `--seed`, `--overflow`, `--profile`.
struct RoundingOptions: ParsableArguments {
    @Option(help: "Rounding rule: nearest-even | nearest-away | nearest-zero | toward-zero | up | down | away | odd | stochastic | stochastic-a | stochastic-b | stochastic-c (default: the format's, nearest-even).")
    var rounding: RoundingArgument?

    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "Random bits N for stochastic rounding (1…62). With plain 'stochastic' and N given, P3109 variant A is used; without N, exact-probability rounding.")
    var randomBits: Int?

    @Option(parsing: .unconditional, help: "Seed of the counter-based random stream for stochastic rounding: an integer 0…18446744073709551615 (default 0).")
    var seed: UInt64 = 0

    @Option(help: "Overflow rule: sat-finite | sat-propagate | none (default: the format's, none).")
    var overflow: OverflowRule?

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

    func rule() throws -> RoundingRule { try RoundingArgument.resolve(rounding, randomBits: randomBits) }

    func overflowRule() -> OverflowRule { overflow ?? .none }
}
