import ExMy

/// A complete dot-product configuration: input quantization of each operand, product rounding,
/// accumulator and accumulation order.
public struct DotConfiguration: Hashable, Sendable, CustomStringConvertible {
    /// A display name (defaults to a description of the settings).
    public var name: String
    /// How the first operand is quantized.
    public var inputA: DotInput
    /// How the second operand is quantized.
    public var inputB: DotInput
    /// Rounding of each product (of elements, before any block scale): exact by default.
    public var product: DotRounding
    /// The accumulator: exact, or a format with a rounding rule.
    public var accumulator: DotRounding
    /// The order of the accumulation steps.
    public var order: AccumulationOrder

    /// Creates a configuration; `name` defaults to ``settingsDescription``.
    public init(name: String? = nil, inputA: DotInput, inputB: DotInput, product: DotRounding = .exact,
                accumulator: DotRounding, order: AccumulationOrder = .sequential) {
        self.inputA = inputA
        self.inputB = inputB
        self.product = product
        self.accumulator = accumulator
        self.order = order
        self.name = name ?? ""
        if name == nil { self.name = settingsDescription }
    }

    /// `inputs × product → accumulator, order`.
    public var settingsDescription: String {
        let inputs = inputA == inputB ? inputA.description : "\(inputA)·\(inputB)"
        let product = self.product.format == nil ? "" : " ×\(self.product)"
        return "\(inputs)\(product) acc \(accumulator) \(order)"
    }

    /// The display name.
    public var description: String { name }

    /// Checks the settings that do not depend on the data.
    public func validate() throws {
        if case .promoted(let k, let wide) = order {
            guard k >= 1 else { throw AnalysisError("promotion interval \(k) must be at least 1") }
            guard wide.format != nil else { throw AnalysisError("promotion into an exact accumulator: use --accumulator exact instead") }
        }
        for input in [inputA, inputB] {
            if case .scheme(let s) = input, case .channel = s.granularity {
                throw AnalysisError("per-channel scaling does not apply to a dot product of two vectors: use per-tensor, absmax or a block scheme")
            }
        }
    }
}
