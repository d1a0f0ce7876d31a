import ArgumentParser
import ExMy

/// The `exmy` command: emulate small floating-point formats and measure what rounding costs.
///
/// Every subcommand writes through ``Console`` so tests can run it in-process and read its output.
public struct ExMyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "exmy",
        abstract: "Emulate small floating-point formats bit-exactly and measure what rounding into them costs.",
        subcommands: ExMyCommand.allSubcommands
    )

    public init() {}
}
