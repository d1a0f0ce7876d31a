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

    /// The batch engine's element kind of a floating-point type.
    var elementKind: BatchElementKind? {
        switch self {
        case .f32: return .float
        case .f64: return .double
        case .f16: return .float16
        case .bf16: return .bfloat16
        default: return nil
        }
    }

    /// The `.npy` dtype of this type.
    var tensorDType: TensorDType {
        switch self {
        case .f32: return .float32
        case .f64: return .float64
        case .f16: return .float16
        case .bf16: return .bfloat16
        case .u8: return .uint8
        case .u16: return .uint16
        case .u32: return .uint32
        }
    }

    init?(_ dtype: TensorDType) {
        guard let t = RawType.allCases.first(where: { $0.tensorDType == dtype }) else { return nil }
        self = t
    }

    /// The narrowest unsigned type that holds the codes of `format`.
    static func codeType(for format: FloatFormat) throws -> RawType {
        switch format.bitWidth {
        case ...8: return .u8
        case ...16: return .u16
        case ...32: return .u32
        default: throw CLIError("\(format) is \(format.bitWidth) bits wide; binary and .npy codes are limited to 32 bits (use --io text)")
        }
    }
}

/// Options every streaming conversion shares.
struct StreamOptions: ParsableArguments {
    @Option(help: "Input file (default: standard input; a FIFO or device is read as a stream).") var input: String?
    @Option(help: "Output file (default: standard output). Written to a temporary file and renamed into place on success; a device or FIFO is written as a stream; a directory or symlink is refused.") var output: String?
    @Option(help: "Input and output kind: text | binary | npy (default: from the file extension, else text).") var io: IOKind?
    @Option(parsing: .unconditional, help: "Threads for binary and .npy conversion (default: all cores for large inputs). The output never depends on it.")
    var threads: Int?
    @Flag(help: "No progress line on standard error.") var quiet = false

    var kind: IOKind { io ?? IOKind.guess(input ?? output) }
    var source: String { input ?? "<stdin>" }

    func validate() throws {
        if let threads, threads < 1 || threads > 4096 { throw ValidationError("--threads must be 1…4096, got \(threads)") }
    }

    func openInput() throws -> ByteReader {
        do { return try ByteReader(path: input) } catch let e as TensorIOError { throw CLIError.file(e) }
    }

    func openOutput() throws -> any OutputSink {
        guard let output, output != "-", output != "/dev/stdout" else { return ConsoleSink() }
        do { return try OutputFile(path: output, inputs: input.map { [$0] } ?? []) } catch let e as TensorIOError { throw CLIError.file(e) }
    }
}

/// Where converted bytes go: a file replaced atomically on ``commit()``, a stream, or the console.
protocol OutputSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func commit() throws
}

extension OutputSink {
    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    func write(_ text: String) throws { try write(Array(text.utf8)) }
}

extension OutputFile: OutputSink {}

/// Standard output through ``Console`` (captured by the tests).
final class ConsoleSink: OutputSink {
    func write(_ bytes: UnsafeRawBufferPointer) throws { try Console.shared.write(bytes) }
    func commit() throws {}
}

/// Writes a whole text to `path` (atomically, see ``OutputFile``) or to standard output.
func writeWhole(_ text: String, to path: String?) throws {
    do {
        let sink: any OutputSink = path.map { $0 == "-" || $0 == "/dev/stdout" } ?? true ? ConsoleSink() : try OutputFile(path: path)
        try sink.write(text)
        try sink.commit()
    } catch let e as TensorIOError { throw CLIError.file(e) }
}

extension CLIError {
    /// A file error in the words of ``TensorIOError``, which name the path and the cause.
    static func file(_ e: TensorIOError) -> CLIError { CLIError(e.description) }
}

/// A 64-byte aligned scratch buffer, reused chunk after chunk.
final class ChunkBuffer {
    /// Exactly the bytes asked for.
    let raw: UnsafeMutableRawBufferPointer
    private let allocation: UnsafeMutableRawBufferPointer
    init(byteCount: Int) {
        allocation = .allocate(byteCount: max(byteCount, 64), alignment: 64)
        raw = UnsafeMutableRawBufferPointer(rebasing: allocation[0..<byteCount])
    }
    deinit { allocation.deallocate() }
    func prefix(_ n: Int) -> UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: raw[0..<n]) }
}

