import Dispatch
import Foundation

/// Splitting a batch into chunks for threads. Chunks are contiguous ranges whose boundaries are
/// multiples of ``blockSize``; every element's result depends only on the element (and its index),
/// so results never depend on the number of threads.
package enum BatchParallel {
    /// Elements per block: the unit of the kernels' temporary buffers (a multiple of 8, so packed
    /// FP4/FP6 streams split on byte boundaries).
    package static let blockSize = 2048

    /// The least work worth a thread of its own when the caller names a thread count: 64K elements
    /// (about 20 µs of conversion, the cost of waking a worker). Measured (docs/performance.md):
    /// 64K elements on two threads ran at 0.68 – 0.98 of the speed of one. The tests lower it to one
    /// element to split small arrays at every block.
    @TaskLocal static var minimumElementsPerThread = 1 << 16

    /// The number of threads for `count` elements: at most `requested`, and no more than gives each
    /// ``minimumElementsPerThread`` elements; with `nil`, one below
    /// ``BatchOptions/parallelThreshold``, else up to every active processor.
    package static func threadCount(_ requested: Int?, _ count: Int) -> Int {
        if let requested {
            let worthwhile = count / max(1, minimumElementsPerThread)
            return max(1, min(requested, worthwhile, (count + blockSize - 1) / blockSize))
        }
        if count < BatchOptions.parallelThreshold { return 1 }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return max(1, min(cores, count / (BatchOptions.parallelThreshold / 2)))
    }

    /// Runs `body` on `threads` contiguous chunks of `0 ..< count` and returns their results in order.
    package static func run<R: Sendable>(count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> R) -> [R] {
        let blocks = (count + blockSize - 1) / blockSize
        let t = max(1, min(threads, blocks))
        // Each chunk runs under the default floating-point environment (FloatingPointEnvironment).
        if t == 1 { return [FloatingPointEnvironment.withDefault { body(0..<count) }] }
        let perChunk = (blocks + t - 1) / t * blockSize
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: t)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let box = UncheckedSendable(results)
        DispatchQueue.concurrentPerform(iterations: t) { k in
            let lo = min(count, k * perChunk), hi = min(count, lo + perChunk)
            box.value[k] = FloatingPointEnvironment.withDefault { body(lo..<hi) }
        }
        return results.map { $0! }
    }
}

/// Carries pointers into `@Sendable` closures. Each thread touches a disjoint part of the memory.
package struct UncheckedSendable<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
