import ArgumentParser

extension ExMyCommand {
    /// Every subcommand, in the order `exmy --help` lists them.
    static var allSubcommands: [ParsableCommand.Type] {
        var commands: [ParsableCommand.Type] = [InfoCommand.self, ValuesCommand.self, EncodeCommand.self, DecodeCommand.self, QuantizeCommand.self, DequantizeCommand.self, ProfilesCommand.self, AnalyzeCommand.self, DotCommand.self, MmaCommand.self, CapybaraCommand.self, ReportCommand.self, ExportCommand.self, VectorsCommand.self, BenchCommand.self]
        #if MPFR
        commands.append(CheckCommand.self)
        #endif
        return commands
    }
}