/// Elements per chunk of a streamed binary conversion: a multiple of 8, so packed groups of every
/// sub-byte width (8 codes in `bitWidth` bytes) never straddle two chunks. Tests lower it to put
/// chunk boundaries inside small files.
enum StreamChunk {
    @TaskLocal static var elements = 1 << 20
}

/// A progress line on standard error for conversions that run longer than about two seconds.
struct Progress {
    let label: String
    let total: Int?
    let quiet: Bool
    let start = DispatchTime.now().uptimeNanoseconds
    var last: UInt64 = 0
    var shown = false

    init(_ label: String, total: Int?, quiet: Bool) {
        self.label = label
        self.total = total
        self.quiet = quiet
    }

    mutating func update(bytes: Int) {
        guard !quiet else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - start > 2_000_000_000, now - last > 250_000_000 else { return }
        last = now
        shown = true
        let mib = Double(bytes) / 1_048_576
        let rate = mib / (Double(now - start) / 1e9)
        if let total, total > 0 {
            Console.shared.progress(String(format: "%@: %.0f of %.0f MiB (%.0f%%), %.0f MiB/s", label, mib, Double(total) / 1_048_576, 100 * Double(bytes) / Double(total), rate))
        } else {
            Console.shared.progress(String(format: "%@: %.0f MiB, %.0f MiB/s", label, mib, rate))
        }
    }

    func done() { if shown { Console.shared.progressDone() } }
}

