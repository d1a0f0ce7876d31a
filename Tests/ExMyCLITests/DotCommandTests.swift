import Foundation
import Testing
import ExMyTestSupport
@testable import ExMyCLI
import ExMy

extension CLITests {
/// `exmy dot` run in-process: its table in every output format, the SVG plot, real tensors, and
/// one-line errors for bad input.
@Suite
struct DotCommandTests {
    func run(_ args: String...) throws -> String { try TestCLI.run(["dot"] + args) }

    func temporary(_ name: String) -> String { Scratch.path("dot", name) }

    /// A little-endian float32 `.npy` file.
    func writeNpy(_ values: [Float], shape: [Int], to path: String) throws { try Fixtures.writeNpy(values, shape: shape, to: path) }

    @Test func defaultRunComparesTheDefaultAccumulators() throws {
        let out = try run("--lengths", "16,256", "--trials", "4", "--output-format", "csv")
        let lines = out.split(whereSeparator: \.isNewline).map(String.init)
        try #require(lines.count == 1 + 2 * 10)
        #expect(lines[0] == "configuration,inputs,product,accumulator,order,K,trials,mean_rel,max_rel,mean_norm,max_norm,nonfinite,inexact_terms")
        #expect(lines.count == 1 + 2 * 10)
        for name in ["exact", "fp32", "fp32 truncation", "fp32 pairwise", "fp16", "fp16 stochastic", "bf16", "e5m2", "e8m13 truncation"] {
            #expect(lines.filter { $0.hasPrefix(name + ",") }.count == 2, "\(name)")
        }
        #expect(lines.filter { $0.hasPrefix("\"e8m13 truncation, fp32 every 128\",") }.count == 2)
        // The exact accumulator has no error; E5M2 has some; every row ran 4 trials on e4m3fn inputs.
        let exact = try #require(lines.first { $0.hasPrefix("exact,") })
        #expect(exact.hasSuffix(",16,4,0,0,0,0,0,0"))
        let e5m2 = try #require(lines.first { $0.hasPrefix("e5m2,") }).split(separator: ",")
        try #require(e5m2.count == 13)
        #expect((Double(e5m2[7]) ?? 0) > 0.01)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",e4m3fn,exact,") })
    }

    @Test func jsonMarkdownAndSVG() throws {
        let svg = temporary("plot.svg")
        let json = try run("--lengths", "16,64,256", "--trials", "3", "--accumulator", "fp16,bf16", "--rounding", "rne,rtz",
                           "--json", "--svg", svg)
        // docs/json.md: one object with the rows under "rows".
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count == 3 * 4)
        #expect(Set(rows.compactMap { $0["configuration"] as? String }) == ["fp16", "fp16 rtz", "bf16", "bf16 rtz"])
        #expect(rows.allSatisfy { ($0["length"] as? Int).map { [16, 64, 256].contains($0) } ?? false })
        #expect(rows.allSatisfy { $0["mean_relative_error"] is Double || $0["mean_relative_error"] is Int })
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(plot.hasPrefix("<?xml") && plot.contains("<svg"))
        for name in ["fp16", "fp16 rtz", "bf16", "bf16 rtz"] { #expect(plot.contains(">\(name)</text>")) }
        #expect(plot.contains("length K") && plot.contains("mean relative error"))
        let markdown = try run("--lengths", "32", "--trials", "2", "--accumulator", "fp32", "--order", "sequential,pairwise,promoted",
                               "--promote", "8", "--output-format", "markdown")
        #expect(markdown.contains("| fp32 promote/8→fp32 "))
        #expect(markdown.contains("| fp32 pairwise "))
    }

    @Test func squaredNormHasEqualRelativeAndNormalizedErrors() throws {
        // b = a: every product is ≥ 0, so Σ|a_i b_i| = |Σ a_i b_i| and both error columns agree.
        let out = try run("--lengths", "64,1024", "--trials", "4", "--b-distribution", "same", "--accumulator", "bf16,fp16",
                          "--rounding", "rne,sr", "--output-format", "json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count == 8)
        for r in rows {
            let rel = try #require(r["mean_relative_error"] as? NSNumber).doubleValue, norm = try #require(r["mean_normalized_error"] as? NSNumber).doubleValue
            #expect(rel == norm && rel > 0, "\(r)")
        }
        #expect(try run("--lengths", "16", "--trials", "1", "--b-distribution", "same").contains("b = a"))
    }

    @Test func blockScaledSchemes() throws {
        let out = try run("--lengths", "64,128", "--trials", "2", "--scheme", "nvfp4", "--accumulator", "exact,fp32",
                          "--output-format", "csv")
        let lines = out.split(whereSeparator: \.isNewline).dropFirst()
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.contains(",nvfp4,") })
        #expect(lines.filter { $0.hasPrefix("exact,") }.allSatisfy { $0.hasSuffix(",0,0,0,0,0,0") })
        let mx = try run("--lengths", "64", "--trials", "2", "--scheme", "mxfp8-e4m3", "--b-scheme", "none", "--b-format", "none",
                         "--accumulator", "fp16", "--output-format", "csv")
        #expect(mx.contains("mxfp8-e4m3·fp32"))
    }

