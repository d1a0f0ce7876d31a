import Capybara
import ExMy
import Foundation

/// The FP3–FP8 error report: every layout, the catalog, the MX and NVFP4 schemes, block sizes, the
/// Capybara term of each format, the best layout per width, and plots — as files in memory.
package struct ErrorReport: Sendable {
    /// Report settings; the defaults are the built-in report.
    package struct Options: Sendable {
        /// The data sets every format is measured on.
        package var datasets: [DataSource] = [
            .synthetic(.normal(sigma: 1), count: 1 << 16, seed: 1),
            .synthetic(.studentT(nu: 4), count: 1 << 16, seed: 2),
            .synthetic(.outliers(rate: 0.001, scale: 50), count: 1 << 16, seed: 3),
        ]
        /// Widths (sign included) of the layout sweep.
        package var widths: ClosedRange<Int> = 3...8
        /// Block size of FP32 absmax scaling in the layout and catalog sweeps.
        package var block = 32
        /// Block sizes of the block-size sweep (plus per-channel and per-tensor).
        package var blocks = [8, 16, 32, 64, 128, 256]
        package init() {}
    }

    /// File name → contents.
    package var files: [String: String] = [:]
    /// Seconds spent measuring.
    package var seconds = 0.0

    /// Every E/M layout of `width` bits (sign included): specials none (all codes finite), IEEE bias,
    /// subnormals on, and off where that differs (E ≥ 1, M ≥ 1).
    package static func layouts(width: Int) -> [FloatFormat] {
        var result: [FloatFormat] = []
        for e in 0...(width - 1) {
            let m = width - 1 - e
            for subnormals in [true, false] {
                if !subnormals && (e == 0 || m == 0) { continue }
                if let f = try? FloatFormat(exponentBitCount: e, significandBitCount: m, hasSubnormals: subnormals, specials: .none) {
                    result.append(f)
                }
            }
        }
        return result
    }

    static func layoutName(_ f: FloatFormat) -> String {
        "E\(f.exponentBitCount)M\(f.significandBitCount)" + (f.hasSubnormals || f.exponentBitCount == 0 || f.significandBitCount == 0 ? "" : " nosub")
    }

    /// Builds the report. `progress` receives (runs done, runs in all) as measuring proceeds.
    package static func build(_ options: Options = Options(), progress: (@Sendable (String) -> Void)? = nil) throws -> ErrorReport {
        let start = Date()
        var report = ErrorReport()
        let law = CapybaraLaw()
        let names = options.datasets.map { source -> String in
            if case .synthetic(let d, _, _) = source { return d.description }
            return source.description
        }
        var step = 0
        func measure(_ schemes: [QuantizationScheme], _ what: String) throws -> [[StudyRow]] {
            try options.datasets.map { source in
                step += 1
                progress?("report: \(what) on data set \(step % options.datasets.count == 0 ? options.datasets.count : step % options.datasets.count)/\(options.datasets.count)")
                return try Study.run(schemes, on: source)
            }
        }
        func sqnr(_ v: Double) -> String { Table.number(v, .fixed(2)) }
        func sci(_ v: Double) -> String { Table.number(v, .significant(4)) }

        // 1. The paper's grid, measured and fitted (normal data, FP32 absmax over 128).
        progress?("report: fitting the error law on the Capybara grid")
        let fit = try ErrorLawFit.measure(on: options.datasets[0], block: 128)
        let lawBlock = BlockSize.elements(options.block)

        // 2. Every layout.
        let layouts = options.widths.flatMap { ErrorReport.layouts(width: $0) }
        let layoutRows = try measure(layouts.map { .absmax($0, block: options.block) }, "layouts")
        var layoutTable = Table(
            title: "Every layout, FP32 absmax scaling over blocks of \(options.block), round to nearest even (SQNR in dB; higher is better)",
            columns: [.init("layout"), .init("bits", alignment: .right), .init("E", alignment: .right), .init("M", alignment: .right), .init("subnormals")]
                + names.map { .init("SQNR \($0)", alignment: .right) }
                + [.init("rel MSE (\(names[0]))", alignment: .right), .init("flushed", alignment: .right),
                   .init("Capybara term", alignment: .right), .init("effective M", alignment: .right)])
        var bestMeasured: [Int: (String, Double)] = [:]
        var perFamily: [Int: [SVGPlot.Point]] = [:]
        var bestPoints: [SVGPlot.Point] = []
        for (i, f) in layouts.enumerated() {
            let width = f.bitWidth
            let scores = layoutRows.map { $0[i].metrics.sqnrDB }
            let mean = scores.reduce(0, +) / Double(scores.count)
            let rel = layoutRows[0][i].metrics.relativeMSE
            let a = fit.assess(f, relativeMSE: rel, block: lawBlock, law: law)
            layoutTable.rows.append([layoutName(f), "\(width)", "\(f.exponentBitCount)", "\(f.significandBitCount)", f.hasSubnormals ? "yes" : "no"]
                + scores.map(sqnr) + [sci(rel), sci(layoutRows[0][i].metrics.flushedToZero), sci(a.paperTerm), a.effectiveSignificandBits.map { Table.number($0, .fixed(2)) } ?? "-"])
            if bestMeasured[width].map({ mean > $0.1 }) ?? true { bestMeasured[width] = (layoutName(f), mean) }
            if f.hasSubnormals || f.exponentBitCount == 0 || f.significandBitCount == 0 {
                perFamily[f.exponentBitCount, default: []].append(.init(x: Double(width), y: scores[0]))
            }
        }
        // 3. The best layout per width, by measurement and by the law.
        var bestTable = Table(title: "Best layout per width", headers: ["bits", "best by measured error (mean SQNR over the data sets)", "mean SQNR (dB)", "best by the Capybara law (optimal split)", "law's continuous optimum"])
        for width in options.widths {
            let split = try law.optimalSplit(width: width)
            let measured = bestMeasured[width] ?? ("-", .nan)
            bestTable.rows.append(["\(width)", measured.0, sqnr(measured.1), split.name,
                                   "E \(Table.number(split.continuous.exponentBits, .fixed(2))), M \(Table.number(split.continuous.significandBits, .fixed(2)))"])
            bestPoints.append(.init(x: Double(width), y: measured.1))
        }

        // 4. The catalog formats of at most 8 bits, with their own biases and specials.
        let catalog = FloatFormat.catalog.filter { $0.bitWidth <= 8 && $0.signedness != .unsigned }
        let catalogRows = try measure(catalog.map { .absmax($0, block: options.block) }, "catalog")
        var catalogTable = Table(
            title: "Catalog formats, FP32 absmax over blocks of \(options.block)",
            columns: [.init("format"), .init("bits", alignment: .right), .init("bias", alignment: .right), .init("specials"), .init("max", alignment: .right)]
                + names.map { .init("SQNR \($0)", alignment: .right) } + [.init("Capybara term", alignment: .right), .init("effective M", alignment: .right)])
        for (i, f) in catalog.enumerated() {
            let a = fit.assess(f, relativeMSE: catalogRows[0][i].metrics.relativeMSE, block: lawBlock, law: law)
            catalogTable.rows.append([f.canonicalSpelling, "\(f.bitWidth)", "\(f.bias)", f.specials.rawValue, Table.number(f.greatestFiniteMagnitude)]
                + catalogRows.map { sqnr($0[i].metrics.sqnrDB) } + [sci(a.paperTerm), a.effectiveSignificandBits.map { Table.number($0, .fixed(2)) } ?? "-"])
        }

        // 5. MX and NVFP4 schemes, and the E8M0 rounding variants.
        var schemes = QuantizationScheme.namedSchemes.compactMap { QuantizationScheme.named($0) }
        schemes.append(.nvfp4(rounding: .even))
        for rule in [PowerOfTwoScaleRule.ceil, .even, .up] { schemes.append(.mx("mxfp4 (\(rule.rawValue))", .e2m1fn, rule: rule)) }
        let schemeRows = try measure(schemes, "MX/NVFP4 schemes")
        var schemeTable = Table(
            title: "OCP MX and NVFP4 schemes (element rounding nearest even, saturating)",
            columns: [.init("scheme"), .init("element"), .init("block", alignment: .right), .init("scale")]
                + names.map { .init("SQNR \($0)", alignment: .right) } + [.init("saturated (\(names[0]))", alignment: .right), .init("flushed (\(names[0]))", alignment: .right)])
        for (i, s) in schemes.enumerated() {
            guard case .block(let b) = s.granularity else { continue }
            schemeTable.rows.append([s.name, s.element.canonicalSpelling, "\(b)", s.scale.description] + schemeRows.map { sqnr($0[i].metrics.sqnrDB) }
                                    + [sci(schemeRows[0][i].metrics.saturated), sci(schemeRows[0][i].metrics.flushedToZero)])
        }

        // 6. Block sizes.
        let blockFormats: [FloatFormat] = [.e2m1fn, .e3m2fn, .e2m3fn, .e4m3fn, .e5m2]
        var blockSchemes: [QuantizationScheme] = []
        for f in blockFormats {
            for b in options.blocks { blockSchemes.append(.absmax(f, block: b)) }
            blockSchemes.append(.perChannel(f))
            blockSchemes.append(.perTensor(f))
        }
        let blockRows = try measure(blockSchemes, "block sizes")
        let blockLabels = options.blocks.map(String.init) + ["channel", "tensor"]
        var blockTable = Table(title: "SQNR (dB) by block size, FP32 absmax, data: \(names[0])",
                               columns: [.init("format")] + blockLabels.map { .init($0, alignment: .right) })
        for (k, f) in blockFormats.enumerated() {
            let per = blockLabels.count
            blockTable.rows.append([f.canonicalSpelling] + (0..<per).map { sqnr(blockRows[0][k * per + $0].metrics.sqnrDB) })
        }

        // 7. The Capybara fit.
        var fitTable = Table(title: "δ and ν fitted to measured relative MSE over the paper's grid (FP32 absmax, B = 128, \(names[0]))",
                             headers: ["quantity", "fitted from quantization error", "paper (fitted to LLM loss)"])
        fitTable.rows.append(["δ (exponent)", Table.number(fit.fit.delta, .significant(5)), Table.number(law.constants.delta)])
        fitTable.rows.append(["ν (significand)", Table.number(fit.fit.nu, .significant(5)), Table.number(law.constants.nu)])
        fitTable.rows.append(["residual (rms of log)", Table.number(fit.fit.residual, .significant(4)), "-"])
        var gridTable = Table(title: "The paper's grid, measured", headers: ["format", "rel MSE", "SQNR (dB)", "paper's information-loss term (B = 128)"])
        for r in fit.rows {
            let t = (try? law.informationLoss(E: Double(r.format.exponentBitCount), M: Double(r.format.significandBitCount), B: .elements(128))) ?? .nan
            gridTable.rows.append(["E\(r.format.exponentBitCount)M\(r.format.significandBitCount)", sci(r.metrics.relativeMSE), sqnr(r.metrics.sqnrDB), sci(t)])
        }

        // 8. Plots.
        let family = perFamily.keys.sorted().map { e in SVGPlot.Series("E\(e)", points: perFamily[e]!.sorted { $0.x < $1.x }, style: .lineAndPoints) }
        let sqnrPlot = SVGPlot(title: "SQNR vs width (\(names[0]), FP32 absmax, B = \(options.block))",
                               xAxis: .init(label: "bits (sign + E + M)"), yAxis: .init(label: "SQNR (dB)"),
                               series: family + [SVGPlot.Series("best per width (mean of data sets)", points: bestPoints, style: .line)])
        let gridFormats: [FloatFormat] = [.fp3E1M1, .fp3E2M0, .e2m1fn, .e2m3fn, .e3m2fn, .e4m3fn, .e5m2, .e4m3fnuz, .e8m0fnu, .ue4m3]
        let valuePlot = SVGPlot.valueStrips(for: gridFormats, title: "Positive finite values of FP3–FP8 formats (log2 axis)")
        let n = 1e9
        var lossSeries: [SVGPlot.Series] = []
        var markers: [SVGPlot.Marker] = []
        for (label, e, m) in [("E2M1 (FP4)", 2.0, 1.0), ("E3M2 (FP6)", 3.0, 2.0), ("E4M3 (FP8)", 4.0, 3.0)] {
            var pts: [SVGPlot.Point] = []
            for k in 0...40 {
                let d = pow(10, 9 + Double(k) * 0.15)
                pts.append(.init(x: d, y: try law.loss(N: n, D: d, E: e, M: m, B: .elements(128))))
            }
            lossSeries.append(.init(label, points: pts))
            let dc = try law.criticalDataSize(N: n, E: e, M: m, B: .elements(128))
            if dc > 1e9 && dc < 1e15 { markers.append(.init(x: dc, label: "D_crit \(label)")) }
        }
        var bf16: [SVGPlot.Point] = []
        for k in 0...40 { let d = pow(10, 9 + Double(k) * 0.15); bf16.append(.init(x: d, y: try law.baseLoss(N: n, D: d))) }
        lossSeries.append(.init("BF16 (no precision term)", points: bf16))
        let lossPlot = SVGPlot(title: "Capybara loss vs training tokens, N = 1e9, B = 128", xAxis: .init(label: "tokens D", scale: .log10),
                               yAxis: .init(label: "validation loss"), series: lossSeries, markers: markers)

        report.seconds = Date().timeIntervalSince(start)
        report.files["layouts.csv"] = layoutTable.render(.csv)
        report.files["best-per-width.csv"] = bestTable.render(.csv)
        report.files["catalog.csv"] = catalogTable.render(.csv)
        report.files["schemes.csv"] = schemeTable.render(.csv)
        report.files["block-sizes.csv"] = blockTable.render(.csv)
        report.files["capybara-fit.csv"] = fitTable.render(.csv)
        report.files["capybara-grid.csv"] = gridTable.render(.csv)
        report.files["sqnr-vs-width.svg"] = sqnrPlot.render()
        report.files["value-grids.svg"] = valuePlot.render()
        report.files["loss-vs-tokens.svg"] = lossPlot.render()
        var md = """
        # ExMy error report: FP3 to FP8

        Generated by `exmy report` in \(String(format: "%.1f", report.seconds)) s. Data sets (seeded, so every run gives the same numbers):
        \(options.datasets.map { "- \($0)" }.joined(separator: "\n"))

        Every element is scaled (`x / s`), rounded once into the element format (ExMy's engine, checked against MPFR),
        decoded and scaled back; metrics are defined in `docs/analysis.md`. The Capybara term is the paper's
        `log2(B) / (γ (E+0.5)^δ (M+0.5)^ν)` from the format's E and M; "effective M" is the significand width whose
        error, on the error law fitted to the paper's grid below, equals the format's measured error at its own E.

        ![SQNR vs width](sqnr-vs-width.svg)


        """
        for t in [bestTable, layoutTable, catalogTable, schemeTable, blockTable, fitTable, gridTable] {
            md += t.render(.markdown) + "\n"
        }
        md += "\n![Value grids](value-grids.svg)\n\n![Loss vs tokens](loss-vs-tokens.svg)\n"
        report.files["README.md"] = md
        return report
    }
}