/// `exmy encode FORMAT`: numbers in, codes out.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Convert numbers into codes of a format.",
        discussion: """
        Text input: one number per line (decimal or hex float of any length, rounded once from its exact value;
        nan, inf); text output: one 0x code per line. Binary input: little-endian --dtype elements (f32 default,
        f64, f16, bf16); binary output: codes as uint8/uint16/uint32 (the narrowest that holds the format), or
        packed with --pack. .npy: float32/float64/float16 (bfloat16 saved as void '<V2' with --dtype bf16) in,
        uint8/uint16/uint32 out with the same shape. The kind follows the file extension or --io.
        Everything streams: memory stays constant whatever the input size.
        """
    )

    @Argument(help: "The format.") var format: String
    @OptionGroup var rules: RoundingOptions
    @OptionGroup var stream: StreamOptions
    @Option(help: "Element type of raw binary input: f32 | f64 | f16 | bf16 (with .npy: bf16 reads a void '<V2' array as bfloat16).")
    var dtype: RawType?
    @Flag(help: "Pack sub-byte codes (FP4: two per byte; FP6: four per three bytes) in binary output.") var pack = false

    func run() throws {
        let f = try FormatArgument.parse(format)
        let converter = try Converter(format: f, rules: rules)
        let kind = stream.kind
        if let dtype, dtype.elementKind == nil { throw CLIError("--dtype for encode is f32, f64, f16 or bf16, not \(dtype.rawValue)") }
        if pack {
            guard kind == .binary else { throw CLIError("--pack applies to binary output (--io binary)") }
            guard f.bitWidth <= 8 else { throw CLIError("--pack needs a format of at most 8 bits; \(f) has \(f.bitWidth)") }
        }
        let reader = try stream.openInput()
        let sink = try stream.openOutput()
        switch kind {
        case .text:
            try encodeText(reader, converter, sink)
        case .binary:
            let type = dtype ?? .f32
            let code = try RawType.codeType(for: f)
            var progress = Progress("encode", total: reader.regularFileSize, quiet: stream.quiet)
            try encodeElements(type.elementKind!, codeType: code, converter: converter, sink: sink, progress: &progress) { buffer in
                let n = try reader.read(into: buffer)
                guard n % type.size == 0 else {
                    throw CLIError("\(stream.source): \(reader.offset) bytes is not a whole number of \(type.rawValue) elements (\(type.size) bytes each)")
                }
                return n
            }
            progress.done()
        case .npy:
            let npy: NpyStreamReader
            do { npy = try NpyStreamReader(reader, interpretingVoidAs: dtype == .bf16 ? .bfloat16 : nil) } catch let e as TensorIOError {
                if case .unsupportedDType(let d, nil) = e.kind, d.contains("anonymous void type") {
                    throw CLIError("\(stream.source): dtype '\(d.split(separator: " ").first ?? "")' is an anonymous void type; if it holds bfloat16 (as ml_dtypes saves it), pass --dtype bf16")
                }
                throw CLIError.file(e)
            }
            guard let type = RawType(npy.header.dtype), let element = type.elementKind else {
                throw CLIError("\(stream.source): dtype \(npy.header.descr) is not a float type (float32, float64, float16; bfloat16 as '<V2' with --dtype bf16)")
            }
            let code = try RawType.codeType(for: f)
            do { try sink.write(try NpyWriter.header(dtype: code.tensorDType, shape: npy.header.shape)) } catch let e as TensorIOError { throw CLIError.file(e) }
            var progress = Progress("encode", total: npy.header.byteCount, quiet: stream.quiet)
            try encodeElements(element, codeType: code, converter: converter, sink: sink, progress: &progress) { buffer in
                do { return try npy.readData(into: buffer) } catch let e as TensorIOError { throw CLIError.file(e) }
            }
            progress.done()
        }
        do { try sink.commit() } catch let e as TensorIOError { throw CLIError.file(e) }
    }

    /// Streams elements of `element` type through the batch encoder, chunk by chunk; element `i` of
    /// the whole input draws stochastic bits from `(seed, i)`, so chunking never changes a code.
    func encodeElements(
        _ element: BatchElementKind, codeType: RawType, converter: Converter, sink: any OutputSink,
        progress: inout Progress, read: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let f = converter.format
        let input = ChunkBuffer(byteCount: StreamChunk.elements * element.byteCount)
        let narrowed = converter.roundsDoubleThroughFloat && element == .double ? ChunkBuffer(byteCount: StreamChunk.elements * 4) : nil
        let codeBytes = pack ? try CodePacking.packedByteCount(count: StreamChunk.elements, bitWidth: f.bitWidth) : StreamChunk.elements * codeType.size
        let output = ChunkBuffer(byteCount: codeBytes)
        var index = 0
        while true {
            let n = try read(input.raw)
            if n == 0 { break }
            let count = n / element.byteCount
            var kind = element
            var source = UnsafeRawBufferPointer(input.prefix(n))
            if let narrowed {
                // The profile's stack rounds float64 to float32 first (double rounding, on purpose).
                let d = input.raw.bindMemory(to: Double.self), s = narrowed.raw.bindMemory(to: Float.self)
                for i in 0..<count { s[i] = Float(d[i]) }
                kind = .float
                source = UnsafeRawBufferPointer(narrowed.prefix(count * 4))
            }
            let outBytes = pack ? try CodePacking.packedByteCount(count: count, bitWidth: f.bitWidth) : count * codeType.size
            let out = output.prefix(outBytes)
            if converter.needsScalarProfile {
                try encodeScalar(source, kind, count, converter, into: out, codeType: codeType, firstIndex: index)
            } else {
                do {
                    _ = try converter.encoder.encode(
                        raw: source, as: kind, into: out, codeByteCount: codeType.size, packed: pack,
                        options: BatchOptions(threads: stream.threads, seed: converter.seed, startIndex: UInt64(index)))
                } catch let e as BatchError {
                    if case .nanInput(let i) = e.kind { throw converter.nanError(source: stream.source, index: index + i) }
                    throw CLIError("\(stream.source): \(e.message)")
                }
            }
            try sink.write(UnsafeRawBufferPointer(out))
            index += count
            progress.update(bytes: index * element.byteCount)
        }
    }

    /// The profile's scalar conversion, element by element (for quirks the batch rules do not express).
    func encodeScalar(
        _ source: UnsafeRawBufferPointer, _ kind: BatchElementKind, _ count: Int, _ converter: Converter,
        into out: UnsafeMutableRawBufferPointer, codeType: RawType, firstIndex: Int
    ) throws {
        var codes = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let x: Double
            switch kind {
            case .float: x = Double(source.load(fromByteOffset: 4 * i, as: Float.self))
            case .double: x = source.load(fromByteOffset: 8 * i, as: Double.self)
            case .float16: x = Double(Float(Float16(bitPattern: source.load(fromByteOffset: 2 * i, as: UInt16.self))))
            case .bfloat16: x = Double(Float(bitPattern: UInt32(source.load(fromByteOffset: 2 * i, as: UInt16.self)) << 16))
            }
            let r = converter.encode(x, index: UInt64(firstIndex + i))
            if x.isNaN && converter.format.nanCode() == nil && converter.nanPolicy == .error {
                throw converter.nanError(source: stream.source, index: firstIndex + i)
            }
            codes[i] = UInt8(truncatingIfNeeded: r.code)
        }
        if pack {
            try codes.withUnsafeBufferPointer { try CodePacking.pack($0, bitWidth: converter.format.bitWidth, into: out.bindMemory(to: UInt8.self)) }
        } else {
            out.copyBytes(from: codes)  // needsScalarProfile formats are at most 8 bits: one byte per code
        }
    }

    /// Text: one number per line, each rounded once from its exact value; bytes in, bytes out.
    ///
    /// The input is read in batches of whole lines; each batch is split at line ends into one piece
    /// per thread. A first parallel pass counts each piece's lines and numbers, so that every piece
    /// knows its first line number and the input index of its first number (the stochastic rules
    /// draw from `(seed, index)`); the second pass converts the pieces in parallel into their own
    /// buffers, written in order. The output, and the first error reported, never depend on the
    /// number of threads.
    func encodeText(_ reader: ByteReader, _ converter: Converter, _ sink: any OutputSink) throws {
        let job = TextEncodeJob(converter: converter, source: stream.source)
        let threads = stream.threads ?? ProcessInfo.processInfo.activeProcessorCount
        var index = 0
        var progress = Progress("encode", total: reader.regularFileSize, quiet: stream.quiet)
        try forEachLineBatch(reader, source: stream.source) { batch, firstLine in
            let pieces = TextPieces(batch, count: min(threads, max(1, batch.count / TextBatch.minimumPieceBytes)))
            // Line numbers matter here only for line 1's byte-order mark: a later piece starts at
            // least one line after the batch's first.
            let counts = pieces.map { piece, i in job.count(piece, firstLine: i == 0 ? firstLine : firstLine + 1) }
            var lines = firstLine, numbers = index
            var starts: [(line: Int, index: Int)] = []
            for c in counts {
                starts.append((lines, numbers))
                lines += c.lines
                numbers += c.numbers
            }
            let first = starts
            let results = pieces.map { piece, i in job.encode(piece, firstLine: first[i].line, firstIndex: first[i].index) }
            for r in results {
                try r.bytes.withUnsafeBytes { try sink.write($0) }
                if let error = r.error { throw error }
            }
            index = numbers
            progress.update(bytes: reader.offset)
            return lines - firstLine
        }
        progress.done()
    }
}

