import ExMy
import ExMyHardware
import Foundation
import Testing

/// Issue 18, point 7: the SystemVerilog encoder that `exmy export --kind sv` writes, simulated with
/// Icarus Verilog against `exmy vectors generate --hex` for the same conversion (`f32_to_FORMAT`,
/// or `f64_to_FORMAT` where the module takes binary64), round to nearest even, overflow none: the
/// testbench of `docs/hardware-vectors.md`. `Tests/run.sh` installs iverilog and sets
/// `EXMY_REQUIRE_IVERILOG=1`, so CI fails rather than skips when the simulator is missing.
struct VectorSimulationTests {
    static let iverilog = ExportTests.iverilogPath
    static let vvp = ExportTests.vvpPath
    static let present = iverilog != nil && vvp != nil

    @Test func simulatorIsPresentWhereRequired() {
        if ProcessInfo.processInfo.environment["EXMY_REQUIRE_IVERILOG"] == "1" {
            #expect(Self.present, "EXMY_REQUIRE_IVERILOG=1 but iverilog/vvp are not on PATH: Tests/run.sh should have installed them")
        }
    }

    /// The testbench: reads the `$readmemh` file, drives the encoder with each vector's operand and
    /// compares the code with the vector's result field.
    static func testbench(module: String, count: Int, valueBits w: Int, codeBits k: Int, wordBits: Int, file: String) -> String {
        let top = wordBits - 1
        return """
            module tb;
                localparam int N = \(count);
                logic [\(top):0] vectors [0:N-1];   // {a[\(top):\(top - w + 1)], result[\(k + 4):5], flags[4:0]}
                logic [\(w - 1):0] value;
                logic [\(k - 1):0] code;
                int errors = 0;
                \(module) dut (.value(value), .code(code));
                initial begin
                    $readmemh("\(file)", vectors);
                    for (int i = 0; i < N; i++) begin
                        value = vectors[i][\(top):\(top - w + 1)];
                        #1;
                        if (code !== vectors[i][\(k + 4):5]) begin
                            errors++;
                            if (errors <= 10) $display("error: vector %0d: %h => %h, expected %h", i, value, code, vectors[i][\(k + 4):5]);
                        end
                    end
                    $display("%0d vectors, %0d errors", N, errors);
                    $finish;
                end
            endmodule

            """
    }

    @Test(.enabled(if: present, "Icarus Verilog (iverilog, vvp) is not on PATH: the simulation against exmy vectors is skipped (Tests/run.sh installs it)"),
          arguments: ["e4m3fn", "e5m2", "e2m1fn", "binary8p3se", "e8m0fnu", "ue4m3"])
    func exportedEncoderPassesGeneratedVectors(_ name: String) throws {
        let iverilog = try #require(Self.iverilog), vvp = try #require(Self.vvp)
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let source = export.systemVerilogUsesBinary32 ? "f32" : "f64"
        let model = try VectorModel(try VectorFunction(parsing: "\(source)_to_\(name)"), VectorSettings())
        let layout = VectorLayout(model)
        var words: [String] = [layout.hexHeader]
        try VectorGenerator(model, level: 1, seed: 1).generate { words.append(layout.hexWord($0)) }
        let count = words.count - 1

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-vectors-sv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let hex = dir.appendingPathComponent("vectors.hex"), sv = dir.appendingPathComponent("exmy.sv"), tb = dir.appendingPathComponent("tb.sv")
        try (words.joined(separator: "\n") + "\n").write(to: hex, atomically: true, encoding: .utf8)
        try export.systemVerilog().write(to: sv, atomically: true, encoding: .utf8)
        try Self.testbench(module: "exmy_\(export.identifier)_encode", count: count, valueBits: export.systemVerilogUsesBinary32 ? 32 : 64,
                           codeBits: format.bitWidth, wordBits: layout.hexWordBits, file: hex.path)
            .write(to: tb, atomically: true, encoding: .utf8)
        let sim = dir.appendingPathComponent("sim.vvp").path
        let compiled = try ExportTests.run(iverilog, ["-g2012", "-o", sim, sv.path, tb.path])
        try #require(compiled.status == 0, "iverilog failed:\n\(compiled.output)")
        let ran = try ExportTests.run(vvp, ["-n", sim])
        #expect(ran.status == 0)
        #expect(ran.output.contains("\(count) vectors, 0 errors"), "\(name): \(ran.output.suffix(1500))")
        #expect(count > 1000)
    }
}
