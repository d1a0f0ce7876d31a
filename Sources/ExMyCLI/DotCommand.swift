import ArgumentParser
import ExMy
import ExMyAnalysis
import ExMyHardware
import Foundation
import TensorIO

/// `exmy dot`: the error of emulated dot products against the exact result as the length grows.
struct DotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dot",
        abstract: "Measure the error of dot products with chosen input, product and accumulator formats, rounding and accumulation order, against the exact result, as the length K grows.",
        discussion: """
        Each trial draws two vectors of length K (synthetic: --distribution, seeded; real: rows of a 2-D tensor, or \
        consecutive slices of a 1-D one), quantizes them (--input-format, --scheme), and compares the emulated dot \
        product with the exact dot product of the quantized vectors (an exact long accumulator). Reported per \
        configuration and K: the relative error |ď − d|/|d| and the error normalized by Σ|a_i b_i|, mean and max over trials.

        Configurations are every combination of --accumulator × --rounding × --order. With none of those three \
        options, a default set compares exact, FP32 (nearest-even, truncation, pairwise), FP16 (nearest-even, \
        stochastic), BF16, E5M2, a 14-bit truncating accumulator (e8m13, as FP8 tensor cores are reported to keep) and \
        the same promoted into FP32 every 128 products (DeepSeek-V3's recipe).

        Orders: sequential | pairwise | promoted (partial sums in the accumulator, added into --promote-format every \
        --promote products). With block scales (mxfp8-e4m3, mxfp4, nvfp4, absmax), each block's exact partial dot \
        product is multiplied by the two block scales and added as one term (see docs/arithmetic.md).
        """
    )

    @Option(parsing: .unconditional, help: "Vector lengths K, comma-separated.") var lengths: String = "16,64,256,1024,4096,16384"
    @Option(parsing: .unconditional, help: "Vector pairs per length.") var trials: Int = 32
    @Option(name: .customLong("input-format"), help: "Format of both inputs: any format spelling, or none (FP32 data as is). Default e4m3fn, or the scheme's element format.") var inputFormat: String?
    @Option(name: .customLong("a-format"), help: "Format of the first input (overrides --input-format).") var aFormat: String?
    @Option(name: .customLong("b-format"), help: "Format of the second input (overrides --input-format).") var bFormat: String?
    @Option(help: "Scaling of both inputs: none | per-tensor | absmax | mxfp8-e4m3 | mxfp8-e5m2 | mxfp6-e3m2 | mxfp6-e2m3 | mxfp4 | mxint8 | nvfp4.") var scheme: String = "none"
    @Option(name: .customLong("b-scheme"), help: "Scaling of the second input (default: --scheme).") var bScheme: String?
    @Option(parsing: .unconditional, help: "Block size of the absmax scheme (default \(QuantizationScheme.defaultAbsmaxBlock)), or override of a named scheme's block.") var block: Int?
    @Option(name: .customLong("input-rounding"), help: "Rounding of the inputs into their format (default nearest-even).") var inputRounding = RoundingArgument(argument: "nearest-even")!
    @Option(help: "Product format: exact, or any format spelling (each element product rounded into it).") var product: String = "exact"
    @Option(name: .customLong("product-rounding"), help: "Rounding of products.") var productRounding = RoundingArgument(argument: "nearest-even")!
    @Option(help: "Accumulator formats, comma-separated: exact, fp32, fp16, bf16, or any format spelling.") var accumulator: String?
    @Option(help: "Accumulator roundings, comma-separated: nearest-even (rne) | toward-zero (rtz, truncation) | stochastic (sr) | any rule of `exmy encode`.") var rounding: String?
    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "Random bits N of every stochastic rounding (P3109 variant A for plain stochastic; default: exact-probability rounding).") var randomBits: Int?
    @Option(help: "Accumulation orders, comma-separated: sequential | pairwise | promoted.") var order: String?
    @Option(parsing: .unconditional, help: "Promotion interval K_p (products per partial sum) of the promoted order.") var promote: Int = 128
    @Option(name: .customLong("promote-format"), help: "The wide accumulator the promoted order adds partial sums into (rounded to nearest even).") var promoteFormat: String = "fp32"
    @Option(help: "Accumulator and product overflow rule: none | sat-finite | sat-propagate.") var overflow: OverflowRule = .none
    @Option(help: "Synthetic distribution of the first vector (and the second, unless --b-distribution): normal[:σ] | laplace[:b] | uniform[:a] | student-t[:ν] | lognormal[:μ:σ] | outliers[:rate:scale].") var distribution: String = "normal"
    @Option(name: .customLong("b-distribution"), help: "Synthetic distribution of the second vector, or 'same' for b = a (the squared norm Σ a_i²: no cancellation).") var bDistribution: String?
    @Option(parsing: .unconditional, help: "Seed of the data, of the input quantization and of stochastic rounding (0 … 2^64−1).", transform: ArgumentValues.seed("--seed")) var seed: UInt64 = 0
    @Option(help: "A .npy or .safetensors file: rows (2-D or more) or consecutive slices (1-D) are the vectors.") var input: String?
    @Option(help: "Tensor name (or a glob matching one tensor) in a .safetensors file.") var tensor: String?
    @Option(name: .customLong("input-b"), help: "A second file for the second vector (default: pairs of rows/slices of --input).") var inputB: String?
    @Option(name: .customLong("tensor-b"), help: "Tensor name for the second vector (in --input-b, or in --input).") var tensorB: String?
    @Option(name: .customLong("output-format"), help: "text | markdown | csv | json | latex.") var outputFormat: TableFormat = .text
    @Flag(help: "Same as --output-format json.") var json = false
    @Option(help: "Also write an SVG plot of error vs K (log axes, one line per configuration) to this file.") var svg: String?
    @Option(name: .customLong("plot-metric"), help: "What the SVG plots: mean-rel | max-rel | mean-norm | max-norm.") var plotMetric: String = "mean-rel"

    @Flag(help: "No progress line on standard error (shown only when standard error is a terminal).") var quiet = false
    @Option(help: "Matrix-unit models (exmy mma --list), comma-separated: study each one's error against K instead of the accumulator options (normal data whose magnitude varies by 2^u, u in −6 … 6, per block of 32, quantized with the unit's own block scales; C = 0). --svg plots it.") var model: String?

    func run() throws {
        // The plot's destination is checked (a directory, a symbolic link, a read-only file are
        // refused) before the study runs, not after.
        var plotOutput: OutputFile?
        if let svg {
            guard !svg.isEmpty, svg != "-" else { throw CLIError("--svg needs a file name") }
            do { plotOutput = try OutputFile(path: svg) } catch { throw CLIError("--svg \(svg): \(Console.reason(error))") }
        }
        defer { plotOutput?.discard() }
        if let model {
            let ks = try parsedLengths()
            guard (1...100_000).contains(trials) else { throw CLIError("--trials must be in 1 … 100000") }
            var rows: [MatrixUnitStudy.Row] = []
            for name in model.split(separator: ",").map(String.init) {
                do {
                    let unit = try MatrixUnit.preset(named: name)
                    rows += try MatrixUnitStudy.errorVersusK(unit, lengths: ks, trials: trials, seed: seed)
                } catch let e as MatrixUnitError { throw CLIError(e.description) }
            }
            Console.shared.print(outputFormat == .csv ? MatrixUnitStudy.csv(rows) : "mean relative error |d − exact| / |exact| (\(trials) trials per K)\n" + MatrixUnitStudy.markdown(rows))
            if let output = plotOutput { try Self.commit(MatrixUnitStudy.plot(rows), to: output) }
            return
        }
        let ks = try parsedLengths()
        let configurations = try buildConfigurations()
        let source = try vectorSource()
        guard ["mean-rel", "max-rel", "mean-norm", "max-norm"].contains(plotMetric) else {
            throw CLIError("unknown --plot-metric '\(plotMetric)': use mean-rel, max-rel, mean-norm or max-norm")
        }
        let result: (rows: [AccumulationRow], skipped: [Int])
        do {
            result = try AccumulationStudy.run(configurations, lengths: ks, trials: trials, source: source, seed: seed) { done, total in
                if !quiet { Console.shared.progress("dot: \(done)/\(total) lengths") }
            }
        } catch let e as AnalysisError { throw CLIError(e.description) }
        if !quiet { Console.shared.progressDone() }
        var title = "Dot-product error vs exact on \(source)"
        if !result.skipped.isEmpty {
            title += " (lengths \(result.skipped.map(String.init).joined(separator: ", ")) skipped: the data holds no pair that long)"
        }
        if json || outputFormat == .json {
            Console.shared.print(try JSONOutput.string(DotJSON(data: "\(source)", rows: result.rows, skipped: result.skipped)))
        } else {
            let table = Table(title: title, columns: Self.columns, rows: result.rows.map(Self.cells))
            Console.shared.print(table.render(outputFormat))
        }
        if let output = plotOutput {
            // Written to a temporary file beside --svg and renamed over it only when complete.
            try Self.commit(Self.plot(result.rows, metric: plotMetric, title: "Dot-product error vs length (\(source))"), to: output)
        }
    }

    /// Writes `plot` to a temporary file beside --svg and renames it over --svg only when complete.
    static func commit(_ plot: SVGPlot, to output: OutputFile) throws {
        do {
            try output.write(plot.render())
            try output.commit()
        } catch {
            throw CLIError("--svg \(output.path): cannot write the plot (\(Console.reason(error)))")
        }
    }

    // MARK: Output

    static let columns: [Table.Column] = [
        .init("configuration"), .init("inputs"), .init("product"), .init("accumulator"), .init("order"),
        .init("K", alignment: .right), .init("trials", alignment: .right),
        .init("mean_rel", alignment: .right), .init("max_rel", alignment: .right),
        .init("mean_norm", alignment: .right), .init("max_norm", alignment: .right),
        .init("nonfinite", alignment: .right), .init("inexact_terms", alignment: .right),
    ]

    static func cells(_ r: AccumulationRow) -> [String] {
        let c = r.configuration
        func n(_ v: Double) -> String { Table.number(v, .significant(4)) }
        let inputs = c.inputA == c.inputB ? c.inputA.description : "\(c.inputA)·\(c.inputB)"
        return [c.name, inputs, c.product.description, c.accumulator.description, c.order.description,
                "\(r.length)", "\(r.trials)", n(r.meanRelativeError), n(r.maxRelativeError),
                n(r.meanNormalizedError), n(r.maxNormalizedError), "\(r.nonFinite)", "\(r.inexactTerms)"]
    }

    static func plot(_ rows: [AccumulationRow], metric: String, title: String) -> SVGPlot {
        var names: [String] = []
        var points: [String: [(x: Double, y: Double)]] = [:]
        for r in rows {
            let name = r.configuration.name
            if points[name] == nil { names.append(name) }
            let y: Double
            switch metric {
            case "max-rel": y = r.maxRelativeError
            case "mean-norm": y = r.meanNormalizedError
            case "max-norm": y = r.maxNormalizedError
            default: y = r.meanRelativeError
            }
            points[name, default: []].append((Double(r.length), y))
        }
        let label = ["mean-rel": "mean relative error", "max-rel": "max relative error",
                     "mean-norm": "mean error / Σ|a·b|", "max-norm": "max error / Σ|a·b|"][metric] ?? metric
        return SVGPlot(
            title: title, xAxis: .init(label: "length K", scale: .log2), yAxis: .init(label: label, scale: .log10),
            series: names.map { SVGPlot.Series($0, points: points[$0] ?? [], style: .lineAndPoints) })
    }

    // MARK: Parsing

    func parsedLengths() throws -> [Int] {
        let parts = lengths.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { p in
            guard let k = Int(p) else { throw CLIError("--lengths: '\(p)' is not an integer") }
            guard k >= 1, k <= AccumulationStudy.maximumLength else {
                throw CLIError("--lengths: K = \(k) is out of range 1 … \(AccumulationStudy.maximumLength)")
            }
            return k
        }
    }

    /// A rounding rule of a list, by any name ``RoundingRule/init(parsing:randomBits:)`` accepts
    /// (`exmy encode`'s, or a short alias: rne, rtz, truncation, sr).
    func rule(_ name: String) throws -> RoundingRule {
        guard let argument = RoundingArgument(argument: name) else {
            do { _ = try RoundingRule(parsing: name) } catch let e as FormatError { throw CLIError(e.message) }
            throw CLIError("unknown rounding '\(name)'")
        }
        return try rule(argument)
    }

    /// The rule with `--random-bits` applied if it is stochastic (a list may mix both kinds).
    func rule(_ argument: RoundingArgument) throws -> RoundingRule {
        if let randomBits, !(1...62).contains(randomBits) { throw CLIError("--random-bits must be an integer from 1 to 62, got \(randomBits)") }
        guard argument.rule.isStochastic else { return argument.rule }
        do {
            return try argument.resolved(randomBits: randomBits)
        } catch let e as ValidationError {
            throw CLIError(e.message)
        }
    }

    /// `exact` → nil, otherwise a format.
    func roundingFormat(_ text: String) throws -> FloatFormat? {
        text == "exact" ? nil : try FormatArgument.parse(text)
    }

    /// An operand's quantization from its format spelling (`nil`: not given; `none`: FP32 as is)
    /// and scheme name.
    func input(format text: String?, scheme name: String) throws -> DotInput {
        let inputRule = try rule(inputRounding)
        let format = try text.flatMap { $0 == "none" ? nil : try FormatArgument.parse($0) }
        let isNone = text == "none"
        if name == "none" {
            if isNone { return .none }
            return .format(format ?? .e4m3fn, inputRule, .saturateFinite)
        }
        if isNone { throw CLIError("scheme '\(name)' needs an element format, not none") }
        if let block, block < 1 || block > 1 << 20 { throw CLIError("--block must be a positive integer of at most 2^20, got \(block)") }
        guard name != "per-channel", let parsed = try? QuantizationScheme(parsing: name, element: format, block: block) else {
            throw CLIError("unknown scheme '\(name)': use none, \(QuantizationScheme.schemeNames.filter { $0 != "per-channel" }.joined(separator: ", "))")
        }
        var scheme = parsed
        scheme.rounding = inputRule
        return .scheme(scheme)
    }

    func buildConfigurations() throws -> [DotConfiguration] {
        guard trials >= 1 else { throw CLIError("--trials must be at least 1, not \(trials)") }
        let inputA = try input(format: aFormat ?? inputFormat, scheme: scheme)
        let inputB = try input(format: bFormat ?? inputFormat, scheme: bScheme ?? scheme)
        let overflowRule = overflow
        let productRounding = DotRounding(try roundingFormat(product), rule: try rule(productRounding), overflow: overflowRule)
        guard promote >= 1, promote <= AccumulationStudy.maximumLength else {
            throw CLIError("--promote \(promote) is out of range 1 … \(AccumulationStudy.maximumLength)")
        }
        guard let wideFormat = try roundingFormat(promoteFormat) else {
            throw CLIError("--promote-format exact: use --accumulator exact instead")
        }
        let wide = DotRounding(wideFormat)
        func list(_ text: String) -> [String] { text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        func orderValue(_ name: String) throws -> AccumulationOrder {
            switch name {
            case "sequential": return .sequential
            case "pairwise": return .pairwise
            case "promoted", "promote": return .promoted(interval: promote, wide: wide)
            default: throw CLIError("unknown order '\(name)': use sequential, pairwise or promoted")
            }
        }
        var configurations: [DotConfiguration] = []
        if accumulator == nil && rounding == nil && order == nil {
            let narrow = try FloatFormat(parsing: "e8m13")
            let defaults: [(String, FloatFormat?, RoundingRule, AccumulationOrder)] = [
                ("exact", nil, .toNearestOrEven, .sequential),
                ("fp32", .fp32, .toNearestOrEven, .sequential),
                ("fp32 truncation", .fp32, .towardZero, .sequential),
                ("fp32 pairwise", .fp32, .toNearestOrEven, .pairwise),
                ("fp16", .fp16, .toNearestOrEven, .sequential),
                ("fp16 stochastic", .fp16, .stochastic, .sequential),
                ("bf16", .bf16, .toNearestOrEven, .sequential),
                ("e5m2", .e5m2, .toNearestOrEven, .sequential),
                ("e8m13 truncation", narrow, .towardZero, .sequential),
                ("e8m13 truncation, fp32 every \(promote)", narrow, .towardZero, .promoted(interval: promote, wide: wide)),
            ]
            for (name, f, r, o) in defaults {
                configurations.append(DotConfiguration(
                    name: name, inputA: inputA, inputB: inputB, product: productRounding,
                    accumulator: DotRounding(f, rule: r, overflow: overflowRule), order: o))
            }
        } else {
            let accumulators = try list(accumulator ?? "fp32").map(roundingFormat)
            let rules = try list(rounding ?? "nearest-even").map { ($0, try rule($0)) }
            let orders = try list(order ?? "sequential").map(orderValue)
            guard !accumulators.isEmpty, !rules.isEmpty, !orders.isEmpty else { throw CLIError("--accumulator, --rounding and --order need at least one value") }
            for a in accumulators {
                for (ruleName, r) in a == nil ? [rules[0]] : rules {
                    for o in orders {
                        var name = a?.canonicalSpelling ?? "exact"
                        if a != nil && r != .toNearestOrEven { name += " \(ruleName)" }
                        if o != .sequential { name += " \(o)" }
                        configurations.append(DotConfiguration(
                            name: name, inputA: inputA, inputB: inputB, product: productRounding,
                            accumulator: DotRounding(a, rule: r, overflow: overflowRule), order: a == nil ? .sequential : o))
                    }
                }
            }
        }
        for c in configurations {
            do { try c.validate() } catch let e as AnalysisError { throw CLIError(e.description) }
        }
        return configurations
    }

    func vectorSource() throws -> DotVectorSource {
        guard let input else {
            if tensor != nil || tensorB != nil || inputB != nil { throw CLIError("--tensor, --tensor-b and --input-b need --input FILE") }
            do {
                let a = try Distribution(parsing: distribution)
                if bDistribution == "same" { return .synthetic(a: a, b: nil, seed: seed) }
                let b = try bDistribution.map { try Distribution(parsing: $0) } ?? a
                return .synthetic(a: a, b: b, seed: seed)
            } catch let e as AnalysisError { throw CLIError(e.description) }
        }
        try InputFiles.requireRegularFile(input, option: "--input")
        if let inputB { try InputFiles.requireRegularFile(inputB, option: "--input-b") }
        do {
            let a = try Tensor.load(path: input, name: tensor)
            var b: Tensor?
            if inputB != nil || tensorB != nil {
                b = try Tensor.load(path: inputB ?? input, name: tensorB)
            }
            let source = DotVectorSource.tensors(a, b)
            try source.validate()
            return source
        } catch let e as AnalysisError {
            throw CLIError(e.description)
        } catch let e as TensorIOError {
            throw CLIError(cliMessage(e))  // names its file already
        } catch {
            throw CLIError("\(input): \(error)")
        }
    }
}

