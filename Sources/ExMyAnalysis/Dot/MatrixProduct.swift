/// A matrix product `C = A · B` whose every element is an emulated dot product.
public struct MatrixProduct: Sendable {
    /// Rows of `C` (`A`'s rows).
    public var rows: Int
    /// Columns of `C` (`B`'s columns).
    public var columns: Int
    /// The emulated `C`, row-major (tensor-wide scales left out, as in ``DotProduct``).
    public var computed: [Double]
    /// The exact `C` of the quantized inputs, rounded to `Double` once per element, row-major.
    public var exact: [Double]
    /// Terms that were not exact in `Double` (see ``DotEvaluation/inexactTerms``), over all elements.
    public var inexactTerms: Int

    /// Multiplies `a` (`M × K`, row-major) by `b` (`K × N`, row-major) under `configuration`.
    ///
    /// Rows of `A` are quantized with the configuration's first input and columns of `B` with its
    /// second, each as a vector of length `K` — block scales run along `K` in both, as OCP MX and
    /// NVFP4 GEMMs require. `C[i][j]` is ``DotProduct/evaluate(_:_:_:random:)`` of row `i` and
    /// column `j`; stochastic rounding draws from one generator seeded with `seed`, element by
    /// element in row-major order.
    public init(_ a: Tensor, _ b: Tensor, _ configuration: DotConfiguration, seed: UInt64 = 0) throws {
        guard a.shape.count == 2, b.shape.count == 2 else {
            throw AnalysisError("matrix product of shapes \(a.shape) and \(b.shape): both must be 2-D")
        }
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        guard b.shape[0] == k else {
            throw AnalysisError("matrix product of shapes \(a.shape) and \(b.shape): inner dimensions \(k) and \(b.shape[0]) differ")
        }
        guard k >= 1 else { throw AnalysisError("matrix product with inner dimension 0") }
        let rowVectors = try (0..<m).map { i in
            try QuantizedVector(quantizing: Array(a.values[(i * k)..<((i + 1) * k)]), as: configuration.inputA,
                                seed: DotVectorSource.derivedSeed(seed, 0, UInt64(i)))
        }
        let columnVectors = try (0..<n).map { j in
            try QuantizedVector(quantizing: (0..<k).map { b.values[$0 * n + j] }, as: configuration.inputB,
                                seed: DotVectorSource.derivedSeed(seed, 1, UInt64(j)))
        }
        var random = SeededGenerator(seed: DotVectorSource.derivedSeed(seed, 2))
        var computed = [Double](), exact = [Double](), inexact = 0
        computed.reserveCapacity(m * n)
        exact.reserveCapacity(m * n)
        for i in 0..<m {
            for j in 0..<n {
                let r = try DotProduct.evaluate(rowVectors[i], columnVectors[j], configuration, random: &random)
                computed.append(r.doubleValue)
                exact.append(try DotProduct.exact(rowVectors[i], columnVectors[j]).dot.doubleValue)
                inexact += r.inexactTerms
            }
        }
        self.rows = m
        self.columns = n
        self.computed = computed
        self.exact = exact
        self.inexactTerms = inexact
    }
}
