import Foundation

/// Element-wise arithmetic on buffers of codes: `x[i] ⊕ y[i]` for every `i`, rounded once into
/// the format.
///
/// Every element goes through the scalar arithmetic core (``FloatFormat/add(_:_:rounding:overflow:options:random:)``
/// and its siblings) with the batch's rules — one code path, so element `i` is exactly what the
/// scalar call gives. Stochastic rules draw element `i`'s random words from the ``CounterRandom``
/// stream at index `startIndex + i` (``CounterRandomGenerator``), so results depend only on
/// `(seed, startIndex + i)`: never on the thread count or on how an array is cut into calls.
///
/// ```swift
/// let fp8 = try BatchArithmetic(.e4m3fn)                          // nearest even, overflow none
/// let (sums, status) = try fp8.apply(.add, [xCodes, yCodes])      // [UInt8] in, [UInt8] out
/// let sr = try BatchArithmetic(.e2m1fn, rounding: .stochasticA(bits: 8))
/// let (products, _) = try sr.apply(.multiply, [a, b], options: .init(seed: 42))
/// // products[i] == FloatFormat.e2m1fn.multiply(decode(a[i]), decode(b[i]), rounding: .stochasticA(bits: 8),
/// //                  overflow: .none, random: &CounterRandomGenerator(seed: 42, index: UInt64(i))).code
/// ```
///
/// Codes: only the low ``FloatFormat/bitWidth`` bits of each input code are read (as
/// ``BatchDecoder`` reads them); results are written in the low bits with the high bits clear.
/// The output may be one of the inputs (in-place). Flags: the returned ``ConversionStatus`` is the
/// union of every element's flags. Errors: operands of different lengths, a code type narrower
/// than the format, misaligned buffers, a thread count below 1 and a counter range past 2^64
/// throw ``BatchError`` before anything is written; nothing traps.
public struct BatchArithmetic: Sendable {
    /// The format of every operand and result.
    public let format: FloatFormat
    /// The rounding rule.
    public let rounding: RoundingRule
    /// The overflow rule.
    public let overflow: OverflowRule

    /// An element-wise operation.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        /// `x + y`.
        case add
        /// `x − y`.
        case subtract
        /// `x · y`.
        case multiply
        /// `x / y`.
        case divide
        /// IEEE `remainder(x, y)`.
        case remainder
        /// `fmod(x, y)`.
        case truncatingRemainder
        /// `x · y + z`, rounded once.
        case fusedMultiplyAdd
        /// `√x`.
        case squareRoot

