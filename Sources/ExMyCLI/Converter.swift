import ArgumentParser
import ExMy

/// The conversion the CLI applies: a profile, or explicit rules with a seeded random stream.
struct Converter {
    let format: FloatFormat
    let profile: ConversionProfile?
    /// The profile resolved for the format (nil without a profile).
    let conversion: ConversionProfile.Conversion?
    let rule: RoundingRule
    let overflow: OverflowRule
    let seed: UInt64

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
            overflow = try rules.overflowRule()
        }
        seed = rules.seed
    }

    /// Encodes every value through the batch engine (the same per-element code as the scalar path;
    /// stochastic rules draw from the counter-based stream of `--seed`, element `i` from `(seed, i)`).
    /// A NaN into a format without NaN (unless the profile maps it), or a value with no code at all,
    /// is an error naming the element, and nothing is written.
    func encode(_ values: [Double], source: String) throws -> [UInt64] {
        if let profile, let conversion {
            var codes = [UInt64](repeating: 0, count: values.count)
            for (i, x) in values.enumerated() {
                let r = conversion.encode(x)
                if r.status.contains(.invalid) && x.isNaN && profile.rejectsNaNWithoutNaNCode {
                    throw CLIError("\(source): element \(i) is NaN, and \(format) has no NaN code (profile \(profile.rawValue) leaves this undefined; --profile ml_dtypes maps it to a zero)")
                }
                codes[i] = r.code
            }
            return codes
        }
        let result: (codes: [UInt64], status: ConversionStatus)
        do {
            result = try format.encode(values, as: UInt64.self, rounding: rule, overflow: overflow, nanPolicy: .error, options: BatchOptions(seed: seed))
        } catch let e as BatchError {
            throw CLIError("\(source): \(e.message)")
        }
        if result.status.contains(.invalid) && format.nanCode() == nil {
            // Name the first value with no code (a negative value into an unsigned format, ±∞ or 0 where nothing holds it).
            for (i, x) in values.enumerated() where format.encode(x, rounding: .towardZero, overflow: overflow).status.contains(.invalid) {
                let why = x < 0 || x.sign == .minus ? "\(x), which the unsigned \(format) cannot hold and it has no NaN to signal it"
                    : "\(x), which \(format) cannot hold and it has no NaN to signal it"
                throw CLIError("\(source): element \(i) is \(why)")
            }
        }
        return result.codes
    }
}
