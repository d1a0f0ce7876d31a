import ArgumentParser
import ExMy
import Foundation
import TensorIO

/// How `exmy encode` and `exmy decode` read and write data.
enum IOKind: String, ExpressibleByArgument, CaseIterable {
    case text, binary, npy

    /// The kind implied by a file name (`.npy` → npy, `.bin`/`.raw` → binary, else text).
    static func guess(_ path: String?) -> IOKind {
        guard let path else { return .text }
        if path.hasSuffix(".npy") { return .npy }
        if path.hasSuffix(".bin") || path.hasSuffix(".raw") { return .binary }
        return .text
    }
}

/// Element types of raw binary input/output.
enum RawType: String, ExpressibleByArgument, CaseIterable {
    case f32, f64, f16, bf16, u8, u16, u32

    var size: Int {
        switch self {
        case .f64: return 8
        case .f32, .u32: return 4
        case .f16, .bf16, .u16: return 2
        case .u8: return 1
        }
    }

    static func codeType(for format: FloatFormat) throws -> RawType {
        switch format.bitWidth {
        case ...8: return .u8
        case ...16: return .u16
        case ...32: return .u32
        default: throw CLIError("\(format) is \(format.bitWidth) bits wide; binary and .npy codes are limited to 32 bits (use --io text)")
        }
    }
}

/// Reads all of the input (a file or standard input).
func readInput(_ path: String?) throws -> Data {
    if let path {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
    return FileHandle.standardInput.readDataToEndOfFile()
}

/// Writes the whole output at once: to a temporary file renamed into place (no partial file is left
/// behind on error), or to standard output.
func writeOutput(_ data: Data, to path: String?) throws {
    guard let path else { Console.shared.write(data); return }
    let temporary = path + ".exmy-partial"
    do {
        try data.write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw CLIError("\(path): cannot write output (\(error.localizedDescription))")
    }
}

/// Reads little-endian elements of a raw type as Doubles (exact).
func decodeRaw(_ data: Data, as type: RawType, source: String) throws -> [Double] {
    guard data.count % type.size == 0 else {
        throw CLIError("\(source): \(data.count) bytes is not a whole number of \(type.rawValue) elements (\(type.size) bytes each)")
    }
    return data.withUnsafeBytes { raw -> [Double] in
        let n = data.count / type.size
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let o = i * type.size
            switch type {
            case .f32: out[i] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian))
            case .f64: out[i] = Double(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian)
            case .f16: out[i] = Double(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian))
            case .bf16: out[i] = Double(Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian) << 16))
            case .u8: out[i] = Double(raw[o])
            case .u16: out[i] = Double(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian)
            case .u32: out[i] = Double(raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
            }
        }
        return out
    }
}

/// Writes unsigned codes as little-endian elements of `type`.
func encodeRawCodes(_ codes: [UInt64], as type: RawType) -> Data {
    var data = Data(capacity: codes.count * type.size)
    for c in codes {
        switch type {
        case .u8: data.append(UInt8(truncatingIfNeeded: c))
        case .u16: withUnsafeBytes(of: UInt16(truncatingIfNeeded: c).littleEndian) { data.append(contentsOf: $0) }
        default: withUnsafeBytes(of: UInt32(truncatingIfNeeded: c).littleEndian) { data.append(contentsOf: $0) }
        }
    }
    return data
}

/// Parses one number per line (blank lines and `#` comments skipped).
func parseTextNumbers(_ data: Data, source: String, codes: Bool) throws -> [Double] {
    guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(source): input is not UTF-8 text (use --io binary or npy)") }
    var values: [Double] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.hasPrefix("#") { continue }
        if codes {
            let parsed = t.lowercased().hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
            guard let c = parsed else { throw CLIError("\(source) line \(index + 1): '\(t)' is not a code (decimal or 0x hex)") }
            values.append(Double(c))
        } else {
            guard let v = FloatFormat.parseNumber(t) else { throw CLIError("\(source) line \(index + 1): '\(t)' is not a number") }
            values.append(v)
        }
    }
    return values
}