    @Test func realTensorsAsRowsAndSlices() throws {
        var g = 0x2545F4914F6CDD1D as UInt64
        func next() -> Float {
            g ^= g << 13; g ^= g >> 7; g ^= g << 17
            return Float(Int64(bitPattern: g) % 1000) / 250
        }
        let matrix = temporary("w.npy")
        try writeNpy((0..<(8 * 64)).map { _ in next() }, shape: [8, 64], to: matrix)
        let out = try run("--input", matrix, "--lengths", "16,64,128", "--trials", "10", "--accumulator", "bf16", "--output-format", "csv")
        let lines = out.split(whereSeparator: \.isNewline).dropFirst()
        #expect(lines.count == 2)  // K = 128 does not fit in rows of 64
        #expect(lines.allSatisfy { $0.contains(",4,") })  // 8 rows → 4 pairs
        let text = try run("--input", matrix, "--lengths", "16,64,128", "--trials", "10", "--accumulator", "bf16")
        #expect(text.contains("lengths 128 skipped"))
        let flat = temporary("v.npy")
        try writeNpy((0..<1000).map { _ in next() }, shape: [1000], to: flat)
        let slices = try run("--input", flat, "--lengths", "100,500", "--trials", "10", "--accumulator", "fp16", "--output-format", "csv")
        let rows = slices.split(whereSeparator: \.isNewline).dropFirst()
        try #require(rows.count == 2)
        #expect(rows[rows.startIndex].contains(",100,5,") && rows[rows.startIndex + 1].contains(",500,1,"))
        // A second file with rows of another length is a mismatch.
        let other = temporary("x.npy")
        try writeNpy([Float](repeating: 1, count: 4 * 32), shape: [4, 32], to: other)
        #expect(throws: (any Error).self) { try run("--input", matrix, "--input-b", other, "--lengths", "16") }
        let paired = try run("--input", matrix, "--input-b", matrix, "--lengths", "16", "--trials", "100", "--accumulator", "fp32", "--output-format", "csv")
        #expect(paired.contains(",16,8,"))  // row t of each: 8 pairs
    }

    /// A `.safetensors` file written by hand: an 8-byte header length, the JSON header, the data.
    func writeSafetensors(_ tensors: [(name: String, shape: [Int], values: [Float])], to path: String) throws {
        var entries: [String] = [], data = Data(), offset = 0
        for t in tensors {
            let bytes = t.values.count * 4
            entries.append("\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            offset += bytes
        }
        let header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(data)
        try file.write(to: URL(fileURLWithPath: path))
    }

    @Test func safetensorsTensorsByName() throws {
        let path = temporary("m.safetensors")
        let w: [Float] = (0..<192).map { (i: Int) -> Float in Float((i * 37) % 17) / 4 - 2 }
        let x: [Float] = (0..<192).map { (i: Int) -> Float in Float((i * 11) % 13) / 8 - 0.75 }
        try writeSafetensors([("layer.w", [6, 32], w), ("layer.x", [6, 32], x)], to: path)
        let rows = try run("--input", path, "--tensor", "layer.w", "--lengths", "32", "--accumulator", "exact,fp16", "--output-format", "csv")
        #expect(rows.contains("exact,e4m3fn,exact,exact,sequential,32,3,0,0,0,0,0,0"))  // 6 rows → 3 pairs
        let pairs = try run("--input", path, "--tensor", "layer.w", "--tensor-b", "layer.x", "--lengths", "16,32",
                            "--accumulator", "bf16", "--output-format", "csv")
        #expect(pairs.contains(",16,6,") && pairs.contains(",32,6,"))  // row t of each: 6 pairs
        #expect(try run("--input", path, "--tensor", "layer.w", "--tensor-b", "layer.x", "--lengths", "8").contains("layer.w · layer.x"))
        for (args, message) in [([String](), "holds 2 floating-point tensors"), (["--tensor", "layer.*"], "matches 2"),
                                (["--tensor", "nosuch"], "matches 0")] {
            do {
                _ = try ExMyCommand.runCapturing(["dot", "--input", path, "--lengths", "8"] + args)
                Issue.record("expected an error for \(args)")
            } catch {
                #expect(ExMyCommand.message(for: error).contains(message), "\(args): \(ExMyCommand.message(for: error))")
            }
        }
    }

    @Test func badInputGivesOneLineErrors() throws {
        func fails(_ args: String..., message: String) {
            do {
                _ = try ExMyCommand.runCapturing(["dot"] + args)
                Issue.record("expected an error for \(args)")
            } catch {
                let text = ExMyCommand.message(for: error)
                #expect(text.contains(message), "\(args): \(text)")
                #expect(!text.contains("\n"), "\(args): \(text)")
            }
        }
        fails("--lengths", "0", message: "out of range")
        fails("--lengths", "16,abc", message: "not an integer")
        fails("--lengths", "99999999999", message: "out of range")
        fails("--lengths", "1048576", "--trials", "100000", message: "exceeds")
        fails("--trials", "0", message: "at least 1")
        fails("--accumulator", "e4m3xyz", message: "e4m3xyz")
        fails("--input-format", "e99m1", message: "E = 99")
        fails("--order", "zigzag", message: "unknown order")
        fails("--rounding", "sideways", message: "unknown rounding")
        fails("--scheme", "mxfp9", message: "unknown scheme")
        fails("--promote", "0", "--order", "promoted", message: "out of range")
        fails("--scheme", "mxfp8-e4m3", "--order", "promoted", "--promote", "48", "--lengths", "64", "--trials", "1", message: "not a multiple")
        fails("--plot-metric", "median", message: "plot-metric")
        fails("--input", "/nonexistent/file.npy", message: "no such file")
        let bad = temporary("bad.npy")
        try? Data([0x93, 0x4E, 0x55, 0x4D]).write(to: URL(fileURLWithPath: bad))
        fails("--input", bad, "--lengths", "4", message: bad)
        let text = temporary("t.txt")
        try? "1 2 3".write(toFile: text, atomically: true, encoding: .utf8)
        fails("--input", text, message: "unknown file type")
        fails("--tensor", "w", message: "need --input")
    }
}
}
