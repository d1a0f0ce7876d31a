import Foundation
import Testing
import ExMyTestSupport
@testable import ExMyCLI
import ExMy

/// The commands run in-process, their exact output compared with values from the specs.
@Suite
struct CLITests {
    func run(_ args: String...) throws -> String { try TestCLI.run(args) }

    func temporary(_ name: String) -> String { Scratch.path("cli", name) }

    @Test func infoPrintsSpecNumbers() throws {
        let out = try run("info", "e4m3fn")
        #expect(out.contains("greatest finite           448\n"))
        #expect(out.contains("least subnormal           0.001953125\n"))
        #expect(out.contains("NaN codes                 0x7F 0xFF\n"))
        let json = try run("info", "e5m2", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        // Numbers as JSON numbers, snake_case keys, codes as integers plus hex (docs/json.md).
        #expect(object["greatest_finite"] as? Double == 57344)
        #expect(object["infinity_codes_hex"] as? [String] == ["0x7C", "0xFC"])
    }

    @Test func valuesListsEveryCode() throws {
        let csv = try run("values", "e2m1fn", "--csv")
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 17)
        #expect(lines[1] == "0x0,0.00.0,0,zero")
        #expect(lines[8] == "0x7,0.11.1,6,normal")
        #expect(lines[9] == "0x8,1.00.0,-0,zero")
        #expect(throws: (any Error).self) { try run("values", "fp32") }
    }

