import ArgumentParser
import ExMy
import ExMyHardware
import Foundation

/// `exmy export FORMAT`: decode tables and rounding thresholds for hardware designers.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a format's decode table and round-to-nearest-even thresholds as a C header, SystemVerilog or CSV.",
        discussion: "Formats of at most 16 bits. The exported tables reproduce ExMy's encode (nearest even, overflow none) and decode for every code and every threshold (tested, including compiling the C header)."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case c, sv, csv, thresholds }

    @Argument(help: "The format.") var format: String
    @Option(help: "What to write: c (header) | sv (SystemVerilog) | csv (decode table) | thresholds (CSV).") var kind: Kind = .c
    @Option(help: "Output file (default: standard output).") var output: String?

    func run() throws {
        let f = try FormatArgument.parse(format)
        let export: HardwareExport
        do { export = try HardwareExport(f) } catch let e as FormatError { throw CLIError(e.message) }
        let text: String
        switch kind {
        case .c: text = export.cHeader()
        case .sv: text = export.systemVerilog()
        case .csv: text = export.decodeCSV()
        case .thresholds: text = export.thresholdsCSV()
        }
        try writeWhole(text, to: output)
    }
}
