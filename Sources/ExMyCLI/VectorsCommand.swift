import ArgumentParser
import ExMy
import ExMyHardware
import TensorIO

/// `exmy vectors generate|check FUNCTION`: TestFloat-compatible test vectors for every format.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Write and check test vectors in Berkeley TestFloat's line format, for every format, operation and rounding rule.",
        discussion: """
            FUNCTION uses TestFloat's names (f16_add, f32_mulAdd, f64_sqrt, f32_to_f16, f32_to_bf16, bf16_to_f32, \
            f16_roundToInt, f32_eq, f32_le, f32_lt, …) and the same pattern for every ExMy format (e4m3fn_mul, \
            binary8p3se_add, e2m1fn_to_f32, f32_to_e4m3fn, e4m3fn_min, …). TestFloat's single-dash options are accepted: \
            -rnear_even -rminMag -rmin -rmax -rnear_maxMag -rodd, -tininessbefore -tininessafter, -level N, -seed N, \
            -n N, -exact -notexact, -checkNaNs. A line is the operands in hex, the random bits (stochastic rules), \
            the result in hex and the flags as two hex digits (1 inexact, 2 underflow, 4 overflow, 8 infinite, 16 invalid). \
            Block functions for MX and NVFP4 hardware: SOURCE_to_SCHEME (f32_to_mxfp8e4m3, f32_to_mxfp8e5m2, \
            f32_to_mxfp6e3m2, f32_to_mxfp6e2m3, f32_to_mxfp4, f32_to_nvfp4, f32_to_absmax; a line is one block: \
            the inputs, the per-tensor scale (nvfp4), the scale code, the element codes, the flags) and SCHEME_dotK \
            or FORMAT_dotK (mxfp8e4m3_dot32, nvfp4_dot16, e4m3fn_dot32: A, B, the scales of A and B, C, the result, \
            the flags). See docs/hardware-vectors.md.
            """,
        subcommands: [VectorsGenerateCommand.self, VectorsCheckCommand.self]
    )

    /// TestFloat's single-dash spellings, as this command's options (the one place they are translated).
    static let testFloatSpellings: [String: [String]] = [
        "-rnear_even": ["--rounding", "nearest-even"], "-rminMag": ["--rounding", "toward-zero"],
        "-rmin": ["--rounding", "down"], "-rmax": ["--rounding", "up"],
        "-rnear_maxMag": ["--rounding", "nearest-away"], "-rodd": ["--rounding", "odd"],
        "-tininessbefore": ["--tininess", "before"], "-tininessafter": ["--tininess", "after"],
        "-level": ["--level"], "-seed": ["--seed"], "-n": ["--count"],
        "-exact": ["--exact"], "-notexact": ["--not-exact"], "-checkNaNs": ["--check-nans"],
    ]

    /// Rewrites TestFloat's single-dash options after `vectors` into this command's spellings;
    /// other arguments (and every argument of other commands) pass unchanged.
    static func translatingTestFloatOptions(_ arguments: [String]) -> [String] {
        guard arguments.first == "vectors" else { return arguments }
        return arguments.flatMap { testFloatSpellings[$0] ?? [$0] }
    }
}

/// What `generate` and `check` share: the function, the rounding, overflow and tininess rules.
struct VectorOptions: ParsableArguments {
    @Argument(help: "The function: FORMAT_OP (add sub mul div rem sqrt mulAdd roundToInt eq le lt eq_signaling le_quiet lt_quiet min max) or SOURCE_to_DESTINATION.")
    var function: String