    @Test func encodeDecodeTextRoundTrip() throws {
        let input = temporary("in.txt"), codes = temporary("codes.txt"), back = temporary("back.txt")
        try "0.3\n448\n465\n-431.99999999999994\n-0\nnan\n".write(toFile: input, atomically: true, encoding: .utf8)
        _ = try run("encode", "e4m3fn", "--input", input, "--output", codes)
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0x2A\n0x7E\n0x7F\n0xFD\n0x80\n0x7F\n")
        _ = try run("decode", "e4m3fn", "--input", codes, "--output", back)
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "0.3125\n448\nnan\n-416\n-0\nnan\n")
        // Saturating overflow and the profiles.
        try "465\n".write(toFile: input, atomically: true, encoding: .utf8)
        _ = try run("encode", "e4m3fn", "--input", input, "--output", codes, "--overflow", "sat-finite")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0x7E\n")
        try "-431.99999999999994\n".write(toFile: input, atomically: true, encoding: .utf8)
        _ = try run("encode", "e4m3fn", "--input", input, "--output", codes, "--profile", "ml_dtypes")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0xFE\n")
    }

    @Test func encodeRoundingRules() throws {
        let input = temporary("in.txt"), codes = temporary("codes.txt")
        try "2.5\n-2.5\n5\n".write(toFile: input, atomically: true, encoding: .utf8)
        // E2M1: 2.5 lies between 2 (0x4) and 3 (0x5); 5 between 4 (0x6) and 6 (0x7).
        let expected: [(String, String)] = [
            ("nearest-even", "0x4\n0xC\n0x6\n"), ("nearest-away", "0x5\n0xD\n0x7\n"), ("nearest-zero", "0x4\n0xC\n0x6\n"),
            ("toward-zero", "0x4\n0xC\n0x6\n"), ("up", "0x5\n0xC\n0x7\n"), ("down", "0x4\n0xD\n0x6\n"),
            ("away", "0x5\n0xD\n0x7\n"), ("odd", "0x5\n0xD\n0x7\n"),
        ]
        for (rule, want) in expected {
            _ = try run("encode", "e2m1fn", "--input", input, "--output", codes, "--rounding", rule)
            #expect(try String(contentsOfFile: codes, encoding: .utf8) == want, "\(rule)")
        }
        // Stochastic rounding with a seed is reproducible.
        _ = try run("encode", "e2m1fn", "--input", input, "--output", codes, "--rounding", "stochastic", "--random-bits", "8", "--seed", "7")
        let first = try String(contentsOfFile: codes, encoding: .utf8)
        _ = try run("encode", "e2m1fn", "--input", input, "--output", codes, "--rounding", "stochastic", "--random-bits", "8", "--seed", "7")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == first)
    }

    @Test func npyRoundTrip() throws {
        let npy = temporary("x.npy"), codes = temporary("codes.npy"), back = temporary("back.npy")
        let raw = temporary("x.bin")
        var data = Data()
        for v: Float in [0.5, -6, 1.25, 7] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: raw))
        // Raw float32 → packed FP4 → unpacked.
        let packed = try ExMyCommand.runCapturing(["encode", "e2m1fn", "--input", raw, "--pack"]).data
        #expect([UInt8](packed) == [0x1 | 0xF << 4, 0x2 | 0x7 << 4])  // 0.5, −6 | 1 (1.25 → 1), 6 (7 saturates)
        // .npy through the TensorIO writer.
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
        var npyData = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let padded = header + String(repeating: " ", count: 128 - 10 - header.count - 1) + "\n"  // 10 + header ≡ 0 (mod 64)
        withUnsafeBytes(of: UInt16(padded.utf8.count).littleEndian) { npyData.append(contentsOf: $0) }
        npyData.append(contentsOf: Array(padded.utf8))
        npyData.append(data)
        try npyData.write(to: URL(fileURLWithPath: npy))
        _ = try run("encode", "e4m3fn", "--input", npy, "--output", codes)
        _ = try run("decode", "e4m3fn", "--input", codes, "--output", back)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: back))
        #expect(String(decoding: bytes.prefix(128), as: UTF8.self).contains("'shape': (2, 2)"))
        let floats = bytes.suffix(16).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats == [0.5, -6, 1.25, 7])
    }

    @Test func badInputFailsWithoutPartialOutput() throws {
        let input = temporary("bad.txt"), output = temporary("out.txt")
        try "1\n2\nnot-a-number\n".write(toFile: input, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try run("encode", "e4m3fn", "--input", input, "--output", output) }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: output + ".exmy-partial"))
        // NaN into a format without NaN, an unknown format, a truncated .npy, a code too wide.
        try "nan\n".write(toFile: input, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try run("encode", "e2m1fn", "--input", input, "--output", output) }
        #expect(throws: (any Error).self) { try run("info", "e4m3xyz") }
        let npy = temporary("t.npy")
        try Data([0x93, 0x4E, 0x55, 0x4D]).write(to: URL(fileURLWithPath: npy))
        #expect(throws: (any Error).self) { try run("encode", "e4m3fn", "--input", npy, "--output", temporary("o.npy")) }
        try "0x1FF\n".write(toFile: input, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try run("decode", "e4m3fn", "--input", input) }
    }

    /// A profile applies only to the formats it names; ONNX's E8M0 round_mode is --rounding.
    @Test func profilesByFormatIdentity() throws {
        let input = temporary("in.txt"), codes = temporary("codes.txt")
        try "248\n".write(toFile: input, atomically: true, encoding: .utf8)
        _ = try run("encode", "e4m3fnuz", "--input", input, "--output", codes, "--profile", "torch")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0x80\n")
        #expect(throws: (any Error).self) { try run("encode", "e4m3", "--input", input, "--output", codes, "--profile", "torch") }
        try "3\n".write(toFile: input, atomically: true, encoding: .utf8)
        _ = try run("encode", "e8m0fnu", "--input", input, "--output", codes, "--profile", "onnx", "--rounding", "down")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0x80\n")
        _ = try run("encode", "e8m0fnu", "--input", input, "--output", codes, "--profile", "onnx", "--rounding", "up")
        #expect(try String(contentsOfFile: codes, encoding: .utf8) == "0x81\n")
        #expect(throws: (any Error).self) { try run("encode", "e4m3fn", "--input", input, "--output", codes, "--profile", "onnx", "--rounding", "up") }
        #expect(throws: (any Error).self) { try run("encode", "e8m0fnu", "--input", input, "--output", codes, "--profile", "onnx", "--overflow", "none") }
    }

    @Test func profilesTableNamesEveryProfile() throws {
        let out = try run("profiles")
        #expect(out.hasPrefix("| case | ocp | ocp-sat | ml_dtypes | torch | cuda-satfinite | onnx | p3109 |"))
        #expect(out.contains("| double rounding −431.99999999999994 → E4M3FN | -416 (0xFD) | -416 (0xFD) | -448 (0xFE) |"))
    }
    #if MPFR
    /// `exmy check --arithmetic`: every pair of E2M1 codes under the 24 rule pairs, stated counts.
    @Test func checkArithmetic() throws {
        let out = try run("check", "e2m1fn", "--arithmetic", "--random", "1000")
        #expect(out.contains("add: every pair of codes × 24 rule pairs: 6144 results equal to MPFR (code and flags)\n"))
        #expect(out.contains("sqrt: every code × 24 rule pairs: 384 results equal to MPFR (code and flags)\n"))
        #expect(out.contains("rint: every code × 6 integral rules × 24 rule pairs: 2304 results equal to MPFR (code and flags)\n"))
        #expect(out.contains("fma: 1000 seeded random inputs × 24 rule pairs: 24000 results equal to MPFR (code and flags)\n"))
        #expect(out.contains("0 mismatches"))
        let cross = try run("check", "fp16", "--arithmetic", "--operands", "e2m1fn", "--operations", "multiply")
        #expect(cross.contains("multiply: every pair of codes × 24 rule pairs: 6144 results equal to MPFR (code and flags)\n"))
        #expect(throws: (any Error).self) { try run("check", "e2m1fn", "--arithmetic", "--operations", "pow") }
        #expect(throws: (any Error).self) { try run("check", "e2m1fn", "--operations", "add") }
    }
    #endif
}
