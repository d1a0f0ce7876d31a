import ExMy
import Foundation

/// A dependency-free SVG 1.1 chart: line and scatter series on linear or logarithmic axes, with
/// ticks, a legend, a title and labelled vertical markers; or, in strip mode, one row of tick marks
/// per format showing where its values lie.
///
/// ```swift
/// var plot = SVGPlot(title: "Error vs scale",
///                    xAxis: .init(label: "block size", scale: .log2),
///                    yAxis: .init(label: "RMSE", scale: .log10))
/// plot.series.append(.init("e4m3fn", points: [(16, 0.02), (32, 0.03)]))
/// plot.markers.append(.init(x: 24, label: "D_crit"))
/// let svg = plot.render()
///
/// let strips = SVGPlot.valueStrips(for: [.e2m1fn, .e3m2fn, .e4m3fn])
/// ```
///
/// Rendering is deterministic: the same plot gives byte-identical text (coordinates are written
/// with at most two decimals, colours come from ``palette`` in series order, no random ids). The
/// output is well-formed XML with every text escaped, a `viewBox`, and sans-serif fonts.
/// Points that an axis cannot show (not finite, or ≤ 0 on a logarithmic axis) are left out; a
/// line series is broken where a point is left out.
package struct SVGPlot: Hashable, Sendable {
    /// How an axis maps values to positions.
    package enum Scale: String, CaseIterable, Hashable, Sendable, Codable {
        /// Linear; ticks at 1-2-5 multiples of a power of ten.
        case linear
        /// Logarithmic base 2; ticks at powers of two, labelled `2^k`. Values ≤ 0 are not shown.
        case log2
        /// Logarithmic base 10; ticks at powers of ten, labelled `10^k`. Values ≤ 0 are not shown.
        case log10
    }

    /// An axis: its label, scale and (optionally) a fixed range.
    package struct Axis: Hashable, Sendable {
        /// The label written along the axis.
        package var label: String
        /// The scale.
        package var scale: Scale
        /// The range shown; `nil` fits the data (expanded to whole ticks, or to whole powers on
        /// logarithmic axes). Ignored where it is not usable on the scale (a bound ≤ 0 on a log axis).
        package var range: ClosedRange<Double>?

        /// Creates an axis.
        package init(label: String = "", scale: Scale = .linear, range: ClosedRange<Double>? = nil) {
            self.label = label
            self.scale = scale
            self.range = range
        }
    }

    /// One data point.
    package struct Point: Hashable, Sendable {
        /// The horizontal coordinate, in data units.
        package var x: Double
        /// The vertical coordinate, in data units.
        package var y: Double

        /// Creates a point.
        package init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// How a series is drawn.
    package enum SeriesStyle: String, CaseIterable, Hashable, Sendable, Codable {
        /// A polyline through the points, in the given order.
        case line
        /// A dot at each point.
        case scatter
        /// A polyline with a dot at each point.
        case lineAndPoints
    }

    /// A named sequence of points.
    package struct Series: Hashable, Sendable {
        /// The name shown in the legend.
        package var name: String
        /// The points, in drawing order.
        package var points: [Point]
        /// How the series is drawn.
        package var style: SeriesStyle
        /// A fixed colour (any SVG colour, e.g. `#1f77b4`); `nil` takes the next colour of ``SVGPlot/palette``.
        package var color: String?

        /// Creates a series from points.
        package init(_ name: String, points: [Point], style: SeriesStyle = .line, color: String? = nil) {
            self.name = name
            self.points = points
            self.style = style
            self.color = color
        }

        /// Creates a series from `(x, y)` pairs.
        package init(_ name: String, points: [(x: Double, y: Double)], style: SeriesStyle = .line, color: String? = nil) {
            self.init(name, points: points.map { Point(x: $0.x, y: $0.y) }, style: style, color: color)
        }
    }

    /// A labelled vertical line at a given `x` (for example the critical data size `D_crit`).
    package struct Marker: Hashable, Sendable {
        /// Where the line is drawn, in data units.
        package var x: Double
        /// The text written beside the line at the top of the plot area.
        package var label: String

        /// Creates a marker.
        package init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    /// One row of a strip plot: a tick mark at each value.
    package struct Strip: Hashable, Sendable {
        /// The row label, written to the left of the row.
        package var label: String
        /// The values to mark (values the x axis cannot show are left out).
        package var values: [Double]

        /// Creates a strip row.
        package init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    /// The colours given to series and strips in order (Tableau 10).
    package static let palette: [String] = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    /// The title, centred above the plot (empty for none).
    package var title: String
    /// The horizontal axis.
    package var xAxis: Axis
    /// The vertical axis (not used in strip mode).
    package var yAxis: Axis
    /// The data series (not drawn in strip mode).
    package var series: [Series]
    /// Vertical marker lines.
    package var markers: [Marker]
    /// Strip rows. When non-empty the plot is in strip mode: one row per strip, the x axis shared,
    /// ``series`` and ``yAxis`` unused, and the height set by the number of rows.
    package var strips: [Strip]
    /// The width in SVG user units (pixels).
    package var width: Int
    /// The height in SVG user units (pixels); in strip mode it is computed from the number of rows.
    package var height: Int
    /// Whether the legend is drawn (chart mode, when there is at least one series).
    package var showsLegend: Bool

    /// Creates a plot.
    package init(
        title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), series: [Series] = [], markers: [Marker] = [],
        strips: [Strip] = [], width: Int = 720, height: Int = 440, showsLegend: Bool = true
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.markers = markers
        self.strips = strips
        self.width = width
        self.height = height
        self.showsLegend = showsLegend
    }

    /// A strip plot of where each format's values lie: one row per format with a tick at every
    /// positive finite value, on a log2 x axis.
    ///
    /// Formats with at most 2^16 positive magnitude codes show every value; wider formats show the
    /// least positive value and every power of two up to the greatest finite value.
    package static func valueStrips(
        for formats: [FloatFormat], title: String = "Positive finite values", markers: [Marker] = [], width: Int = 720
    ) -> SVGPlot {
        SVGPlot(
            title: title, xAxis: Axis(label: "value", scale: .log2), markers: markers,
            strips: formats.map { Strip(label: $0.canonicalSpelling, values: positiveFiniteValues(of: $0)) },
            width: width)
    }

    /// The positive finite values of `format`, ascending (see ``valueStrips(for:title:markers:width:)``
    /// for formats with more than 2^16 positive codes).
    package static func positiveFiniteValues(of format: FloatFormat) -> [Double] {
        if format.maxMagnitudeCode < 1 << 16 {
            var values: [Double] = []
            for code in 0...format.maxMagnitudeCode {
                switch format.classify(code) {
                case .normal, .subnormal:
                    let v = format.decode(code)
                    if v > 0 { values.append(v) }
                default: break
                }
            }
            return values.sorted()
        }
        var values = [format.leastNonzeroMagnitude]
        var e = Int(format.leastNonzeroMagnitude.exponent) + 1
        while e <= Int(format.greatestFiniteMagnitude.exponent) {
            values.append(Double(sign: .plus, exponent: e, significand: 1))
            e += 1
        }
        return values
    }

    // MARK: Rendering

    /// The SVG document: an XML declaration and one `svg` element, ending with a newline.
    package func render() -> String {
        var w = SVGWriter()
        let isStrip = !strips.isEmpty
        let hasTitle = !title.isEmpty
        let top = (hasTitle ? 36.0 : 16.0) + (isStrip && !markers.isEmpty ? 14 : 0)
        let rowHeight = 26.0
        let left: Double
        if isStrip {
            let longest = strips.map(\.label.count).max() ?? 0
            left = max(64, Double(longest) * 6.6 + 20)
        } else {
            left = yAxis.label.isEmpty ? 64 : 80
        }
        let right = 20.0
        let bottom = xAxis.label.isEmpty ? 36.0 : 52.0
        let totalWidth = Double(max(width, Int(left + right) + 40))
        let totalHeight = isStrip ? top + Double(strips.count) * rowHeight + bottom : Double(max(height, Int(top + bottom) + 40))
        let area = Rect(x0: left, y0: top, x1: totalWidth - right, y1: totalHeight - bottom)

        // Axis domains, in transformed units.
        var xValues = markers.map(\.x)
        if isStrip { xValues += strips.flatMap(\.values) } else { xValues += series.flatMap { $0.points.map(\.x) } }
        let xDomain = Domain(axis: xAxis, values: xValues)
        let yDomain = Domain(axis: yAxis, values: isStrip ? [] : series.flatMap { $0.points.map(\.y) })
        let px: (Double) -> Double = { area.x0 + (area.x1 - area.x0) * ($0 - xDomain.lo) / (xDomain.hi - xDomain.lo) }
        let py: (Double) -> Double = { area.y1 - (area.y1 - area.y0) * ($0 - yDomain.lo) / (yDomain.hi - yDomain.lo) }

        w.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        w.line(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(num(totalWidth))\" height=\"\(num(totalHeight))\" "
                + "viewBox=\"0 0 \(num(totalWidth)) \(num(totalHeight))\" font-family=\"sans-serif\" font-size=\"11\">")
        if hasTitle { w.line("  <title>\(xmlEscaped(title))</title>") }
        w.line("  <rect x=\"0\" y=\"0\" width=\"\(num(totalWidth))\" height=\"\(num(totalHeight))\" fill=\"#ffffff\"/>")
        w.line("  <defs>")
        w.line("    <clipPath id=\"plot-area\">")
        w.line("      <rect x=\"\(num(area.x0))\" y=\"\(num(area.y0))\" width=\"\(num(area.x1 - area.x0))\" height=\"\(num(area.y1 - area.y0))\"/>")
        w.line("    </clipPath>")
        w.line("  </defs>")
        if hasTitle {
            w.line("  <text x=\"\(num(totalWidth / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(xmlEscaped(title))</text>")
        }

        // Grid and ticks.
        let xTicks = xDomain.ticks()
        let yTicks = isStrip ? [] : yDomain.ticks()
        w.line("  <g stroke=\"#e0e0e0\" stroke-width=\"1\">")
        for t in xTicks { w.line("    <line x1=\"\(num(px(t.position)))\" y1=\"\(num(area.y0))\" x2=\"\(num(px(t.position)))\" y2=\"\(num(area.y1))\"/>") }
        for t in yTicks { w.line("    <line x1=\"\(num(area.x0))\" y1=\"\(num(py(t.position)))\" x2=\"\(num(area.x1))\" y2=\"\(num(py(t.position)))\"/>") }
        w.line("  </g>")
        w.line("  <g font-size=\"10\" fill=\"#333333\">")
        for t in xTicks {
            w.line("    <text x=\"\(num(px(t.position)))\" y=\"\(num(area.y1 + 16))\" text-anchor=\"middle\">\(t.label)</text>")
        }
        for t in yTicks {
            w.line("    <text x=\"\(num(area.x0 - 8))\" y=\"\(num(py(t.position) + 3.5))\" text-anchor=\"end\">\(t.label)</text>")
        }
        w.line("  </g>")
        w.line("  <g stroke=\"#333333\" stroke-width=\"1\">")
        for t in xTicks { w.line("    <line x1=\"\(num(px(t.position)))\" y1=\"\(num(area.y1))\" x2=\"\(num(px(t.position)))\" y2=\"\(num(area.y1 + 4))\"/>") }
        for t in yTicks { w.line("    <line x1=\"\(num(area.x0 - 4))\" y1=\"\(num(py(t.position)))\" x2=\"\(num(area.x0))\" y2=\"\(num(py(t.position)))\"/>") }
        w.line("  </g>")
        if !xAxis.label.isEmpty {
            w.line("  <text x=\"\(num((area.x0 + area.x1) / 2))\" y=\"\(num(totalHeight - 12))\" text-anchor=\"middle\">\(xmlEscaped(xAxis.label))</text>")
        }
        if !isStrip && !yAxis.label.isEmpty {
            let cy = (area.y0 + area.y1) / 2
            w.line("  <text x=\"16\" y=\"\(num(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(num(cy)))\">\(xmlEscaped(yAxis.label))</text>")
        }

        // Data.
        if isStrip {
            renderStrips(into: &w, area: area, rowHeight: rowHeight, px: px, xDomain: xDomain)
        } else {
            renderSeries(into: &w, px: px, py: py, xDomain: xDomain, yDomain: yDomain)
        }

        // Markers.
        if !markers.isEmpty {
            w.line("  <g class=\"markers\">")
            for (i, marker) in markers.enumerated() {
                guard let t = xDomain.transform(marker.x), t >= xDomain.lo, t <= xDomain.hi else { continue }
                let x = px(t)
                w.line("    <line x1=\"\(num(x))\" y1=\"\(num(area.y0))\" x2=\"\(num(x))\" y2=\"\(num(area.y1))\" stroke=\"#333333\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>")
                let labelY = isStrip ? area.y0 - 4 : area.y0 + 12 + 12 * Double(i % 3)
                w.line("    <text x=\"\(num(x + 3))\" y=\"\(num(labelY))\" font-size=\"10\" fill=\"#333333\">\(xmlEscaped(marker.label))</text>")
            }
            w.line("  </g>")
        }

        // Frame and legend.
        w.line("  <rect x=\"\(num(area.x0))\" y=\"\(num(area.y0))\" width=\"\(num(area.x1 - area.x0))\" height=\"\(num(area.y1 - area.y0))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>")
        if !isStrip && showsLegend && !series.isEmpty { renderLegend(into: &w, area: area) }
        w.line("</svg>")
        return w.text
    }

    private func color(ofSeries index: Int) -> String {
        series[index].color ?? Self.palette[index % Self.palette.count]
    }

    private func renderSeries(
        into w: inout SVGWriter, px: (Double) -> Double, py: (Double) -> Double, xDomain: Domain, yDomain: Domain
    ) {
        w.line("  <g clip-path=\"url(#plot-area)\">")
        for (index, s) in series.enumerated() {
            let colour = xmlEscaped(color(ofSeries: index))
            // Screen positions, nil where the point cannot be shown.
            let positions: [(Double, Double)?] = s.points.map { p in
                guard let tx = xDomain.transform(p.x), let ty = yDomain.transform(p.y) else { return nil }
                return (px(tx), py(ty))
            }
            if s.style != .scatter {
                var d = ""
                var penDown = false
                for pos in positions {
                    guard let (x, y) = pos else {
                        penDown = false
                        continue
                    }
                    d += (d.isEmpty ? "" : " ") + (penDown ? "L" : "M") + "\(num(x)) \(num(y))"
                    penDown = true
                }
                if !d.isEmpty {
                    w.line("    <path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>")
                }
            }
            if s.style != .line {
                w.line("    <g fill=\"\(colour)\">")
                for case let (x, y)? in positions {
                    w.line("      <circle cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"2.5\"/>")
                }
                w.line("    </g>")
            }
        }
        w.line("  </g>")
    }

    private func renderStrips(into w: inout SVGWriter, area: Rect, rowHeight: Double, px: (Double) -> Double, xDomain: Domain) {
        for (row, strip) in strips.enumerated() {
            let cy = area.y0 + rowHeight * (Double(row) + 0.5)
            let colour = Self.palette[row % Self.palette.count]
            w.line("  <text x=\"\(num(area.x0 - 8))\" y=\"\(num(cy + 3.5))\" text-anchor=\"end\">\(xmlEscaped(strip.label))</text>")
            w.line("  <line x1=\"\(num(area.x0))\" y1=\"\(num(cy))\" x2=\"\(num(area.x1))\" y2=\"\(num(cy))\" stroke=\"#cccccc\" stroke-width=\"1\"/>")
            var seen = Set<String>()
            var d = ""
            for v in strip.values {
                guard let t = xDomain.transform(v), t >= xDomain.lo, t <= xDomain.hi else { continue }
                let x = num(px(t))
                guard seen.insert(x).inserted else { continue }
                d += (d.isEmpty ? "" : " ") + "M\(x) \(num(cy - 8))V\(num(cy + 8))"
            }
            if !d.isEmpty {
                w.line("  <path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1\"/>")
            }
        }
    }

    private func renderLegend(into w: inout SVGWriter, area: Rect) {
        let longest = series.map(\.name.count).max() ?? 0
        let boxWidth = 36 + Double(longest) * 6.2
        let boxHeight = 8 + 16 * Double(series.count)
        let x = area.x1 - boxWidth - 8
        let y = area.y0 + 8
        w.line("  <g class=\"legend\">")
        w.line("    <rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(boxWidth))\" height=\"\(num(boxHeight))\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#999999\" stroke-width=\"0.8\"/>")
        for (index, s) in series.enumerated() {
            let cy = y + 12 + 16 * Double(index)
            let colour = xmlEscaped(color(ofSeries: index))
            if s.style != .scatter {
                w.line("    <line x1=\"\(num(x + 6))\" y1=\"\(num(cy))\" x2=\"\(num(x + 24))\" y2=\"\(num(cy))\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            }
            if s.style != .line {
                w.line("    <circle cx=\"\(num(x + 15))\" cy=\"\(num(cy))\" r=\"2.5\" fill=\"\(colour)\"/>")
            }
            w.line("    <text x=\"\(num(x + 30))\" y=\"\(num(cy + 3.5))\">\(xmlEscaped(s.name))</text>")
        }
        w.line("  </g>")
    }
}

// MARK: - Helpers

/// Escapes the five XML special characters, and drops control characters XML 1.0 forbids.
fileprivate func xmlEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// A coordinate with at most two decimals, no trailing zeros (`12.5`, `-3`, `0.07`).
fileprivate func num(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let scaled = (value * 100).rounded()
    if scaled == 0 { return "0" }
    let magnitude = Int64(abs(scaled))
    var text = (scaled < 0 ? "-" : "") + String(magnitude / 100)
    let fraction = magnitude % 100
    if fraction != 0 {
        text += "." + (fraction < 10 ? "0" : "") + String(fraction % 10 == 0 ? fraction / 10 : fraction)
    }
    return text
}

fileprivate struct SVGWriter {
    var text = ""
    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }
}

fileprivate struct Rect {
    var x0: Double, y0: Double, x1: Double, y1: Double
}

/// An axis's domain in transformed units (the exponent on logarithmic axes).
fileprivate struct Domain {
    var scale: SVGPlot.Scale
    var lo: Double
    var hi: Double

    struct Tick {
        var position: Double
        /// Already XML (may contain a `tspan` for an exponent).
        var label: String
    }

    init(axis: SVGPlot.Axis, values: [Double]) {
        scale = axis.scale
        lo = 0
        hi = 1
        if let range = axis.range, let a = transform(range.lowerBound), let b = transform(range.upperBound), a < b {
            lo = a
            hi = b
            return
        }
        let ts = values.compactMap(transform)
        guard var a = ts.min(), var b = ts.max() else { return }
        switch scale {
        case .linear:
            if a == b {
                let d = a == 0 ? 1 : abs(a) * 0.1
                a -= d
                b += d
            }
            let step = Domain.niceStep(b - a)
            lo = (a / step).rounded(.down) * step
            hi = (b / step).rounded(.up) * step
        case .log2, .log10:
            lo = a.rounded(.down)
            hi = b.rounded(.up)
            if lo == hi {
                lo -= 1
                hi += 1
            }
        }
    }

    func transform(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return v
        case .log2: return v > 0 ? Foundation.log2(v) : nil
        case .log10: return v > 0 ? Foundation.log10(v) : nil
        }
    }

    /// A 1-2-5 step giving about `target` intervals over `span`.
    static func niceStep(_ span: Double, target: Double = 5) -> Double {
        let raw = span / target
        let magnitude = pow(10, (Foundation.log10(raw)).rounded(.down))
        let f = raw / magnitude
        let nice: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
        return nice * magnitude
    }

    func ticks() -> [Tick] {
        switch scale {
        case .linear:
            let step = Domain.niceStep(hi - lo)
            let first = Int64((lo / step - 1e-9).rounded(.up))
            let last = Int64((hi / step + 1e-9).rounded(.down))
            guard first <= last, last - first <= 100 else { return [] }
            let decimals = max(0, -Int((Foundation.log10(step) + 1e-9).rounded(.down)))
            let largest = max(abs(lo), abs(hi))
            return (first...last).map { k in
                let v = Double(k) * step
                var label: String
                if largest >= 1e6 || largest < 1e-4 {
                    label = Table.number(v, .significant(6))
                } else {
                    label = String(format: "%.\(decimals)f", v)
                }
                if label.hasPrefix("-") && Double(label) == 0 { label.removeFirst() }
                return Tick(position: v, label: xmlEscaped(label.replacingOccurrences(of: "-", with: "\u{2212}")))
            }
        case .log2, .log10:
            let first = Int(lo.rounded(.up)), last = Int(hi.rounded(.down))
            guard first <= last else { return [] }
            let count = last - first + 1
            let stride = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000].first { count / $0 <= 10 } ?? 5000
            let base = scale == .log2 ? "2" : "10"
            return (first...last).filter { (($0 % stride) + stride) % stride == 0 }.map { k in
                let exponent = k < 0 ? "\u{2212}\(-k)" : "\(k)"
                return Tick(position: Double(k), label: "\(base)<tspan dy=\"-4\" font-size=\"8\">\(exponent)</tspan>")
            }
        }
    }
}