    @Option(help: "Rounding rule: nearest-even | nearest-away | nearest-zero | toward-zero | up | down | away | odd | stochastic-a | stochastic-b | stochastic-c (default nearest-even; TestFloat's -rnear_even -rminMag -rmin -rmax -rnear_maxMag -rodd too).")
    var rounding: String?

    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "Random bits N of a stochastic rule (1…62, default 8): a column of the vectors.")
    var randomBits: Int?

    @Option(help: "Overflow rule: sat-finite | sat-propagate | none (default none).")
    var overflow: String?

    @Option(help: "Tininess detection: before (default, ExMy's semantics) | after (TestFloat's default, x86, RISC-V).")
    var tininess: String?

    @Flag(help: "SoftFloat's (and TestFloat's default) choices: tininess after rounding, signaling NaNs, invalid for mulAdd(0, ∞, qNaN). --tininess overrides the first.")
    var softfloat = false

    @Flag(name: .customLong("signaling-nans"), help: "IEEE-style NaN codes with the quiet bit clear are signaling: invalid, and generated as operands.")
    var signalingNaNs = false

    @Flag(name: .customLong("fma-invalid"), help: "mulAdd(0, ∞, qNaN) raises invalid (SoftFloat, x86).")
    var fmaInvalid = false

    @Flag(name: .customLong("exact"), help: "roundToInt: raise inexact when the result differs from the operand (TestFloat -exact).")
    var exact = false

    @Flag(name: .customLong("not-exact"), help: "roundToInt: no inexact (the default; TestFloat -notexact).")
    var notExact = false

    @Option(name: .customLong("format"), help: "Define a format token for FUNCTION: NAME=SPEC (e.g. my6=e3m2:bias=2,specials=none). Repeatable.")
    var formats: [String] = []

    @Option(name: .customLong("scale-rule"), help: "Block functions: the scale rule: floor (OCP MX, default) | ceil | even | up for E8M0 scales; up (default) | even for NVFP4's UE4M3 scale.")
    var scaleRule: String?

    @Flag(name: .customLong("one-level"), help: "nvfp4: no FP32 per-tensor scale column (the UE4M3 scale is amax / 6 alone).")
    var oneLevel = false

    @Option(help: "Block functions: the element format of absmax (default e4m3fn).")
    var element: String?

    @Option(parsing: .unconditional, help: "Block functions: elements per scale (default: the scheme's, 32 for MX, 16 for NVFP4).")
    var block: Int?

    @Option(name: .customLong("model"), help: "Block dot products: the device's accumulator model, a matrix-unit preset (exmy mma --list), e.g. blackwell-tcgen05-mxf8-e4m3 (default: the exact reference).")
    var unitModel: String?

    @Flag(name: .customLong("zero-c"), help: "Block dot products: C = +0 in every generated vector (a device without an accumulator input).")
    var zeroC = false

    func customFormats() throws -> [String: FloatFormat] {
        var custom: [String: FloatFormat] = [:]
        for definition in formats {
            guard let eq = definition.firstIndex(of: "="), eq != definition.startIndex else {
                throw CLIError("--format takes NAME=SPEC (e.g. my6=e3m2:bias=2), not '\(definition)'")
            }
            let name = String(definition[..<eq])
            guard !name.contains("_") else { throw CLIError("--format: the name '\(name)' may not contain '_' (it separates the format from the operation)") }
            custom[name] = try FormatArgument.parse(String(definition[definition.index(after: eq)...])).named(name)
        }
        return custom
    }

    /// The rule and overflow rule as given (`nil` where not given), through the shared rounding options.
    func givenRules() throws -> (RoundingRule?, OverflowRule?) {
        var words: [String] = []
        if let rounding { words += ["--rounding", rounding] }
        if let randomBits { words += ["--random-bits", String(randomBits)] }
        if let overflow { words += ["--overflow", overflow] }
        do {
            let ro = try RoundingOptions.parse(words)
            return (rounding == nil && randomBits == nil ? nil : try ro.rule(), overflow == nil ? nil : ro.overflowRule())
        } catch let e as ValidationError { throw CLIError(e.message) } catch {
            throw CLIError(RoundingOptions.message(for: error))
        }
    }

    func arithmeticOptions() throws -> ArithmeticOptions {
        var options: ArithmeticOptions = softfloat ? .softFloat : .default
        switch tininess {
        case nil: break
        case "before": options.tininess = .beforeRounding
        case "after": options.tininess = .afterRounding
        case let t?: throw CLIError("unknown tininess '\(t)': use before or after")
        }
        if signalingNaNs { options.signalingNaNs = true }
        if fmaInvalid { options.invalidZeroTimesInfinityPlusNaN = true }
        return options
    }

    /// The block model when FUNCTION is a block function (`f32_to_mxfp8e4m3`, `nvfp4_dot16`,
    /// `e4m3fn_dot32`), else `nil` (then the block options must be absent).
    func blockModel() throws -> BlockVectorModel? {
        let custom = try customFormats()
        let fn: BlockFunction?
        do { fn = try BlockFunction(parsing: function, customFormats: custom) } catch let e as VectorError { throw CLIError(e.message) }
        guard let fn else {
            if scaleRule != nil || oneLevel || element != nil || block != nil || unitModel != nil || zeroC {
                throw CLIError("--scale-rule, --one-level, --element, --block, --model and --zero-c apply to block functions (SOURCE_to_mxfp8e4m3 … nvfp4, SCHEME_dotK, FORMAT_dotK), not \(function)")
            }
            return nil
        }
        if exact || notExact { throw CLIError("--exact and --not-exact apply to roundToInt") }
        let (rule, over) = try givenRules()
        var settings = BlockSettings(rounding: rule, overflow: over, options: try arithmeticOptions(), scaleRule: scaleRule,
                                     tensorScale: !oneLevel, block: block, zeroC: zeroC)
        if let element { settings.element = try FormatArgument.parse(element) }
        if let unitModel {
            do { settings.unit = try MatrixUnit.preset(named: unitModel) } catch let e as MatrixUnitError { throw CLIError(e.description) }
        }
        do { return try BlockVectorModel(fn, settings) } catch let e as VectorError { throw CLIError(e.message) }
    }

    func model() throws -> VectorModel {
        let custom = try customFormats()
        if scaleRule != nil || oneLevel || element != nil || block != nil || unitModel != nil || zeroC {
            throw CLIError("--scale-rule, --one-level, --element, --block, --model and --zero-c apply to block functions (SOURCE_to_mxfp8e4m3 … nvfp4, SCHEME_dotK, FORMAT_dotK), not \(function)")
        }
        let fn: VectorFunction
        do { fn = try VectorFunction(parsing: function, customFormats: custom) } catch let e as VectorError { throw CLIError(e.message) }
        // The rule through the shared rounding options, so the names and their checks are the same.
        var words: [String] = []
        if let rounding { words += ["--rounding", rounding] }
        if let randomBits { words += ["--random-bits", String(randomBits)] }
        if let overflow { words += ["--overflow", overflow] }
        let rule: RoundingRule, over: OverflowRule
        do {
            let ro = try RoundingOptions.parse(words)
            (rule, over) = (try ro.rule(), ro.overflowRule())
        } catch let e as ValidationError { throw CLIError(e.message) } catch {
            throw CLIError(RoundingOptions.message(for: error))
        }
        let options = try arithmeticOptions()
        if exact && notExact { throw CLIError("--exact and --not-exact contradict each other; give one") }
        do { return try VectorModel(fn, VectorSettings(rounding: rule, overflow: over, exact: exact, options: options)) } catch let e as VectorError {
            throw CLIError(e.message)
        }
    }
}

