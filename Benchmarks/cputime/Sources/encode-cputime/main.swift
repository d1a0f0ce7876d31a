import ExMy
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// 16M-element cases, one thread, timed in the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so time
// the thread spends descheduled on a busy machine does not count; the limit (a narrowing loop moving
// the same bytes) is timed the same way, interleaved. Best of `reps`.
let n = 1 << 24
let reps = Int(CommandLine.arguments.dropFirst().first ?? "15") ?? 15
func cpuNow() -> Double { var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }
let a = UnsafeMutableRawPointer.allocate(byteCount: 8 * n, alignment: 64)
let b = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 64)
memset(b, 0, n)
@inline(never) func narrow4(_ s: UnsafePointer<UInt32>, _ d: UnsafeMutablePointer<UInt8>, _ n: Int) { var i = 0; while i < n { d[i] = UInt8(truncatingIfNeeded: s[i] &>> 24); i &+= 1 } }
@inline(never) func narrow8(_ s: UnsafePointer<UInt64>, _ d: UnsafeMutablePointer<UInt8>, _ n: Int) { var i = 0; while i < n { d[i] = UInt8(truncatingIfNeeded: s[i] &>> 56); i &+= 1 } }
@inline(never) func narrow4to4(_ s: UnsafePointer<UInt32>, _ d: UnsafeMutablePointer<UInt8>, _ n: Int) { var j = 0; while j < n / 2 { d[j] = UInt8(truncatingIfNeeded: s[2 &* j] &>> 28) | UInt8(truncatingIfNeeded: (s[2 &* j &+ 1] &>> 24) & 0xF0); j &+= 1 } }
let cases: [(String, String, Bool, Bool)] = [  // format, rule, double input, packed
    ("e4m3fn", "n", false, false), ("e5m2", "n", false, false), ("e2m1fn", "n", false, true), ("e3m2fn", "n", false, false),
    ("e3m3:bias=5,subnormals=off", "n", false, false), ("e4m3fn", "n", true, false), ("e4m3fn", "a8", false, false), ("e2m1fn", "a8", false, true),
]
for (spelling, r, double, packed) in cases {
    let f = try FloatFormat(parsing: spelling)
    let sigma = min(f.greatestFiniteMagnitude, Double(Float.greatestFiniteMagnitude)) / 8
    var g = CounterRandomGenerator(seed: 20_260_401, index: 0)
    for i in 0..<n {
        let w = g.next()
        let u1 = (Double(w >> 32) + 1) / 4_294_967_297.0, u2 = Double(w & 0xFFFF_FFFF) / 4_294_967_296.0
        let v = sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        if double { a.storeBytes(of: v, toByteOffset: 8 * i, as: Double.self) } else { a.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self) }
    }
    let encoder = try BatchEncoder(f, rounding: r == "n" ? .toNearestOrEven : .stochasticA(bits: 8), nanPolicy: .zero)
    let src = UnsafeRawBufferPointer(start: a, count: n * (double ? 8 : 4))
    let out = UnsafeMutableRawBufferPointer(start: b, count: packed ? n / 2 : n)
    func work() throws { _ = try encoder.encode(raw: src, as: double ? .double : .float, into: out, codeByteCount: 1, packed: packed, options: .init(threads: 1, seed: 1)) }
    func limit() {
        if double { narrow8(a.assumingMemoryBound(to: UInt64.self), b.assumingMemoryBound(to: UInt8.self), n) }
        else if packed { narrow4to4(a.assumingMemoryBound(to: UInt32.self), b.assumingMemoryBound(to: UInt8.self), n) }
        else { narrow4(a.assumingMemoryBound(to: UInt32.self), b.assumingMemoryBound(to: UInt8.self), n) }
    }
    try work(); limit()
    var bw = Double.infinity, bl = Double.infinity
    for _ in 0..<reps {
        var t0 = cpuNow(); limit(); bl = min(bl, cpuNow() - t0)
        t0 = cpuNow(); try work(); bw = min(bw, cpuNow() - t0)
    }
    print(String(format: "%@ %@%@%@\t%.0f\t%.0f\t%.2f", double ? "double" : "float", spelling, r == "n" ? "" : " [stochastic-a8]", packed ? " packed" : "",
                 Double(n) / bw / 1e6, Double(n) / bl / 1e6, bl / bw))
}
