import ArgumentParser
#if MPFR
import MPFRReference
#endif
public struct ExMyCommand: ParsableCommand {
    public init() {}
    public func run() throws {
        #if MPFR
        print("mpfr on")
        #else
        print("mpfr off")
        #endif
    }
}
