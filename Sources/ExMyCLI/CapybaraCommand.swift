import ArgumentParser
import Capybara
import ExMy
import ExMyAnalysis
import Foundation

/// `exmy capybara`: the Capybara scaling law for a format, model size and data size.
struct CapybaraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capybara",
        abstract: "Evaluate the Capybara floating-point quantization scaling law (Sun et al., ICML 2025).",
        discussion: """
        Numbers accept K, M, B (or G), T suffixes and exponents: 1.2B, 27T, 3e21. --format takes any format; the law
        sees only its E and M. --block B, or channel. Constants default to the paper's; override with
        --constant name=value (n, alpha, d, beta, epsilon, gamma, delta, nu).
        """
    )

    @Option(parsing: .unconditional, help: "Parameters N (attention + MLP weights).") var params: String
    @Option(parsing: .unconditional, help: "Training tokens D.") var tokens: String
    @Option(help: "The format (its E and M enter the law).") var format: String = "e4m3fn"
    @Option(parsing: .unconditional, help: "Block size B, or 'channel'.") var block: String = "128"
    @Option(parsing: .unconditional, help: "Compute budget C in FLOPs (for the compute-optimal precision at fixed N and jointly).") var compute: String?
    @Option(parsing: .unconditionalSingleValue, help: "Override a constant, name=value (repeatable).") var constant: [String] = []
    @Flag(help: "Print JSON (schema: docs/json.md).") var json = false

    func run() throws {
        let result = try evaluate()
        if json {
            Console.shared.print(try JSONOutput.string(result))
        } else {
            for (k, v) in result.rows { Console.shared.print(k.padding(toLength: 32, withPad: " ", startingAt: 0) + v) }
        }
    }

    func law() throws -> CapybaraLaw {
        var values = ["n": CapybaraConstants.paper.n, "alpha": CapybaraConstants.paper.alpha, "d": CapybaraConstants.paper.d,
                      "beta": CapybaraConstants.paper.beta, "epsilon": CapybaraConstants.paper.epsilon, "gamma": CapybaraConstants.paper.gamma,
                      "delta": CapybaraConstants.paper.delta, "nu": CapybaraConstants.paper.nu]
        for item in constant {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, values[kv[0]] != nil else {
                throw CLIError("--constant takes name=value with name one of \(values.keys.sorted().joined(separator: ", ")), not '\(item)'")
            }
            guard let v = Double(kv[1]) else { throw CLIError("--constant \(kv[0]): '\(kv[1])' is not a number") }
            values[kv[0]] = v
        }
        do {
            let c = try CapybaraConstants(n: values["n"]!, alpha: values["alpha"]!, d: values["d"]!, beta: values["beta"]!,
                                          epsilon: values["epsilon"]!, gamma: values["gamma"]!, delta: values["delta"]!, nu: values["nu"]!)
            return CapybaraLaw(constants: c)
        } catch {
            throw CLIError("--constant: \(error)")
        }
    }

    /// A positive number given to `option` (`1.2B`, `3e21`), or a message naming the option.
    static func number(_ text: String, option: String, what: String) throws -> Double {
        do {
            let v = try parseScaledNumber(text)
            guard v > 0 else { throw CLIError("\(option) must be a positive number of \(what), got '\(text)'") }
            return v
        } catch let e as CapybaraError {
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("-") {
                throw CLIError("\(option) must be a positive number of \(what), got '\(text)'")
            }
            guard case .malformedNumber(_, let reason) = e else { throw CLIError("\(option): \(e)") }
            throw CLIError("\(option) takes a number of \(what) such as 1e9, 1.2B or 500M; '\(text)': \(reason)")
        }
    }

    /// Runs `body`; a law error becomes a message that names `option` and says why.
    static func naming<T>(_ option: String, _ why: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch is CapybaraError { throw CLIError("\(option): \(why)") }
    }

    func evaluate() throws -> CapybaraResult {
        let law = try law()
        let n = try Self.number(params, option: "--params", what: "parameters")
        let d = try Self.number(tokens, option: "--tokens", what: "tokens")
        let f = try FormatArgument.parse(format)
        let b: BlockSize
        if block == "channel" { b = .channel } else {
            guard let v = Int(block), v >= 1 else {
                throw CLIError("--block must be a positive integer or 'channel', got '\(block)'")
            }
            b = .elements(v)
        }
        let e = Double(f.exponentBitCount), m = Double(f.significandBitCount)
        let width = 1 + f.exponentBitCount + f.significandBitCount
        let inputs = "--params, --tokens, --block and the format"
        let why = "the law has no finite value for these inputs; give smaller or larger \(inputs)"
        var r = try Self.naming(inputs, why) {
            CapybaraResult(
                format: f, params: n, tokens: d, block: b, log2Block: try b.log2B(), constants: law.constants,
                loss: try law.loss(N: n, D: d, E: e, M: m, B: b), baseLoss: try law.baseLoss(N: n, D: d),
                precisionTerm: try law.precisionTerm(N: n, D: d, E: e, M: m, B: b),
                informationLoss: try law.informationLoss(E: e, M: m, B: b),
                knowledgeIntensity: try law.knowledgeIntensity(N: n, D: d),
                criticalTokens: try law.criticalDataSize(N: n, E: e, M: m, B: b),
                split: try law.optimalSplit(width: width),
                optimalWidthAtFixedTokens: try law.optimalWidth(fixedD: d, B: b))
        }
        if let compute {
            let c = try Self.number(compute, option: "--compute", what: "FLOPs")
            r.compute = c
            let option = "--compute \(compute)"
            let reason = "out of the law's range: the compute-optimal width, parameters or tokens for this budget are not finite positive numbers"
            r.atFixedParams = try Self.naming(option, reason) { try law.optimalPrecision(fixedN: n, C: c, B: b) }
            r.atFixedCompute = try Self.naming(option, reason) { try law.optimalPrecision(C: c, B: b) }
            for v in [r.atFixedParams!.width, r.atFixedParams!.tokens, r.atFixedCompute!.width, r.atFixedCompute!.parameters, r.atFixedCompute!.tokens]
            where !(v.isFinite && v > 0) {
                throw CLIError("\(option): \(reason)")
            }
        }
        return r
    }
}

