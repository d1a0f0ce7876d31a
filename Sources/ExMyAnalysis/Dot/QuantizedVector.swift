import ExMy

/// One operand of a dot product after quantization: element values, the block scales that multiply
/// per-block partial sums, and a tensor-wide factor that is left out of the dot product.
///
/// The value the vector stands for is `elements[i] · blockScales[i / blockSize] · tensorFactor`.
/// The quantization is the analyzer's (``Quantizer``): the same scales, the same element rounding.
public struct QuantizedVector: Sendable {
    /// The element values, unscaled (for ``DotInput/none``, the `Float` data itself).
    public var elements: [Double]
    /// The length of a scale block, or `nil` when the vector has no block scales.
    public var blockSize: Int?
    /// One stored scale per block (MX's E8M0, NVFP4's UE4M3, an FP32 absmax scale); empty without
    /// blocks. NaN for a block holding NaN or ±∞ (its elements are NaN).
    public var blockScales: [Double]
    /// The tensor-wide factor (a per-tensor FP32 scale, NVFP4's second-level scale; 1 otherwise): a
    /// common factor of every product, applied to neither the computed nor the exact dot product.
    public var tensorFactor: Double

    /// Creates a vector from parts (for tests and callers with their own quantization).
    public init(elements: [Double], blockSize: Int? = nil, blockScales: [Double] = [], tensorFactor: Double = 1) throws {
        if let blockSize {
            guard blockSize >= 1 else { throw AnalysisError("block size must be at least 1, not \(blockSize)") }
            let blocks = (elements.count + blockSize - 1) / blockSize
            guard blockScales.count == blocks else {
                throw AnalysisError("\(elements.count) elements in blocks of \(blockSize) need \(blocks) scales, not \(blockScales.count)")
            }
        } else if !blockScales.isEmpty {
            throw AnalysisError("block scales given without a block size")
        }
        self.elements = elements
        self.blockSize = blockSize
        self.blockScales = blockScales
        self.tensorFactor = tensorFactor
    }

    /// Quantizes `values` as `input` says. Stochastic element rounding draws element `i`'s bits from
    /// the ``CounterRandom`` stream of `seed` at index `i`, as ``Quantizer`` (`exmy analyze`) and the
    /// batch encoder (`exmy encode`) do: the same scheme and seed give the same elements. Scales are
    /// computed from this vector alone (a vector is a 1 × n tensor).
    public init(quantizing values: [Float], as input: DotInput, seed: UInt64 = 0) throws {
        switch input {
        case .none:
            elements = values.map(Double.init)
            blockSize = nil
            blockScales = []
            tensorFactor = 1
        case .format(let format, let rule, let overflow):
            elements = values.indices.map { i in
                var random = CounterRandomGenerator(seed: seed, index: UInt64(i))
                return format.decode(format.encode(Double(values[i]), rounding: rule, overflow: overflow, random: &random).code)
            }
            blockSize = nil
            blockScales = []
            tensorFactor = 1
        case .scheme(let scheme):
            let tensor = try Tensor(name: "vector", values: values, shape: [1, values.count])
            let groups = try Quantizer.groupScales(tensor, scheme)
            let format = scheme.element
            elements = values.indices.map { i in
                var random = CounterRandomGenerator(seed: seed, index: UInt64(i))
                return Quantizer.element(values[i], scale: groups.scales[groups.layout.group(of: i)], format: format, scheme: scheme, random: &random)
            }
            switch scheme.granularity {
            case .block(let b):
                blockSize = b
                blockScales = groups.storedScales
                tensorFactor = groups.tensorFactor
            case .tensor:
                // One scale for the whole vector: a common factor.
                blockSize = nil
                blockScales = []
                tensorFactor = groups.scales.first ?? 1
            case .channel:
                throw AnalysisError("per-channel scaling does not apply to a dot product of two vectors")
            }
        }
    }

    /// The number of elements.
    public var count: Int { elements.count }

    /// The scale of element `i` without the tensor factor (1 without blocks).
    @inline(__always)
    func blockScale(at i: Int) -> Double {
        guard let blockSize else { return 1 }
        return blockScales[i / blockSize]
    }

    /// `elements[i] · blockScale(at: i)`, which must be exact in `Double` for the exact reference.
    func dequantized(at i: Int) throws -> Double {
        let e = elements[i], s = blockScale(at: i)
        let v = e * s
        if v.isFinite && (-v).addingProduct(e, s) != 0 {
            throw AnalysisError("element \(e) × block scale \(s) is not exact in Double: the exact reference needs it to be")
        }
        return v
    }
}
