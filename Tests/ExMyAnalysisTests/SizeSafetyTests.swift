import Foundation
import Testing
@testable import ExMy
@testable import ExMyAnalysis

/// Group layouts and memory estimates computed with overflow-checked arithmetic and
/// bounded by the element count, whatever the shape; the memory and disk limit sources.
@Suite struct SizeSafetyTests {
    @Test func groupCountsNeverExceedTheElementsOrTrap() throws {
        // Empty tensors of absurd shapes: one empty group (the old layout overflowed ⌈last / B⌉,
        // overflowed the stride, or asked for 2^32 … 2^63 − 1 channel maxima).
        let empty: [([Int], Granularity)] = [
            ([1, 0, Int.max], .block(128)), ([1, 0, Int.max], .block(32)), ([1, 0, Int.max], .channel(axis: 2)),
            ([0, 1 << 32, 1 << 32], .channel(axis: 0)), ([0, 1 << 32, 1 << 32], .channel(axis: 1)),
            ([0, Int.max, 2], .channel(axis: 1)), ([0, 268_435_456], .channel(axis: 1)), ([0], .tensor),
        ]
        for (shape, granularity) in empty {
            #expect(try GroupLayout(shape, granularity).count == 1, "\(shape) \(granularity)")
        }
        // Non-empty tensors: the counts as defined (⌈last / B⌉ per row; one group per channel).
        #expect(try GroupLayout([2, 10], .block(4)).count == 6)
        #expect(try GroupLayout([2, 10], .block(Int.max)).count == 2)  // last + B − 1 overflowed
        #expect(try GroupLayout([3, 4], .channel(axis: 0)).count == 3)
        #expect(try GroupLayout([3, 4], .channel(axis: 1)).count == 4)
        #expect(try GroupLayout([3, 4, 5], .channel(axis: 1)).group(of: 5 * 4 + 7) == 1)  // element (1, 1, 2)
        #expect(throws: AnalysisError.self) { try GroupLayout([1 << 32, 1 << 32], .tensor) }
        #expect(throws: AnalysisError.self) { try GroupLayout([2, -1], .block(4)) }
    }

    @Test func emptyTensorsOfAbsurdShapesQuantizeWithoutAllocating() throws {
        let tensor = try Tensor(name: "t", values: [], shape: [0, Int.max, 2])
        let r = try Quantizer.quantize(tensor, .perChannel(.e4m3fn, axis: 1))
        #expect(r.counts.groups == 1 && r.counts.zeroGroups == 1 && r.metrics.count == 0)
    }

    @Test func memoryEstimatesAreBoundedAndSaturate() throws {
        let schemes: [QuantizationScheme] = [.perChannel(.e4m3fn, axis: 1), .absmax(.e4m3fn, block: 1)]
        // The 128-byte file of shape (0, 268435456): constant memory (once 4.5 GB).
        let empty = try AnalysisMemory.studyBytes(shape: [0, 268_435_456], schemes: schemes, threads: 2)
        #expect(empty < 1 << 20)
        // 2^20 elements in blocks of 1: 4 bytes + 9 (maxima) + 8 (scales) per element, plus the rest.
        let n = 1 << 20
        let blocks = try AnalysisMemory.studyBytes(shape: [n], schemes: [.absmax(.e4m3fn, block: 1)], threads: 1)
        #expect(blocks >= 21 * n && blocks < 21 * n + (1 << 20))
        // Sizes past Int saturate instead of trapping; the check then says so.
        let huge = try AnalysisMemory.studyBytes(shape: [1 << 62, 1], schemes: schemes, threads: 1)
        #expect(huge == Int.max)
        SystemResources.$injected.withValue(SystemResources(availableMemoryBytes: 1 << 30)) {
            #expect {
                try AnalysisMemory.check(huge, for: "x", advice: "y")
            } throws: { error in
                "\(error)".hasPrefix("x needs more memory than a 64-bit size counts")
            }
        }
        #expect(throws: Never.self) {
            try SystemResources.$injected.withValue(SystemResources(availableMemoryBytes: 1 << 30)) {
                try AnalysisMemory.check(1 << 29, for: "x", advice: "y")
            }
        }
    }

    @Test func memoryAndDiskLimitsAreReadFromTheSystemTexts() {
        let meminfo = "MemTotal:       24000000 kB\nMemFree:          100000 kB\nMemAvailable:    2048 kB\n"
        #expect(SystemResources.availableMemory(meminfo: meminfo, cgroupMax: nil, cgroupCurrent: nil) == 2048 * 1024)
        #expect(SystemResources.availableMemory(meminfo: meminfo, cgroupMax: "max\n", cgroupCurrent: "5\n") == 2048 * 1024)
        #expect(SystemResources.availableMemory(meminfo: meminfo, cgroupMax: "1048576\n", cgroupCurrent: "524288\n") == 524_288)
        #expect(SystemResources.availableMemory(meminfo: nil, cgroupMax: "1048576\n", cgroupCurrent: nil) == 1_048_576)
        #expect(SystemResources.availableMemory(meminfo: meminfo, cgroupMax: "100\n", cgroupCurrent: "200\n") == 0)
        #expect(SystemResources.availableMemory(meminfo: "MemTotal: 1 kB\n", cgroupMax: nil, cgroupCurrent: nil) == nil)
        // Measured: something on this machine; injected values win.
        #expect((SystemResources.availableMemory() ?? 1) > 0)
        #expect((SystemResources.freeDiskSpace(at: FileManager.default.temporaryDirectory.path) ?? 1) > 0)
        #expect(SystemResources.freeDiskSpace(at: "/no/such/folder/file") == nil)
        SystemResources.$injected.withValue(SystemResources(availableMemoryBytes: 7, freeDiskBytes: 9)) {
            #expect(SystemResources.availableMemory() == 7)
            #expect(SystemResources.freeDiskSpace(at: "/") == 9)
        }
        #expect(SystemResources.describe(bytes: 512) == "512 bytes")
        #expect(SystemResources.describe(bytes: 10_000) == "9.8 KiB")
        #expect(SystemResources.describe(bytes: 3 << 30) == "3.0 GiB")
        #expect(SystemResources.describe(bytes: 400_000_000_000) == "373 GiB")
    }
}
