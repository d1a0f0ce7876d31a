import Foundation
import Testing
@testable import ExMyCLI
import ExMy
import TensorIO

extension CLITests {
/// `exmy mma` run in-process: a product whose result follows from the model's description, float
/// inputs quantized first, and one-line errors (never traps) for bad shapes, dtypes and models.
@Suite
struct MmaCommandTests {
    func run(_ args: [String]) throws -> (text: String, data: Data) { try ExMyCommand.runCapturing(["mma"] + args) }

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exmy-mma-\(UUID().uuidString)-\(name)").path
    }

    @Test func listNamesEveryPresetWithItsSource() throws {
        let text = try run(["--list"]).text
        #expect(text.contains("hopper-wgmma-e4m3-f32\te4m3fn×e4m3fn→fp32\tchecked"))
        #expect(text.contains("p3109-block-dot-e4m3"))
        #expect(text.contains("unchecked"))
    }

    @Test func hopperFP8DropsWhatLiesBelowThirteenBits() throws {
        // A = [1, 2^-7, 0…] (1×32), B = the same as a column: the exact dot product is 1 + 2^-14; Hopper's
        // FP8 path keeps F = 13 bits below the largest exponent, so D = 1. Codes in, float32 out.
        let a = temporary("a.npy"), b = temporary("b.npy"), d = temporary("d.npy")
        defer { for p in [a, b, d] { try? FileManager.default.removeItem(atPath: p) } }
        var row = [UInt8](repeating: 0, count: 32)
        row[0] = 0x38  // 1.0
        row[1] = 0x04  // 2^-7 (subnormal)
        try NpyWriter.write(row, shape: [1, 32], to: a)
        try NpyWriter.write(row, shape: [32, 1], to: b)
        _ = try run(["--model", "hopper-wgmma-e4m3-f32", "--a", a, "--b", b, "--output", d])
        let out = try NpyFile(path: d).readFloats()
        #expect(out == [1])
        _ = try run(["--model", "blackwell-tcgen05-e4m3-f32", "--a", a, "--b", b, "--output", d])
        #expect(try NpyFile(path: d).readFloats() == [1 + 0x1p-14])
    }

    @Test func benchReportsEachPresetAndThreadCount() throws {
        let text = try run(["--bench", "--size", "16", "--model", "hopper-wgmma-e4m3-f32,cdna3-mfma-fp8", "--threads", "2"]).text
        let lines = text.split(separator: "\n")
        #expect(lines.count == 6, "\(text)")
        #expect(lines.contains { $0.hasPrefix("hopper-wgmma-e4m3-f32\tbatched\t1\t") })
        #expect(lines.contains { $0.hasPrefix("hopper-wgmma-e4m3-f32\tbatched\t2\t") })
        #expect(lines.contains { $0.hasPrefix("cdna3-mfma-fp8\tscalar\t2\t") })
        for args in [["--bench", "--size", "0"], ["--bench", "--model", "no-such-unit"], ["--bench", "--threads", "0"]] {
            #expect(throws: (any Error).self, "\(args)") { try run(args) }
        }
    }

    @Test func floatsAreQuantizedFirst() throws {
        let a = temporary("a.npy"), b = temporary("b.npy"), c = temporary("c.npy"), d = temporary("d.npy")
        defer { for p in [a, b, c, d] { try? FileManager.default.removeItem(atPath: p) } }
        try NpyWriter.write([Float](repeating: 1.1, count: 16), shape: [1, 16], to: a)  // 1.1 → 1.099609375 in FP16
        try NpyWriter.write([Float](repeating: 2, count: 16), shape: [16, 1], to: b)
        try NpyWriter.write([Float(0.5)], shape: [1, 1], to: c)
        _ = try run(["--model", "hopper-wgmma-f16-f32", "--a", a, "--b", b, "--c", c, "--output", d])
        #expect(try NpyFile(path: d).readFloats() == [Float(16 * 2 * 1.099609375 + 0.5)])
    }

