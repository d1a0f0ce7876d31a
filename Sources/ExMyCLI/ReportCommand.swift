import ArgumentParser
import ExMyAnalysis
import Foundation

/// `exmy report`: the main job.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the FP3–FP8 error report (tables in Markdown and CSV, Capybara terms, SVG plots) on the built-in data.",
        discussion: "Every E/M split of 3–8 bits with subnormals on and off, the catalog formats, the MX and NVFP4 schemes and several block sizes. Progress goes to a terminal's standard error only."
    )

    @Option(help: "Output folder (created if needed).") var out: String = "report"

    func run() throws {
        let report = try ErrorReport.build { Console.shared.progress($0) }
        Console.shared.progressDone()
        let folder = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, contents) in report.files.sorted(by: { $0.key < $1.key }) {
                try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        } catch {
            throw CLIError("\(out): cannot write the report (\(error.localizedDescription))")
        }
        Console.shared.print("wrote \(report.files.count) files to \(out)/ (measured in \(String(format: "%.1f", report.seconds)) s): \(report.files.keys.sorted().joined(separator: ", "))")
    }
}