/// `exmy vectors generate FUNCTION`.
struct VectorsGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write test vectors: exhaustive where it fits, else boundary operands, ties and neighbours, thresholds, cancellation and seeded random operands.",
        discussion: "Exhaustive: every code for unary operations and conversions from formats of at most 16 bits, every pair for binary operations on at most 8 bits, every triple for mulAdd on at most 6 bits. --hex writes one $readmemh word per vector: {a, b, c, random, result, flags[4:0]}."
    )

    @OptionGroup var options: VectorOptions
    @Option(parsing: .unconditional, help: "Testing level: 1 or 2 (denser; TestFloat -level).") var level: Int = 1
    @Option(parsing: .unconditional, help: "Exactly this many vectors (TestFloat -n): the constructed cases, cut short or filled up with random ones.") var count: Int?
    @Option(parsing: .unconditional, help: "Seed of the random operands and random bits (0 … 2^64−1, default 1).", transform: ArgumentValues.seed("--seed")) var seed: UInt64 = 1
    @Flag(help: "Write $readmemh words (one fixed-width hex word per vector, a // header naming the fields) instead of TestFloat lines.") var hex = false
    @Option(help: "Output file (default: standard output).") var output: String?

    func run() throws {
        if let block = try options.blockModel() { return try runBlock(block) }
        let model = try options.model()
        let generator: VectorGenerator
        do { generator = try VectorGenerator(model, level: level, count: count, seed: seed) } catch let e as VectorError { throw CLIError(e.message) }
        let layout = VectorLayout(model)
        try write(header: layout.hexHeader) { line in
            try generator.generate { v in try line(hex ? layout.hexWord(v) : layout.line(v)) }
        }
    }

    /// Writes the lines `produce` gives (after the `$readmemh` header with --hex) to --output or
    /// standard output, in 64 KiB pieces; a file is replaced only once complete.
    func write(header: String, _ produce: (_ line: (String) throws -> Void) throws -> Void) throws {
        let sink: any OutputSink
        if let output, output != "-", output != "/dev/stdout" {
            do { sink = try OutputFile(path: output) } catch let e as TensorIOError { throw CLIError.file(e) }
        } else {
            sink = ConsoleSink()
        }
        var buffer = ""
        buffer.reserveCapacity(1 << 17)
        if hex { buffer += header + "\n" }
        do {
            try produce { text in
                buffer += text
                buffer += "\n"
                if buffer.utf8.count >= 1 << 16 {
                    try sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try sink.write(buffer)
            try sink.commit()
        } catch let e as TensorIOError { throw CLIError.file(e) }
    }
}

extension VectorsGenerateCommand {
    /// `generate` for a block function: the same output handling, block lines or words.
    func runBlock(_ model: BlockVectorModel) throws {
        let generator: BlockVectorGenerator
        do { generator = try BlockVectorGenerator(model, level: level, count: count, seed: seed) } catch let e as VectorError { throw CLIError(e.message) }
        let layout = BlockLayout(model)
        try write(header: layout.hexHeader) { line in
            try generator.generate { v in try line(hex ? layout.hexWord(v) : layout.line(v)) }
        }
    }
}

/// `exmy vectors check FUNCTION`.
struct VectorsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check test-vector lines (from testfloat_gen, exmy vectors generate, or a device) against ExMy; exits non-zero on any error.",
        discussion: "NaN results match any NaN code of the result format unless --check-nans. Lines that are empty or start with # or // are skipped."
    )

    @OptionGroup var options: VectorOptions
    @Option(help: "Input file (default: standard input).") var input: String?
    @Flag(name: .customLong("check-nans"), help: "Compare NaN results code for code (TestFloat -checkNaNs).") var checkNaNs = false
    @Flag(name: .customLong("skip-unmodelled"), help: "Skip and count lines with a signaling NaN operand or mulAdd(0, ∞, NaN): ExMy has no signaling NaNs and raises no invalid for that fma (testfloat_gen writes both).") var skipUnmodelled = false
    @Option(name: .customLong("max-errors"), parsing: .unconditional, help: "Error lines to print (the count goes on; default 20).") var maxErrors: Int = 20
    // TestFloat's -level and -seed are accepted and ignored when checking: the lines say everything.
    @Option(parsing: .unconditional, help: .hidden) var level: Int?
    @Option(parsing: .unconditional, help: .hidden) var seed: UInt64?

    func run() throws {
        guard maxErrors >= 0 else { throw CLIError("--max-errors must be at least 0, not \(maxErrors)") }
        let block = try options.blockModel()
        if block != nil && skipUnmodelled { throw CLIError("--skip-unmodelled applies to element-wise functions") }
        let checker = block == nil ? VectorChecker(try options.model(), checkNaNs: checkNaNs, skipUnmodelled: skipUnmodelled) : nil
        let blockChecker = block.map { BlockVectorChecker($0, checkNaNs: checkNaNs) }
        let reader: ByteReader
        do { reader = try ByteReader(path: input) } catch let e as TensorIOError { throw CLIError.file(e) }
        let summary: VectorChecker.Summary
        let lines = LineSequence(reader: reader)
        do {
            if let blockChecker {
                summary = try blockChecker.check(lines: lines, maxErrors: maxErrors) { Console.shared.print($0) }
            } else if let checker {
                summary = try checker.check(lines: lines, maxErrors: maxErrors) { Console.shared.print($0) }
            } else {
                summary = VectorChecker.Summary()
            }
            if let error = lines.box.error { throw error }
        } catch let e as VectorError {
            throw CLIError("\(reader.path): \(e.message)")
        } catch let e as TensorIOError { throw CLIError.file(e) }
        Console.shared.print(blockChecker?.summaryLine(summary) ?? checker?.summaryLine(summary) ?? "")
        if summary.errors > 0 { throw ExitCode(1) }
        // A device that wrote nothing (or only vectors this model skips) has passed nothing.
        if summary.tests == 0 {
            throw CLIError("\(reader.path): no vector was checked (\(summary.skipped) skipped): an empty result is a failure, not a pass")
        }
    }
}

/// The lines of a ``ByteReader``, read in 1 MiB chunks. A read error ends the sequence and is
/// kept in ``Box/error`` for the caller to throw.
struct LineSequence: Sequence, IteratorProtocol {
    final class Box { var error: Error? }
    let reader: ByteReader
    let box = Box()
    private var pending: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private var finished = false

    init(reader: ByteReader) { self.reader = reader }

    mutating func next() -> String? {
        while true {
            if let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[start..<nl], as: UTF8.self)
                start = nl + 1
                return line
            }
            if finished {
                guard start < pending.count else { return nil }
                defer { pending.removeAll(); start = 0 }
                return String(decoding: pending[start...], as: UTF8.self)
            }
            pending.removeSubrange(..<start)
            start = 0
            do {
                let got = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
                if got == 0 { finished = true } else { pending.append(contentsOf: chunk[..<got]) }
            } catch {
                box.error = error
                finished = true
            }
        }
    }
}
