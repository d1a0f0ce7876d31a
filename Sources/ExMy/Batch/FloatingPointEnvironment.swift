internal import CExMyKernels

/// The floating-point environment the batch engine runs under.
///
/// The vector loops round with the `Float` adder (the nearest-even kernel's magic-number addition,
/// the general kernels' tiny path, the underflow scan) and convert between `Float` and `Double`;
/// all of that assumes IEEE 754's default environment: round to nearest even, subnormal inputs
/// read as they are, subnormal results kept. A caller's thread may run otherwise — a library built
/// with fast-math sets flush-to-zero and denormals-are-zero for the whole process, and C code can
/// change the rounding mode — and the codes would then depend on it. So every chunk of batch work
/// (``BatchParallel/run(count:threads:_:)``) runs under the default environment and the caller's
/// is restored afterwards, flags included: on x86-64 MXCSR is set to 0x1F80 (all exceptions
/// masked, round to nearest, no FTZ/DAZ) where it differs and put back at the end.
///
/// Departure: on other architectures (AArch64's FPCR) the environment is left as the caller set it;
/// there the batch engine's answers equal the scalar engine's only under the default environment.
/// The scalar engine itself rounds with integer arithmetic, but converts its `Float` inputs to
/// `Double`, which under denormals-are-zero reads a subnormal `Float` as zero.
enum FloatingPointEnvironment {
    /// Runs `body` under the default environment and restores the caller's.
    @inline(__always)
    static func withDefault<R>(_ body: () throws -> R) rethrows -> R {
        let saved = exmy_fp_enter_default()
        defer { exmy_fp_restore(saved) }
        return try body()
    }

    /// The calling thread's control word (x86-64: MXCSR; 0 elsewhere), for the tests.
    static var control: UInt32 {
        get { exmy_fp_control() }
        set { exmy_fp_set_control(newValue) }
    }

    /// Whether ``control`` is this machine's (x86-64) rather than a stand-in.
    static var isControllable: Bool {
        #if arch(x86_64)
        return true
        #else
        return false
        #endif
    }
}
