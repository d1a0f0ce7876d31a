import Foundation
import Testing
@testable import ExMy

/// The two implementations of the batch encoder's loops (``EncodeLoops``): the run-time selection,
/// and the pieces the code comparisons elsewhere reach only indirectly. Every batch-equals-scalar
/// test in this target runs both implementations (``BatchTestSupport/loopVariants(_:)``).
struct BatchLoopsTests {
    typealias S = BatchTestSupport

    /// The CPU check agrees with the kernel's view of the CPU (Linux x86-64: /proc/cpuinfo).
    @Test func cpuCheck() throws {
        #if os(Linux) && arch(x86_64)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(EncodeLoops.avx2Supported == flags.contains("avx2"))
        let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains)
        #expect(EncodeLoops.avx512Supported == (avx512 && flags.contains("avx2")))
        #elseif !arch(x86_64)
        #expect(!EncodeLoops.avx2Supported)
        #expect(!EncodeLoops.avx512Supported)
        #endif
    }

    /// New encoders and decoders take the selected loops: the widest this CPU runs, capped by
    /// `EXMY_KERNELS` (`EXMY_PORTABLE_KERNELS=1`: the Swift loops); no copy is handed to a CPU
    /// without its instruction set; the binary32 identity has only Swift loops.
    @Test func selection() throws {
        let widest: EncodeLoops = EncodeLoops.avx512Supported ? .avx512 : (EncodeLoops.avx2Supported ? .avx2 : .portable)
        #expect(EncodeLoops.widestSupported == widest)
        #expect(EncodeLoops.selected == min(widest, EncodeLoops.environmentCap ?? .avx512))
        let encoder = try BatchEncoder(.e4m3fn)
        #expect(encoder.loops == EncodeLoops.selected)
        #expect(BatchDecoder(.e4m3fn).loops == EncodeLoops.selected)
        #expect(encoder.withLoops(.portable).loops == .portable)
        #expect(encoder.withLoops(.avx2).loops == (EncodeLoops.avx2Supported ? .avx2 : .portable))
        #expect(encoder.withLoops(.avx512).loops == widest)
        #expect(BatchDecoder(.e4m3fn).withLoops(.avx512).loops == widest)
        #expect(BatchDecoder(.e4m3fn).withLoops(.portable).loops == .portable)
        #expect(try BatchEncoder(.fp32).withLoops(.avx2).loops == .portable)
        #expect(try BatchEncoder(.e4m3fn, rounding: .stochastic).loops == .portable)
        #expect(S.loopVariants(encoder).map(\.loops) == S.supportedLoops)
        #expect(S.supportedLoops.count == 1 + (EncodeLoops.avx2Supported ? 1 : 0) + (EncodeLoops.avx512Supported ? 1 : 0))
    }

    /// The random bits of stochastic rounding, on both loops, are the low bits of
    /// `CounterRandom.word(index:)` (the scalar engine's words), across 65 536-element blocks: the
    /// AVX2 words are those the kernels compute in their loop (`exmy_avx2_fill_random` writes them
    /// out with the kernels' own code), runs start at every position parity and cross into the next
    /// counter block at every lane of a 32-lane group.
    @Test func randomBits() {
        let stream = CounterRandom(seed: 0xC0FFEE)
        let dst = UnsafeMutablePointer<UInt32>.allocate(capacity: 65536)
        defer { dst.deallocate() }
        let crossings: [UInt64] = (0..<33).map { 65_536 - 1000 + UInt64($0) * 31 }
        for loops in [EncodeLoops.portable, .avx2].map(\.available) {
            for bits in [1, 5, 8, 16, 17, 23, 31, 32] {
                let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
                for start: UInt64 in [0, 3, 65_530, 131_072 + 4000, (1 << 40) - 17] + crossings {
                    for m in [1, 7, 33, 2048, 4096, 65_536] where m < 65_536 || start % 7 == 3 {
                        BatchEncoder.fillRandom(dst, BatchEncoder.counterRun(stream, start, bits), m, loops)
                        let k = (0..<m).first { UInt64(dst[$0]) != stream.word(index: start + UInt64($0)) & mask }
                        #expect(k == nil, "\(loops) bits \(bits) start \(start) m \(m): element \(k ?? 0)")
                    }
                }
            }
        }
    }

    /// The C narrowing of `Double` inputs (the hardware's conversion, toward zero, with the odd
    /// bit; each copy) at every length 0…300 (every 8-element group and 128-element step tail) on Doubles
    /// where its lanes differ from the Swift loop's special marker: `Float` subnormals with dropped
    /// bits, zeros, FLT_MAX and its neighbours up to and beyond 2^128, ±∞, NaN; into formats whose
    /// grid reaches 2^−147 (`e8m21`), whose range passes FLT_MAX (bias 126), E8M0 and others.
    @Test func doubleNarrowingEdgesAndTails() throws {
        var g = CounterRandomGenerator(seed: 83, index: 0)
        let greatest = Double(Float.greatestFiniteMagnitude)
        let edges: [Double] = [0, -0.0, .infinity, -.infinity, .nan, greatest, -greatest, greatest.nextUp, greatest + 0x1p103,
                               0x1p128.nextDown, 0x1p128, -0x1p128, 1e300, Double(Float.leastNormalMagnitude),
                               Double(Float.leastNormalMagnitude).nextDown, Double(Float.leastNonzeroMagnitude) / 2,
                               Double(Float.leastNonzeroMagnitude) / 3, .leastNonzeroMagnitude]
        let inputs: [Double] = (0..<300).map { k in
            if k % 5 == 0 { return edges[(k / 5) % edges.count] }
            let w = g.next()
            let e = k % 5 == 1 ? Int(w >> 56 % 30) - 155 : Int(w >> 56) % 60 - 30  // Float subnormals, or ordinary
            return Double(sign: w & 1 == 0 ? .plus : .minus, exponent: e, significand: 1 + Double(w & 0xF_FFFF_FFFF_FFFF) * 0x1p-52)
        }
        let formats = try ["e8m21", "e8m21:bias=126", "e8m7:bias=126", "e4m3fn", "bf16", "fp16", "e8m0fnu", "ue4m3"].map { try FloatFormat(parsing: $0) }
        for f in formats {
            // Stochastic rules at the most random bits the kernels take on narrowed Doubles
            // (A: N ≤ 22 − M, B: N ≤ 21 − M, C: N ≤ 21 − M, FastEncodePlan.acceptsNarrowedDoubles),
            // where the lowest bit read is nearest the odd bit, and at 8 bits.
            let sh = 23 - f.significandBitCount
            var rules: [RoundingRule] = [.toNearestOrEven, .towardZero, .up, .stochasticA(bits: sh - 1)]
            if f.significandBitCount > 0 { rules.append(.toOdd) }
            if sh >= 3 { rules += [.stochasticB(bits: sh - 2), .stochasticC(bits: sh - 2)] }
            if sh >= 10 { rules += [.stochasticA(bits: 8), .stochasticB(bits: 8)] }
            for rule in rules {
                let encoder = try BatchEncoder(f, rounding: rule, overflow: .saturateFinite, nanPolicy: .zero)
                #expect(encoder.runsDoublesOnVectorKernel, "\(f) \(rule)")
                let expected = S.scalar(f, rule, .saturateFinite, inputs, seed: 4)
                // batchNatural runs every loop implementation and requires the same from each.
                for length in 0...300 {
                    let got = try S.batchNatural(encoder, Array(inputs[0..<length]), options: .init(seed: 4))
                    let mismatch = S.firstMismatch(got.codes, Array(expected.codes[0..<length]), inputs)
                    #expect(mismatch == nil, "\(f) \(rule) length \(length): \(mismatch ?? "")")
                    if mismatch != nil { break }
                }
                let whole = try S.batchNatural(encoder, inputs, options: .init(seed: 4))
                #expect(whole.status == expected.status, "\(f) \(rule) flags")
            }
        }
    }

    /// A caller's thread with a non-default floating-point environment — flush-to-zero,
    /// denormals-are-zero and rounding upward (what fast-math libraries and `fesetround` leave
    /// behind) — gets the same codes, flags and values as under the default one, on every loop
    /// implementation, and gets its environment back: inputs where the `Float` adder decides
    /// (the tiny paths of E4M3FN and E2M1FN, `Float` subnormals into bf16 and `e8m21`, subnormal
    /// `Double`s) and the decoder of a format whose subnormals are `Float` subnormals.
    @Test func callerFloatingPointEnvironment() throws {
        guard FloatingPointEnvironment.isControllable else { return }
        let hostile: UInt32 = 0x1F80 | 0x8000 | 0x0040 | 0x4000  // FTZ, DAZ, round up (MXCSR)
        var g = CounterRandomGenerator(seed: 101, index: 0)
        let floats: [Float] = (0..<3000).map { k in
            let w = g.next()
            let s: FloatingPointSign = w & 1 == 0 ? .plus : .minus
            switch k % 3 {
            case 0: return Float(sign: s, exponent: -Int(w >> 8 % 14), significand: 1 + Float(w >> 20 & 0x7FFFFF) * 0x1p-23)  // tiny for E4M3FN, E2M1FN
            case 1: return Float(bitPattern: UInt32(w >> 32 & 0x7FFFFF) | (s == .minus ? 0x8000_0000 : 0))                  // Float subnormals
            default: return Float(sign: s, exponent: -126 - Int(w >> 8 % 4), significand: 1 + Float(w >> 20 & 0x7FFFFF) * 0x1p-23)
            }
        }
        let doubles = floats.map { Double($0) * (1 + 0x1p-40) }  // dropped bits below Float precision
        let wide = try FloatFormat(parsing: "e8m21")
        for f in [FloatFormat.e4m3fn, .e2m1fn, .bf16, wide] {
            for rule in [RoundingRule.toNearestOrEven, .towardZero, .stochasticA(bits: 1)] {
                let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
                let expectFloats = S.scalar(f, rule, .none, floats.map(Double.init), seed: 3)
                let expectDoubles = S.scalar(f, rule, .none, doubles, seed: 3)
                let saved = FloatingPointEnvironment.control
                FloatingPointEnvironment.control = hostile
                let gotFloats = Result { try S.batchNatural(encoder, floats, options: .init(threads: 1, seed: 3)) }
                let gotDoubles = Result { try S.batchNatural(encoder, doubles, options: .init(threads: 1, seed: 3)) }
                let after = FloatingPointEnvironment.control
                FloatingPointEnvironment.control = saved
                #expect(after & ~0x3F == hostile, "\(f) \(rule): the caller's environment is restored")
                let fl = try gotFloats.get(), db = try gotDoubles.get()
                #expect(S.firstMismatch(fl.codes, expectFloats.codes, floats.map(Double.init)) == nil, "\(f) \(rule) Float")
                #expect(fl.status == expectFloats.status, "\(f) \(rule) Float flags")
                #expect(S.firstMismatch(db.codes, expectDoubles.codes, doubles) == nil, "\(f) \(rule) Double")
                #expect(db.status == expectDoubles.status, "\(f) \(rule) Double flags")
            }
        }
        // Decoding: subnormals of E5M2 with bias 127 are Float subnormals (multiples of 2^−128), its
        // normal values normal Floats, so the arithmetic decoder takes it and multiplies into
        // subnormal results.
        let low = try FloatFormat(parsing: "e5m2:bias=127")
        #expect(BatchDecoder(low).usesArithmeticKernel(.float) == (EncodeLoops.selected != .portable))
        #expect(BatchDecoder(low).usesArithmeticKernel(.double) == (EncodeLoops.selected != .portable))
        let codes = (0..<256).map { UInt8($0) }
        let want = codes.map { Float(low.decode(UInt64($0))).bitPattern }
        let wantDoubles = codes.map { low.decode(UInt64($0)).bitPattern }
        for decoder in S.supportedLoops.map({ BatchDecoder(low).withLoops($0) }) {
            let saved = FloatingPointEnvironment.control
            FloatingPointEnvironment.control = hostile
            let got = Result { try decoder.decode(codes, as: Float.self, threads: 1) }
            let gotDoubles = Result { try decoder.decode(codes, as: Double.self, threads: 1) }
            FloatingPointEnvironment.control = saved
            #expect(try got.get().map(\.bitPattern) == want, "decode \(decoder.loops)")
            #expect(try gotDoubles.get().map(\.bitPattern) == wantDoubles, "decode \(decoder.loops) Double")
        }
    }

    /// Streaming stores (``StreamingStores``) go only where the output is 16-byte aligned: forced on,
    /// outputs at every byte offset of a 64-byte-aligned buffer (one-byte codes, 16-bit codes,
    /// packed FP4 from even element offsets, `Float` and `Double` values from bytes and from packed
    /// FP4 codes) get the scalar engine's
    /// answers on every copy of the C loops, and the buffer outside the output is untouched. (An
    /// unaligned `movntdq` would trap.) The decision follows the threshold.
    @Test func streamingStoresOnEveryAlignment() throws {
        // Input and output together reach the threshold, or the output alone a quarter of it.
        #expect(StreamingStores.$thresholdBytes.withValue(1000) { StreamingStores.worthwhile(count: 200, readBytes: 4, writtenBytes: 1) })
        #expect(!StreamingStores.$thresholdBytes.withValue(1001) { StreamingStores.worthwhile(count: 200, readBytes: 4, writtenBytes: 1) })
        #expect(StreamingStores.$thresholdBytes.withValue(1000) { StreamingStores.worthwhile(count: 63, readBytes: 1, writtenBytes: 4) })
        #expect(!StreamingStores.$thresholdBytes.withValue(1000) { StreamingStores.worthwhile(count: 62, readBytes: 1, writtenBytes: 4) })
        #expect(StreamingStores.worthwhile(count: .max, readBytes: 4, writtenBytes: 1))
        #expect(!StreamingStores.$thresholdBytes.withValue(.max) { StreamingStores.worthwhile(count: 1 << 40, readBytes: 8, writtenBytes: 8) })
        #expect(StreamingStores.thresholdBytes == StreamingStores.lastLevelCacheBytes)
        let n = 4099
        let input = BatchShapeTests.mixed(n, seed: 77)
        let e4 = try BatchEncoder(.e4m3fn, nanPolicy: .zero), e2 = try BatchEncoder(.e2m1fn, nanPolicy: .zero)
        // E4M3FN has a NaN code; E2M1FN has none, and its NaN policy writes 0.
        let bytes = S.scalar(.e4m3fn, .toNearestOrEven, .none, input.map(Double.init)).codes.map { UInt8($0) }
        let fp4 = S.scalar(.e2m1fn, .toNearestOrEven, .none, input.map(Double.init)).codes.enumerated().map { input[$0.offset].isNaN ? 0 : UInt8($0.element) }
        let packed = try CodePacking.pack(fp4, bitWidth: 4)
        let floats = bytes.map { Float(FloatFormat.e4m3fn.decode(UInt64($0))).bitPattern }
        let doubles = bytes.map { FloatFormat.e4m3fn.decode(UInt64($0)).bitPattern }
        let fp4Values = fp4.map { Float(FloatFormat.e2m1fn.decode(UInt64($0))).bitPattern }
        let fp4Doubles = fp4.map { FloatFormat.e2m1fn.decode(UInt64($0)).bitPattern }
        let region = UnsafeMutableRawPointer.allocate(byteCount: 8 * n + 128, alignment: 64)
        defer { region.deallocate() }
        for loops in S.supportedLoops where loops != .portable {
            try S.withStreaming(true) {
                for offset in 0..<16 {
                    let what = "\(loops) offset \(offset)"
                    func fresh() { region.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 8 * n + 128) }
                    func untouched(_ from: Int, _ count: Int) -> Bool {
                        let b = region.assumingMemoryBound(to: UInt8.self)
                        return (0..<from).allSatisfy { b[$0] == 0xA5 } && (from + count..<8 * n + 128).allSatisfy { b[$0] == 0xA5 }
                    }
                    fresh()
                    let out8 = UnsafeMutableBufferPointer(start: (region + offset).assumingMemoryBound(to: UInt8.self), count: n)
                    _ = try input.withUnsafeBufferPointer { try e4.withLoops(loops).encode($0, into: out8, options: .init(threads: 2)) }
                    #expect(Array(out8) == bytes && untouched(offset, n), "\(what) bytes")
                    fresh()
                    let out16 = UnsafeMutableBufferPointer(start: (region + 2 * offset).assumingMemoryBound(to: UInt16.self), count: n)
                    _ = try input.withUnsafeBufferPointer { try e4.withLoops(loops).encode($0, into: out16, options: .init(threads: 2)) }
                    #expect(out16.map(UInt8.init) == bytes && untouched(2 * offset, 2 * n), "\(what) UInt16")
                    fresh()
                    let outPacked = UnsafeMutableBufferPointer(start: (region + offset).assumingMemoryBound(to: UInt8.self), count: packed.count)
                    _ = try input.withUnsafeBufferPointer { try e2.withLoops(loops).encodePacked($0, into: outPacked, options: .init(threads: 2)) }
                    #expect(Array(outPacked) == packed && untouched(offset, packed.count), "\(what) packed FP4")
                    let decoder = BatchDecoder(.e4m3fn).withLoops(loops)
                    fresh()
                    let outFloat = UnsafeMutableBufferPointer(start: (region + 4 * offset).assumingMemoryBound(to: Float.self), count: n)
                    try bytes.withUnsafeBufferPointer { try decoder.decode($0, into: outFloat, threads: 2) }
                    #expect(outFloat.map(\.bitPattern) == floats && untouched(4 * offset, 4 * n), "\(what) Float")
                    fresh()
                    let outDouble = UnsafeMutableBufferPointer(start: (region + 8 * offset).assumingMemoryBound(to: Double.self), count: n)
                    try bytes.withUnsafeBufferPointer { try decoder.decode($0, into: outDouble, threads: 2) }
                    #expect(outDouble.map(\.bitPattern) == doubles && untouched(8 * offset, 8 * n), "\(what) Double")
                    let fp4Decoder = BatchDecoder(.e2m1fn).withLoops(loops)
                    fresh()
                    let outFP4 = UnsafeMutableBufferPointer(start: (region + 4 * offset).assumingMemoryBound(to: Float.self), count: n)
                    try packed.withUnsafeBufferPointer { try fp4Decoder.decodePacked($0, count: n, into: outFP4, threads: 2) }
                    #expect(outFP4.map(\.bitPattern) == fp4Values && untouched(4 * offset, 4 * n), "\(what) packed FP4 → Float")
                    fresh()
                    let outFP4D = UnsafeMutableBufferPointer(start: (region + 8 * offset).assumingMemoryBound(to: Double.self), count: n)
                    try packed.withUnsafeBufferPointer { try fp4Decoder.decodePacked($0, count: n, into: outFP4D, threads: 2) }
                    #expect(outFP4D.map(\.bitPattern) == fp4Doubles && untouched(8 * offset, 8 * n), "\(what) packed FP4 → Double")
                }
            }
        }
    }

    /// Stochastic rules on `Double` inputs whose dropped bits lie below `Float` precision, at every
    /// random-bit count near the kernels' limits: narrowed to odd, the lane's last bit is the
    /// input's bit ORed with all dropped bits, which stochastic A at `N = 23 − M` and B at
    /// `N = 22 − M` would read (they then rounded up at a rate of 2^−N; the scalar engine, never).
    /// Small `23 − M` makes a wrong decision frequent; the inputs' last `Float` bit is clear.
    @Test func stochasticDoublesBelowFloatPrecision() throws {
        var g = CounterRandomGenerator(seed: 47, index: 0)
        let n = 4096
        for text in ["e8m21", "e5m20", "e5m18", "e4m3fn"] {
            let f = try FloatFormat(parsing: text)
            let sh = 23 - f.significandBitCount
            let inputs: [Double] = (0..<n).map { _ in
                let w = g.next()
                let x = Float(sign: w & 1 == 0 ? .plus : .minus, exponent: Int(w >> 8 & 3), significand: 1 + Float(w >> 16 & 0x7F_FFFE) * 0x1p-23)
                return Double(x) + Double(x).ulp * Double(w >> 35 & 0x1FFF_FFFF | 1)  // below Float's last bit
            }
            let rules = [RoundingRule.stochasticA(bits: sh), .stochasticA(bits: sh - 1), .stochasticB(bits: sh - 1),
                         .stochasticB(bits: sh - 2), .stochasticC(bits: sh - 2)]
            for rule in rules where rule.isValid {
                let encoder = try BatchEncoder(f, rounding: rule, overflow: .saturateFinite)
                #expect(encoder.usesVectorKernel, "\(f) \(rule): Float inputs run on the kernels")
                let expected = S.scalar(f, rule, .saturateFinite, inputs, seed: 12, startIndex: 9)
                let got = try S.batchNatural(encoder, inputs, options: .init(seed: 12, startIndex: 9))
                let mismatch = S.firstMismatch(got.codes, expected.codes, inputs)
                #expect(mismatch == nil, "\(f) \(rule): \(mismatch ?? "")")
                #expect(got.status == expected.status, "\(f) \(rule) flags")
            }
        }
    }

    /// `Double` inputs of every exponent, with random significands (sticky bits everywhere), on both
    /// loops: the narrowing to odd and the kernels give the scalar engine's codes and flags.
    @Test func randomDoubles() throws {
        var g = CounterRandomGenerator(seed: 31, index: 0)
        let n = S.long ? 1 << 18 : 20_000
        let inputs: [Double] = (0..<n).map { k in
            let w = g.next()
            if k % 4 == 0 { return Double(bitPattern: w) }  // any pattern: NaN, ±∞, subnormals, huge
            let e = Int((w >> 52) % 80) - 60                 // around the small formats' ranges
            return Double(sign: w & 1 == 0 ? .plus : .minus, exponent: e, significand: 1 + Double(w & 0xF_FFFF_FFFF_FFFF) * 0x1p-52)
        }
        for f in [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .ue4m3, .mxint8, .tf32, .bf16, .e8m0fnu] {
            for rule in [RoundingRule.toNearestOrEven, .toOdd, .up, .stochasticA(bits: 8), .stochasticC(bits: 4)] {
                guard f.significandBitCount > 0 || rule != .toOdd else { continue }
                let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
                let expected = S.scalar(f, rule, .none, inputs, seed: 6, startIndex: 70_000)
                let got = try S.batchNatural(encoder, inputs, options: .init(seed: 6, startIndex: 70_000))
                let mismatch = S.firstMismatch(got.codes, expected.codes, inputs)
                #expect(mismatch == nil, "\(f) \(rule): \(mismatch ?? "")")
                #expect(got.status == expected.status, "\(f) \(rule) flags")
            }
        }
    }
}
