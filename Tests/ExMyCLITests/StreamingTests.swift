import Foundation
import Testing
import TensorIO
@testable import ExMy
@testable import ExMyCLI

/// `exmy encode`/`decode` stream files chunk by chunk; the output must be bit-identical to the
/// scalar engine element by element, whatever the chunk boundaries, the thread count, the file kind
/// or the size (empty and one-element files included). Chunks are made tiny so that every size
/// below straddles several of them.
@Suite struct StreamingTests {
    let dir: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-stream-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    static let sizes = [0, 1, 7, 16, 17, 47, 48, 49, 100]
    static let chunk = 16

    /// Random values spanning the format's range, zeros, ±∞, NaN and ties.
    func values(_ n: Int, seed: UInt64) -> [Double] {
        var g = CounterRandomGenerator(seed: seed, index: 0)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 0.5, 1.0625, 448, 464, 1e-3, 6, 7]
        return (0..<n).map { i in
            if i % 5 == 0 { return specials[Int(g.next() % UInt64(specials.count))] }
            let m = Double(Int64(bitPattern: g.next() >> 11)) / Double(1 << 40)
            return m * Double(sign: .plus, exponent: Int(g.next() % 24) - 12, significand: 1)
        }
    }

    func run(_ args: [String], threads: Int) throws -> Data {
        try StreamChunk.$elements.withValue(Self.chunk) {
            try BatchParallel.$minimumElementsPerThread.withValue(1) {
                try ExMyCommand.runCapturing(args + ["--threads", "\(threads)"]).data
            }
        }
    }

    func rawBytes(_ xs: [Double], _ type: RawType) -> Data {
        var d = Data()
        for x in xs {
            switch type {
            case .f32: withUnsafeBytes(of: Float(x).bitPattern.littleEndian) { d.append(contentsOf: $0) }
            case .f64: withUnsafeBytes(of: x.bitPattern.littleEndian) { d.append(contentsOf: $0) }
            case .f16: withUnsafeBytes(of: Float16(x).bitPattern.littleEndian) { d.append(contentsOf: $0) }
            default: withUnsafeBytes(of: UInt16(truncatingIfNeeded: Float(x).bitPattern >> 16).littleEndian) { d.append(contentsOf: $0) }
            }
        }
        return d
    }

    /// The value the file holds for `x` as `type` (what the encoder must see).
    func stored(_ x: Double, _ type: RawType) -> Double {
        switch type {
        case .f32: return Double(Float(x))
        case .f64: return x
        case .f16: return Double(Float16(x))
        default: return Double(Float(bitPattern: Float(x).bitPattern & 0xFFFF_0000))
        }
    }

    @Test(arguments: ["e4m3fn", "e5m2", "e2m1fn", "e3m2fn", "fp16"], [RawType.f32, .f64, .f16, .bf16])
    func encodeMatchesTheScalarEngine(formatName: String, type: RawType) throws {
        let format = try FloatFormat(parsing: formatName)
        let packable = format.bitWidth < 8
        for (rule, ruleArgs) in [(RoundingRule.toNearestOrEven, [String]()), (.stochasticA(bits: 8), ["--rounding", "stochastic-a", "--random-bits", "8", "--seed", "7"])] {
            for n in Self.sizes {
                let xs = values(n, seed: UInt64(n)).map { format.nanCode() == nil && $0.isNaN ? 1 : $0 }
                let expected = xs.enumerated().map { i, x -> UInt64 in
                    var g = CounterRandomGenerator(seed: 7, index: UInt64(i))
                    return format.encode(stored(x, type), rounding: rule, overflow: OverflowRule.none, random: &g).code
                }
                let input = dir + "/in-\(n).bin"
                try rawBytes(xs, type).write(to: URL(fileURLWithPath: input))
                for threads in [1, 2] {
                    let args = ["encode", formatName, "--input", input, "--io", "binary", "--dtype", type.rawValue] + ruleArgs
                    let codes = try run(args, threads: threads)
                    let width = try RawType.codeType(for: format).size
                    let got = stride(from: 0, to: codes.count, by: width).map { o in
                        (0..<width).reduce(UInt64(0)) { $0 | UInt64(codes[codes.startIndex + o + $1]) << (8 * UInt64($1)) }
                    }
                    #expect(got == expected, "\(formatName) \(type) \(rule) n=\(n) threads=\(threads)")
                    if packable {
                        let packed = try run(args + ["--pack"], threads: threads)
                        #expect([UInt8](packed) == packByHand(expected.map { UInt8($0) }, width: format.bitWidth), "packed \(formatName) n=\(n)")
                    }
                    // .npy in (with a shape), .npy out with the same shape.
                    if type != .bf16 {
                        let npyIn = dir + "/in-\(n).npy", npyOut = dir + "/out-\(n).npy"
                        let shape = n % 7 == 0 && n > 0 ? [7, n / 7] : [n]
                        switch type {
                        case .f32: try NpyWriter.write(xs.map { Float($0) }, shape: shape, to: npyIn)
                        case .f64: try NpyWriter.write(xs, shape: shape, to: npyIn)
                        default: try NpyWriter.write(xs.map { Float16($0) }, shape: shape, to: npyIn)
                        }
                        _ = try run(["encode", formatName, "--input", npyIn, "--output", npyOut] + ruleArgs, threads: threads)
                        let file = try NpyFile(path: npyOut)
                        #expect(file.shape == shape)
                        let back: [UInt64] = format.bitWidth <= 8 ? try file.readElements(as: UInt8.self).map(UInt64.init) : try file.readElements(as: UInt16.self).map(UInt64.init)
                        #expect(back == expected, "npy \(formatName) \(type) n=\(n)")
                    }
                }
            }
        }
    }

    /// FP4: two codes per byte, low nibble first; FP6: a little-endian bit stream (spec of CodePacking).
    func packByHand(_ codes: [UInt8], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (codes.count * width + 7) / 8)
        for (i, c) in codes.enumerated() {
            for b in 0..<width where c >> b & 1 == 1 {
                let bit = i * width + b
                out[bit / 8] |= 1 << (bit % 8)
            }
        }
        return out
    }

    @Test(arguments: ["e4m3fn", "e2m1fn", "e3m2fn", "bf16"], [RawType.f32, .f64, .f16, .bf16])
    func decodeMatchesTheScalarEngine(formatName: String, target: RawType) throws {
        let format = try FloatFormat(parsing: formatName)
        let codeType = try RawType.codeType(for: format)
        for n in Self.sizes {
            var g = CounterRandomGenerator(seed: 99, index: UInt64(n))
            let codes = (0..<n).map { _ in g.next() & format.codeMask }
            var input = Data()
            for c in codes {
                for k in 0..<codeType.size { input.append(UInt8(truncatingIfNeeded: c >> (8 * UInt64(k)))) }
            }
            let path = dir + "/codes-\(n).bin"
            try input.write(to: URL(fileURLWithPath: path))
            let expected = codes.map { c -> UInt64 in
                let v = format.decode(c)
                switch target {
                case .f32: return UInt64(Float(v).bitPattern)
                case .f64: return v.bitPattern
                case .f16: return UInt64(Float16(v).bitPattern)
                default:
                    // bfloat16 of the exact value, round to nearest even (NaN stays NaN).
                    let f = Float(v)
                    if f.isNaN { return UInt64(f.bitPattern >> 16) | 0x40 }
                    let b = f.bitPattern
                    return UInt64((b + 0x7FFF + (b >> 16 & 1)) >> 16)
                }
            }
            for threads in [1, 2] {
                let out = try run(["decode", formatName, "--input", path, "--io", "binary", "--dtype", target.rawValue], threads: threads)
                let got = stride(from: 0, to: out.count, by: target.size).map { o in
                    (0..<target.size).reduce(UInt64(0)) { $0 | UInt64(out[out.startIndex + o + $1]) << (8 * UInt64($1)) }
                }
                let same = zip(got, expected).allSatisfy { a, b in
                    a == b || (target == .bf16 && a & 0x7F80 == 0x7F80 && a & 0x7F != 0 && b & 0x7F80 == 0x7F80 && b & 0x7F != 0)
                }
                #expect(got.count == expected.count && same, "\(formatName) → \(target) n=\(n) threads=\(threads)")
                if format.bitWidth < 8 {
                    let packedPath = dir + "/packed-\(n).bin"
                    try Data(packByHand(codes.map { UInt8($0) }, width: format.bitWidth)).write(to: URL(fileURLWithPath: packedPath))
                    let packedOut = try run(["decode", formatName, "--input", packedPath, "--io", "binary", "--pack", "--count", "\(n)", "--dtype", target.rawValue], threads: threads)
                    #expect(packedOut == out, "packed \(formatName) n=\(n)")
                }
            }
        }
    }

    @Test func textStreamsAcrossReadsWithLongLines() throws {
        // Lines longer than any read, and more lines than one output flush.
        let long = "1." + String(repeating: "0", count: 3_000_000) + "1"
        let path = dir + "/long.txt"
        try ("0.3\n" + long + "\n" + String(repeating: "-2.5\n", count: 250_000)).write(toFile: path, atomically: false, encoding: .utf8)
        let out = try ExMyCommand.runCapturing(["encode", "e4m3fn", "--input", path]).text
        let lines = out.split(separator: "\n")
        #expect(lines.count == 250_002)
        #expect(lines[0] == "0x2A" && lines[1] == "0x38" && lines[2] == "0xC2" && lines.last == "0xC2")
    }

    /// Text encoding splits each batch of lines into one piece per thread: the codes, their
    /// order, the stochastic draws (element i from `(seed, i)`) and the first error's line must not
    /// depend on the thread count, the batch size or where the pieces fall. The expectation is
    /// the scalar engine on the `Double` each line spells (the texts are shortest round-trip
    /// spellings, so the `Double` is the text's exact value).
    @Test(arguments: ["nearest-even", "stochastic-a"])
    func textIsTheSameForEveryThreadCountAndBatch(rounding: String) throws {
        let xs = values(300, seed: 9)
        var text = "\u{FEFF}# header\r\n"
        var numbers: [Double] = []
        for (i, x) in xs.enumerated() {
            let spelled = x.isNaN ? "nan" : "\(x)"
            text += i % 7 == 3 ? "  \(spelled)\r\n" : spelled + "\n"
            numbers.append(x)
            if i % 11 == 0 { text += "\n   \n# comment \(i)\n" }
        }
        let path = dir + "/pieces.txt"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let f = try FloatFormat(parsing: "e5m2")
        let rule: RoundingRule = rounding == "nearest-even" ? .toNearestOrEven : .stochasticA(bits: 8)
        let expected = numbers.enumerated().map { i, x in
            var g = CounterRandomGenerator(seed: 77, index: UInt64(i))
            let code = f.encode(x, rounding: rule, overflow: OverflowRule.none, random: &g).code
            let hex = String(code, radix: 16, uppercase: true)
            return "0x" + (hex.count < 2 ? "0" + hex : hex)
        }.joined(separator: "\n") + "\n"
        var args = ["encode", "e5m2", "--input", path, "--rounding", rounding, "--overflow", "none", "--seed", "77"]
        if rounding != "nearest-even" { args += ["--random-bits", "8"] }
        for batch in [5, 64, 1 << 22] {
            for threads in [1, 2, 3, 8] {
                let out = try TextBatch.$bytes.withValue(batch) {
                    try TextBatch.$minimumPieceBytes.withValue(1) {
                        try ExMyCommand.runCapturing(args + ["--threads", "\(threads)"]).text
                    }
                }
                #expect(out == expected, "batch \(batch), \(threads) threads")
            }
        }
        // The first bad line is reported, whatever the pieces.
        try (text + "1\nbad\n2\nworse\n").write(toFile: path, atomically: false, encoding: .utf8)
        let badLine = text.utf8.filter { $0 == 0x0A }.count + 2  // after the text's lines and "1"
        for threads in [1, 4] {
            var message = ""
            do {
                _ = try TextBatch.$bytes.withValue(64) {
                    try TextBatch.$minimumPieceBytes.withValue(1) {
                        try ExMyCommand.runCapturing(args + ["--threads", "\(threads)"])
                    }
                }
                Issue.record("a bad line was accepted")
            } catch {
                message = "\(error)"
            }
            #expect(message.contains("line \(badLine): 'bad' is not a number"), "\(threads) threads: \(message)")
        }
    }

    /// `exmy analyze --threads N`: the metrics are merged chunk by chunk in a fixed order, so every
    /// thread count prints the same bits (stochastic rounding included: element i draws from
    /// `(seed, i)`).
    @Test func analyzeIsTheSameForEveryThreadCount() throws {
        var outputs: [String] = []
        for threads in [1, 2, 5] {
            for scheme in [["--scheme", "mxfp4", "--rounding", "stochastic-a", "--random-bits", "6"], ["--format", "e4m3fn,e3m2fn", "--scheme", "absmax"]] {
                outputs.append(try ExMyCommand.runCapturing(["analyze", "--count", "600000", "--seed", "5", "--json", "--threads", "\(threads)"] + scheme).text)
            }
        }
        #expect(outputs[0] == outputs[2] && outputs[0] == outputs[4])
        #expect(outputs[1] == outputs[3] && outputs[1] == outputs[5])
        #expect(outputs[0] != outputs[1])
    }
}