/// What `exmy capybara` computes, printed as text rows or as JSON (schema in docs/json.md).
struct CapybaraResult: Encodable {
    var format: FloatFormat
    var params: Double
    var tokens: Double
    var block: BlockSize
    var log2Block: Double
    var constants: CapybaraConstants
    var loss: Double
    var baseLoss: Double
    var precisionTerm: Double
    var informationLoss: Double
    var knowledgeIntensity: Double
    var criticalTokens: Double
    var split: SplitOptimum
    var optimalWidthAtFixedTokens: Double
    var compute: Double?
    var atFixedParams: PrecisionOptimum?
    var atFixedCompute: PrecisionOptimum?

    var width: Int { 1 + format.exponentBitCount + format.significandBitCount }

    /// The text rendering: (label, value) rows.
    var rows: [(String, String)] {
        var rows: [(String, String)] = []
        func add(_ k: String, _ v: Double) { rows.append((k, Table.number(v, .significant(7)))) }
        rows.append(("format", "\(format.canonicalSpelling) (E\(format.exponentBitCount)M\(format.significandBitCount), \(width) bits with sign)"))
        add("N", params); add("D", tokens); rows.append(("log2(B)", Table.number(log2Block)))
        add("loss", loss)
        add("bf16 loss (first three terms)", baseLoss)
        add("precision term", precisionTerm)
        add("information-loss term", informationLoss)
        add("knowledge intensity D^β/N^α", knowledgeIntensity)
        add("critical data size D_crit", criticalTokens)
        rows.append(("optimal split at this width", "\(split.name) (continuous E \(Table.number(split.continuous.exponentBits, .significant(4))), M \(Table.number(split.continuous.significandBits, .significant(4))))"))
        add("optimal width at fixed D", optimalWidthAtFixedTokens)
        if let compute, let atN = atFixedParams, let joint = atFixedCompute {
            add("C", compute)
            rows.append(("optimal precision at fixed N", "\(Table.number(atN.width, .significant(4))) bits (best integer \(atN.bestInteger.name), D = \(Table.number(atN.tokens, .significant(4))))"))
            rows.append(("optimal precision at fixed C", "\(Table.number(joint.width, .significant(4))) bits (best integer \(joint.bestInteger.name), N = \(Table.number(joint.parameters, .significant(4))), D = \(Table.number(joint.tokens, .significant(4))))"))
        }
        return rows
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("capybara")
        try c.put(format.canonicalSpelling, "format")
        try c.put(format.exponentBitCount, "exponent_bits")
        try c.put(format.significandBitCount, "significand_bits")
        try c.put(width, "width_bits")
        try c.real(params, "params")
        try c.real(tokens, "tokens")
        switch block {
        case .elements(let n): try c.put("elements", "block_kind"); try c.put(n, "block_elements")
        case .channel: try c.put("channel", "block_kind"); try c.put(Int?.none, "block_elements")
        default: try c.put("log2", "block_kind"); try c.put(Int?.none, "block_elements")
        }
        try c.real(log2Block, "log2_block")
        var k = c.nestedContainer(keyedBy: JSONKey.self, forKey: JSONKey("constants"))
        let constants = self.constants
        for (name, v) in [("n", constants.n), ("alpha", constants.alpha), ("d", constants.d), ("beta", constants.beta),
                          ("epsilon", constants.epsilon), ("gamma", constants.gamma), ("delta", constants.delta), ("nu", constants.nu)] {
            try k.real(v, name)
        }
        try c.real(loss, "loss")
        try c.real(baseLoss, "base_loss")
        try c.real(precisionTerm, "precision_term")
        try c.real(informationLoss, "information_loss_term")
        try c.real(knowledgeIntensity, "knowledge_intensity")
        try c.real(criticalTokens, "critical_tokens")
        var s = c.nestedContainer(keyedBy: JSONKey.self, forKey: JSONKey("optimal_split"))
        try s.put(split.name, "name")
        try s.put(split.width, "width_bits")
        try s.put(split.exponentBits, "exponent_bits")
        try s.put(split.significandBits, "significand_bits")
        try s.real(split.continuous.exponentBits, "continuous_exponent_bits")
        try s.real(split.continuous.significandBits, "continuous_significand_bits")
        try c.real(optimalWidthAtFixedTokens, "optimal_width_bits_at_fixed_tokens")
        if let compute { try c.real(compute, "compute_flops") } else { try c.put(Double?.none, "compute_flops") }
        try Self.optimum(&c, "optimal_precision_at_fixed_params", atFixedParams)
        try Self.optimum(&c, "optimal_precision_at_fixed_compute", atFixedCompute)
    }

    static func optimum(_ c: inout KeyedEncodingContainer<JSONKey>, _ key: String, _ o: PrecisionOptimum?) throws {
        guard let o else { try c.put(Int?.none, key); return }
        var n = c.nestedContainer(keyedBy: JSONKey.self, forKey: JSONKey(key))
        try n.real(o.width, "width_bits")
        try n.real(o.split.exponentBits, "continuous_exponent_bits")
        try n.real(o.split.significandBits, "continuous_significand_bits")
        try n.real(o.parameters, "params")
        try n.real(o.tokens, "tokens")
        try n.real(o.loss, "loss")
        var i = n.nestedContainer(keyedBy: JSONKey.self, forKey: JSONKey("best_integer"))
        try i.put(o.bestInteger.name, "name")
        try i.put(o.bestInteger.width, "width_bits")
        try i.put(o.bestInteger.exponentBits, "exponent_bits")
        try i.put(o.bestInteger.significandBits, "significand_bits")
        try i.real(o.bestInteger.parameters, "params")
        try i.real(o.bestInteger.tokens, "tokens")
        try i.real(o.bestInteger.loss, "loss")
    }
}
