#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

// Thin wrappers so the rest of the module reads like the formulas and names one math library.
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _log2(_ x: Double) -> Double { log2(x) }
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