/// Batches of text input.
enum TextBatch {
    /// Bytes read per batch (tests lower it to put batch boundaries inside small inputs).
    @TaskLocal static var bytes = 1 << 22
    /// The least piece of a batch worth a thread of its own (tests lower it to split small inputs).
    @TaskLocal static var minimumPieceBytes = 1 << 16
}

/// A batch of whole lines split at line ends into `count` pieces of about equal size (fewer when
/// the lines are long).
struct TextPieces: @unchecked Sendable {
    let batch: UnsafeRawBufferPointer
    let bounds: [Int]

    init(_ batch: UnsafeRawBufferPointer, count: Int) {
        self.batch = batch
        var bounds = [0]
        for k in 1..<max(count, 1) {
            let target = max(batch.count * k / count, bounds.last!)
            guard target < batch.count, let hit = memchr(batch.baseAddress! + target, 0x0A, batch.count - target) else { break }
            let end = UnsafeRawPointer(hit) - batch.baseAddress! + 1
            if end < batch.count && end > bounds.last! { bounds.append(end) }
        }
        bounds.append(batch.count)
        self.bounds = bounds
    }

    /// `body(piece, i)` for every piece, on one thread per piece; the results in order.
    func map<R>(_ body: @Sendable (UnsafeRawBufferPointer, Int) -> R) -> [R] {
        let n = bounds.count - 1
        if n == 1 { return [body(batch, 0)] }
        let results = PieceResults<R>(n)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let piece = UnsafeRawBufferPointer(rebasing: batch[bounds[i]..<bounds[i + 1]])
            let r = body(piece, i)
            results.slots[i] = r
        }
        return results.slots.map { $0! }
    }
}

