import ExMy
import ExMyAnalysis
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG with Foundation's XMLParser and collects what the tests look at.
final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [[String: String]] = []
    var texts: [String] = []
    var currentText = ""
    var depth = 0
    var error: Error?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(elementName)
        attributes.append(attributeDict)
        if elementName == "text" { currentText = "" }
        depth += 1
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" { texts.append(currentText) }
        depth -= 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

    /// Parses `svg`; `nil` when it is not well-formed.
    static func parse(_ svg: String) -> SVGCollector? {
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        guard parser.parse(), collector.error == nil, collector.depth == 0 else { return nil }
        return collector
    }

    func count(_ name: String) -> Int { elements.filter { $0 == name }.count }
}

struct OutputSVGPlotTests {
    static func chart() -> SVGPlot {
        var plot = SVGPlot(
            title: "Error <vs> size & \"scale\"",
            xAxis: .init(label: "block size D", scale: .log2),
            yAxis: .init(label: "relative RMSE", scale: .log10))
        plot.series.append(.init("e4m3fn", points: [(16, 0.02), (32, 0.03), (64, 0.05), (128, 0.09)]))
        plot.series.append(.init("e2m1fn <fp4>", points: [(16, 0.2), (32, -1), (64, 0.25), (128, 0.4)], style: .lineAndPoints))
        plot.series.append(.init("scatter", points: [(20, 0.1), (.nan, 0.1), (100, .infinity)], style: .scatter))
        plot.markers.append(.init(x: 48, label: "D_crit = 48"))
        return plot
    }

    @Test func chartIsWellFormedSVGWithEscapedText() throws {
        let svg = Self.chart().render()
        let parsed = try #require(SVGCollector.parse(svg))
        #expect(parsed.elements.first == "svg")
        let root = parsed.attributes[0]
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["version"] == "1.1")
        #expect(root["viewBox"] == "0 0 720 440")
        #expect(root["font-family"] == "sans-serif")
        #expect(parsed.texts.contains("Error <vs> size & \"scale\""))
        #expect(parsed.texts.contains("e2m1fn <fp4>"))
        #expect(parsed.texts.contains("D_crit = 48"))
        #expect(parsed.texts.contains("block size D"))
        #expect(parsed.texts.contains("relative RMSE"))
        // log2 ticks 2^4 … 2^7 and log10 ticks 10^-2 … 10^0, written base + superscript exponent.
        for label in ["24", "25", "26", "27", "10\u{2212}2", "10\u{2212}1", "100"] { #expect(parsed.texts.contains(label), "\(label)") }
        // Two line series (the second broken at its negative y: two subpaths), 4 + 1 dots.
        let paths = parsed.attributes.indices.filter { parsed.elements[$0] == "path" }.map { parsed.attributes[$0]["d"] ?? "" }
        #expect(paths.count == 2)
        #expect(paths[0].filter { $0 == "M" }.count == 1 && paths[0].filter { $0 == "L" }.count == 3)
        #expect(paths[1].filter { $0 == "M" }.count == 2 && paths[1].filter { $0 == "L" }.count == 1)
        #expect(parsed.count("circle") == 3 + 1 + 2)  // plot dots (3 + 1) and two legend dots
        #expect(svg.contains("stroke=\"#4e79a7\"") && svg.contains("stroke=\"#f28e2b\"") && svg.contains("fill=\"#e15759\""))
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func renderingIsDeterministic() {
        let a = Self.chart().render()
        #expect(a == Self.chart().render())
        let strips = SVGPlot.valueStrips(for: [.e2m1fn, .e3m2fn, .e8m0fnu], markers: [.init(x: 1, label: "1")])
        #expect(strips.render() == SVGPlot.valueStrips(for: [.e2m1fn, .e3m2fn, .e8m0fnu], markers: [.init(x: 1, label: "1")]).render())
    }

    @Test func linearAxesAndControlCharacters() throws {
        var plot = SVGPlot(title: "tab\there \u{1}bell", xAxis: .init(label: "x"), yAxis: .init(label: "y", range: -1...1))
        plot.series.append(.init("a", points: [(0, 0), (0.5, 0.25), (1, -0.75)]))
        plot.series.append(.init("flat", points: [(3, 7)]))
        let svg = plot.render()
        let parsed = try #require(SVGCollector.parse(svg))
        #expect(parsed.texts.contains("0.5"))
        #expect(parsed.texts.contains("\u{2212}1.0") && parsed.texts.contains("\u{2212}0.5"))  // y ticks: step 0.5
        #expect(parsed.texts.contains("3") && parsed.texts.contains("0"))  // x ticks: step 1
        #expect(parsed.texts.contains("tab\there bell"))
        // A marker outside a fixed range is not drawn.
        var fixed = plot
        fixed.xAxis.range = 0...1
        fixed.markers = [.init(x: 5, label: "outside"), .init(x: 0.5, label: "inside")]
        let fixedParsed = try #require(SVGCollector.parse(fixed.render()))
        #expect(fixedParsed.texts.contains("inside") && !fixedParsed.texts.contains("outside"))
        // Empty plot and an all-invalid log plot still render well-formed.
        #expect(SVGCollector.parse(SVGPlot().render()) != nil)
        let invalid = SVGPlot(xAxis: .init(scale: .log2), yAxis: .init(scale: .log10), series: [.init("z", points: [(0, -1), (-2, 0)])])
        #expect(SVGCollector.parse(invalid.render()) != nil)
    }

    @Test func stripsMarkEveryPositiveValueOnALog2Axis() throws {
        let plot = SVGPlot.valueStrips(for: [.e2m1fn, .fp3E1M1, .e8m0fnu], markers: [.init(x: 6, label: "max FP4")])
        let svg = plot.render()
        let parsed = try #require(SVGCollector.parse(svg))
        #expect(parsed.texts.contains("e2m1fn") && parsed.texts.contains("fp3-e1m1") && parsed.texts.contains("e8m0fnu"))
        #expect(parsed.texts.contains("max FP4"))
        let paths = parsed.attributes.indices.filter { parsed.elements[$0] == "path" }.map { parsed.attributes[$0]["d"] ?? "" }
        #expect(paths.count == 3)
        // e2m1fn: 0.5 1 1.5 2 3 4 6; fp3-e1m1: 1 2 3; e8m0fnu: 255 values, many closer than 0.01 px are merged.
        #expect(paths[0].filter { $0 == "M" }.count == 7)
        #expect(paths[1].filter { $0 == "M" }.count == 3)
        #expect(paths[2].filter { $0 == "M" }.count > 200)
        #expect(SVGPlot.positiveFiniteValues(of: .e2m1fn) == [0.5, 1, 1.5, 2, 3, 4, 6])
        #expect(SVGPlot.positiveFiniteValues(of: .e8m0fnu).count == 255)
        let fp32 = SVGPlot.positiveFiniteValues(of: .fp32)
        #expect(fp32.first == 0x1p-149 && fp32.last == 0x1p127 && fp32.count == 1 + 276)  // 2^-149, then 2^-148 … 2^127
    }
}
