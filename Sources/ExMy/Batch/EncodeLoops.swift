internal import CExMyKernels
import Foundation

/// Which implementation of the batch encoder's loops runs: the Swift loops (portable, built for the
/// target's baseline: SSE2 on x86-64) or their C transcriptions, compiled for AVX2 and, from the
/// same source, for AVX-512.
///
/// All compute the same codes from the same ``KernelParameters``: every encoder loop in
/// `CExMyKernels` is a transcription of one in this folder, the same arithmetic lane for lane (the
/// encode kernels, on 8-lane vectors, with FP4 packing in their store and the random bits of
/// stochastic rounding computed in their loop; the underflow pre-scan; the `Double` narrowing).
/// Special lanes, flags and every rounding the kernels do not finish go through the scalar engine
/// on every path. The same selection decides whether ``BatchDecoder`` may use its arithmetic
/// kernel (``DecodePlan``), and in which copy.
///
/// The AVX-512 copy is the AVX2 source compiled under
/// `target("avx2,bmi2,fma,avx512f,avx512bw,avx512vl,avx512dq")` (`CExMyKernels/Target.h`), run where
/// the CPU has all of those: the same 256-bit vectors, with the wider instruction set's encodings
/// (masks, ternary logic, narrowing moves), which measured 25–30 % fewer nanoseconds per element in
/// the kernels (docs/performance.md).
///
/// Selection, once per process: the widest copy the CPU and OS support (`__builtin_cpu_supports`),
/// capped by the environment variable `EXMY_KERNELS` (`portable`, `avx2` or `avx512`; other values
/// are ignored); `EXMY_PORTABLE_KERNELS=1` is the same as `EXMY_KERNELS=portable`. Why C: SwiftPM accepts no
/// `unsafeFlags` (such as `-target-cpu`) in a package used as a dependency, and Swift has no
/// per-function target attributes, so Swift code in ExMy is always built for the baseline.
enum EncodeLoops: Int, Sendable, Equatable, Comparable, CaseIterable {
    /// The Swift loops.
    case portable
    /// The C loops compiled for AVX2 (x86-64 CPUs with AVX2 only).
    case avx2
    /// The same C loops compiled for AVX-512 F/BW/VL/DQ (x86-64 CPUs with those only).
    case avx512

    static func < (a: EncodeLoops, b: EncodeLoops) -> Bool { a.rawValue < b.rawValue }

    /// Whether this CPU (and OS) runs AVX2 code.
    static let avx2Supported: Bool = exmy_avx2_supported() != 0

    /// Whether this CPU (and OS) runs the AVX-512 copies.
    static let avx512Supported: Bool = exmy_avx512_supported() != 0

    /// The widest loops this CPU runs.
    static let widestSupported: EncodeLoops = avx512Supported ? .avx512 : (avx2Supported ? .avx2 : .portable)

    /// The cap set by `EXMY_KERNELS` (or `EXMY_PORTABLE_KERNELS=1`), if any.
    static let environmentCap: EncodeLoops? = {
        let environment = ProcessInfo.processInfo.environment
        if environment["EXMY_PORTABLE_KERNELS"] == "1" { return .portable }
        switch environment["EXMY_KERNELS"]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "portable", "swift": return .portable
        case "avx2": return .avx2
        case "avx512", "avx-512": return .avx512
        default: return nil
        }
    }()

    /// The loops new encoders run.
    static let selected: EncodeLoops = min(widestSupported, environmentCap ?? .avx512)

    /// `self`, or the widest loops below it that this CPU runs.
    var available: EncodeLoops { min(self, Self.widestSupported) }

    /// Whether these are C loops (`exmy_simd_*`), and which copy: nil for the Swift loops.
    var isa: Int32? {
        switch self {
        case .portable: return nil
        case .avx2: return Int32(EXMY_ISA_AVX2)
        case .avx512: return Int32(EXMY_ISA_AVX512)
        }
    }

    /// `portable`, `avx2` or `avx512` (benchmark output, test messages): the case's name, as
    /// `EXMY_KERNELS` spells it.
    var name: String { String(describing: self) }
}
