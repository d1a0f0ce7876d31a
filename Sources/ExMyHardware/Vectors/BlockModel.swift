import ExMy
import ExMyAnalysis

/// One block vector: the input codes of a line, the expected output codes and the flags.
public struct BlockVector: Hashable, Sendable {
    /// Scaled conversion: the block's source codes, then (NVFP4 two-level) the FP32 per-tensor
    /// scale. Dot: the K codes of A, the K of B, the scales of A, the scales of B, then C.
    public var inputs: [UInt64]
    /// Scaled conversion: the scale code, then the element codes. Dot: the result code.
    public var outputs: [UInt64]
    /// The exception flags raised (scaled conversion: those of the element conversions together);
    /// empty and not compared where ``BlockVectorModel/flagsModelled`` is `false`.
    public var flags: TestFloatFlags

    /// Creates a vector from its columns, as given (nothing is checked against a model).
    public init(inputs: [UInt64], outputs: [UInt64], flags: TestFloatFlags) {
        self.inputs = inputs
        self.outputs = outputs
        self.flags = flags
    }
}

/// The reference model of a block function.
///
/// **Scaled conversion** (`f32_to_mxfp8e4m3`, `f32_to_nvfp4`, …), for a block `x_1 … x_B`:
/// 1. A block holding a NaN or an infinity gets the scale format's NaN (OCP MX v1.0 §6.3 and
///    NVFP4: a NaN scale makes every element NaN, whatever its code); its element codes are written
///    as 0 and are not compared by the checker; no flag.
/// 2. Otherwise `amax = max |x_i|` and the scale is the analyzer's rule
///    (``QuantizationScheme``): E8M0 `2^(floor(log2 amax) − emax_elem)` clamped to
///    `2^-127 … 2^127` (or the `ceil`, `even`, `up` rules); NVFP4 UE4M3 `amax / (6 · t)` rounded up
///    (or to nearest even), saturating at 448, with `t` the line's FP32 per-tensor scale; absmax
///    `Float(amax / max_elem)`. An all-zero block takes the analyzer's scale for it (E8M0 `2^-127`,
///    code 0x00; UE4M3 and FP32 1.0).
/// 3. Each element is `x_i / S` (`S` = scale · t) rounded once into the element format with the
///    element rule (nearest-even) and overflow rule (saturating by default), with ExMy's tininess
///    option; a scale that underflowed to 0 gives +0 elements.
/// 4. The flags are those of the element conversions together (the scale's own rounding raises none).
///
/// The quotient `x / S` is exact for power-of-two scales; for UE4M3 and FP32 scales it is formed
/// in `Double`, which for sources of at most 24 significant bits never moves a quotient across an
/// element midpoint (the quotient is a midpoint exactly or lies at least 2^-49 away from one).
///
/// **Dot product**: the code of `Σ a_i · s_A(i) · b_i · s_B(i) + C` as the matrix-unit model
/// computes it: by default the exact reference (``MatrixUnit/Pipeline/exact(rounding:groupSize:)``,
/// the whole K at once: the exact sum of the exact products, the block scales applied exactly,
/// rounded once into FP32), or the device's accumulator model given as
/// ``BlockSettings/unit`` (a ``MatrixUnit`` preset such as `blackwell-tcgen05-mxf8-e4m3`).
/// The exact reference's flags are those of its one rounding (tininess per the options), invalid
/// for a product 0 · ∞ or infinities of both signs with no NaN operand; a NaN operand, element or
/// scale (E8M0 0xFF, UE4M3 0x7F) gives NaN without a flag. An exact zero sum is +0 (the matrix-unit
/// models' rule; IEEE 754 would give −0 when every term is −0, or under rounding down). A device
/// model's flags are not modelled: the generator writes 00 and the checker does not compare them.
public struct BlockVectorModel: Sendable {
    /// The block function this model computes.
    public let function: BlockFunction
    /// The settings as given (validated against ``function`` by ``init(_:_:)``).
    public let settings: BlockSettings
    /// The scheme with the settings applied (`nil`: an unscaled dot product).
    public let scheme: QuantizationScheme?
    /// The element format.
    public let element: FloatFormat
    /// Elements per scale (K for an unscaled dot product).
    public let blockSize: Int
    /// The scale format (`nil`: an unscaled dot product).
    public let scaleFormat: FloatFormat?
    /// Whether a scaled-conversion line carries the FP32 per-tensor scale (NVFP4 two-level).
    public let hasTensorScale: Bool
    /// The dot product's model.
    public let unit: MatrixUnit?
    let kernel: MatrixUnitKernel?
    /// Whether the flags column is modelled (every model but a device's accumulator model).
    public let flagsModelled: Bool