/// `exmy dot --json` (schema in docs/json.md): one object per (configuration, length) row.
struct DotJSON: Encodable {
    let data: String
    let rows: [AccumulationRow]
    let skipped: [Int]

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("dot")
        try c.put(data, "data")
        try c.put(skipped, "skipped_lengths")
        var list = c.nestedUnkeyedContainer(forKey: JSONKey("rows"))
        for r in rows { try list.encode(Row(row: r)) }
    }

    struct Row: Encodable {
        let row: AccumulationRow

        func encode(to encoder: Encoder) throws {
            let r = row, k = row.configuration
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.put(k.name, "configuration")
            try c.put(k.inputA.description, "input_a")
            try c.put(k.inputB.description, "input_b")
            try c.put(k.product.description, "product")
            try c.put(k.accumulator.description, "accumulator")
            try c.put(k.order.description, "order")
            try c.put(r.length, "length")
            try c.put(r.trials, "trials")
            try c.real(r.meanRelativeError, "mean_relative_error")
            try c.real(r.maxRelativeError, "max_relative_error")
            try c.real(r.meanNormalizedError, "mean_normalized_error")
            try c.real(r.maxNormalizedError, "max_normalized_error")
            try c.put(r.nonFinite, "nonfinite_trials")
            try c.put(r.zeroReference, "zero_reference_trials")
            try c.put(r.inexactTerms, "inexact_terms")
        }
    }
}
