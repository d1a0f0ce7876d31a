import Foundation
import Testing
@testable import ExMy

/// Shared inputs and the scalar reference for the batch tests.
enum BatchTestSupport {
    /// Long sweeps run when `EXMY_LONG=1` (use `swift test -c release`).
    static let long = ProcessInfo.processInfo.environment["EXMY_LONG"] == "1"

    /// The formats every batch test covers: the catalog, a few P3109 formats and non-catalog ones.
    static let formats: [FloatFormat] = {
        var f = FloatFormat.catalog
        for spelling in [
            "binary8p3se", "binary8p4sf", "binary4p2sf", "binary8p1uf", "binary6p3ue", "binary3p2sf",
            "e3m3:bias=5,subnormals=off", "e4m3:unsigned,subnormals=off,specials=none", "e5m2:bias=20,specials=fnuz",
            "e3m2:bias=1,specials=p3109-extended", "e0m3:twos-complement,bias=0,specials=none", "e5m10:bias=10",
        ] {
            f.append(try! FloatFormat(parsing: spelling))
        }
        return f
    }()

    static let stochasticRules: [RoundingRule] = [
        .stochasticA(bits: 8), .stochasticA(bits: 3), .stochasticB(bits: 8), .stochasticC(bits: 8),
        .stochasticA(bits: 20), .stochasticB(bits: 19), .stochasticC(bits: 18), .stochasticA(bits: 30), .stochastic,
    ]

    /// Every Float16 bit pattern, as Float.
    static let allFloat16: [Float] = (0...0xFFFF).map { Float(float16Value(UInt16($0))) }

    /// The exact value of a Float16 bit pattern (through the batch API's own reader).
    static func float16Value(_ bits: UInt16) -> Double {
        withUnsafeBytes(of: bits) { SourceWidening.value(.float16, $0.baseAddress!, 0) }
    }

    /// Every bfloat16 bit pattern, as Float.
    static let allBFloat16: [Float] = (0...0xFFFF).map { Float(bitPattern: UInt32($0) << 16) }

    /// Specials and edge values of Float.
    static let specials: [Float] = {
        var v: [Float] = [
            0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .infinity, .nan,
            Float(bitPattern: 0x7FA0_0001), Float(bitPattern: 0x7FFF_FFFF), 1, 0.5, 2, 3, 448, 464, 465, 480, 57344, 61440, 1e-30, 1e30,
            Float.leastNormalMagnitude.nextDown, Float.leastNormalMagnitude.nextUp,
        ]
        v += v.map { -$0 }
        return v
    }()

    /// Every finite value of `format`, the midpoints between neighbours, and the Float neighbours of both.
    static func midpoints(_ format: FloatFormat) -> [Float] {
        let limit = min(format.codeCount, 1 << 12)
        var values: [Double] = []
        for c in 0..<limit {
            let v = format.decode(c)
            if v.isFinite { values.append(abs(v)) }
        }
        values = Array(Set(values)).sorted()
        var out: [Float] = []
        func add(_ d: Double) {
            let f = Float(d)
            out += [f, f.nextUp, f.nextDown]
        }
        for (i, v) in values.enumerated() {
            add(v)
            if i + 1 < values.count { add((v + values[i + 1]) / 2) }
        }
        if let last = values.last { add(last * 1.25); add(last * 2) }
        add(format.leastNonzeroMagnitude / 2)
        add(format.leastNonzeroMagnitude / 4)
        return out + out.map { -$0 }
    }

    /// The scalar engine's codes and flags for `values` (element k draws from `startIndex + k`).
    static func scalar(
        _ format: FloatFormat, _ rule: RoundingRule, _ overflow: OverflowRule, _ values: [Double],
        seed: UInt64 = 0, startIndex: UInt64 = 0
    ) -> (codes: [UInt64], status: ConversionStatus) {
        var status: ConversionStatus = []
        let stream = CounterRandom(seed: seed)
        var codes: [UInt64] = []
        codes.reserveCapacity(values.count)
        for (k, v) in values.enumerated() {
            var g = CounterRandomGenerator(stream: stream, index: startIndex &+ UInt64(k))
            let e = format.encode(v, rounding: rule, overflow: overflow, random: &g)
            codes.append(e.code)
            status.formUnion(e.status)
        }
        return (codes, status)
    }

    /// The encoder on every implementation of the loops this machine runs: the Swift loops, and the
    /// AVX2 and AVX-512 copies of the C loops of `CExMyKernels` where the CPU has them (whatever
    /// `EXMY_KERNELS` says).
    static func loopVariants(_ encoder: BatchEncoder) -> [BatchEncoder] {
        supportedLoops.map { encoder.withLoops($0) }
    }

