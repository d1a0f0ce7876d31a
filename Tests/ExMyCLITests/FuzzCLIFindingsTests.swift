import Foundation
import Testing
@testable import ExMyCLI

/// Inputs on which the CLI fuzzer (`Fuzz/`, target `fuzz-cli`) found a trap, replayed in-process.
/// Each test passes when the command ends in a result or a thrown error (the CLI's message): a trap
/// ends the whole test process. A test of a trap not yet fixed is marked `.disabled("finding: …")`
/// and its raw input kept in `Fuzz/findings/cli-*.bin` (see `CLI_KNOWN_OPEN` in `Fuzz/make-seeds.py`).
@Suite(.serialized)
struct FuzzCLIFindingsTests {
    /// A fresh directory for one test's files.
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-fuzzcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A `.npy` file (version 1.0, float32 unless `descr` says otherwise) with `shape` and no data.
    func npy(_ shape: [Int], descr: String = "<f4") -> Data {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    /// A `.safetensors` file with one float32 tensor `w` of `shape` and no data.
    func safetensors(_ shape: [Int]) -> Data {
        let json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[0,0]}}"
        var n = UInt64(json.utf8.count)
        var data = Data(bytes: &n, count: 8)
        data.append(contentsOf: Array(json.utf8))
        return data
    }

    /// Runs `exmy analyze ARGS --input FILE` on `bytes` written to `FILE`; the outcome (a table or
    /// an error message) is not judged, only that it comes back.
    func analyze(_ bytes: Data, name: String, _ args: [String]) throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            _ = try ExMyCommand.runCapturing(["analyze", "--format", "e4m3fn"] + args + ["--input", path])
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }

    // Issue 15 reproductions that trapped when fuzz-cli's seeds ran on main at 021ba53 (fixed by the
    // safety merge, 5216c29; the seeds are corpus/fuzz-cli/analyze-{npy,st}-*).

    @Test  // was a trap on 021ba53: analyze on shape (1, 0, 2^63-1) overflows an Int
    func analyzeShapeProductOverflowNpy() throws {
        try analyze(npy([1, 0, Int.max]), name: "in.npy", [])
    }

    @Test  // was a trap on 021ba53: analyze on shape (1, 0, 2^63-1) overflows an Int
    func analyzeShapeProductOverflowSafetensors() throws {
        try analyze(safetensors([1, 0, Int.max]), name: "in.safetensors", [])
    }

    @Test  // was a trap on 021ba53: per-channel on shape (0, 2^32, 2^32) traps or allocates 34 GB
    func analyzePerChannelHugeChannelsNpy() throws {
        try analyze(npy([0, 1 << 32, 1 << 32]), name: "in.npy", ["--scheme", "per-channel"])
    }

    @Test  // was a trap on 021ba53: per-channel on shape (0, 2^32, 2^32) traps or allocates 34 GB
    func analyzePerChannelHugeChannelsSafetensors() throws {
        try analyze(safetensors([0, 1 << 32, 1 << 32]), name: "in.safetensors", ["--scheme", "per-channel"])
    }

    @Test  // was a trap on 021ba53: per-channel --axis 1 on shape (0, 2^63-1, 2) segfaults in Array(repeating:count:)
    func analyzePerChannelAxis1Npy() throws {
        try analyze(npy([0, Int.max, 2]), name: "in.npy", ["--scheme", "per-channel", "--axis", "1"])
    }

    @Test  // was a trap on 021ba53: per-channel --axis 1 on shape (0, 2^63-1, 2) segfaults in Array(repeating:count:)
    func analyzePerChannelAxis1Safetensors() throws {
        try analyze(safetensors([0, Int.max, 2]), name: "in.safetensors", ["--scheme", "per-channel", "--axis", "1"])
    }
}
