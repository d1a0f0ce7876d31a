import ExMy
@testable import ExMyCLI
import ExMyHardware
import ExMyTestSupport
import Foundation
import Testing

/// `exmy vectors generate|check` for the block functions (scaled conversion, block dot products).
struct BlockVectorsCommandTests {
    func run(_ args: String...) throws -> String { try ExMyCommand.runCapturing(args).text }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exmy-block-\(UUID().uuidString)-\(name)").path
    }

    @Test func generatedBlockVectorsPassCheck() throws {
        let path = Self.temporary("blocks.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for args in [["f32_to_nvfp4"], ["f32_to_mxfp8e4m3", "--scale-rule", "ceil"], ["bf16_to_mxfp4", "--block", "16"],
                     ["f32_to_nvfp4", "--one-level", "--scale-rule", "even"], ["f32_to_absmax", "--element", "e5m2", "--block", "8"],
                     ["mxfp8e4m3_dot32", "--tininess", "after"], ["nvfp4_dot16", "--model", "rtx-blackwell-mma-nvf4"],
                     ["e4m3fn_dot32", "--zero-c"], ["mxfp4_dot64", "--model", "blackwell-tcgen05-mxf4"]] {
            _ = try ExMyCommand.runCapturing(["vectors", "generate"] + args + ["-n", "400", "--output", path])
            let text = try ExMyCommand.runCapturing(["vectors", "check"] + args + ["--input", path]).text
            #expect(text.hasPrefix("In 400 tests, no errors found in \(args[0])"), "\(args): \(text)")
        }
        // --zero-c: every C (the field before the result) is 0.
        let zeroC = try run("vectors", "generate", "e4m3fn_dot32", "--zero-c", "-n", "50").split(separator: "\n")
        #expect(zeroC.allSatisfy { $0.split(separator: " ").dropLast(2).last == "00000000" })
    }

    @Test func aWrongFieldFailsTheCheck() throws {
        let path = Self.temporary("bad.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // MXFP4 block (6, 0.25, −7.5, 0 …): scale 7F, elements 7 0 F 0 …, flags 07 (docs/hardware-vectors.md).
        let zeros = Array(repeating: "00000000", count: 29).joined(separator: " ")
        let elements = Array(repeating: "0", count: 29).joined(separator: " ")
        let good = "40C00000 3E800000 C0F00000 \(zeros) 7F 7 0 F \(elements) 07"
        try (good + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try run("vectors", "check", "f32_to_mxfp4", "--input", path).contains("In 1 tests, no errors found"))
        let wrongScale = good.replacingOccurrences(of: " 7F 7 0 F ", with: " 80 7 0 F ")
        let wrongFlags = String(good.dropLast(2)) + "01"
        try ([good, wrongScale, wrongFlags].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try run("vectors", "check", "f32_to_mxfp4", "--input", path) }
        // The error lines, through the library: the differing field is marked.
        let checker = BlockVectorChecker(try #require(try VectorsCheckCommand.parse(["f32_to_mxfp4"]).options.blockModel()))
        var errors: [String] = []
        let summary = try checker.check(lines: [good, wrongScale, wrongFlags]) { errors.append($0) }
        #expect(summary == VectorChecker.Summary(tests: 3, errors: 2, skipped: 0))
        #expect(errors.count == 2 && errors[0].contains("=> *80 7 0 F ") && errors[0].contains("expected 7F 7 0 F "))
        #expect(errors[1].hasSuffix("....x expected 7F 7 0 F " + elements + " ..oux"))
    }

    @Test func hexHeaderAndRefusals() throws {
        let hex = try run("vectors", "generate", "mxfp8e4m3_dot32", "--hex", "-n", "2").split(separator: "\n")
        #expect(hex.count == 3 && hex[0].contains("597-bit words {a0[596:589]") && hex[1].count == 150)
        for (args, words) in [
            (["vectors", "generate", "f32_to_mxfp4", "--scale-rule", "sideways"], "unknown scale rule"),
            (["vectors", "generate", "nvfp4_dot16", "--model", "blackwell-tcgen05-mxf8-e4m3"], "multiplies"),
            (["vectors", "generate", "mxfp8e4m3_dot32", "--model", "no-such-unit"], "unknown matrix-unit model"),
            (["vectors", "generate", "f32_add", "--scale-rule", "floor"], "apply to block functions"),
            (["vectors", "generate", "mxfp4_dot33"], "not a multiple"),
            (["vectors", "generate", "f32_to_mxfp4", "--rounding", "stochastic-a"], "deterministic"),
            (["vectors", "check", "f32_to_mxfp4", "--skip-unmodelled"], "element-wise"),
        ] {
            do {
                _ = try ExMyCommand.runCapturing(args)
                Issue.record("\(args) did not fail")
            } catch {
                #expect("\(error)".contains(words), "\(args): \(error)")
            }
        }
    }
}
