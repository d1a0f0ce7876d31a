import Foundation
import Testing
@testable import ExMy

/// Batch element-wise arithmetic against the scalar core, element by element, with the same
/// counter-based random stream.
struct BatchArithmeticTests {
    /// Small formats whose every pair of codes is checked.
    static let pairFormats: [FloatFormat] = [
        .e4m3fn, .e5m2, .e4m3fnuz, .e2m1fn, .e3m2fn, .e8m0fnu, .ue4m3, .mxint8, .fp3E1M1NoSubnormals,
        try! FloatFormat(parsing: "binary8p3se"), try! FloatFormat(parsing: "binary6p3ue"), try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off"),
    ]

    static let rules: [RoundingRule] = [.toNearestOrEven, .towardZero, .up, .toOdd, .stochasticA(bits: 8), .stochasticC(bits: 3), .stochastic]

    /// The scalar core on element `i` (stream index `startIndex + i`).
    static func scalar(
        _ op: BatchArithmetic.Operation, _ f: FloatFormat, _ rule: RoundingRule, _ overflow: OverflowRule,
        _ operands: [[UInt64]], seed: UInt64, startIndex: UInt64 = 0
    ) -> (codes: [UInt64], status: ConversionStatus) {
        let stream = CounterRandom(seed: seed)
        var codes: [UInt64] = [], status: ConversionStatus = []
        for i in operands[0].indices {
            var g = CounterRandomGenerator(stream: stream, index: startIndex &+ UInt64(i))
            let v = operands.map { f.decode($0[i]) }
            let r: FloatFormat.Encoded
            switch op {
            case .add: r = f.add(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .subtract: r = f.subtract(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .multiply: r = f.multiply(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .divide: r = f.divide(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .remainder: r = f.remainder(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .truncatingRemainder: r = f.truncatingRemainder(v[0], v[1], rounding: rule, overflow: overflow, random: &g)
            case .fusedMultiplyAdd: r = f.fusedMultiplyAdd(v[0], v[1], v[2], rounding: rule, overflow: overflow, random: &g)
            case .squareRoot: r = f.squareRoot(v[0], rounding: rule, overflow: overflow, random: &g)
            }
            codes.append(r.code)
            status.formUnion(r.status)
        }
        return (codes, status)
    }

    /// Every ordered pair of codes of `f`, as two operand arrays (plus a third for fma).
    static func pairs(_ f: FloatFormat) -> [[UInt64]] {
        let n = f.codeCount
        var x: [UInt64] = [], y: [UInt64] = [], z: [UInt64] = []
        for a in 0..<n { for b in 0..<n {
            x.append(a); y.append(b); z.append((a &* 7 &+ b &* 13) % n)
        } }
        return [x, y, z]
    }

    @Test(arguments: pairFormats)
    func everyPairMatchesTheScalarCore(format f: FloatFormat) throws {
        let operands = Self.pairs(f)
        for op in BatchArithmetic.Operation.allCases {
            for (k, rule) in Self.rules.enumerated() {
                let overflow = OverflowRule.allCases[k % 3]
                let unit = try BatchArithmetic(f, rounding: rule, overflow: overflow)
                let args = Array(operands.prefix(op.arity))
                let want = Self.scalar(op, f, rule, overflow, args, seed: 77)
                let got = try unit.apply(op, args, options: .init(threads: 2, seed: 77))
                #expect(got.codes == want.codes, "\(f) \(op) \(rule) \(overflow): first mismatch at \(got.codes.indices.first { $0 < want.codes.count && got.codes[$0] != want.codes[$0] } ?? -1)")
                #expect(got.status == want.status, "\(f) \(op) \(rule) \(overflow)")
                // Narrow code types give the same codes.
                let narrow = try unit.apply(op, args.map { $0.map { UInt8($0) } }, options: .init(seed: 77))
                #expect(narrow.codes.map(UInt64.init) == want.codes && narrow.status == want.status)
            }
        }
    }

    /// Lengths around every block and chunk boundary, split into pieces with matching start
    /// indices, any thread count: the same codes as the scalar loop.
    @Test func everyTailLengthThreadsAndPieces() throws {
        let f = FloatFormat.fp16
        var g = CounterRandomGenerator(seed: 3, index: 0)
        let pool = (0..<10_000).map { _ in UInt16(truncatingIfNeeded: g.next()) }
        let lengths = Array(0...17) + [31, 32, 33, 2047, 2048, 2049, 4095, 4096, 4097, 6143, 8193]
        let unit = try BatchArithmetic(f, rounding: .stochasticB(bits: 11))
        for n in lengths {
            let x = Array(pool.prefix(n)), y = Array(pool.dropFirst(n % 97).prefix(n)), z = Array(pool.suffix(n))
            let want = Self.scalar(.fusedMultiplyAdd, f, .stochasticB(bits: 11), .none, [x, y, z].map { $0.map(UInt64.init) }, seed: 9, startIndex: 5)
            for threads in [1, 2, 3] {
                let got = try unit.fusedMultiplyAdd(x, y, z, options: .init(threads: threads, seed: 9, startIndex: 5))
                #expect(got.codes.map(UInt64.init) == want.codes && got.status == want.status, "n \(n) threads \(threads)")
            }
            // Two pieces with matching start indices.
            let cut = n / 3
            let a = try unit.fusedMultiplyAdd(Array(x[..<cut]), Array(y[..<cut]), Array(z[..<cut]), options: .init(seed: 9, startIndex: 5))
            let b = try unit.fusedMultiplyAdd(Array(x[cut...]), Array(y[cut...]), Array(z[cut...]), options: .init(seed: 9, startIndex: 5 + UInt64(cut)))
            #expect((a.codes + b.codes).map(UInt64.init) == want.codes && a.status.union(b.status) == want.status, "pieces n \(n)")
            // Each unary and binary entry point on this length.
            let sq = try unit.squareRoot(x, options: .init(seed: 9, startIndex: 5))
            #expect(sq.codes.map(UInt64.init) == Self.scalar(.squareRoot, f, .stochasticB(bits: 11), .none, [x.map(UInt64.init)], seed: 9, startIndex: 5).codes)
            let dv = try unit.divide(x, y, options: .init(threads: 2, seed: 9, startIndex: 5))
            #expect(dv.codes.map(UInt64.init) == Self.scalar(.divide, f, .stochasticB(bits: 11), .none, [x, y].map { $0.map(UInt64.init) }, seed: 9, startIndex: 5).codes)
        }
    }

    /// Buffers in place, high code bits ignored, and the wrappers agree with `apply`.
    @Test func inPlaceAndHighBits() throws {
        let unit = try BatchArithmetic(.e2m1fn)
        var x: [UInt8] = (0..<64).map { UInt8($0) }  // codes above 0xF: only the low 4 bits are read
        let y: [UInt8] = (0..<64).map { UInt8(($0 * 5) & 0xF) }
        let want = Self.scalar(.add, .e2m1fn, .toNearestOrEven, .none, [x.map { UInt64($0 & 0xF) }, y.map(UInt64.init)], seed: 0)
        let copy = try unit.add(x, y)
        let status = try y.withUnsafeBufferPointer { yb in
            try x.withUnsafeMutableBufferPointer { xb in try unit.add(UnsafeBufferPointer(xb), yb, into: xb) }
        }
        #expect(x.map(UInt64.init) == want.codes && status == want.status && copy.codes == x)
        #expect(try unit.subtract(x, y).codes == unit.apply(.subtract, [x, y]).codes)
        #expect(try unit.multiply(x, y).codes == unit.apply(.multiply, [x, y]).codes)
    }

    /// Bad arguments throw `BatchError` (never trap).
    @Test func argumentErrors() throws {
        let unit = try BatchArithmetic(.e4m3fn)
        var e = #expect(throws: BatchError.self) { _ = try unit.add([1, 2, 3] as [UInt8], [1, 2]) }
        #expect(e?.kind == .lengthMismatch)
        e = #expect(throws: BatchError.self) { _ = try unit.fusedMultiplyAdd([1, 2] as [UInt8], [1, 2], [1]) }
        #expect(e?.kind == .lengthMismatch)
        var out = [UInt8](repeating: 0, count: 2)
        e = #expect(throws: BatchError.self) {
            _ = try ([1, 2] as [UInt8]).withUnsafeBufferPointer { x in try out.withUnsafeMutableBufferPointer { try unit.add(x, x, into: $0.extracting(0..<1)) } }
        }
        #expect(e?.kind == .lengthMismatch)
        e = #expect(throws: BatchError.self) { _ = try unit.apply(.add, [[1, 2] as [UInt8]]) }
        #expect(e?.kind == .invalidArgument)
        e = #expect(throws: BatchError.self) {
            _ = try ([1] as [UInt8]).withUnsafeBufferPointer { x in try out.withUnsafeMutableBufferPointer { try unit.apply(.squareRoot, x, x, into: $0.extracting(0..<1)) } }
        }
        #expect(e?.kind == .invalidArgument)
        e = #expect(throws: BatchError.self) { _ = try BatchArithmetic(.fp16).add([1] as [UInt8], [1]) }
        #expect(e?.kind == .codeTypeTooNarrow)
        e = #expect(throws: BatchError.self) { _ = try unit.add([1] as [UInt8], [1], options: .init(threads: 0)) }
        #expect(e?.kind == .invalidArgument)
        e = #expect(throws: BatchError.self) { _ = try unit.add([1, 2] as [UInt8], [1, 2], options: .init(startIndex: .max)) }
        #expect(e?.kind == .tooLarge)
        #expect(throws: FormatError.self) { _ = try BatchArithmetic(.e4m3fn, rounding: .stochasticA(bits: 0)) }
        #expect(try unit.add([UInt8](), []).codes.isEmpty)
    }
}
