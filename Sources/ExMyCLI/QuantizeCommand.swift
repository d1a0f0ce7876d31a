import ArgumentParser
import ExMy
import ExMyAnalysis
import Foundation
import TensorIO

/// `exmy quantize FORMAT-or-SCHEME`: a .safetensors checkpoint in, a quantized .safetensors out.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize the float tensors of a .safetensors checkpoint into codes and scales.",
        discussion: """
        A FORMAT (e4m3fn, e5m2, e2m1fn, any spelling) stores one code per element (U8, or U16/U32 for wider formats),
        with the rounding options of `exmy encode`. A SCHEME stores packed element codes plus scale tensors in the
        layout tools read: mxfp4 (gpt-oss/transformers: NAME_blocks U8 [..., n/32, 16], two E2M1 codes per byte, low
        nibble first, and NAME_scales U8 E8M0 [..., n/32]); mxfp6-e2m3, mxfp6-e3m2 (the same pair, four FP6 codes per
        three bytes); mxfp8-e4m3 (alias mxfp8), mxfp8-e5m2, mxint8 (NAME as F8_E4M3/F8_E5M2/I8, NAME_scales U8 E8M0);
        nvfp4 (NVIDIA ModelOpt: NAME U8 [..., n/2], NAME_scale F8_E4M3 [..., n/16], NAME_scale_2 F32); absmax
        (--element FORMAT, FP32 scale per --block). Blocks run along the last axis; a last dimension the block does not
        divide is refused unless --pad. F32, F16, BF16 and F64 tensors are quantized (all of them, or those matching
        --tensor); the others are copied unchanged. __metadata__ records each tensor's scheme for `exmy dequantize`.
        See docs/quantize.md.
        """
    )

    @Argument(help: "A format (plain codes) or a scheme: mxfp4 | mxfp6-e2m3 | mxfp6-e3m2 | mxfp8-e4m3 (mxfp8) | mxfp8-e5m2 | mxint8 | nvfp4 | absmax.")
    var target: String
    @Option(help: "The .safetensors checkpoint to read.") var input: String
    @Option(help: "The .safetensors file to write (a temporary file renamed into place on success).") var output: String
    @Option(name: .customLong("tensor"), help: "Quantize the tensors whose names match this glob (repeatable; default: every F32/F16/BF16/F64 tensor).")
    var tensors: [String] = []
    @OptionGroup var rules: RoundingOptions
    @Option(help: "Element format of the absmax scheme.") var element: String?
    @Option(help: "Block size of the absmax scheme (default \(QuantizationScheme.defaultAbsmaxBlock)).") var block: Int?
    @Option(name: .customLong("scale-rounding"), help: "Block scale rounding: floor | ceil | even | up (E8M0, default floor); up | even (NVFP4's UE4M3, default up).")
    var scaleRounding: String?
    @Flag(help: "Pad rows whose length is not a multiple of the block with zeros (dequantize removes the padding).") var pad = false
    @Option(help: "Threads (default: all cores). The output never depends on it.") var threads: Int?
    @Flag(help: "No progress line or summary.") var quiet = false

    func validate() throws {
        if let threads, threads < 1 || threads > 4096 { throw ValidationError("--threads must be 1…4096, got \(threads)") }
    }

    /// The scheme named by `target`, or `nil` for a format.
    func scheme() throws -> QuantizationScheme? {
        var scheme: QuantizationScheme
        if QuantizationScheme.hasFixedElement(target) {
            guard element == nil, block == nil else { throw CLIError("--element and --block apply to the absmax scheme; \(target == "mxfp8" ? "mxfp8-e4m3" : target)'s element and block are fixed") }
            scheme = try QuantizationScheme(parsing: target)
        } else if target == "absmax" {
            guard let element else { throw CLIError("the absmax scheme needs --element FORMAT") }
            let b = block ?? QuantizationScheme.defaultAbsmaxBlock
            guard (1...(1 << 24)).contains(b) else { throw CLIError("--block \(b) is out of range 1 … 2^24") }
            scheme = try QuantizationScheme(parsing: target, element: try FormatArgument.parse(element), block: b)
            guard scheme.element.bitWidth <= 8 else { throw CLIError("absmax stores one byte per code; \(scheme.element) has \(scheme.element.bitWidth) bits") }
        } else {
            guard element == nil, block == nil else { throw CLIError("--element and --block apply to the absmax scheme, not to '\(target)'") }
            return nil
        }
        if rules.profile != nil { throw CLIError("--profile applies to plain codes; a scheme takes --rounding and --overflow") }
        scheme.rounding = try rules.rule()
        if let overflow = rules.overflow { scheme.overflow = overflow }
        if let r = scaleRounding {
            switch scheme.scale {
            case .e8m0:
                guard let rule = PowerOfTwoScaleRule(rawValue: r) else { throw CLIError("E8M0 scale rounding is floor, ceil, even or up, not '\(r)'") }
                scheme.scale = .e8m0(rule)
            case .ue4m3(_, let twoLevel):
                guard let rule = BlockScaleRounding(rawValue: r) else { throw CLIError("UE4M3 scale rounding is up or even, not '\(r)'") }
                scheme.scale = .ue4m3(rule, twoLevel: twoLevel)
            default:
                throw CLIError("--scale-rounding does not apply to \(scheme.name)'s FP32 scales")
            }
        }
        return scheme
    }

    func run() throws {
        let element: CheckpointQuantizer.Element
        if let scheme = try scheme() {
            element = .scheme(scheme)
        } else {
            if scaleRounding != nil { throw CLIError("--scale-rounding applies to block-scaled schemes, not to plain codes") }
            if pad { throw CLIError("--pad applies to block-scaled schemes, not to plain codes") }
            let format: FloatFormat
            do { format = try FloatFormat(parsing: target) } catch let e as FormatError {
                throw CLIError("'\(target)' is neither a scheme (mxfp4, mxfp6-e2m3, mxfp6-e3m2, mxfp8-e4m3, mxfp8-e5m2, mxint8, nvfp4, absmax) nor a format: \(e.message)")
            }
            let converter = try Converter(format: format, rules: rules)
            if converter.needsScalarProfile { throw CLIError("--profile \(converter.profile!.rawValue) with \(format) is not supported by quantize; use exmy encode") }
            element = .codes(converter.encoder, roundsDoubleThroughFloat: converter.roundsDoubleThroughFloat)
        }
        let quantizer = CheckpointQuantizer(element, seed: rules.seed, pad: pad, threads: threads)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: input) } catch let e as TensorIOError { throw CLIError.file(e) }
        let plan: CheckpointQuantizer.Plan
        do { plan = try quantizer.plan(file, patterns: tensors) } catch let e as AnalysisError { throw CLIError("\(input): \(e.description)") }
        var progress = Progress("quantize", total: plan.inputByteCount, quiet: quiet)
        do {
            let sink = try OutputFile(path: output, inputs: [input])
            try quantizer.run(file, plan: plan, output: sink) { progress.update(bytes: $0) }
            try sink.commit()
        } catch let e as TensorIOError { progress.done(); throw CLIError.file(e) } catch let e as AnalysisError { progress.done(); throw CLIError(e.description) }
        progress.done()
        if !quiet {
            Console.shared.print("quantized \(plan.quantized.count) of \(file.tensors.count) tensors (\(target)): \(plan.inputByteCount + file.headerLength + 8) bytes -> \(plan.outputByteCount) bytes in \(output)")
        }
    }
}

