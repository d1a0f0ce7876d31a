import ExMy
import Foundation
import Testing
import ExMyTestSupport
import TensorIO
@testable import ExMyCLI

/// `exmy quantize` / `exmy dequantize` through the command line: a round trip, thread counts, and
/// every refusal a clear message with the output path untouched.
@Suite
struct QuantizeCommandTests {
    func run(_ args: [String]) throws -> String { try TestCLI.run(args) }

    func temporary(_ name: String) -> String { Scratch.path("qcli", name) }

    /// A checkpoint: `w` F32 [4, 64], `odd` BF16 [3, 50], `ids` I64 [5].
    func checkpoint() throws -> String {
        var writer = SafetensorsWriter(metadata: ["source": "test"])
        try writer.add("w", (0..<256).map { Float(sin(Double($0)) * 3) }, shape: [4, 64])
        try writer.add("odd", (0..<150).map { BitPatterns.bfloat16(from: Float($0) / 7 - 10) }, shape: [3, 50], as: .bfloat16)
        try writer.add("ids", [Int64](0..<5), shape: [5])
        let path = temporary("in.safetensors")
        try writer.write(to: path)
        return path
    }

    /// Runs a command that must fail; checks the message and that `output` still holds "keep" and
    /// no temporary file was left beside it.
    func expectRefusal(_ args: [String], output: String, _ words: String...) throws {
        try "keep".write(toFile: output, atomically: false, encoding: .utf8)
        var message = ""
        do { _ = try run(args); Issue.record("\(args) succeeded") } catch { message = "\(error)" }
        for w in words { #expect(message.contains(w), "\(message)") }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep")
        let directory = (output as NSString).deletingLastPathComponent, name = (output as NSString).lastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".\(name).exmy-") }
        #expect(leftovers.isEmpty)
    }

    @Test func roundTripAndThreads() throws {
        let input = try checkpoint()
        var images: [Data] = []
        for threads in ["1", "2", "3"] {
            let out = temporary("q\(threads).safetensors")
            let text = try run(["quantize", "nvfp4", "--input", input, "--output", out, "--pad", "--threads", threads])
            #expect(text.contains("quantized 2 of 3 tensors"))
            images.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(Set(images).count == 1)
        let q = temporary("q.safetensors")
        try images[0].write(to: URL(fileURLWithPath: q))
        let file = try SafetensorsFile(path: q)
        #expect(file.tensorNames == ["w", "w_scale", "w_scale_2", "odd", "odd_scale", "odd_scale_2", "ids"])
        #expect(file.metadata["source"] == "test" && file.metadata["exmy.layout_version"] == "1")
        let back = temporary("back.safetensors")
        _ = try run(["dequantize", "--input", q, "--output", back, "--dtype", "bf16"])
        let restored = try SafetensorsFile(path: back)
        #expect(restored.tensorNames == ["w", "odd", "ids"])
        #expect(try restored.info("odd").shape == [3, 50] && restored.info("odd").dtype == .bfloat16)
        #expect(restored.metadata == ["source": "test", "format": "pt"])
        #expect(try restored.readElements("ids", as: Int64.self) == [0, 1, 2, 3, 4])
        // Plain codes with encode's options.
        let codes = temporary("codes.safetensors")
        _ = try run(["quantize", "e4m3fn", "--input", input, "--output", codes, "--tensor", "w", "--overflow", "sat-finite", "--quiet"])
        let c = try SafetensorsFile(path: codes)
        #expect(try c.info("w").dtype == .uint8 && c.info("odd").dtype == .bfloat16)
        #expect(try c.readElements("w", as: UInt8.self)[1] == UInt8(FloatFormat.e4m3fn.encode(Double(Float(sin(1.0) * 3))).code))
    }

    @Test func refusals() throws {
        let input = try checkpoint()
        let out = temporary("out.safetensors")
        // A malformed checkpoint: a header length beyond the file.
        let garbage = temporary("bad.safetensors")
        try Data([0xFF, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: URL(fileURLWithPath: garbage))
        try expectRefusal(["quantize", "mxfp4", "--input", garbage, "--output", out], output: out, "bad.safetensors")
        try expectRefusal(["dequantize", "--input", garbage, "--output", out], output: out, "bad.safetensors")
        // A glob matching nothing; a dtype that cannot be quantized; a block that does not divide.
        try expectRefusal(["quantize", "mxfp4", "--input", input, "--output", out, "--tensor", "layers.*"], output: out, "matches no tensor")
        try expectRefusal(["quantize", "e4m3fn", "--input", input, "--output", out, "--tensor", "ids"], output: out, "'ids' is I64")
        try expectRefusal(["quantize", "mxfp4", "--input", input, "--output", out], output: out, "last dimension 50", "block of 32", "--pad")
        // Unknown target, options that do not apply, a stream output for a block layout.
        try expectRefusal(["quantize", "mxfp5", "--input", input, "--output", out], output: out, "neither a scheme")
        try expectRefusal(["quantize", "mxfp4", "--input", input, "--output", out, "--profile", "ocp"], output: out, "--profile")
        try expectRefusal(["quantize", "nvfp4", "--input", input, "--output", out, "--scale-rounding", "floor", "--pad"], output: out, "UE4M3")
        do {
            _ = try run(["quantize", "mxfp4", "--input", input, "--output", "/dev/null", "--pad"])
            Issue.record("a stream output was accepted for a block layout")
        } catch { #expect("\(error)".contains("regular output file")) }
        // A file with no exmy record; a record that disagrees with its tensors.
        try expectRefusal(["dequantize", "--input", input, "--output", out], output: out, "no exmy quantization record")
        var writer = SafetensorsWriter(metadata: ["exmy.quantized.w": #"{"layout":"mx-packed","scheme":"mxfp4","format":"e2m1fn","block":32,"rounding":"nearest-even","overflow":"sat-finite","shape":[4,64],"dtype":"F32","tensors":["w_blocks","w_scales"]}"#])
        try writer.add("w_blocks", [UInt8](repeating: 0, count: 4 * 2 * 15), shape: [4, 2, 15])
        try writer.add("w_scales", [UInt8](repeating: 127, count: 8), shape: [4, 2])
        let forged = temporary("forged.safetensors")
        try writer.write(to: forged)
        try expectRefusal(["dequantize", "--input", forged, "--output", out], output: out, "'w_blocks' has shape [4, 2, 15], expected [4, 2, 16]")
    }
}
