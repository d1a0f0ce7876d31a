#if MPFR
import ArgumentParser
import ExMy
import ExMyVerification
import Foundation

/// `exmy check FORMAT`: the MPFR cross-check of any format (built with `--traits MPFR`).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Cross-check ExMy against GNU MPFR for a format: every code, every midpoint and neighbour, every Float16 and bfloat16 input, random inputs.",
        discussion: """
            Exits non-zero at the first mismatch, printing the input, ExMy's answer and MPFR's answer.
            With --arithmetic, checks the arithmetic operations instead of conversions: every pair of codes \
            (every code for sqrt and rint; --random seeded triples for fma) for formats of at most 8 bits, \
            --random seeded random operands per operation otherwise.
            """
    )

    @Argument(help: "The format.") var format: String
    @Option(help: "Rounding rules, comma-separated (default: all deterministic rules).") var rounding: String?
    @Option(help: "Overflow rules, comma-separated (default: sat-finite,sat-propagate,none).") var overflow: String?
    @Option(parsing: .unconditional, help: "Random Doubles and random Floats per format.") var random: Int = 1_000_000
    @Option(parsing: .unconditional, help: "Seed of the random inputs (0 … 2^64−1).", transform: ArgumentValues.seed("--seed")) var seed: UInt64 = 1
    @Flag(help: "Also check stochastic rounding (variants A, B, C and exact).") var stochastic = false
    @Flag(help: "Check the arithmetic operations (add … rint) instead of conversions.") var arithmetic = false
    @Option(help: "With --arithmetic: operations, comma-separated (default: add,subtract,multiply,divide,sqrt,fma,remainder,fmod,rint).")
    var operations: String?
    @Option(help: "With --arithmetic: take the operands from this format's codes (default: the checked format).")
    var operands: String?

    func run() throws {
        let f = try FormatArgument.parse(format)
        let rules = try rounding.map { try $0.split(separator: ",").map { name -> RoundingRule in
            do { return try RoundingRule(parsing: String(name)) } catch let e as FormatError { throw CLIError(e.message) }
        } } ?? RoundingRule.deterministicRules
        if let bad = rules.first(where: \.isStochastic) { throw CLIError("--rounding lists deterministic rules; use --stochastic for \(bad.spelling)") }
        let overflows = try overflow.map { try $0.split(separator: ",").map { name -> OverflowRule in
            guard let o = OverflowRule(rawValue: String(name)) else { throw CLIError("--overflow: unknown overflow rule '\(name)': use sat-finite, sat-propagate or none") }
            return o
        } } ?? OverflowRule.allCases
        guard random >= 0, random <= 100_000_000 else { throw CLIError("--random \(random) is out of range 0 … 10^8") }
        let started = Date()
        let codes = CrossCheck.checkCodes(f)
        if let first = codes.mismatches.first { throw CLIError("mismatch: \(first)") }
        Console.shared.print("\(f): \(codes.count) codes decoded, equal to MPFR")
        if arithmetic {
            try checkArithmetic(f, rules: rules, overflows: overflows)
            Console.shared.print(String(format: "0 mismatches, %.1f s", Date().timeIntervalSince(started)))
            return
        }
        if operations != nil || operands != nil { throw CLIError("--operations and --operands need --arithmetic") }
        let tally = CrossCheck.run(f, rules: rules, overflows: overflows, randomCount: random, seed: seed, limit: 1)
        if let first = tally.mismatches.first { throw CLIError("mismatch: \(first)") }
        for (set, n) in tally.comparisons { Console.shared.print("\(set): \(n) conversions equal to MPFR") }
        Console.shared.print("rules: \(rules.map(\.spelling).joined(separator: ", ")); overflow: \(overflows.map(\.rawValue).joined(separator: ", "))")
        if stochastic {
            let xs = Array(CrossCheck.inputs(.boundaries, f).prefix(2000)) + CrossCheck.inputs(.randomDouble, f, count: 2000, seed: seed)
            let s = CrossCheck.runStochastic(f, inputs: xs, limit: 1)
            if let first = s.mismatches.first { throw CLIError("mismatch: \(first)") }
            Console.shared.print("stochastic: \(s.count) conversions (A, B, C with 1, 3, 8, 16 bits; exact) equal to MPFR")
            let freq = CrossCheck.frequencyTest(f, inputs: CrossCheck.inputs(.randomDouble, f, count: 50, seed: seed), trials: 10_000)
            if let first = freq.first { throw CLIError("frequency test: \(first)") }
            Console.shared.print("stochastic frequency test: 50 inputs × 10000 draws within 5σ of MPFR's exact probabilities")
        }
        Console.shared.print(String(format: "%d comparisons, 0 mismatches, %.1f s", codes.count + tally.total, Date().timeIntervalSince(started)))
    }

    /// The arithmetic cross-check (`--arithmetic`).
    func checkArithmetic(_ f: FloatFormat, rules: [RoundingRule], overflows: [OverflowRule]) throws {
        let chosen = try operations.map { try $0.split(separator: ",").map { name -> CrossCheck.Operation in
            guard let o = CrossCheck.Operation(rawValue: String(name)) else {
                throw CLIError("unknown operation '\(name)'; use \(CrossCheck.Operation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return o
        } } ?? CrossCheck.Operation.allCases
        let source = try operands.map { try FormatArgument.parse($0) } ?? f
        let exhaustive = source.bitWidth <= 8
        let pairs = rules.count * overflows.count
        var total = 0
        if source != f { Console.shared.print("operands: codes of \(source)") }
        for operation in chosen {
            let inputs = exhaustive ? CrossCheck.exhaustiveInputs(operation, source, fmaCount: random, seed: seed)
                : CrossCheck.randomInputs(operation, source, count: random, seed: seed)
            let tally = CrossCheck.runArithmetic(operation, f, inputs: inputs, rules: rules, overflows: overflows,
                                                 cycle: !exhaustive, threads: ProcessInfo.processInfo.activeProcessorCount, limit: 1)
            if let first = tally.mismatches.first { throw CLIError("mismatch: \(first)") }
            let what: String
            switch operation {
            case _ where !exhaustive, .fusedMultiplyAdd: what = "\(inputs.count) seeded random inputs"
            case .squareRoot: what = "every code"
            case .roundToIntegral: what = "every code × \(CrossCheck.integralRules.count) integral rules"
            default: what = "every pair of codes"
            }
            let how = exhaustive ? "× \(pairs) rule pairs" : "cycling through \(pairs) rule pairs"
            Console.shared.print("\(operation): \(what) \(how): \(tally.total) results equal to MPFR (code and flags)")
            total += tally.total
        }
        Console.shared.print("rules: \(rules.map(\.spelling).joined(separator: ", ")); overflow: \(overflows.map(\.rawValue).joined(separator: ", "))")
        if stochastic {
            var count = 0
            for operation in chosen {
                let inputs = CrossCheck.randomInputs(operation, source, count: 1000, seed: seed)
                let s = CrossCheck.runArithmeticStochastic(f, inputs: inputs, limit: 1)
                if let first = s.mismatches.first { throw CLIError("mismatch: \(first)") }
                count += s.count
            }
            Console.shared.print("stochastic: \(count) results (1000 random inputs per operation; A, B, C with 1, 3, 8, 16 bits; exact) equal to MPFR")
            total += count
        }
        Console.shared.print("\(total) arithmetic comparisons")
    }
}
#endif
