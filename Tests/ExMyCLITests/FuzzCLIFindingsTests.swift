import Foundation
import Testing
@testable import ExMyCLI

/// Inputs on which the CLI fuzzer (`Fuzz/`, target `fuzz-cli`) found a trap, replayed in-process.
/// A test of a trap not yet fixed is marked `.disabled("finding: …")`; its raw input is kept in
/// `Fuzz/findings/cli-*.bin` (see `CLI_KNOWN_OPEN` in `Fuzz/make-seeds.py`).
@Suite
struct FuzzCLIFindingsTests {
    /// A `.safetensors` file with one float32 tensor `w` of `shape` and no data.
    func safetensors(_ shape: [Int]) -> Data {
        let json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[0,0]}}"
        var n = UInt64(json.utf8.count).littleEndian
        var data = Data(bytes: &n, count: 8)
        data.append(contentsOf: Array(json.utf8))
        return data
    }

    /// `exmy quantize nvfp4` of an empty tensor of shape (1, 0, 2^63−1): the per-row block count
    /// `(last + B − 1) / B` overflowed (CheckpointLayout.swift). An empty tensor holds no block: the
    /// command must end in a result or a message naming the input, never a trap, and must not leave
    /// a partial output.
    @Test
    func quantizeHugeEmptyShape() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-fuzzcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.safetensors").path
        let output = dir.appendingPathComponent("q.safetensors").path
        try safetensors([1, 0, Int.max]).write(to: URL(fileURLWithPath: input))
        do {
            _ = try ExMyCommand.runCapturing(["quantize", "nvfp4", "--input", input, "--output", output])
        } catch {
            #expect("\(error)".contains(input), "\(error)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }
}