    /// Validates the settings for the function.
    ///
    /// - Throws: ``VectorError`` for a stochastic rule (no random column), an unknown scale rule, a
    ///   block size that does not divide K, or a ``MatrixUnit`` whose formats or block scales are
    ///   not the function's.
    public init(_ function: BlockFunction, _ settings: BlockSettings) throws {
        self.function = function
        self.settings = settings
        if let r = settings.rounding, r.isStochastic {
            throw VectorError("block functions take a deterministic rounding rule, not \(r.spelling)")
        }
        if let r = settings.rounding { _ = try r.validatedForVectors() }
        if let b = settings.block, b < 1 || b > 4096 { throw VectorError("the block size must be 1 … 4096, not \(b)") }
        var scheme = function.scheme
        if var s = scheme {
            if let e = settings.element {
                guard s.name == "absmax" else { throw VectorError("--element applies to absmax; \(s.name) has its own element format") }
                s.element = e
            }
            if let b = settings.block { s.granularity = .block(b) }
            if let r = settings.rounding { s.rounding = r }
            if let o = settings.overflow { s.overflow = o }
            switch s.scale {
            case .e8m0(let rule):
                var chosen = rule
                if let name = settings.scaleRule {
                    guard let r = PowerOfTwoScaleRule(rawValue: name) else {
                        throw VectorError("unknown scale rule '\(name)' for E8M0 scales: use \(PowerOfTwoScaleRule.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    chosen = r
                }
                s.scale = .e8m0(chosen)
                if !settings.tensorScale { throw VectorError("--one-level applies to nvfp4 (its FP32 per-tensor scale)") }
            case .ue4m3(let rounding, _):
                var chosen = rounding
                if let name = settings.scaleRule {
                    guard let r = BlockScaleRounding(rawValue: name) else {
                        throw VectorError("unknown scale rule '\(name)' for UE4M3 scales: use \(BlockScaleRounding.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    chosen = r
                }
                s.scale = .ue4m3(chosen, twoLevel: settings.tensorScale)
            default:
                if let name = settings.scaleRule { throw VectorError("scale rule '\(name)': \(s.name) has FP32 scales, which take no rule") }
                if !settings.tensorScale { throw VectorError("--one-level applies to nvfp4 (its FP32 per-tensor scale)") }
            }
            scheme = s
        } else {
            if settings.scaleRule != nil || !settings.tensorScale || settings.element != nil || settings.block != nil {
                throw VectorError("\(function.name) has no block scales: --scale-rule, --one-level, --element and --block do not apply")
            }
        }
        self.scheme = scheme
        element = scheme?.element ?? function.unscaledElement ?? .fp32
        if let s = scheme, case .block(let b) = s.granularity { blockSize = b } else if case .dot(let k) = function.kind { blockSize = k } else { blockSize = 1 }
        switch scheme?.scale {
        case nil: scaleFormat = nil
        case .fp32?: scaleFormat = .fp32
        case .e8m0?: scaleFormat = .e8m0fnu
        case .ue4m3?: scaleFormat = .ue4m3
        case .exmy(let f, _)?: scaleFormat = f
        }
        if case .ue4m3(_, true)? = scheme?.scale { hasTensorScale = true } else { hasTensorScale = false }

        switch function.kind {
        case .scaledConvert:
            if settings.unit != nil { throw VectorError("--model applies to dot products") }
            if settings.zeroC { throw VectorError("--zero-c applies to dot products") }
            unit = nil
            kernel = nil
            flagsModelled = true
        case .dot(let k):
            if settings.overflow != nil { throw VectorError("the dot product's exact sum overflows to ±∞ into FP32: --overflow does not apply") }
            guard k % blockSize == 0 else { throw VectorError("\(function.name): K = \(k) is not a multiple of the block size \(blockSize)") }
            let b = blockSize
            let blockScale = scaleFormat.map { MatrixUnit.BlockScale(format: $0, blockSize: b) }
            let u: MatrixUnit
            if let given = settings.unit {
                if settings.rounding != nil { throw VectorError("--rounding sets the exact reference's rounding; the model \(given.name) has its own") }
                guard given.aFormat == element, given.bFormat == element else {
                    throw VectorError("the model \(given.name) multiplies \(given.aFormat.canonicalSpelling) × \(given.bFormat.canonicalSpelling), not \(element.canonicalSpelling)")
                }
                switch (given.blockScale, blockScale) {
                case (nil, nil): break
                case let (g?, want?) where g.format == want.format && g.blockSize == want.blockSize: break
                default:
                    throw VectorError("the model \(given.name) has block scales \(given.blockScale.map { "\($0.format.canonicalSpelling) per \($0.blockSize)" } ?? "none"), the function \(blockScale.map { "\($0.format.canonicalSpelling) per \($0.blockSize)" } ?? "none")")
                }
                u = given
            } else {
                u = MatrixUnit(name: "exact", aFormat: element, bFormat: element, accumulatorFormat: .fp32, instructionK: k,
                               pipeline: .exact(rounding: settings.rounding ?? .toNearestOrEven, groupSize: nil), blockScale: blockScale,
                               source: "exact sum of exact products and C, one rounding into FP32")
            }
            do { kernel = try MatrixUnitKernel(u) } catch let e as MatrixUnitError { throw VectorError(e.description) }
            unit = u
            if case .exact(_, nil) = u.pipeline { flagsModelled = true } else { flagsModelled = false }
        }
    }

    // MARK: Columns

    /// The input columns' bit widths, in line order.
    public var inputWidths: [Int] {
        switch function.kind {
        case .scaledConvert(let source):
            return Array(repeating: source.bitWidth, count: blockSize) + (hasTensorScale ? [32] : [])
        case .dot(let k):
            let scales = scaleFormat.map { Array(repeating: $0.bitWidth, count: 2 * (k / blockSize)) } ?? []
            return Array(repeating: element.bitWidth, count: 2 * k) + scales + [accumulator.bitWidth]
        }
    }

    /// The output columns' bit widths, in line order.
    public var outputWidths: [Int] {
        switch function.kind {
        case .scaledConvert: return [scaleFormat?.bitWidth ?? 32] + Array(repeating: element.bitWidth, count: blockSize)
        case .dot: return [accumulator.bitWidth]
        }
    }

    /// The names of the columns, for messages and the `$readmemh` header (`x0 … x31 t scale e0 … e31`,
    /// `a0 … b0 … sa0 … sb0 … c d`).
    public var columnNames: [String] {
        switch function.kind {
        case .scaledConvert:
            return (0..<blockSize).map { "x\($0)" } + (hasTensorScale ? ["tensor_scale"] : []) + ["scale"] + (0..<blockSize).map { "e\($0)" }
        case .dot(let k):
            let n = scaleFormat == nil ? 0 : k / blockSize
            return (0..<k).map { "a\($0)" } + (0..<k).map { "b\($0)" } + (0..<n).map { "sa\($0)" } + (0..<n).map { "sb\($0)" } + ["c", "d"]
        }
    }

    /// The format of C and the result.
    public var accumulator: FloatFormat { unit?.accumulatorFormat ?? .fp32 }

    // MARK: Evaluation

    /// The expected outputs and flags of a line's inputs.
    ///
    /// - Throws: ``VectorError`` when `inputs` does not hold one code per input column, or a code
    ///   has bits above its column's width.
    public func evaluate(_ inputs: [UInt64]) throws -> BlockVector {
        let widths = inputWidths
        guard inputs.count == widths.count else {
            throw VectorError("\(function.name) takes \(widths.count) input codes per vector, not \(inputs.count)")
        }
        for (i, (code, width)) in zip(inputs, widths).enumerated() where width < 64 && code >> UInt64(width) != 0 {
            throw VectorError("input \(i + 1) (\(columnNames[i])) has bits above its format's \(width)")
        }
        switch function.kind {
        case .scaledConvert(let source): return convert(inputs, source)
        case .dot(let k): return dot(inputs, k)
        }
    }

    /// Whether the block's scale is NaN (its element codes are then not compared).
    func isNaNScale(_ outputs: [UInt64]) -> Bool {
        guard case .scaledConvert = function.kind, let f = scaleFormat else { return false }
        return f.classify(outputs[0]) == .nan
    }

    func convert(_ inputs: [UInt64], _ source: FloatFormat) -> BlockVector {
        guard let scheme, let scaleFormat else { return BlockVector(inputs: inputs, outputs: [], flags: []) }
        let xs = inputs[0..<blockSize].map { source.decode($0) }
        let t = hasTensorScale ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: inputs[blockSize]))) : 1
        let zeros = Array(repeating: UInt64(0), count: blockSize)
        // 1. Non-finite blocks (and a tensor scale that is not a positive finite number).
        if xs.contains(where: { !$0.isFinite }) || !(t.isFinite && t > 0) {
            return BlockVector(inputs: inputs, outputs: [scaleFormat.nanCode() ?? scaleFormat.codeMask] + zeros, flags: [])
        }
        // 2. The scale, by the analyzer's rule.
        let amax = xs.map(\.magnitude).max() ?? 0
        let stored: Double, s: Double
        if amax == 0 {
            stored = scheme.zeroGroupScale
            s = stored
        } else {
            let f = scheme.groupScaleFactors(amax: amax, tensorScale: t, maxElement: element.greatestFiniteMagnitude)
            stored = f.stored
            s = f.stored * f.tensor
        }
        let scaleCode = scaleFormat.encode(stored).code
        // 3. The elements.
        var status: ConversionStatus = []
        var codes: [UInt64] = []
        codes.reserveCapacity(blockSize)
        var g = VectorModel.FixedBits(word: 0)
        for x in xs {
            if s == 0 {
                codes.append(element.encode(0.0).code)
                continue
            }
            let e = element.encode(x / s, rounding: scheme.rounding, overflow: scheme.overflow, options: settings.options, random: &g)
            status.formUnion(e.status)
            codes.append(e.code)
        }
        return BlockVector(inputs: inputs, outputs: [scaleCode] + codes, flags: TestFloatFlags(status))
    }

    func dot(_ inputs: [UInt64], _ k: Int) -> BlockVector {
        guard let kernel, let unit else { return BlockVector(inputs: inputs, outputs: [], flags: []) }
        let n = scaleFormat == nil ? 0 : k / blockSize
        let a = Array(inputs[0..<k]), b = Array(inputs[k..<(2 * k)])
        let sa = Array(inputs[(2 * k)..<(2 * k + n)]), sb = Array(inputs[(2 * k + n)..<(2 * k + 2 * n)])
        let c = inputs[2 * k + 2 * n]
        let code: UInt64 = a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                sa.withUnsafeBufferPointer { sap in
                    sb.withUnsafeBufferPointer { sbp in
                        kernel.dot(a: ap, b: bp.baseAddress!, bStride: 1, c: c,
                                   scaleA: n > 0 ? sap.baseAddress : nil, scaleB: n > 0 ? sbp.baseAddress : nil)
                    }
                }
            }
        }
        guard flagsModelled, case .exact(let rule, _) = unit.pipeline else {
            return BlockVector(inputs: inputs, outputs: [code], flags: [])
        }
        return BlockVector(inputs: inputs, outputs: [code], flags: exactFlags(a, b, sa, sb, c, rule))
    }

    /// The flags of the exact reference's one rounding (see the type's description).
    func exactFlags(_ a: [UInt64], _ b: [UInt64], _ sa: [UInt64], _ sb: [UInt64], _ c: UInt64, _ rule: RoundingRule) -> TestFloatFlags {
        var sum = ExactAccumulator()
        var sawNaN = false, positive = false, negative = false, zeroTimesInfinity = false
        func note(_ x: Double) {
            if x.isNaN { sawNaN = true } else if x == .infinity { positive = true } else if x == -.infinity { negative = true }
        }
        let cValue = accumulator.decode(c)
        note(cValue)
        sum.add(cValue)
        for i in 0..<a.count {
            var x = element.decode(a[i]), y = element.decode(b[i])
            if let f = scaleFormat {
                let j = i / blockSize
                var s = f.decode(sa[j]), t = f.decode(sb[j])
                if f.signedness == .signMagnitude { s = s.magnitude; t = t.magnitude }
                if s.isNaN || t.isNaN { sawNaN = true }
                x *= s
                y *= t
            }
            if (x == 0 && y.isInfinite) || (x.isInfinite && y == 0) { zeroTimesInfinity = true }
            if x.isNaN || y.isNaN { sawNaN = true } else { note(x * y) }
            sum.addProduct(x, y)
        }
        if zeroTimesInfinity || (positive && negative && !sawNaN) { return .invalid }
        if !sum.isFinite { return [] }
        guard let (neg, significand, exponent) = sum.roundedToOdd64 else { return [] }
        var g = VectorModel.FixedBits(word: 0)
        let e = accumulator.encode(negative: neg, significand: significand, exponent: exponent, rounding: rule, overflow: .none,
                                   options: settings.options, random: &g)
        return TestFloatFlags(e.status)
    }
}