/// One result slot per piece, each written by one thread.
final class PieceResults<R>: @unchecked Sendable {
    var slots: [R?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
}

/// The per-line work of text encoding, shared by the threads (immutable).
struct TextEncodeJob: @unchecked Sendable {
    let converter: Converter
    let source: String
    let hasNaN: Bool
    let rejectsNaN: Bool
    let digits: Int

    init(converter: Converter, source: String) {
        self.converter = converter
        self.source = source
        hasNaN = converter.format.nanCode() != nil
        rejectsNaN = converter.nanPolicy == .error
        digits = (converter.format.bitWidth + 3) / 4
    }

    /// Whether a line holds a number: not blank, not a `#` comment.
    @inline(__always)
    static func holdsNumber(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let first = line.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return false }
        return line[first] != 0x23
    }

    /// The lines and the numbers in a piece.
    func count(_ piece: UnsafeRawBufferPointer, firstLine: Int) -> (lines: Int, numbers: Int) {
        var numbers = 0
        let lines = forEachLine(in: piece, firstNumber: firstLine) { line, _ in
            if Self.holdsNumber(line) { numbers += 1 }
        }
        return (lines, numbers)
    }

    /// The codes of a piece's numbers as `0x…` lines, up to its first error.
    func encode(_ piece: UnsafeRawBufferPointer, firstLine: Int, firstIndex: Int) -> (bytes: [UInt8], error: CLIError?) {
        let hex: StaticString = "0123456789ABCDEF"
        var out: [UInt8] = []
        out.reserveCapacity(piece.count / 4 * (digits + 3) + 64)
        var index = firstIndex
        do {
            _ = try forEachLine(in: piece, firstNumber: firstLine) { line, number in
                guard Self.holdsNumber(line) else { return }
                guard let parsed = converter.encode(utf8: line, index: UInt64(index)) else {
                    throw CLIError("\(source) line \(number): '\(quoted(line))' is not a number")
                }
                if parsed.isNaN && !hasNaN && rejectsNaN {
                    throw converter.nanError(source: source, index: index)
                }
                let code = parsed.encoded.code
                out.append(0x30); out.append(0x78)  // "0x"
                hex.withUTF8Buffer { h in
                    for k in stride(from: digits - 1, through: 0, by: -1) { out.append(h[Int(code >> UInt64(4 * k) & 0xF)]) }
                }
                out.append(0x0A)
                index += 1
            }
        } catch let e as CLIError {
            return (out, e)
        } catch {
            return (out, CLIError("\(error)"))
        }
        return (out, nil)
    }
}

/// A line for an error message: at most 80 characters, control characters escaped.
func quoted(_ line: UnsafeRawBufferPointer) -> String {
    let text = String(decoding: line.prefix(80), as: UTF8.self)
    let shown = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    return line.count > 80 ? shown + "…" : shown
}

/// Calls `body` with the bytes of each line of text (without its `\n` or `\r\n`, and without a
/// UTF-8 byte-order mark at the start) and its 1-based number, reading the input in batches:
/// memory holds one batch and one line (a line longer than 64 MiB is an error).
func forEachLine(_ reader: ByteReader, source: String, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
    try forEachLineBatch(reader, source: source) { batch, first in
        try forEachLine(in: batch, firstNumber: first, body)
    }
}

