internal import CExMyKernels
import Foundation

/// Which implementation of the batch encoder's loops runs: the Swift loops (portable, built for the
/// target's baseline: SSE2 on x86-64) or their C transcriptions compiled for AVX2.
///
/// Both compute the same codes from the same ``KernelParameters``: every encoder loop in
/// `CExMyKernels` is a transcription of one in this folder, the same arithmetic lane for lane (the
/// encode kernels, on 8-lane vectors, with FP4 packing in their store and the random bits of
/// stochastic rounding computed in their loop; the underflow pre-scan; the `Double` narrowing).
/// Special lanes, flags and every rounding the kernels do not finish go through the scalar engine
/// on both paths. The same selection decides whether ``BatchDecoder`` may use its arithmetic
/// kernel (``DecodePlan``).
///
/// Selection, once per process: AVX2 when the CPU and OS support it (`__builtin_cpu_supports`),
/// unless the environment variable `EXMY_PORTABLE_KERNELS` is `1`. Why the C target: SwiftPM
/// accepts no `unsafeFlags` (such as `-target-cpu`) in a package used as a dependency, and Swift
/// has no per-function target attributes, so Swift code in ExMy is always built for the baseline.
enum EncodeLoops: Sendable, Equatable {
    /// The Swift loops.
    case portable
    /// The C loops compiled for AVX2 (x86-64 CPUs with AVX2 only).
    case avx2

    /// Whether this CPU (and OS) runs AVX2 code.
    static let avx2Supported: Bool = exmy_avx2_supported() != 0

    /// `EXMY_PORTABLE_KERNELS=1`: run the Swift loops even where AVX2 is available (comparisons, tests).
    static let portableForced: Bool = ProcessInfo.processInfo.environment["EXMY_PORTABLE_KERNELS"] == "1"

    /// The loops new encoders run.
    static let selected: EncodeLoops = avx2Supported && !portableForced ? .avx2 : .portable

    /// `self`, or `.portable` where this CPU cannot run it.
    var available: EncodeLoops { self == .avx2 && !Self.avx2Supported ? .portable : self }
}