    /// Every implementation of the loops this CPU runs, the Swift loops first.
    static var supportedLoops: [EncodeLoops] {
        EncodeLoops.allCases.filter { $0 <= EncodeLoops.widestSupported }
    }

    /// Runs `body` with the C loops' streaming stores (``StreamingStores``) forced on or off,
    /// whatever the job's size.
    static func withStreaming<R>(_ streaming: Bool, _ body: () throws -> R) rethrows -> R {
        try StreamingStores.$thresholdBytes.withValue(streaming ? 0 : .max, operation: body)
    }

    /// Runs `body` on every loop variant of `encoder` (each C copy once with ordinary stores and
    /// once with streaming stores), expects the same result from each, and returns the Swift
    /// loops' result (which the callers compare with the scalar engine: so all are checked).
    static func onEveryLoops<R: Equatable>(
        _ encoder: BatchEncoder, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (BatchEncoder) throws -> R
    ) rethrows -> R {
        let variants = loopVariants(encoder)
        let first = try withStreaming(false) { try body(variants[0]) }
        for v in variants.dropFirst() {
            for streaming in [false, true] {
                let other = try withStreaming(streaming) { try body(v) }
                var detail = ""
                if let a = other as? Encoded, let b = first as? Encoded, let k = a.codes.indices.first(where: { k in k < b.codes.count && a.codes[k] != b.codes[k] }) {
                    detail = " (element \(k): 0x\(String(a.codes[k], radix: 16)) vs 0x\(String(b.codes[k], radix: 16)))"
                }
                let same = other == first  // (a Bool: the values themselves would flood the log)
                #expect(same, "\(encoder.format) \(encoder.rounding) \(what): the \(v.loops) loops\(streaming ? " (streaming stores)" : "") differ from the portable ones\(detail)",
                        sourceLocation: sourceLocation)
            }
        }
        return first
    }

    struct Encoded: Equatable {
        var codes: [UInt64]
        var status: ConversionStatus
    }

    /// Runs the batch encoder (NaN policy `.zero`, the raw primitive's answer) into UInt64 codes,
    /// on every loop variant.
    static func batch<Source: BatchFloatingPoint>(
        _ encoder: BatchEncoder, _ values: [Source], options: BatchOptions = .init()
    ) throws -> (codes: [UInt64], status: ConversionStatus) {
        let r = try onEveryLoops(encoder) { e in
            let r = try e.encode(values, as: UInt64.self, options: options)
            return Encoded(codes: r.codes, status: r.status)
        }
        return (r.codes, r.status)
    }

    /// Runs the batch encoder into the format's natural code type and widens the result, on every
    /// loop variant.
    static func batchNatural<Source: BatchFloatingPoint>(
        _ encoder: BatchEncoder, _ values: [Source], options: BatchOptions = .init()
    ) throws -> (codes: [UInt64], status: ConversionStatus) {
        let r = try onEveryLoops(encoder) { e in
            let r = try batchNaturalOnce(e, values, options: options)
            return Encoded(codes: r.codes, status: r.status)
        }
        return (r.codes, r.status)
    }

    static func batchNaturalOnce<Source: BatchFloatingPoint>(
        _ encoder: BatchEncoder, _ values: [Source], options: BatchOptions
    ) throws -> (codes: [UInt64], status: ConversionStatus) {
        let k = encoder.format.bitWidth
        if k <= 8 {
            let r = try encoder.encode(values, as: UInt8.self, options: options)
            return (r.codes.map(UInt64.init), r.status)
        } else if k <= 16 {
            let r = try encoder.encode(values, as: UInt16.self, options: options)
            return (r.codes.map(UInt64.init), r.status)
        } else if k <= 32 {
            let r = try encoder.encode(values, as: UInt32.self, options: options)
            return (r.codes.map(UInt64.init), r.status)
        }
        return try encoder.encode(values, as: UInt64.self, options: options)
    }

    /// The first mismatch between two code lists, described.
    static func firstMismatch(_ a: [UInt64], _ b: [UInt64], _ inputs: [Double]) -> String? {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            return "element \(i) input \(inputs[i]) (\(String(Float(inputs[i]).bitPattern, radix: 16))): batch 0x\(String(a[i], radix: 16)) scalar 0x\(String(b[i], radix: 16))"
        }
        return a.count == b.count ? nil : "lengths \(a.count) vs \(b.count)"
    }
}

/// Lets a named thread count split even short arrays at every block (``BatchParallel``'s
/// `minimumElementsPerThread` lowered to one element) for the tests of a suite, so that the
/// thread-independence tests cut their few-thousand-element inputs into several chunks.
struct SplittingShortArrays: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await BatchParallel.$minimumElementsPerThread.withValue(1) { try await function() }
    }
}

extension Trait where Self == SplittingShortArrays {
    /// See ``SplittingShortArrays``.
    static var splittingShortArrays: Self { Self() }
}
