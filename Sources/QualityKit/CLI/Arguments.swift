/// One option a command takes.
struct OptionSpec: Sendable {
    let name: String
    /// nil for a flag; otherwise the placeholder shown in help.
    let value: String?
    /// Takes every following argument up to the next option (`--data a.csv b.csv`).
    var greedy = false
    let help: String
}

/// A command's whole interface: the parser, `--help` and README come from it.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    let positionalName: String?
    let minPositionals: Int
    let maxPositionals: Int
    let examples: [String]

    func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }
}

/// A usage error: one line that says what is wrong and, where it can, the closest valid spelling.
struct UsageError: Error, Sendable {
    let message: String
    let command: String?
}

/// The parsed command line of one command.
struct ParsedArguments: Sendable {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func has(_ name: String) -> Bool { flags.contains(name) }
}

enum ArgumentParser {
    static let helpOption = OptionSpec(name: "--help", value: nil, help: "show this help")

    /// Parses `arguments` (after the command name) against `spec`: `--name value`,
    /// `--name=value`, `-h`, and `--` to end options.
    static func parse(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        let allOptions = spec.options + [helpOption]
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "-h" {
                parsed.flags.insert("--help")
                continue
            }
            var name = argument
            var inlineValue: String?
            if let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            guard let option = allOptions.first(where: { $0.name == name }) else {
                var message = "unknown option '\(escapingControls(name))'"
                if let guess = closestMatch(to: name, among: allOptions.map(\.name)) {
                    message += "; did you mean '\(guess)'?"
                }
                throw UsageError(message: message, command: spec.name)
            }
            guard option.value != nil else {
                if inlineValue != nil {
                    throw UsageError(message: "option '\(name)' takes no value", command: spec.name)
                }
                parsed.flags.insert(name)
                continue
            }
            var values: [String] = []
            if let inlineValue {
                values.append(inlineValue)
            } else if index < arguments.count, arguments[index] == "-" || !arguments[index].hasPrefix("-") {
                values.append(arguments[index])
                index += 1
            } else {
                throw UsageError(message: "option '\(name)' needs a value (\(option.value!))", command: spec.name)
            }
            if option.greedy {
                while index < arguments.count, arguments[index] == "-" || !arguments[index].hasPrefix("-") {
                    values.append(arguments[index])
                    index += 1
                }
            }
            parsed.values[name, default: []] += values
        }
        if parsed.has("--help") { return parsed }
        if parsed.positionals.count < spec.minPositionals {
            throw UsageError(message: "missing \(spec.positionalName ?? "argument")", command: spec.name)
        }
        if parsed.positionals.count > spec.maxPositionals {
            let extra = parsed.positionals[spec.maxPositionals]
            throw UsageError(message: "unexpected argument '\(escapingControls(extra))'", command: spec.name)
        }
        return parsed
    }

    /// Checks a value against a fixed list, with "did you mean" when it is off.
    static func choice(_ value: String?, option: String, among choices: [String], command: String) throws(UsageError) -> String? {
        guard let value else { return nil }
        if choices.contains(value) { return value }
        var message = "invalid value '\(escapingControls(value))' for \(option); expected one of \(choices.joined(separator: ", "))"
        if let guess = closestMatch(to: value, among: choices) { message += "; did you mean '\(guess)'?" }
        throw UsageError(message: message, command: command)
    }
}
