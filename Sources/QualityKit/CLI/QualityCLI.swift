/// The whole command line behind one function, so every command runs in-process in tests.
public enum QualityCLI {
    public static let version = "0.1.0"

    static let commands: [CommandSpec] = [ReportCommand.spec, CheckCommand.spec, DiffCommand.spec, TargetsCommand.spec, ConvertCommand.spec]

    /// Runs `quality` with `arguments` (without the program name).
    public static func run(_ arguments: [String], context: CLIContext, catalog: Catalog = .embedded) -> ExitStatus {
        guard let first = arguments.first else {
            context.out(mainHelp())
            return .success
        }
        let rest = Array(arguments.dropFirst())
        do throws(UsageError) {
            switch first {
            case "--help", "-h":
                context.out(mainHelp())
                return .success
            case "--version", "version":
                context.out("quality \(version)\n")
                return .success
            case "help":
                guard let name = rest.first else {
                    context.out(mainHelp())
                    return .success
                }
                if name == "codes" {
                    context.out(codesHelp())
                    return .success
                }
                guard let spec = commands.first(where: { $0.name == name }) else {
                    throw unknownCommand(name)
                }
                context.out(help(for: spec))
                return .success
            default:
                guard let spec = commands.first(where: { $0.name == first }) else {
                    throw unknownCommand(first)
                }
                let parsed = try ArgumentParser.parse(rest, spec: spec)
                if parsed.has("--help") {
                    context.out(help(for: spec))
                    return .success
                }
                switch spec.name {
                case TargetsCommand.spec.name: return try TargetsCommand.run(parsed, context, catalog: catalog)
                case CheckCommand.spec.name: return try CheckCommand.run(parsed, context, catalog: catalog)
                case ReportCommand.spec.name: return try ReportCommand.run(parsed, context, catalog: catalog)
                case DiffCommand.spec.name: return try DiffCommand.run(parsed, context, catalog: catalog)
                case ConvertCommand.spec.name: return try ConvertCommand.run(parsed, context, catalog: catalog)
                default: throw unknownCommand(first)
                }
            }
        } catch {
            context.err("quality: error: \(error.message)\n")
            if let command = error.command, let spec = commands.first(where: { $0.name == command }) {
                context.err("Usage: \(spec.usage)\nSee 'quality help \(command)'.\n")
            } else {
                context.err("See 'quality --help'.\n")
            }
            return .failure
        }
    }

    static func unknownCommand(_ name: String) -> UsageError {
        if name.hasPrefix("-") {
            var message = "unknown option '\(escapingControls(name))'"
            if let guess = closestMatch(to: name, among: ["--help", "--version"]) { message += "; did you mean '\(guess)'?" }
            return UsageError(message: message, command: nil)
        }
        var message = "unknown command '\(escapingControls(name))'"
        if let guess = closestMatch(to: name, among: commands.map(\.name) + ["help", "version"]) {
            message += "; did you mean '\(guess)'?"
        }
        return UsageError(message: message, command: nil)
    }

    static func mainHelp() -> String {
        var out = """
            quality: attainment of China's quality-development plan targets

            Usage: quality <command> [options]

            Commands:

            """
        let width = commands.map(\.name.count).max() ?? 0
        for spec in commands {
            out += "  \(spec.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(spec.summary)\n"
        }
        out += """

            Options:
              --help, -h    show help (also: quality help <command>, quality <command> --help)
              --version     show the version

            Exit codes: 0 success; 1 the tool ran and found problems (check) or
            differences (diff); 2 usage error or input it cannot use.

            See 'quality help <command>' for a command's options and examples,
            and 'quality help codes' for the diagnostic codes.

            """
        return out
    }

    static func help(for spec: CommandSpec) -> String {
        var out = "quality \(spec.name): \(spec.summary)\n\nUsage: \(spec.usage)\n\nOptions:\n"
        let options = spec.options + [ArgumentParser.helpOption]
        let labels = options.map { option in option.value.map { "\(option.name) \($0)" } ?? option.name }
        let width = labels.map(\.count).max() ?? 0
        for (label, option) in zip(labels, options) {
            out += "  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(option.help)\n"
        }
        if !spec.examples.isEmpty {
            out += "\nExamples:\n"
            for example in spec.examples { out += "  \(example)\n" }
        }
        return out
    }

    static func codesHelp() -> String {
        var out = "Diagnostic codes (FILE:LINE:COLUMN: error|warning: [CODE] message):\n\n"
        for code in DiagnosticCode.allCases {
            out += "  \(code.rawValue)  \(code.summary)\n"
        }
        return out
    }
}
