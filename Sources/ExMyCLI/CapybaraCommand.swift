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

    @Option(help: "Parameters N (attention + MLP weights).") var params: String
    @Option(help: "Training tokens D.") var tokens: String
    @Option(help: "The format (its E and M enter the law).") var format: String = "e4m3fn"
    @Option(help: "Block size B, or 'channel'.") var block: String = "128"
    @Option(help: "Compute budget C in FLOPs (for the compute-optimal precision at fixed N and jointly).") var compute: String?
    @Option(help: "Override a constant, name=value (repeatable).") var constant: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            try evaluate()
        } catch let e as CapybaraError {
            throw CLIError(e.description)
        }
    }

    func law() throws -> CapybaraLaw {
        var c = CapybaraConstants.paper
        var values = ["n": c.n, "alpha": c.alpha, "d": c.d, "beta": c.beta, "epsilon": c.epsilon, "gamma": c.gamma, "delta": c.delta, "nu": c.nu]
        for item in constant {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, values[kv[0]] != nil else {
                throw CLIError("--constant takes name=value with name one of \(values.keys.sorted().joined(separator: ", ")), not '\(item)'")
            }
            guard let v = Double(kv[1]) else { throw CLIError("--constant \(kv[0]): '\(kv[1])' is not a number") }
            values[kv[0]] = v
        }
        c = try CapybaraConstants(n: values["n"]!, alpha: values["alpha"]!, d: values["d"]!, beta: values["beta"]!,
                                  epsilon: values["epsilon"]!, gamma: values["gamma"]!, delta: values["delta"]!, nu: values["nu"]!)
        return CapybaraLaw(constants: c)
    }

    func evaluate() throws {
        let law = try law()
        let n = try parseScaledNumber(params), d = try parseScaledNumber(tokens)
        let f = try FormatArgument.parse(format)
        let b: BlockSize
        if block == "channel" { b = .channel } else {
            guard let v = Int(block), v >= 1 else { throw CLIError("--block takes a positive integer or 'channel', not '\(block)'") }
            b = .elements(v)
        }
        let e = Double(f.exponentBitCount), m = Double(f.significandBitCount)
        let width = 1 + f.exponentBitCount + f.significandBitCount
        var rows: [(String, String)] = []
        func add(_ k: String, _ v: Double) { rows.append((k, Table.number(v, .significant(7)))) }
        rows.append(("format", "\(f.canonicalSpelling) (E\(f.exponentBitCount)M\(f.significandBitCount), \(width) bits with sign)"))
        add("N", n); add("D", d); rows.append(("log2(B)", Table.number(try b.log2B())))
        add("loss", try law.loss(N: n, D: d, E: e, M: m, B: b))
        add("bf16 loss (first three terms)", try law.baseLoss(N: n, D: d))
        add("precision term", try law.precisionTerm(N: n, D: d, E: e, M: m, B: b))
        add("information-loss term", try law.informationLoss(E: e, M: m, B: b))
        add("knowledge intensity D^β/N^α", try law.knowledgeIntensity(N: n, D: d))
        add("critical data size D_crit", try law.criticalDataSize(N: n, E: e, M: m, B: b))
        let split = try law.optimalSplit(width: width)
        rows.append(("optimal split at this width", "\(split.name) (continuous E \(Table.number(split.continuous.exponentBits, .significant(4))), M \(Table.number(split.continuous.significandBits, .significant(4))))"))
        add("optimal width at fixed D", try law.optimalWidth(fixedD: d, B: b))
        if let compute {
            let c = try parseScaledNumber(compute)
            add("C", c)
            let atN = try law.optimalPrecision(fixedN: n, C: c, B: b)
            rows.append(("optimal precision at fixed N", "\(Table.number(atN.width, .significant(4))) bits (best integer \(atN.bestInteger.name), D = \(Table.number(atN.tokens, .significant(4))))"))
            let joint = try law.optimalPrecision(C: c, B: b)
            rows.append(("optimal precision at fixed C", "\(Table.number(joint.width, .significant(4))) bits (best integer \(joint.bestInteger.name), N = \(Table.number(joint.parameters, .significant(4))), D = \(Table.number(joint.tokens, .significant(4))))"))
        }
        if json {
            var object: [String: String] = [:]
            for (k, v) in rows { object[k] = v }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            Console.shared.print(String(decoding: data, as: UTF8.self))
        } else {
            for (k, v) in rows { Console.shared.print(k.padding(toLength: 32, withPad: " ", startingAt: 0) + v) }
        }
    }
}