/// Calls `body(batch, firstLineNumber)` with the input in batches of whole lines (about
/// ``TextBatch/bytes`` each; every batch but the last ends with `\n`); `body` returns the number
/// of lines it found. Memory holds one batch and one line (a line longer than 64 MiB is an error).
func forEachLineBatch(_ reader: ByteReader, source: String, _ body: (UnsafeRawBufferPointer, Int) throws -> Int) throws {
    let chunk = ChunkBuffer(byteCount: TextBatch.bytes)
    var carry: [UInt8] = []
    var line = 1
    while true {
        let n: Int
        do { n = try reader.read(into: chunk.raw) } catch let e as TensorIOError { throw CLIError.file(e) }
        if n == 0 { break }
        let bytes = UnsafeRawBufferPointer(chunk.prefix(n))
        guard let last = bytes.lastIndex(of: 0x0A) else {
            carry += bytes
            if carry.count > 1 << 26 { throw CLIError("\(source) line \(line): longer than 64 MiB; is this text?") }
            continue
        }
        let cut = last + 1
        if carry.isEmpty {
            line += try body(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), line)
        } else {
            carry += bytes[..<cut]
            line += try carry.withUnsafeBytes { try body($0, line) }
            carry.removeAll(keepingCapacity: true)
        }
        carry += bytes[cut...]
    }
    if !carry.isEmpty { _ = try carry.withUnsafeBytes { try body($0, line) } }
}

/// Calls `body` with each line of `batch` (whole lines, the first numbered `firstNumber`; without
/// `\n` or `\r\n`, and line 1 without a UTF-8 byte-order mark) and its number; returns the number
/// of lines.
@discardableResult
func forEachLine(in batch: UnsafeRawBufferPointer, firstNumber: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows -> Int {
    guard let base = batch.baseAddress, batch.count > 0 else { return 0 }
    var number = firstNumber
    var start = 0
    let n = batch.count
    while start < n {
        let end = memchr(base + start, 0x0A, n - start).map { UnsafeRawPointer($0) - base } ?? n
        var line = UnsafeRawBufferPointer(rebasing: batch[start..<end])
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeRawBufferPointer(rebasing: line.dropFirst(3)) }
        try body(line, number)
        number += 1
        start = end + 1
    }
    return number - firstNumber
}