    @Test func epilogueScalesAfterTheUnit() throws {
        // acc = 16 · 2 · 1.099609375 = 35.1875 (FP16 inputs, FP32 accumulator); D = 2 · acc + 0.5 · C.
        let a = temporary("a.npy"), b = temporary("b.npy"), c = temporary("c.npy"), d = temporary("d.npy")
        defer { for p in [a, b, c, d] { try? FileManager.default.removeItem(atPath: p) } }
        try NpyWriter.write([Float](repeating: 1.1, count: 16), shape: [1, 16], to: a)
        try NpyWriter.write([Float](repeating: 2, count: 16), shape: [16, 1], to: b)
        try NpyWriter.write([Float(0.5)], shape: [1, 1], to: c)
        _ = try run(["--model", "hopper-wgmma-f16-f32", "--a", a, "--b", b, "--c", c, "--alpha", "2", "--beta", "0.5", "--output", d])
        #expect(try NpyFile(path: d).readFloats() == [Float(2 * 35.1875 + 0.25)])
        // With beta 0, C is not read: a NaN C does not reach D.
        try NpyWriter.write([Float.nan], shape: [1, 1], to: c)
        _ = try run(["--model", "hopper-wgmma-f16-f32", "--a", a, "--b", b, "--c", c, "--alpha", "0.25", "--output", d])
        #expect(try NpyFile(path: d).readFloats() == [Float(35.1875 / 4)])
        // The C of the unit itself is replaced by the epilogue's: without --alpha/--beta, C is added inside.
        _ = try run(["--model", "hopper-wgmma-f16-f32", "--a", a, "--b", b, "--c", c, "--output", d])
        #expect(try NpyFile(path: d).readFloats()[0].isNaN)
        let message: String
        do { _ = try run(["--model", "hopper-wgmma-f16-f32", "--a", a, "--b", b, "--alpha", "inf", "--output", d]); message = "" } catch { message = "\(error)" }
        #expect(message.contains("finite"))
    }

    @Test func badInputIsAMessage() throws {
        let a = temporary("a.npy"), b = temporary("b.npy"), i = temporary("i.npy"), bt = temporary("bt.npy")
        defer { for p in [a, b, i, bt] { try? FileManager.default.removeItem(atPath: p) } }
        try NpyWriter.write([UInt8](repeating: 0x38, count: 64), shape: [32, 2], to: bt)
        try NpyWriter.write([UInt8](repeating: 0x38, count: 64), shape: [2, 32], to: a)
        try NpyWriter.write([UInt8](repeating: 0x38, count: 64), shape: [16, 4], to: b)
        try NpyWriter.write([Int32](repeating: 1, count: 64), shape: [2, 32], to: i)
        func message(_ args: [String]) -> String {
            do { _ = try run(args); return "" } catch { return "\(error)" }
        }
        #expect(message(["--model", "hopper-wgmma-e4m3-f32", "--a", a, "--b", b]).contains("shape mismatch"))
        #expect(message(["--model", "hopper-wgmma-e4m3-f32", "--a", i, "--b", b]).contains("neither unsigned codes"))
        #expect(message(["--model", "no-such", "--a", a, "--b", b]).contains("unknown matrix-unit model"))
        #expect(message(["--model", "blackwell-tcgen05-mxf8-e4m3", "--a", a, "--b", bt]).contains("block-scaled"))
        #expect(message(["--model", "hopper-wgmma-e4m3-f32", "--a", a, "--b", bt, "--scale-a", a, "--scale-b", a]).contains("takes no block scales"))
        #expect(message(["--model", "hopper-wgmma-e4m3-f32", "--a", "/nonexistent.npy", "--b", b]).contains("--a"))
        #expect(message(["--model", "hopper-wgmma-e4m3-f32"]).contains("give --a and --b"))
        try NpyWriter.write([UInt16](repeating: 0x1FF, count: 64), shape: [2, 32], to: i)
        #expect(message(["--model", "hopper-wgmma-e4m3-f32", "--a", i, "--b", b]).contains("does not fit"))
    }

    @Test func dotModelStudiesErrorAgainstK() throws {
        let text = try ExMyCommand.runCapturing(["dot", "--model", "p3109-block-dot-e4m3,hopper-wgmma-e4m3-f32", "--lengths", "64,256", "--trials", "2"]).text
        #expect(text.contains("| hopper-wgmma-e4m3-f32 |"))
        #expect(text.contains("K = 256"))
    }
}
}