/// `exmy encode FORMAT`: numbers in, codes out.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Convert numbers into codes of a format.",
        discussion: """
        Text input: one number per line (decimal, hex float, nan, inf); text output: one 0x code per line.
        Binary input: little-endian --dtype elements (f32 default, f64, f16, bf16); binary output: codes as
        uint8/uint16/uint32 (the narrowest that holds the format). .npy: float32/float64/float16 in,
        uint8/uint16/uint32 out with the same shape. The kind follows the file extension or --io.
        """
    )

    @Argument(help: "The format.") var format: String
    @OptionGroup var rules: RoundingOptions
    @Option(help: "Input file (default: standard input).") var input: String?
    @Option(help: "Output file (default: standard output).") var output: String?
    @Option(help: "Input and output kind: text | binary | npy (default: from the file extension, else text).") var io: IOKind?
    @Option(help: "Element type of raw binary input: f32 | f64 | f16 | bf16.") var dtype: RawType = .f32
    @Flag(help: "Pack sub-byte codes (FP4: two per byte; FP6: four per three bytes) in binary output.") var pack = false

    func run() throws {
        let f = try FormatArgument.parse(format)
        let kind = io ?? IOKind.guess(input ?? output)
        let source = input ?? "<stdin>"
        var shape: [Int]? = nil
        let values: [Double]
        switch kind {
        case .text: values = try parseTextNumbers(try readInput(input), source: source, codes: false)
        case .binary:
            guard [.f32, .f64, .f16, .bf16].contains(dtype) else { throw CLIError("--dtype for encode is f32, f64, f16 or bf16") }
            values = try decodeRaw(try readInput(input), as: dtype, source: source)
        case .npy:
            guard let path = input else { throw CLIError(".npy input needs --input FILE") }
            let file = try NpyFile(path: path)
            guard [.float32, .float64, .float16, .bfloat16].contains(file.dtype) else {
                throw CLIError("\(path): dtype \(file.dtype) is not a float type (float32, float64, float16)")
            }
            values = try file.readDoubles()
            shape = file.shape
        }
        let converter = try Converter(format: f, rules: rules)
        let codes = try converter.encode(values, source: source)
        switch kind {
        case .text:
            var text = ""
            for c in codes { text += FormatInfo.hex(c, f) + "\n" }
            try writeOutput(Data(text.utf8), to: output)
        case .binary:
            if pack {
                do {
                    try writeOutput(Data(try CodePacking.pack(codes.map { UInt8(truncatingIfNeeded: $0) }, bitWidth: f.bitWidth)), to: output)
                } catch let e as BatchError { throw CLIError(e.message) }
            } else {
                try writeOutput(encodeRawCodes(codes, as: try RawType.codeType(for: f)), to: output)
            }
        case .npy:
            guard let path = output else { throw CLIError(".npy output needs --output FILE") }
            let bytes: [UInt8]
            switch try RawType.codeType(for: f) {
            case .u8: bytes = try NpyWriter.encode(codes.map { UInt8(truncatingIfNeeded: $0) }, shape: shape ?? [codes.count])
            case .u16: bytes = try NpyWriter.encode(codes.map { UInt16(truncatingIfNeeded: $0) }, shape: shape ?? [codes.count])
            default: bytes = try NpyWriter.encode(codes.map { UInt32(truncatingIfNeeded: $0) }, shape: shape ?? [codes.count])
            }
            try writeOutput(Data(bytes), to: path)
        }
    }
}

/// `exmy decode FORMAT`: codes in, values out.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Convert codes of a format into numbers.",
        discussion: """
        Text input: one code per line (decimal or 0x hex); text output: the exact value per line.
        Binary input: little-endian codes (uint8/uint16/uint32, the narrowest that holds the format, or packed
        with --pack); binary output: --dtype elements (f32 default, f64). .npy: uint8/uint16/uint32 codes in,
        float32 (or --dtype f64) out with the same shape.
        """
    )

    @Argument(help: "The format.") var format: String
    @Option(help: "Input file (default: standard input).") var input: String?
    @Option(help: "Output file (default: standard output).") var output: String?
    @Option(help: "Input and output kind: text | binary | npy.") var io: IOKind?
    @Option(help: "Element type of binary/.npy output: f32 | f64.") var dtype: RawType = .f32
    @Flag(help: "Binary input holds packed sub-byte codes (FP4: two per byte; FP6: four per three bytes).") var pack = false
    @Option(help: "With --pack: the number of codes (default: all the bytes hold).") var count: Int?

    func run() throws {
        let f = try FormatArgument.parse(format)
        let kind = io ?? IOKind.guess(input ?? output)
        let source = input ?? "<stdin>"
        guard [.f32, .f64].contains(dtype) else { throw CLIError("--dtype for decode output is f32 or f64") }
        var shape: [Int]? = nil
        var codes: [UInt64]
        switch kind {
        case .text: codes = try parseTextNumbers(try readInput(input), source: source, codes: true).map { UInt64($0) }
        case .binary:
            let data = try readInput(input)
            if pack {
                do {
                    let capacity = f.bitWidth > 0 ? data.count * 8 / f.bitWidth : 0
                    codes = try CodePacking.unpack([UInt8](data), bitWidth: f.bitWidth, count: count ?? capacity).map { UInt64($0) }
                } catch let e as BatchError { throw CLIError(e.message) }
            } else {
                codes = try decodeRaw(data, as: try RawType.codeType(for: f), source: source).map { UInt64($0) }
            }
        case .npy:
            guard let path = input else { throw CLIError(".npy input needs --input FILE") }
            let file = try NpyFile(path: path)
            switch file.dtype {
            case .uint8: codes = try file.readElements(as: UInt8.self).map { UInt64($0) }
            case .uint16: codes = try file.readElements(as: UInt16.self).map { UInt64($0) }
            case .uint32: codes = try file.readElements(as: UInt32.self).map { UInt64($0) }
            default: throw CLIError("\(path): dtype \(file.dtype) holds no codes (use uint8, uint16 or uint32)")
            }
            shape = file.shape
        }
        if let bad = codes.firstIndex(where: { $0 & ~f.codeMask != 0 }) {
            throw CLIError("\(source): element \(bad) (code \(codes[bad])) does not fit in the \(f.bitWidth) bits of \(f)")
        }
        let values: [Double]
        do { values = try f.decode(codes, as: Double.self) } catch let e as BatchError { throw CLIError(e.message) }
        switch kind {
        case .text:
            var text = ""
            for c in codes { text += ValuesCommand.valueText(c, f) + "\n" }
            try writeOutput(Data(text.utf8), to: output)
        case .binary:
            var data = Data()
            if dtype == .f64 { for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
            else { for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
            try writeOutput(data, to: output)
        case .npy:
            guard let path = output else { throw CLIError(".npy output needs --output FILE") }
            let bytes = dtype == .f64 ? try NpyWriter.encode(values, shape: shape ?? [values.count]) : try NpyWriter.encode(values.map { Float($0) }, shape: shape ?? [values.count])
            try writeOutput(Data(bytes), to: path)
        }
    }
}

extension ValuesCommand {
    /// The exact value of a code as text (`nan`, `-inf`, `-0`, exact decimal).
    static func valueText(_ code: UInt64, _ f: FloatFormat) -> String {
        let v = f.decode(code)
        if v.isNaN { return v.sign == .minus ? "-nan" : "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        return f.exactDescription(ofCode: code)
    }
}