/// `exmy decode FORMAT`: codes in, values out.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Convert codes of a format into numbers.",
        discussion: """
        Text input: one code per line (decimal or 0x hex, read as an integer and checked against the format's
        width); text output: the exact value per line. Binary input: little-endian codes (uint8/uint16/uint32,
        the narrowest that holds the format, or packed with --pack); binary output: --dtype elements (f32
        default, f64, f16, bf16). .npy: uint8/uint16/uint32 codes in, float32 (or --dtype) out with the same
        shape. Everything streams: memory stays constant whatever the input size.
        """
    )

    @Argument(help: "The format.") var format: String
    @OptionGroup var stream: StreamOptions
    @Option(help: "Element type of binary/.npy output: f32 | f64 | f16 | bf16.") var dtype: RawType = .f32
    @Flag(help: "Binary input holds packed sub-byte codes (FP4: two per byte; FP6: four per three bytes).") var pack = false
    @Option(parsing: .unconditional, help: "With --pack: the number of codes (default: all the bytes hold).") var count: Int?

    func run() throws {
        let f = try FormatArgument.parse(format)
        let kind = stream.kind
        guard let target = dtype.elementKind else { throw CLIError("--dtype for decode output is f32, f64, f16 or bf16, not \(dtype.rawValue)") }
        if let count, count < 0 { throw CLIError("--count must be a non-negative number of codes, got \(count)") }
        if count != nil && !pack { throw CLIError("--count applies to --pack input") }
        if pack {
            guard kind == .binary else { throw CLIError("--pack applies to binary input (--io binary)") }
            guard f.bitWidth <= 8 else { throw CLIError("--pack needs a format of at most 8 bits; \(f) has \(f.bitWidth)") }
        }
        let decoder = BatchDecoder(f)
        let reader = try stream.openInput()
        let sink = try stream.openOutput()
        switch kind {
        case .text:
            try decodeText(reader, f, sink)
        case .binary:
            var progress = Progress("decode", total: reader.regularFileSize, quiet: stream.quiet)
            if pack {
                try decodePacked(reader, decoder, target, sink, &progress)
            } else {
                let code = try RawType.codeType(for: f)
                try decodeElements(code, decoder, target, sink, &progress) { buffer in
                    let n = try reader.read(into: buffer)
                    guard n % code.size == 0 else {
                        throw CLIError("\(stream.source): \(reader.offset) bytes is not a whole number of \(code.rawValue) codes (\(code.size) bytes each)")
                    }
                    return n
                }
            }
            progress.done()
        case .npy:
            let npy: NpyStreamReader
            // ml_dtypes saves FP8 arrays as '|V1' (and 16-bit formats as '<V2'): their bytes are the codes.
            let codeDType = try RawType.codeType(for: f).tensorDType
            do { npy = try NpyStreamReader(reader, interpretingVoidAs: codeDType == .uint32 ? nil : codeDType) } catch let e as TensorIOError { throw CLIError(cliMessage(e)) }
            guard let code = RawType(npy.header.dtype), [.u8, .u16, .u32].contains(code) else {
                throw CLIError("\(stream.source): dtype \(npy.header.descr) holds no codes (use uint8, uint16 or uint32)")
            }
            do { try sink.write(try NpyWriter.header(dtype: dtype.tensorDType, shape: npy.header.shape)) } catch let e as TensorIOError { throw CLIError.file(e) }
            var progress = Progress("decode", total: npy.header.byteCount, quiet: stream.quiet)
            try decodeElements(code, decoder, target, sink, &progress) { buffer in
                do { return try npy.readData(into: buffer) } catch let e as TensorIOError { throw CLIError.file(e) }
            }
            progress.done()
        }
        do { try sink.commit() } catch let e as TensorIOError { throw CLIError.file(e) }
    }

    /// Streams codes of `code` type through the batch decoder, checking each fits the format.
    func decodeElements(
        _ code: RawType, _ decoder: BatchDecoder, _ target: BatchElementKind, _ sink: any OutputSink,
        _ progress: inout Progress, read: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let input = ChunkBuffer(byteCount: StreamChunk.elements * code.size)
        let output = ChunkBuffer(byteCount: StreamChunk.elements * target.byteCount)
        var index = 0
        while true {
            let n = try read(input.raw)
            if n == 0 { break }
            let count = n / code.size
            switch code {
            case .u8: try decodeTyped(input.raw.bindMemory(to: UInt8.self), count, decoder, target, output, firstIndex: index)
            case .u16: try decodeTyped(input.raw.bindMemory(to: UInt16.self), count, decoder, target, output, firstIndex: index)
            default: try decodeTyped(input.raw.bindMemory(to: UInt32.self), count, decoder, target, output, firstIndex: index)
            }
            try sink.write(UnsafeRawBufferPointer(output.prefix(count * target.byteCount)))
            index += count
            progress.update(bytes: index * code.size)
        }
    }

    func decodeTyped<Code: BatchCode>(
        _ codes: UnsafeMutableBufferPointer<Code>, _ count: Int, _ decoder: BatchDecoder, _ target: BatchElementKind,
        _ output: ChunkBuffer, firstIndex: Int
    ) throws {
        let f = decoder.format
        let slice = UnsafeBufferPointer(rebasing: codes[0..<count])
        let mask = Code(truncatingIfNeeded: f.codeMask)
        var stray: Code = 0
        for c in slice { stray |= c & ~mask }
        if stray != 0, let bad = slice.firstIndex(where: { $0 & ~mask != 0 }) {
            throw CLIError("\(stream.source): element \(firstIndex + bad) (code \(slice[bad])) does not fit in the \(f.bitWidth) bits of \(f)")
        }
        do {
            switch target {
            case .float: try decoder.decode(slice, into: output.raw.bindMemory(to: Float.self).extracting(0..<count), threads: stream.threads)
            case .double: try decoder.decode(slice, into: output.raw.bindMemory(to: Double.self).extracting(0..<count), threads: stream.threads)
            case .float16: try decoder.decode(slice, into: output.raw.bindMemory(to: Float16.self).extracting(0..<count), threads: stream.threads)
            case .bfloat16: try decoder.decode(slice, intoBFloat16Bits: output.raw.bindMemory(to: UInt16.self).extracting(0..<count), threads: stream.threads)
            }
        } catch let e as BatchError { throw CLIError("\(stream.source): \(e.message)") }
    }

    /// Packed sub-byte codes: 8 codes fill `bitWidth` bytes, so whole groups are read per chunk.
    func decodePacked(_ reader: ByteReader, _ decoder: BatchDecoder, _ target: BatchElementKind, _ sink: any OutputSink, _ progress: inout Progress) throws {
        let width = decoder.format.bitWidth
        let chunkBytes = StreamChunk.elements / 8 * width
        let input = ChunkBuffer(byteCount: chunkBytes)
        let output = ChunkBuffer(byteCount: StreamChunk.elements * target.byteCount)
        var decoded = 0
        while count.map({ decoded < $0 }) ?? true {
            let n = try reader.read(into: input.raw)
            if n == 0 { break }
            var codes = n * 8 / width
            if let count { codes = min(codes, count - decoded) }
            let bytes = UnsafeBufferPointer(rebasing: input.raw.bindMemory(to: UInt8.self)[0..<((codes * width + 7) / 8)])
            do {
                switch target {
                case .float: try decoder.decodePacked(bytes, count: codes, into: output.raw.bindMemory(to: Float.self).extracting(0..<codes), threads: stream.threads)
                case .double: try decoder.decodePacked(bytes, count: codes, into: output.raw.bindMemory(to: Double.self).extracting(0..<codes), threads: stream.threads)
                case .float16: try decoder.decodePacked(bytes, count: codes, into: output.raw.bindMemory(to: Float16.self).extracting(0..<codes), threads: stream.threads)
                case .bfloat16: try decoder.decodePacked(bytes, count: codes, intoBFloat16Bits: output.raw.bindMemory(to: UInt16.self).extracting(0..<codes), threads: stream.threads)
                }
            } catch let e as BatchError { throw CLIError("\(stream.source): \(e.message)") }
            try sink.write(UnsafeRawBufferPointer(output.prefix(codes * target.byteCount)))
            decoded += codes
            progress.update(bytes: reader.offset)
        }
        if let count, decoded < count {
            throw CLIError("\(stream.source): --count \(count) asks for more codes than the input holds (\(decoded))")
        }
    }

    /// Text: one code per line, decimal or 0x hex, parsed as an integer with an exact range check.
    func decodeText(_ reader: ByteReader, _ f: FloatFormat, _ sink: any OutputSink) throws {
        var text = ""
        var index = 0
        var progress = Progress("decode", total: reader.regularFileSize, quiet: stream.quiet)
        try forEachLine(reader, source: stream.source) { bytes, number in
            guard let line = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
                throw CLIError("\(stream.source) line \(number): not UTF-8 text (use --io binary or npy)")
            }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { return }
            let lower = t.lowercased()
            let parsed = lower.hasPrefix("0x") ? UInt64(lower.dropFirst(2), radix: 16) : UInt64(lower, radix: 10)
            guard let code = parsed else {
                let digits = lower.hasPrefix("0x") ? lower.dropFirst(2) : Substring(lower)
                if !digits.isEmpty && digits.allSatisfy({ $0.isHexDigit && (lower.hasPrefix("0x") || $0.isNumber) }) {
                    throw CLIError("\(stream.source) line \(number): code '\(t)' does not fit in the \(f.bitWidth) bits of \(f)")
                }
                throw CLIError("\(stream.source) line \(number): '\(t)' is not a code (decimal or 0x hex)")
            }
            guard code & ~f.codeMask == 0 else {
                throw CLIError("\(stream.source) line \(number): code '\(t)' does not fit in the \(f.bitWidth) bits of \(f)")
            }
            text += ValuesCommand.valueText(code, f)
            text += "\n"
            index += 1
            if text.utf8.count >= 1 << 20 {
                try sink.write(text)
                text.removeAll(keepingCapacity: true)
                progress.update(bytes: reader.offset)
            }
        }
        try sink.write(text)
        progress.done()
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
