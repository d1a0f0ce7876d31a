import ExMy
import ExMyAnalysis

/// A bit-exact model of a matrix unit (tensor core, matrix core): what one `D = A·B + C` step
/// computes, as data.
///
/// A matrix unit does not compute a dot product the way a loop of IEEE 754 additions does. It
/// multiplies exactly, aligns a group of `L` products (and the accumulator) to the group's largest
/// exponent, truncates each to `F` fraction bits below that exponent, adds the integers exactly, and
/// rounds the group's sum once into the accumulator's format (toward zero into FP32 on NVIDIA, to
/// nearest-even into FP16, …). Block scales enter at a fixed point of that pipeline. ``Pipeline``
/// names the pipelines measured on real hardware by MMA-Sim (Xie et al., arXiv 2511.10909); the
/// presets (``MatrixUnit/preset(named:)``) give each its measured parameters.
///
/// ```swift
/// let hopper = try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32")
/// // one dot product of length 32 of E4M3 codes, added to an FP32 accumulator code:
/// let d = try hopper.dot(a: aCodes, b: bCodes, c: 0)
/// ```
///
/// Every input format ExMy describes is accepted, so a designer can ask "what if my unit kept
/// F = 20" by changing ``Pipeline/FusedGroup/fractionBits``. The model is exact integer arithmetic
/// (products are integers of at most 2·(M+1) bits, group sums are 128-bit integers) ending in ExMy's
/// one rounding primitive, ``FloatFormat/encode(negative:significand:exponent:rounding:overflow:random:)``.
///
/// Departures from IEEE 754 (each one measured on hardware by MMA-Sim, reproduced here):
/// - Products and group sums are never rounded to a format; the alignment truncates instead.
/// - An exact zero result is +0 whatever the signs (NVIDIA fused pipelines, AMD CDNA3).
/// - Rounding toward zero into FP32 that overflows gives ±∞, not the greatest finite value.
/// - A NaN result of the NVIDIA pipelines is the one code `0x7FFF_FFFF` (FP32) or `0x7FFF` (FP16).
public struct MatrixUnit: Hashable, Sendable {
    /// The preset name (`hopper-wgmma-e4m3-f32`), or a name given by the caller.
    public var name: String
    /// The format of A's elements.
    public var aFormat: FloatFormat
    /// The format of B's elements.
    public var bFormat: FloatFormat
    /// The format C and D are stored in (FP32 or FP16 on today's hardware).
    public var accumulatorFormat: FloatFormat
    /// The instruction's K (products per instruction along the reduction), for the record; a longer
    /// reduction is a chain of instructions, each one's D the next one's C.
    public var instructionK: Int
    /// What happens inside one instruction.
    public var pipeline: Pipeline
    /// The block scales, for block-scaled (MX, NVFP4) instructions.
    public var blockScale: BlockScale?
    /// How floats given to ``multiply(a:b:c:m:n:k:scaleA:scaleB:threads:)`` are quantized into A's and
    /// B's formats (TF32 is read from FP32 registers by truncation on NVIDIA and AMD).
    public var inputRounding: RoundingRule
    /// Where the parameters come from (paper, section, MMA-Sim instruction).
    public var source: String

    /// Creates a model; ``validate()`` checks that the parameters are within what the exact integer
    /// arithmetic handles.
    public init(
        name: String, aFormat: FloatFormat, bFormat: FloatFormat, accumulatorFormat: FloatFormat, instructionK: Int,
        pipeline: Pipeline, blockScale: BlockScale? = nil, inputRounding: RoundingRule = .toNearestOrEven, source: String = ""
    ) {
        self.name = name
        self.aFormat = aFormat
        self.bFormat = bFormat
        self.accumulatorFormat = accumulatorFormat
        self.instructionK = instructionK
        self.pipeline = pipeline
        self.blockScale = blockScale
        self.inputRounding = inputRounding
        self.source = source
    }

    /// The pipeline of one instruction.
    public enum Pipeline: Hashable, Sendable {
        /// NVIDIA Volta … Blackwell (and any "fused dot-add" unit): groups of `L` products fused with
        /// the accumulator, truncated to `F` fraction bits below the group's largest exponent, the
        /// integer sum rounded once into ``FusedGroup/outputGrid``.
        case fusedGroup(FusedGroup)
        /// One fused multiply-add per product into the accumulator format (AMD FP32/FP64 MFMA; today's
        /// `exmy dot` sequential model with an exact product): `acc = round(acc + a·b)`.
        case sequentialFMA(rounding: RoundingRule)
        /// AMD CDNA2 FP16/BF16 MFMA: groups of `groupSize` (2 or 4) products, each product rounded to
        /// FP32, summed as a balanced binary tree of FP32 additions, the group sum added to the
        /// accumulator in FP32 (nearest-even). With `flushSubnormals` subnormal inputs and C become +0
        /// and subnormal products and partial sums ±0 (sign kept).
        case pairwiseFP32(groupSize: Int, flushSubnormals: Bool)
        /// AMD CDNA3 FP16/BF16/XF32/FP8 MFMA: the nonzero products of a group truncated to F = 24
        /// fraction bits below their largest exponent and summed exactly; that sum rounded down
        /// (toward −∞) to 32 fraction bits and C down to 24, both below their larger exponent; the
        /// two added exactly, the sum rounded down to 31 fraction bits below its own exponent (at
        /// least −126), then to nearest-even into FP32. A finite product of magnitude ≥ 2^128 makes
        /// the result infinite. With `interleaved` (FP8) the even and odd products are summed
        /// separately first, each rounded down to 24 bits below the larger exponent, and a C more
        /// than 25 binades below is dropped.
        case fusedRoundDown(groupSize: Int, interleaved: Bool)
        /// The exact reference: the exact sum of the exact products (block scales applied exactly)
        /// and C, rounded once into the accumulator format. IEEE P3109's BlockDotProduct and the
        /// OCP MX dot product with exact accumulation (`groupSize` nil: the whole K at once). With a
        /// group size: a chain of such exact groups (AMD CDNA1 FP16 L = 4, BF16 L = 2).
        case exact(rounding: RoundingRule, groupSize: Int?)

