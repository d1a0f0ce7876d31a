import ExMy
import Foundation

// Encode Float → codes, nearest-even, 64K elements, one thread, best of `reps` repetitions of ≥ 0.5 ms.
// Data: normal, σ = greatestFiniteMagnitude / 8 (absolute values for unsigned formats).
let n = 65536
let reps = Int(CommandLine.arguments.dropFirst().first ?? "201") ?? 201
let spellings = ["e4m3fn", "e2m3fn", "fp3-e2m0", "e3m2fn", "e3m3:bias=5,subnormals=off", "e4m3fnuz",
                 "binary4p2sf", "ue4m3", "e8m0fnu", "mxint8", "binary8p3se", "binary8p1uf", "e5m2"]
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
for s in spellings {
    let f = try FloatFormat(parsing: s)
    let sigma = min(f.greatestFiniteMagnitude, Double(Float.greatestFiniteMagnitude)) / 8
    var g = CounterRandomGenerator(seed: 20_260_401, index: 0)
    let unsigned = f.signedness == .unsigned
    let x: [Float] = (0..<n).map { _ in
        let w = g.next()
        let u1 = (Double(w >> 32) + 1) / 4_294_967_297.0, u2 = Double(w & 0xFFFF_FFFF) / 4_294_967_296.0
        let v = sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return Float(unsigned ? abs(v) : v)
    }
    let encoder = try BatchEncoder(f, nanPolicy: .zero)
    var out = [UInt8](repeating: 0, count: n)
    func once() throws { _ = try x.withUnsafeBufferPointer { src in try out.withUnsafeMutableBufferPointer { try encoder.encode(src, into: $0, options: .init(threads: 1)) } } }
    try once()
    var inner = 1
    while true { let t0 = now(); for _ in 0..<inner { try once() }; if now() - t0 >= 0.0005 { break }; inner *= 2 }
    var best = Double.infinity
    for _ in 0..<reps { let t0 = now(); for _ in 0..<inner { try once() }; best = min(best, (now() - t0) / Double(inner)) }
    print(String(format: "%@\t%.2f", s, Double(n) / best / 1e9))
}
