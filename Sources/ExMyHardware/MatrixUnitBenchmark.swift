import ExMy
import Foundation

/// The matrix-unit benchmark (`exmy mma --bench`): `D = A·B + C` of size `size`³ on random operands
/// (standard-normal values quantized into A's and B's formats, C = 0, scales 2^0), timed through
/// ``MatrixUnitKernel/multiply(_:threads:)`` (decoding, packing, the kernel and any scalar
/// fall-back), the median of `repetitions` runs per thread count.
package enum MatrixUnitBenchmark {
    /// The presets measured by default: FP8 (Hopper, Ada, Blackwell, MXFP8), FP16 and BF16.
    package static let defaultPresets = [
        "hopper-wgmma-e4m3-f32", "ada-mma-e4m3-f32", "hopper-wgmma-e4m3-f16", "blackwell-tcgen05-e4m3-f32", "blackwell-tcgen05-mxf8-e4m3",
        "hopper-wgmma-f16-f32", "hopper-wgmma-bf16-f32", "volta-mma-f16-f32",
    ]

    package struct Result: Sendable {
        package var preset: String
        package var threads: Int
        /// Median wall-clock seconds of one product.
        package var seconds: Double
        /// Median CPU seconds of the process (all threads) for one product: on a shared machine
        /// the cost per core independent of what else runs.
        package var cpuSeconds: Double
        package var products: Double
        package var productsPerSecond: Double { products / seconds }
        package var productsPerSecondPerThread: Double { productsPerSecond / Double(threads) }
        /// Products per CPU second: products per second per core.
        package var productsPerCPUSecond: Double { products / cpuSeconds }
        /// Whether the batched kernel ran (else the scalar model).
        package var batched: Bool
    }

    /// Random operands for `unit`: values from a standard normal distribution (seeded) quantized
    /// to nearest-even.
    package static func operands(_ unit: MatrixUnit, m: Int, n: Int, k: Int, seed: UInt64 = 2026) -> MatrixUnitOperands {
        var g = SplitMix64(seed: seed)
        var unused = SystemRandomNumberGenerator()
        func normal() -> Double {
            let u1 = (Double(g.next() >> 11) + 0.5) * 0x1p-53, u2 = Double(g.next() >> 11) * 0x1p-53
            return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        }
        func codes(_ f: FloatFormat, _ count: Int) -> [UInt64] {
            (0..<count).map { _ in f.encode(normal(), rounding: .toNearestOrEven, overflow: .saturateFinite, random: &unused).code }
        }
        let zero = unit.accumulatorFormat.encodeZero(negative: false, overflow: .none).code
        var sa: [UInt64]?, sb: [UInt64]?
        if let s = unit.blockScale {
            let one = s.format.encode(1.0).code
            sa = [UInt64](repeating: one, count: m * (k / s.blockSize))
            sb = [UInt64](repeating: one, count: (k / s.blockSize) * n)
        }
        return MatrixUnitOperands(m: m, n: n, k: k, a: codes(unit.aFormat, m * k), b: codes(unit.bFormat, k * n),
                                  c: [UInt64](repeating: zero, count: m * n), scaleA: sa, scaleB: sb)
    }

    /// Times `unit` on `size`³ for each thread count.
    package static func run(_ unit: MatrixUnit, size: Int, threads: [Int], repetitions: Int = 3) throws -> [Result] {
        let kernel = try MatrixUnitKernel(unit)
        var k = size
        if let s = unit.blockScale { k = max(s.blockSize, size / s.blockSize * s.blockSize) }
        let x = operands(unit, m: size, n: size, k: k)
        var results: [Result] = []
        for t in threads {
            var times: [Double] = [], cpu: [Double] = []
            for _ in 0..<max(1, repetitions) {
                let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUSeconds()
                _ = try kernel.multiply(x, threads: t)
                cpu.append(processCPUSeconds() - cpuStart)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            times.sort()
            cpu.sort()
            results.append(Result(preset: unit.name, threads: t, seconds: times[times.count / 2], cpuSeconds: cpu[cpu.count / 2],
                                  products: Double(size) * Double(size) * Double(k),
                                  batched: kernel.hasBatchedPath))
        }
        return results
    }

    /// The CPU time of this process, all threads (CLOCK_PROCESS_CPUTIME_ID).
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