        /// The number of operands.
        public var arity: Int {
            switch self {
            case .squareRoot: return 1
            case .fusedMultiplyAdd: return 3
            default: return 2
            }
        }
    }

    /// Creates an element-wise arithmetic unit.
    ///
    /// - Throws: ``FormatError`` for a stochastic rule with a bit count outside 1 … 62.
    public init(_ format: FloatFormat, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) throws {
        self.format = format
        self.rounding = try rounding.validated()
        self.overflow = overflow
    }

    /// One element through the scalar core: the single code path of every batch operation.
    @inlinable
    func element<G: RandomNumberGenerator>(_ op: Operation, _ x: Double, _ y: Double, _ z: Double, _ g: inout G) -> FloatFormat.Encoded {
        switch op {
        case .add: return format.add(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .subtract: return format.subtract(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .multiply: return format.multiply(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .divide: return format.divide(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .remainder: return format.remainder(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .truncatingRemainder: return format.truncatingRemainder(x, y, rounding: rounding, overflow: overflow, random: &g)
        case .fusedMultiplyAdd: return format.fusedMultiplyAdd(x, y, z, rounding: rounding, overflow: overflow, random: &g)
        case .squareRoot: return format.squareRoot(x, rounding: rounding, overflow: overflow, random: &g)
        }
    }

    // MARK: Buffers

    /// Applies `operation` element-wise: `result[i] = operation(x[i], y[i], z[i])`, with as many
    /// operands as its ``Operation/arity`` (pass `nil` for the others).
    ///
    /// - Returns: the union of every element's flags.
    /// - Throws: ``BatchError`` for operands or a result of different lengths (kind
    ///   ``BatchError/Kind/lengthMismatch``), a missing or extra operand (``BatchError/Kind/invalidArgument``),
    ///   a `Code` narrower than the format, misaligned buffers, a bad thread count or start index.
    public func apply<Code: BatchCode>(
        _ operation: Operation, _ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>? = nil, _ z: UnsafeBufferPointer<Code>? = nil,
        into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        let operands = [x, y, z].prefix { $0 != nil }.map { $0! }
        guard operands.count == operation.arity, [x, y, z].compactMap({ $0 }).count == operation.arity else {
            throw BatchError(.invalidArgument, "\(operation.rawValue) takes \(operation.arity) operand\(operation.arity == 1 ? "" : "s") (x\(operation.arity > 1 ? ", y" : "")\(operation.arity > 2 ? ", z" : "")), in order")
        }
        for (k, buffer) in operands.enumerated() {
            try BatchChecks.aligned(UnsafeRawPointer(buffer.baseAddress), Code.self, ["x", "y", "z"][k])
        }
        try BatchChecks.aligned(UnsafeRawPointer(result.baseAddress), Code.self, "result")
        if operands.contains(where: { $0.count != result.count }) {
            let lengths = operands.enumerated().map { "\(["x", "y", "z"][$0.offset]) has \($0.element.count)" }.joined(separator: ", ")
            throw BatchError(.lengthMismatch, "\(operation.rawValue): \(lengths) elements and the result has room for \(result.count); pass buffers of equal length")
        }
        try BatchChecks.threads(options.threads)
        try BatchChecks.startIndex(options.startIndex, result.count)
        guard Code.bitWidth >= format.bitWidth else {
            throw BatchError(
                .codeTypeTooNarrow,
                "\(format) codes are \(format.bitWidth) bits wide; a \(Code.bitWidth)-bit code type cannot hold them (use UInt\(format.bitWidth <= 16 ? 16 : (format.bitWidth <= 32 ? 32 : 64)))")
        }
        let count = result.count
        if count == 0 { return [] }
        let job = Job(
            operation: operation, x: UncheckedSendable(x), y: UncheckedSendable(y ?? x), z: UncheckedSendable(z ?? x),
            result: UncheckedSendable(result), stream: CounterRandom(seed: options.seed), startIndex: options.startIndex)
        let threads = Self.threadCount(options.threads, count)
        let statuses = BatchParallel.run(count: count, threads: threads) { range in self.run(job, range) }
        return statuses.reduce(into: []) { $0.formUnion($1) }
    }

    struct Job<Code: BatchCode>: Sendable {
        let operation: Operation
        let x, y, z: UncheckedSendable<UnsafeBufferPointer<Code>>
        let result: UncheckedSendable<UnsafeMutableBufferPointer<Code>>
        let stream: CounterRandom
        let startIndex: UInt64
    }

    private func run<Code: BatchCode>(_ job: Job<Code>, _ range: Range<Int>) -> ConversionStatus {
        let x = job.x.value, y = job.y.value, z = job.z.value, out = job.result.value
        var status: ConversionStatus = []
        for i in range {
            var g = CounterRandomGenerator(stream: job.stream, index: job.startIndex &+ UInt64(i))
            let r = element(
                job.operation, format.decode(UInt64(truncatingIfNeeded: x[i])), format.decode(UInt64(truncatingIfNeeded: y[i])),
                format.decode(UInt64(truncatingIfNeeded: z[i])), &g)
            out[i] = Code(truncatingIfNeeded: r.code)
            status.formUnion(r.status)
        }
        return status
    }

    /// Threads for `count` elements: as requested (at most one per 2048-element block), else one
    /// below 16 384 elements and every active processor above (arithmetic costs far more per
    /// element than conversion, so it pays to split sooner). Results never depend on it.
    static func threadCount(_ requested: Int?, _ count: Int) -> Int {
        let blocks = (count + BatchParallel.blockSize - 1) / BatchParallel.blockSize
        if let requested { return max(1, min(requested, blocks)) }
        if count < 1 << 14 { return 1 }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, blocks))
    }

    /// `x + y` element-wise into `result`.
    package func add<Code: BatchCode>(_ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()) throws -> ConversionStatus {
        try apply(.add, x, y, into: result, options: options)
    }

    /// `x − y` element-wise into `result`.
    package func subtract<Code: BatchCode>(_ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()) throws -> ConversionStatus {
        try apply(.subtract, x, y, into: result, options: options)
    }

    /// `x · y` element-wise into `result`.
    package func multiply<Code: BatchCode>(_ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()) throws -> ConversionStatus {
        try apply(.multiply, x, y, into: result, options: options)
    }

    /// `x / y` element-wise into `result`.
    package func divide<Code: BatchCode>(_ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()) throws -> ConversionStatus {
        try apply(.divide, x, y, into: result, options: options)
    }

    /// `x · y + z` element-wise into `result`, rounded once.
    package func fusedMultiplyAdd<Code: BatchCode>(
        _ x: UnsafeBufferPointer<Code>, _ y: UnsafeBufferPointer<Code>, _ z: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>,
        options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        try apply(.fusedMultiplyAdd, x, y, z, into: result, options: options)
    }

    /// `√x` element-wise into `result`.
    package func squareRoot<Code: BatchCode>(_ x: UnsafeBufferPointer<Code>, into result: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()) throws -> ConversionStatus {
        try apply(.squareRoot, x, into: result, options: options)
    }

    // MARK: Arrays

    /// Applies `operation` element-wise to arrays of codes and returns the result codes.
    ///
    /// ```swift
    /// let (codes, status) = try BatchArithmetic(.e5m2).apply(.divide, [x, y])
    /// ```
    ///
    /// - Throws: as the buffer variant; `operands` must hold exactly ``Operation/arity`` arrays.
    public func apply<Code: BatchCode>(_ operation: Operation, _ operands: [[Code]], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        guard operands.count == operation.arity else {
            throw BatchError(.invalidArgument, "\(operation.rawValue) takes \(operation.arity) operand array\(operation.arity == 1 ? "" : "s"), not \(operands.count)")
        }
        let n = operands[0].count
        var status: ConversionStatus = []
        let codes = try [Code](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.initialize(repeating: 0)
            initialized = n
            status = try operands[0].withUnsafeBufferPointer { x in
                try (operands.count > 1 ? operands[1] : []).withUnsafeBufferPointer { y in
                    try (operands.count > 2 ? operands[2] : []).withUnsafeBufferPointer { z in
                        try apply(operation, x, operands.count > 1 ? y : nil, operands.count > 2 ? z : nil, into: buffer, options: options)
                    }
                }
            }
        }
        return (codes, status)
    }

    /// `x + y` element-wise.
    package func add<Code: BatchCode>(_ x: [Code], _ y: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.add, [x, y], options: options)
    }

    /// `x − y` element-wise.
    package func subtract<Code: BatchCode>(_ x: [Code], _ y: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.subtract, [x, y], options: options)
    }

    /// `x · y` element-wise.
    package func multiply<Code: BatchCode>(_ x: [Code], _ y: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.multiply, [x, y], options: options)
    }

    /// `x / y` element-wise.
    package func divide<Code: BatchCode>(_ x: [Code], _ y: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.divide, [x, y], options: options)
    }

    /// `x · y + z` element-wise, rounded once.
    package func fusedMultiplyAdd<Code: BatchCode>(_ x: [Code], _ y: [Code], _ z: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.fusedMultiplyAdd, [x, y, z], options: options)
    }

    /// `√x` element-wise.
    package func squareRoot<Code: BatchCode>(_ x: [Code], options: BatchOptions = .init()) throws -> (codes: [Code], status: ConversionStatus) {
        try apply(.squareRoot, [x], options: options)
    }
}
