import ArgumentParser
import Capybara
import ExMy
import ExMyAnalysis
import Foundation
import TensorIO

/// `exmy analyze`: measure quantization error of formats under a scaling scheme.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Measure the quantization error of formats under a block-scaling scheme, on synthetic or real tensors.",
        discussion: """
        Schemes: absmax (FP32 absmax over blocks of --block, the Capybara paper's), per-tensor, per-channel (--axis),
        and the named mxfp8-e4m3, mxfp8-e5m2, mxfp6-e3m2, mxfp6-e2m3, mxfp4, mxint8 (OCP MX: blocks of 32, E8M0 floor
        scales), nvfp4 (E2M1, blocks of 16, UE4M3 scales rounded up, FP32 tensor scale). --format overrides a named
        scheme's element format; --block, --scale-format and --scale-rounding override its block and scale.
        Data: --input FILE.npy | FILE.safetensors [--tensor NAME-OR-GLOB], or --distribution (default normal).
        Metrics are defined in docs/analysis.md.
        """
    )

    @Option(help: "Element formats, comma-separated (required except for the named schemes).") var format: String?
    @Option(help: "Scheme: absmax | per-tensor | per-channel | mxfp8-e4m3 | mxfp8-e5m2 | mxfp6-e3m2 | mxfp6-e2m3 | mxfp4 | mxint8 | nvfp4.") var scheme: String = "absmax"
    @Option(parsing: .unconditional, help: "Block size B (absmax default \(QuantizationScheme.defaultAbsmaxBlock); MX 32; NVFP4 16).") var block: Int?
    @Option(parsing: .unconditional, help: "Axis of per-channel scaling.") var axis: Int = 0
    @Option(name: .customLong("scale-format"), help: "Scale format: fp32 | e8m0 | ue4m3 | any format spelling.") var scaleFormat: String?
    @Option(name: .customLong("scale-rounding"), help: "Scale rounding: floor | ceil | even | up (E8M0); up | even (UE4M3 and ExMy scales).") var scaleRounding: String?
    @Option(help: "A .npy or .safetensors file.") var input: String?
    @Option(help: "Tensor name or glob (safetensors).") var tensor: String?
    @Option(help: "Synthetic distribution: normal[:σ] | laplace[:b] | uniform[:a] | student-t[:ν] | lognormal[:μ:σ] | outliers[:rate:scale].") var distribution: String = "normal"
    @Option(parsing: .unconditional, help: "Number of synthetic values.") var count: Int = 1 << 18
    @Option(parsing: .unconditional, help: "Seed of the synthetic data and of stochastic rounding (0 … 2^64−1).", transform: ArgumentValues.seed("--seed")) var seed: UInt64 = 0
    @Option(help: "Element rounding (default nearest-even): nearest-even | nearest-away | toward-zero | stochastic-a … (with --random-bits).") var rounding: RoundingArgument?
    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "Random bits for stochastic element rounding.") var randomBits: Int?
    @Option(help: "Element overflow rule (default sat-finite, as MX/NVFP4): sat-finite | sat-propagate | none.") var overflow: OverflowRule?
    @Flag(name: .customLong("per-tensor"), help: "Also print one row per tensor.") var perTensor = false
    @Flag(help: "Add the ulp-error histogram.") var histogram = false
    @Option(name: .customLong("output-format"), help: "text | markdown | csv | json | latex.") var outputFormat: TableFormat = .text
    @Flag(help: "Same as --output-format json.") var json = false
    @Flag(help: "No progress line or timing on standard error (shown only when standard error is a terminal).") var quiet = false
    @Option(parsing: .unconditional, help: "Threads (default: all cores). The results never depend on it.") var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 4096 { throw ValidationError("--threads must be 1…4096, got \(threads)") }
    }

    func run() throws {
        let schemes = try buildSchemes()
        let source = try dataSource()
        let started = Date()
        let rows: [StudyRow]
        do {
            rows = try Study.run(schemes, on: source, perTensor: perTensor, seed: seed, threads: threads) { done, total in
                if !quiet { Console.shared.progress("analyze: \(done)/\(total) scheme runs") }
            }
        } catch let e as AnalysisError {
            throw CLIError(e.description)
        } catch let e as TensorIOError {
            throw CLIError(cliMessage(e))
        }
        if !quiet { Console.shared.progressDone() }
        let law = CapybaraLaw()
        if json || outputFormat == .json {
            Console.shared.print(try JSONOutput.string(AnalyzeJSON(data: "\(source)", rows: rows, histogram: histogram, law: law)))
            return
        }
        var table = Table(title: "Quantization error on \(source)", columns: AnalyzeCommand.columns)
        for r in rows {
            table.rows.append(AnalyzeCommand.cells(r, law: law))
        }
        Console.shared.print(table.render(outputFormat))
        if histogram {
            var h = Table(title: "Error histogram (fraction of elements per 1/8 ulp)", headers: ["format", "scheme"] + (0..<32).map { Table.number(-2 + Double($0) / 8) } + ["<-2", ">=2"])
            for r in rows {
                let n = Double(max(r.metrics.count, 1))
                h.rows.append([r.format.canonicalSpelling, r.scheme.name] + r.metrics.ulpHistogram.map { Table.number(Double($0) / n, .significant(4)) }
                              + [Table.number(Double(r.metrics.ulpBelow) / n, .significant(4)), Table.number(Double(r.metrics.ulpAbove) / n, .significant(4))])
            }
            Console.shared.print(h.render(outputFormat))
        }
        if outputFormat == .text && !quiet {
            Console.shared.progress(String(format: "%d runs in %.2f s\n", rows.count, Date().timeIntervalSince(started)))
        }
    }

    static let columns: [Table.Column] = [
        .init("data"), .init("format"), .init("scheme"), .init("block", alignment: .right), .init("scale"),
        .init("mse", alignment: .right), .init("rel_mse", alignment: .right), .init("sqnr_db", alignment: .right),
        .init("mean_abs", alignment: .right), .init("max_abs", alignment: .right), .init("mean_rel", alignment: .right),
        .init("max_rel", alignment: .right), .init("bias", alignment: .right), .init("flushed", alignment: .right),
        .init("saturated", alignment: .right), .init("nan", alignment: .right), .init("zero_blocks", alignment: .right),
        .init("nonfinite_blocks", alignment: .right), .init("capybara_term", alignment: .right),
    ]

    /// The block column (`128`, `channel`, `tensor`) and the Capybara term of a row.
    static func blockAndTerm(_ r: StudyRow, law: CapybaraLaw) -> (block: String, term: Double) {
        let m = r.metrics
        let block: String
        let lawBlock: BlockSize
        switch r.scheme.granularity {
        case .block(let b): block = "\(b)"; lawBlock = .elements(b)
        case .channel: block = "channel"; lawBlock = .channel
        case .tensor: block = "tensor"; lawBlock = .effectiveLog2(log2(Double(max(m.count + m.nonFiniteInputs, 1))))
        }
        let term = (try? law.informationLoss(E: Double(r.format.exponentBitCount), M: Double(r.format.significandBitCount), B: lawBlock)) ?? .nan
        return (block, term)
    }

    static func cells(_ r: StudyRow, law: CapybaraLaw) -> [String] {
        let m = r.metrics
        let (block, term) = blockAndTerm(r, law: law)
        func n(_ v: Double) -> String { Table.number(v, .significant(6)) }
        return [r.dataset, r.format.canonicalSpelling, r.scheme.name, block, r.scheme.scale.description,
                n(m.mse), n(m.relativeMSE), n(m.sqnrDB), n(m.meanAbsoluteError), n(m.maxAbsoluteError), n(m.meanRelativeError),
                n(m.maxRelativeError), n(m.bias), n(m.flushedToZero), n(m.saturated), n(m.nanFraction),
                "\(r.counts.zeroGroups)", "\(r.counts.nonFiniteGroups)", n(term)]
    }

    func dataSource() throws -> DataSource {
        if let input {
            try InputFiles.requireRegularFile(input, option: "--input")
            if input.hasSuffix(".npy") {
                if tensor != nil { throw CLIError("--tensor applies to .safetensors files only") }
                return .npy(path: input)
            }
            if input.hasSuffix(".safetensors") { return .safetensors(path: input, pattern: tensor) }
            throw CLIError("\(input): unknown file type (use .npy or .safetensors)")
        }
        if tensor != nil { throw CLIError("--tensor needs --input FILE.safetensors") }
        guard (1...(1 << 31)).contains(count) else { throw CLIError("--count must be a positive integer of at most 2^31, got \(count)") }
        do {
            return .synthetic(try Distribution(parsing: distribution), count: count, seed: seed)
        } catch let e as AnalysisError { throw CLIError(e.description) }
    }

    /// The element rules, parsed by the same code as `encode`'s options.
    func elementRules() throws -> (RoundingRule, OverflowRule) {
        if let randomBits, !(1...62).contains(randomBits) { throw CLIError("--random-bits must be an integer from 1 to 62, got \(randomBits)") }
        do {
            return try rules()
        } catch let e as ValidationError {
            throw CLIError(e.message)
        }
    }

    func rules() throws -> (RoundingRule, OverflowRule) {
        (try RoundingArgument.resolve(rounding, randomBits: randomBits), overflow ?? .saturateFinite)
    }

    func buildSchemes() throws -> [QuantizationScheme] {
        let formats = try format.map { try $0.split(separator: ",").map { try FormatArgument.parse(String($0)) } }
        let (rule, overflowRule) = try elementRules()
        if axis < 0 { throw CLIError("--axis must be a non-negative integer (0 is the first dimension), got \(axis)") }
        if let block, block < 1 || block > 1 << 30 { throw CLIError("--block must be a positive integer of at most 2^30, got \(block)") }
        let elements: [FloatFormat?]
        if QuantizationScheme.hasFixedElement(scheme) {
            elements = formats ?? [nil]
        } else if QuantizationScheme.fp32Schemes.contains(scheme) {
            guard let formats, !formats.isEmpty else { throw CLIError("--format is required with scheme '\(scheme)'") }
            elements = formats
        } else {
            throw CLIError("unknown scheme '\(scheme)': use \(QuantizationScheme.schemeNames.joined(separator: ", "))")
        }
        let base: [QuantizationScheme]
        do {
            base = try elements.map { try QuantizationScheme(parsing: scheme, element: $0, block: block, axis: axis) }
        } catch let e as AnalysisError { throw CLIError(e.description) }
        let scale = try resolvedScale(current: base.first?.scale)
        return base.map { var s = $0; s.rounding = rule; s.overflow = overflowRule; if let scale { s.scale = scale }; return s }
    }

    /// The scale format after --scale-format and --scale-rounding.
    func resolvedScale(current: ScaleFormat?) throws -> ScaleFormat? {
        guard scaleFormat != nil || scaleRounding != nil else { return nil }
        let name = scaleFormat ?? {
            switch current {
            case .e8m0: return "e8m0"
            case .ue4m3: return "ue4m3"
            case .exmy(let f, _): return f.canonicalSpelling
            default: return "fp32"
            }
        }()
        switch name {
        case "fp32":
            if scaleRounding != nil { throw CLIError("--scale-rounding does not apply to FP32 scales") }
            return .fp32
        case "e8m0", "e8m0fnu":
            let r = scaleRounding ?? "floor"
            guard let rule = PowerOfTwoScaleRule(rawValue: r) else { throw CLIError("E8M0 scale rounding is floor, ceil, even or up, not '\(r)'") }
            return .e8m0(rule)
        case "ue4m3":
            let r = scaleRounding ?? "up"
            guard let rule = BlockScaleRounding(rawValue: r) else { throw CLIError("UE4M3 scale rounding is up or even, not '\(r)'") }
            var twoLevel = true
            if case .ue4m3(_, let t) = current { twoLevel = t }
            return .ue4m3(rule, twoLevel: twoLevel)
        default:
            let f = try FormatArgument.parse(name)
            let r = scaleRounding ?? "even"
            let rule: RoundingRule
            switch r {
            case "even": rule = .toNearestOrEven
            case "up": rule = .up
            case "floor": rule = .down
            case "ceil": rule = .up
            default: throw CLIError("scale rounding for \(f) is even, up, floor or ceil, not '\(r)'")
            }
            return .exmy(f, rule)
        }
    }
}