        /// The NVIDIA fused-group parameters.
        public struct FusedGroup: Hashable, Sendable {
            /// `L`: products fused per group (with block-scaled FP4, the number of products of the
            /// whole instruction; see ``BlockScale/subBlockSize``).
            public var groupSize: Int
            /// `F`: fraction bits kept below the group's largest exponent (truncated).
            public var fractionBits: Int
            /// The exponent a zero operand enters the alignment with: MMA-Sim gives every zero the
            /// exponent −126 (FP32's least normal exponent; the hardware's for BF16), so a zero
            /// product `0 · b` counts as `2^(−126 + e_b)`. It matters only when it is the largest.
            public var zeroExponent: Int
            /// The grid the group sum is rounded onto: FP32, FP16, or E8M13 (FP32's range with 13
            /// fraction bits, the FP8 path of Ada and Hopper).
            public var outputGrid: FloatFormat
            /// The rounding onto ``outputGrid``: toward zero into FP32/E8M13, nearest-even into FP16.
            public var rounding: RoundingRule

            /// Creates the parameters as given; ``MatrixUnit/validate()`` checks `groupSize` (1 … 4096)
            /// and `fractionBits` (0 … 60).
            public init(groupSize: Int, fractionBits: Int, zeroExponent: Int = -126, outputGrid: FloatFormat, rounding: RoundingRule) {
                self.groupSize = groupSize
                self.fractionBits = fractionBits
                self.zeroExponent = zeroExponent
                self.outputGrid = outputGrid
                self.rounding = rounding
            }
        }
    }

    /// Block scales of A (one per row and block of K) and B (one per column and block of K).
    public struct BlockScale: Hashable, Sendable {
        /// The scale format: E8M0 (MX) or UE4M3 (NVFP4; its sign bit is ignored).
        public var format: FloatFormat
        /// Elements of K per scale: 32 (MX), 16 (NVFP4, or MXFP4 with 16-element blocks).
        public var blockSize: Int
        /// `nil`: every product is multiplied by its two scales before the alignment (their exponents
        /// add to the product's; NVIDIA `kind::mxf8f6f4`). A number `s`: the exact sum of each `s`
        /// products is formed first, multiplied by the two scales, and enters the fused group as one
        /// term whose exponent is the scales' exponents alone (NVIDIA `kind::mxf4nvf4`, s = 16).
        public var subBlockSize: Int?

        /// Creates the block scales as given; ``MatrixUnit/validate()`` checks that `blockSize` is at
        /// least 1 and that `subBlockSize` divides it.
        public init(format: FloatFormat, blockSize: Int, subBlockSize: Int? = nil) {
            self.format = format
            self.blockSize = blockSize
            self.subBlockSize = subBlockSize
        }
    }
}

/// A problem with a matrix-unit model or its operands.
public struct MatrixUnitError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, in words.
    public var description: String
    /// Creates an error with the explanation `description`.
    public init(_ description: String) { self.description = description }
}

extension MatrixUnit {
    /// Checks that the model's parameters are within what the exact arithmetic handles.
    public func validate() throws {
        var fused = true
        if case .sequentialFMA = pipeline { fused = false }
        if case .exact = pipeline { fused = false }
        for (label, f) in [("A", aFormat), ("B", bFormat)] where fused {
            guard f.significandBitCount <= 26 else {
                throw MatrixUnitError("\(label)'s format has M = \(f.significandBitCount); the matrix-unit model takes inputs with M ≤ 26 (products are 2·(M+1)-bit integers)")
            }
        }
        guard accumulatorFormat.significandBitCount <= 52, accumulatorFormat.bitWidth <= 64 else {
            throw MatrixUnitError("the accumulator format is too wide")
        }
        guard instructionK >= 1 else { throw MatrixUnitError("instruction K must be at least 1") }
        switch pipeline {
        case .fusedGroup(let g):
            guard g.groupSize >= 1, g.groupSize <= 4096 else { throw MatrixUnitError("group size L = \(g.groupSize) is out of range 1 … 4096") }
            guard (0...60).contains(g.fractionBits) else { throw MatrixUnitError("fraction bits F = \(g.fractionBits) is out of range 0 … 60") }
        case .pairwiseFP32(let n, _), .fusedRoundDown(let n, _):
            guard n >= 1, n <= 4096 else { throw MatrixUnitError("group size \(n) is out of range 1 … 4096") }
        case .sequentialFMA, .exact: break
        }
        if let s = blockScale {
            guard s.blockSize >= 1 else { throw MatrixUnitError("block size must be at least 1") }
            if let sub = s.subBlockSize {
                guard sub >= 1, s.blockSize % sub == 0 else { throw MatrixUnitError("sub-block \(sub) must divide the block size \(s.blockSize)") }
                for f in [aFormat, bFormat] {
                    // The sub-block sum is an integer in units of the least quantum: keep it in 64 bits.
                    let span = Int(f.greatestFiniteMagnitude.exponent) - (f.leastNormalExponent - f.significandBitCount) + 1
                    guard 2 * span + 16 <= 62 else {
                        throw MatrixUnitError("sub-block sums need narrow element formats (FP4/FP6); \(f) spans \(span) binary places")
                    }
                }
            }
        }
    }
}