/// `exmy dequantize`: a checkpoint written by `exmy quantize` back to float tensors.
struct DequantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dequantize",
        abstract: "Restore the float tensors of a checkpoint written by exmy quantize.",
        discussion: """
        Reads the exmy.quantized.NAME records of __metadata__ and the stored tensors they name; each element is
        decode(code) x scale, exact, then rounded once to --dtype (f32 output equals the analyzer's quantizer bit for
        bit). Padding is removed; other tensors are copied unchanged. See docs/quantize.md.
        """
    )

    @Option(help: "A .safetensors file written by exmy quantize.") var input: String
    @Option(help: "The .safetensors file to write (default: standard output).") var output: String?
    @Option(help: "Output element type: f32 | bf16 | f16 | f64.") var dtype: String = "f32"
    @Option(help: "Threads (default: all cores). The output never depends on it.") var threads: Int?
    @Flag(help: "No progress line or summary.") var quiet = false

    func validate() throws {
        if let threads, threads < 1 || threads > 4096 { throw ValidationError("--threads must be 1…4096, got \(threads)") }
    }

    func run() throws {
        guard let target = CheckpointDequantizer.Target(rawValue: dtype) else { throw CLIError("--dtype is f32, bf16, f16 or f64, not '\(dtype)'") }
        let dequantizer = CheckpointDequantizer(target: target, threads: threads)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: input) } catch let e as TensorIOError { throw CLIError.file(e) }
        let plan: CheckpointDequantizer.Plan
        do { plan = try dequantizer.plan(file) } catch let e as AnalysisError { throw CLIError("\(input): \(e.description)") }
        var progress = Progress("dequantize", total: plan.inputByteCount, quiet: quiet)
        do {
            let sink = try OutputFile(path: output, inputs: [input])
            try dequantizer.run(file, plan: plan, output: sink) { progress.update(bytes: $0) }
            try sink.commit()
        } catch let e as TensorIOError { progress.done(); throw CLIError.file(e) } catch let e as AnalysisError { progress.done(); throw CLIError(e.description) }
        progress.done()
        if !quiet, let output, output != "-", output != "/dev/stdout" {
            Console.shared.print("restored \(plan.restored.count) tensors as \(dtype): \(plan.outputByteCount) bytes in \(output)")
        }
    }
}