extension TableFormat: ExpressibleByArgument {}

/// `exmy analyze --json` (schema in docs/json.md): one object per (data, format, scheme) row.
struct AnalyzeJSON: Encodable {
    let data: String
    let rows: [StudyRow]
    let histogram: Bool
    let law: CapybaraLaw

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("analyze")
        try c.put(data, "data")
        var list = c.nestedUnkeyedContainer(forKey: JSONKey("rows"))
        for r in rows { try list.encode(Row(row: r, histogram: histogram, law: law)) }
    }

    struct Row: Encodable {
        let row: StudyRow
        let histogram: Bool
        let law: CapybaraLaw

        func encode(to encoder: Encoder) throws {
            let r = row, m = row.metrics
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.put(r.dataset, "data")
            try c.put(r.format.canonicalSpelling, "format")
            try c.put(r.scheme.name, "scheme")
            switch r.scheme.granularity {
            case .block(let b): try c.put("block", "granularity"); try c.put(b, "block_elements")
            case .channel: try c.put("channel", "granularity"); try c.put(Int?.none, "block_elements")
            case .tensor: try c.put("tensor", "granularity"); try c.put(Int?.none, "block_elements")
            }
            try c.put(r.scheme.scale.description, "scale")
            try c.put(r.scheme.rounding.spelling, "rounding")
            try c.put(r.scheme.overflow.rawValue, "overflow")
            try c.put(m.count, "elements")
            try c.put(m.nonFiniteInputs, "nonfinite_inputs")
            try c.real(m.mse, "mse")
            try c.real(m.relativeMSE, "relative_mse")
            try c.real(m.sqnrDB, "sqnr_db")
            try c.real(m.meanAbsoluteError, "mean_abs_error")
            try c.real(m.maxAbsoluteError, "max_abs_error")
            try c.real(m.meanRelativeError, "mean_relative_error")
            try c.real(m.maxRelativeError, "max_relative_error")
            try c.real(m.bias, "bias")
            try c.real(m.flushedToZero, "flushed_fraction")
            try c.real(m.saturated, "saturated_fraction")
            try c.real(m.nanFraction, "nan_fraction")
            try c.real(m.infiniteFraction, "infinite_fraction")
            try c.put(r.counts.groups, "groups")
            try c.put(r.counts.zeroGroups, "zero_groups")
            try c.put(r.counts.nonFiniteGroups, "nonfinite_groups")
            try c.real(AnalyzeCommand.blockAndTerm(r, law: law).term, "capybara_information_loss_term")
            if histogram {
                var h = c.nestedContainer(keyedBy: JSONKey.self, forKey: JSONKey("ulp_histogram"))
                try h.put(-2.0, "low_ulp")
                try h.put(0.125, "bin_width_ulp")
                try h.put(m.ulpHistogram, "counts")
                try h.put(m.ulpBelow, "below")
                try h.put(m.ulpAbove, "above")
            }
        }
    }
}
