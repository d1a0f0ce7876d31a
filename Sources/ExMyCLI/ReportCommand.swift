import ArgumentParser
import ExMyAnalysis
import ExMyHardware
import Foundation
import TensorIO

/// `exmy report`: the main job.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the FP3–FP8 error report (tables in Markdown and CSV, Capybara terms, SVG plots) on the built-in data.",
        discussion: """
        Every E/M split of 3–8 bits with subnormals on and off, the catalog formats, the MX and NVFP4 schemes and several \
        block sizes. Progress goes to a terminal's standard error only.

        The folder is new, empty, or one an earlier `exmy report` wrote (it lists its files in \(ReportFolder.markerName)); \
        any other folder is refused unless --force. Every file is written under a temporary name first and all are renamed \
        into place only once all are written: an error (a full disk) changes nothing.
        """
    )

    @Option(help: "Output folder (created if needed; a non-empty folder that exmy did not write is refused unless --force).") var out: String = "report"
    @Flag(help: "Write into a non-empty folder that exmy did not write, replacing its files of the report's names (other files are left alone).") var force = false
    @Flag(help: "No progress line on standard error (shown only when standard error is a terminal).") var quiet = false

    func run() throws {
        // The folder is checked before the minutes of measuring, not after.
        let folder = try ReportFolder(path: out, force: force)
        var report = try ErrorReport.build { if !quiet { Console.shared.progress($0) } }
        if !quiet { Console.shared.progress("what your accumulator loses") }
        try Self.addAccumulatorLoss(to: &report)
        if !quiet { Console.shared.progressDone() }
        try folder.write(report.files)
        Console.shared.print("wrote \(report.files.count) files to \(folder.display) (measured in \(String(format: "%.1f", report.seconds)) s): \(report.files.keys.sorted().joined(separator: ", "))")
    }
}

extension ReportCommand {
    /// The "what your accumulator loses" section: mean relative error against K = 256 … 16384 for
    /// the FP8 and FP4 matrix-unit presets (4 dot products per K: cheap, a few seconds in release).
    static func addAccumulatorLoss(to report: inout ErrorReport) throws {
        var rows: [MatrixUnitStudy.Row] = []
        do {
            for name in MatrixUnitStudy.reportUnits {
                rows += try MatrixUnitStudy.errorVersusK(try MatrixUnit.preset(named: name), lengths: [256, 1024, 4096, 16384], trials: 4, seed: 19)
            }
        } catch let e as MatrixUnitError { throw CLIError(e.description) }
        report.files["accumulator-loss.csv"] = MatrixUnitStudy.csv(rows)
        report.files["accumulator-loss.svg"] = MatrixUnitStudy.plot(rows).render()
        let section = """

        ## What your accumulator loses

        Mean relative error |d − exact| / |exact| of one dot product of length K as each matrix-unit model computes it \
        (`exmy mma --list`, docs/matrix-units.md), against the exact dot product of the same quantized inputs. The \
        data are normal values whose magnitude varies by a factor 2^u (u uniform in −6 … 6) from one block of 32 to \
        the next; units without block scales round them into their input format, block-scaled units quantize them \
        with their own scales (OCP MX E8M0, NVFP4 UE4M3); C = 0; 4 dot products per K. The exact reference \
        (p3109-block-dot-e4m3) rounds once into FP32. A 0 means every dot product was exact. `exmy dot --model NAME` \
        measures more lengths and trials. Data: accumulator-loss.csv; plot: accumulator-loss.svg (zeros are not \
        drawn on its logarithmic axis).

        \(MatrixUnitStudy.markdown(rows))
        """
        report.files["README.md", default: ""] += section
    }
}

/// The folder `exmy report` writes into, and the all-or-nothing write of its files.
///
/// A folder exmy wrote holds a marker file, ``markerName``, listing the files it wrote; only such a
/// folder (or a new or empty one) is written into without `--force`. The files are written to
/// unique temporary names beside their destinations (``OutputFile``), synced, and renamed into
/// place only when every one is complete; on any error every temporary file is removed, nothing
/// is replaced, and a folder created for the report is removed again.
struct ReportFolder {
    /// The marker file of a folder `exmy report` wrote.
    static let markerName = ".exmy-report"

    let path: String
    let force: Bool
    /// Whether the folder exists already (if not, it is created by ``write(_:)``).
    let exists: Bool
    /// The files the marker lists (empty without a marker).
    let written: Set<String>

    /// The folder for messages, with one trailing slash.
    var display: String { path.hasSuffix("/") ? path : path + "/" }

    /// Checks `path`: an empty name, a non-folder, and (without `force`) a non-empty folder with
    /// no marker are refused.
    init(path: String, force: Bool) throws {
        guard !path.isEmpty else { throw CLIError("--out is empty: give the folder to write the report into") }
        self.path = path
        self.force = force
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            guard code == ENOENT else { throw CLIError("--out \(path): \(String(cString: strerror(code)))") }
            exists = false
            written = []
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let type = TensorIOError.FileType(mode: UInt32(info.st_mode))
            let what = type == .other ? "a file" : type.rawValue
            throw CLIError("--out \(path): is \(what), not a folder; give a folder for the report")
        }
        exists = true
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw CLIError("--out \(path): the folder cannot be listed (\(String(cString: strerror(errno))))")
        }
        let marker = (path.hasSuffix("/") ? path : path + "/") + Self.markerName
        if entries.contains(Self.markerName), let text = try? String(contentsOfFile: marker, encoding: .utf8) {
            written = Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty })
        } else {
            written = []
            if !entries.isEmpty && !force {
                let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
                throw CLIError("--out \(path): the folder holds files that exmy did not write (\(shown)); give a new or empty folder, or pass --force to write the report's files into it")
            }
        }
    }

    /// Writes `files` (name → contents) and the marker, all or nothing.
    func write(_ files: [String: String]) throws {
        let prefix = display
        if exists && !force {
            // A folder exmy wrote: a file of the report's names that it did not write is not replaced.
            let foreign = files.keys.filter { !written.contains($0) && FileManager.default.fileExists(atPath: prefix + $0) }.sorted()
            if !foreign.isEmpty {
                throw CLIError("--out \(path): \(foreign.joined(separator: ", ")) \(foreign.count == 1 ? "was" : "were") not written by exmy; pass --force to replace \(foreign.count == 1 ? "it" : "them")")
            }
        }
        var created = false
        if !exists {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                created = true
            } catch {
                throw CLIError("--out \(path): the folder cannot be created (\(String(cString: strerror(errno))))")
            }
        }
        let names = files.keys.sorted()
        let marker = "# Written by `exmy report`; the next `exmy report --out` into this folder replaces these files.\n"
            + names.joined(separator: "\n") + "\n"
        var outputs: [OutputFile] = []
        var renamed = 0
        do {
            for name in names {
                let output = try OutputFile(path: prefix + name)
                outputs.append(output)
                try output.write(files[name]!)
            }
            let markerOutput = try OutputFile(path: prefix + Self.markerName)
            outputs.append(markerOutput)
            try markerOutput.write(marker)
            // Every file complete and synced before any is renamed into place.
            for output in outputs { try output.prepareCommit() }
            for output in outputs {
                try output.commit()
                renamed += 1
            }
        } catch {
            for output in outputs { output.discard() }
            if created && renamed == 0 { rmdir(path) }
            let outcome = renamed == 0 ? "nothing was changed" : "\(renamed) of \(outputs.count) files were replaced before the error"
            throw CLIError("--out \(path): cannot write the report (\(Console.reason(error))); \(outcome)")
        }
    }
}
