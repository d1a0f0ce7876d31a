internal import CExMyKernels
import Foundation

/// Which instance of the batch engine's C loops (`CExMyKernels`) runs: the portable instance (any
/// CPU: clang vector extensions compiled for the target's baseline, SSE2 on x86-64, NEON on arm64)
/// or, on x86-64, the AVX2 or the AVX-512 instance of the same source.
///
/// All compute the same codes from the same ``KernelParameters``: each loop is written once
/// (`CExMyKernels/Target.h`; the encode kernels in EncodeBody.h, with FP4 packing in their store and
/// the random bits of stochastic rounding computed in their loop; the input widening, the flag
/// scans). Special lanes, and every rounding the kernels do not finish, go through the scalar
/// engine on every instance. The same selection decides whether ``BatchDecoder`` may use its
/// arithmetic kernel (``DecodePlan``: x86 instances only), and in which copy.
///
/// The AVX-512 instance is the same source at 16 lanes under
/// `target("avx2,bmi2,fma,avx512f,avx512bw,avx512vl,avx512dq")`, run where the CPU has all of those.
///
/// Selection, once per process: the widest instance the CPU and OS support
/// (`__builtin_cpu_supports`), capped by the environment variable `EXMY_KERNELS` (`portable`,
/// `avx2` or `avx512`; other values are ignored); `EXMY_PORTABLE_KERNELS=1` is the same as
/// `EXMY_KERNELS=portable` (how the tests run the portable instance on an x86 machine). Why C:
/// SwiftPM accepts no `unsafeFlags` (such as `-target-cpu`) in a package used as a dependency, and
/// Swift has no per-function target attributes, so Swift code in ExMy is always built for the
/// baseline.
package enum EncodeLoops: Int, Sendable, Equatable, Comparable, CaseIterable {
    /// The portable C instance (every CPU).
    case portable
    /// The C instance compiled for AVX2 (x86-64 CPUs with AVX2 only).
    case avx2
    /// The C instance compiled for AVX-512 F/BW/VL/DQ (x86-64 CPUs with those only).
    case avx512

    package static func < (a: EncodeLoops, b: EncodeLoops) -> Bool { a.rawValue < b.rawValue }

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
    package static let selected: EncodeLoops = min(widestSupported, environmentCap ?? .avx512)

    /// `self`, or the widest loops below it that this CPU runs.
    package var available: EncodeLoops { min(self, Self.widestSupported) }

    /// The instance's `isa` argument for the C loops (`exmy_simd_*`).
    package var isa: Int32 {
        switch self {
        case .portable: return Int32(EXMY_ISA_PORTABLE)
        case .avx2: return Int32(EXMY_ISA_AVX2)
        case .avx512: return Int32(EXMY_ISA_AVX512)
        }
    }

    /// `portable`, `avx2` or `avx512` (benchmark output, test messages): the case's name, as
    /// `EXMY_KERNELS` spells it.
    package var name: String { String(describing: self) }
}
