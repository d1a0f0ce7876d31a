import ExMy
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Cost against length, one thread, in the thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the cases of
// ExMyBenchmark.Configuration.scaling, each repetition ≥ 0.5 ms of CPU time, best of 15 (7 from 64M),
// the limit (element-wise loop with the same traffic) timed the same way, interleaved.
// Prints ExMyBenchmark-style JSON lines (caseName, elements, threads, elementsPerSecond, limitElementsPerSecond, fractionOfLimit).
func cpuNow() -> Double { var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }
let maxN = 1 << 27
let a = UnsafeMutableRawPointer.allocate(byteCount: 4 * maxN, alignment: 64)
let b = UnsafeMutableRawPointer.allocate(byteCount: maxN, alignment: 64)
memset(b, 0, maxN)
@inline(never) func narrow4(_ s: UnsafePointer<UInt32>, _ d: UnsafeMutablePointer<UInt8>, _ n: Int) { var i = 0; while i < n { d[i] = UInt8(truncatingIfNeeded: s[i] &>> 24); i &+= 1 } }
@inline(never) func expand4(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt32>, _ n: Int) { var i = 0; while i < n { d[i] = UInt32(s[i]) &<< 24; i &+= 1 } }
let sizes = (0...17).filter { $0 % 2 == 0 || $0 == 17 }.map { 1 << (10 + $0) }
let f = FloatFormat.e4m3fn
@MainActor func fill() {
    let sigma = f.greatestFiniteMagnitude / 8
    var g = CounterRandomGenerator(seed: 20_260_401, index: 0)
    for i in 0..<maxN {
        let w = g.next()
        let u1 = (Double(w >> 32) + 1) / 4_294_967_297.0, u2 = Double(w & 0xFFFF_FFFF) / 4_294_967_296.0
        a.storeBytes(of: Float(sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)), toByteOffset: 4 * i, as: Float.self)
    }
}
for (name, op) in [("encode float→e4m3fn", 0), ("encode float→e4m3fn [stochastic-a8]", 1), ("decode e4m3fn→float", 2)] {
    fill()
    let encoder = try BatchEncoder(f, rounding: op == 1 ? .stochasticA(bits: 8) : .toNearestOrEven, nanPolicy: .zero)
    let decoder = BatchDecoder(f)
    if op == 2 {
        _ = try encoder.encode(raw: UnsafeRawBufferPointer(start: a, count: 4 * maxN), as: .float, into: UnsafeMutableRawBufferPointer(start: b, count: maxN), codeByteCount: 1)
    }
    for n in sizes {
        func work() throws {
            if op == 2 {
                try decoder.decode(UnsafeBufferPointer(start: b.assumingMemoryBound(to: UInt8.self), count: n), into: UnsafeMutableBufferPointer(start: a.assumingMemoryBound(to: Float.self), count: n), threads: 1)
            } else {
                _ = try encoder.encode(raw: UnsafeRawBufferPointer(start: a, count: 4 * n), as: .float, into: UnsafeMutableRawBufferPointer(start: b, count: n), codeByteCount: 1, options: .init(threads: 1, seed: 1))
            }
        }
        func limit() { if op == 2 { expand4(b.assumingMemoryBound(to: UInt8.self), a.assumingMemoryBound(to: UInt32.self), n) } else { narrow4(a.assumingMemoryBound(to: UInt32.self), b.assumingMemoryBound(to: UInt8.self), n) } }
        try work(); limit()
        var inner = 1
        while true { let t0 = cpuNow(); for _ in 0..<inner { try work() }; if cpuNow() - t0 >= 0.0005 { break }; inner *= 2 }
        var bw = Double.infinity, bl = Double.infinity
        for _ in 0..<(n >= 1 << 26 ? 7 : 15) {
            var t0 = cpuNow(); for _ in 0..<inner { limit() }; bl = min(bl, (cpuNow() - t0) / Double(inner))
            t0 = cpuNow(); for _ in 0..<inner { try work() }; bw = min(bw, (cpuNow() - t0) / Double(inner))
        }
        print("{\"caseName\":\"\(name)\",\"elements\":\(n),\"threads\":1,\"elementsPerSecond\":\(Double(n) / bw),\"limitElementsPerSecond\":\(Double(n) / bl),\"fractionOfLimit\":\(bl / bw)}")

    }
}
