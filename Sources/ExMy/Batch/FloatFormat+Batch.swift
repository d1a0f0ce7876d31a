/// Array conveniences on ``FloatFormat`` for one-off batch conversions. For repeated calls, make a
/// ``BatchEncoder`` / ``BatchDecoder`` once: they precompute the kernels' parameters and tables.
extension FloatFormat {
    /// Encodes an array in one batch call (see ``BatchEncoder``).
    ///
    /// ```swift
    /// let (codes, status) = try FloatFormat.e5m2.encode(values, as: UInt8.self)
    /// let (sr, _) = try FloatFormat.e2m1fn.encode(values, as: UInt8.self, rounding: .stochasticA(bits: 8), options: .init(seed: 7))
    /// ```
    public func encode<Source: BatchFloatingPoint, Code: BatchCode>(
        _ values: [Source], as code: Code.Type, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        nanPolicy: BatchNaNPolicy = .error, options: BatchOptions = .init()
    ) throws -> (codes: [Code], status: ConversionStatus) {
        try BatchEncoder(self, rounding: rounding, overflow: overflow, nanPolicy: nanPolicy).encode(values, as: code, options: options)
    }

    /// Decodes an array of codes in one batch call (see ``BatchDecoder``).
    public func decode<Code: BatchCode, Target: BatchFloatingPoint>(_ codes: [Code], as target: Target.Type) throws -> [Target] {
        try BatchDecoder(self).decode(codes, as: target)
    }
}

extension BatchEncoder {
    /// Encodes an array of bfloat16 bit patterns.
    public func encode<Code: BatchCode>(
        bfloat16Bits source: [UInt16], as _: Code.Type = UInt8.self, options: BatchOptions = .init()
    ) throws -> (codes: [Code], status: ConversionStatus) {
        var status: ConversionStatus = []
        let codes = try [Code](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            initialized = source.count
            status = try source.withUnsafeBufferPointer { try encode(bfloat16Bits: $0, into: buffer, options: options) }
        }
        return (codes, status)
    }
}

extension BatchDecoder {
    /// Decodes an array of codes into bfloat16 bit patterns.
    public func decodeToBFloat16Bits<Code: BatchCode>(_ codes: [Code], threads: Int? = nil) throws -> [UInt16] {
        try [UInt16](unsafeUninitializedCapacity: codes.count) { buffer, initialized in
            try codes.withUnsafeBufferPointer { try decode($0, intoBFloat16Bits: buffer, threads: threads) }
            initialized = codes.count
        }
    }
}
