enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        summary: "validate measurement files: every problem with its file, line and column",
        usage: "quality check FILE... [--format text|json|github] [--strict] [--province R] [--encoding E] [--verbose]",
        options: [
            OptionSpec(name: "--format", value: "F", help: "text (default), json, or github (GitHub Actions annotations)"),
            OptionSpec(name: "--strict", value: nil, help: "treat warnings as errors"),
            CommonOptions.defaultRegionOption,
            CommonOptions.encodingOption,
            OptionSpec(name: "--input-format", value: "F", help: "csv, tsv or json; default: from the name and content"),
            OptionSpec(name: "--verbose", value: nil, help: "say each file's encoding, layout and row count on stderr"),
        ],
        positionalName: "FILE (a path, a directory: its .csv, .tsv and .json files at any depth, or - for standard input)", minPositionals: 1, maxPositionals: Int.max,
        examples: [
            "quality check data/2024.csv",
            "quality check --strict --format github Data/measurements/*.csv",
            "quality check data/",
            "quality check --encoding gbk --province jiangxi 江西统计.csv",
        ])

    static func run(_ args: ParsedArguments, _ context: CLIContext, catalog: Catalog) throws(UsageError) -> ExitStatus {
        let format = try ArgumentParser.choice(args.value("--format"), option: "--format", among: ["text", "json", "github"], command: spec.name) ?? "text"
        let options = try ReadingOptions.parse(args, catalog: catalog, command: spec.name)
        let strict = args.has("--strict")
        let (outcome, unreadable) = ReadingOptions.read(args.positionals, options: options, context: context, catalog: catalog, sink: nil)
        let result = CheckOutcome(files: outcome.files, diagnostics: outcome.diagnostics, strict: strict)
        switch format {
        case "json": context.out(CheckRenderer.json(result))
        case "github":
            context.out(CheckRenderer.github(result))
            if let path = context.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                try? context.writeFile(path, CheckRenderer.stepSummary(result), true)
            }
        default: context.out(CheckRenderer.text(result))
        }
        if args.has("--verbose") {
            for file in result.files {
                context.err("\(escapingControls(file.path)): encoding \(file.encoding.isEmpty ? "-" : file.encoding), layout \(file.layout.isEmpty ? "-" : file.layout), \(plural(file.rows, "row")) (\(file.rowsRead) read, \(file.rowsRejected) rejected), \(plural(file.values, "value"))\n")
            }
        }
        context.err("quality check: \(plural(result.files.count, "file")), \(plural(result.rows, "row")); \(plural(result.errors, "error")), \(plural(result.warnings, "warning"))\n")
        if unreadable { return .failure }
        return result.errors > 0 ? .problems : .success
    }
}

/// Reading options shared by check, report and diff.
struct ReadingOptions {
    var reader: MeasurementReader.Options

    static func parse(_ args: ParsedArguments, catalog: Catalog, command: String) throws(UsageError) -> ReadingOptions {
        var options = MeasurementReader.Options()
        if let value = args.value("--encoding") {
            guard let encoding = TextEncoding(name: value) else {
                var message = "unknown encoding '\(escapingControls(value))'; expected one of \(TextEncoding.names.joined(separator: ", "))"
                if let guess = closestMatch(to: value, among: TextEncoding.names) { message += "; did you mean '\(guess)'?" }
                throw UsageError(message: message, command: command)
            }
            options.encoding = encoding
        }
        if let value = try ArgumentParser.choice(args.value("--input-format"), option: "--input-format", among: ["csv", "tsv", "json"], command: command) {
            options.format = MeasurementReader.InputFormat(rawValue: value)!
        }
        if let region = try CommonOptions.province(args, catalog: catalog, command: command) {
            options.defaultRegion = RegionCode(region.code)
        }
        return ReadingOptions(reader: options)
    }

    /// Reads every file through one reader (so duplicates are found across files),
    /// handing each measurement to `sink`; true when a file could not be read at all.
    /// A directory stands for the measurement files under it (`DirectoryListing`).
    static func read(_ paths: [String], options: ReadingOptions, context: CLIContext, catalog: Catalog, sink: ((Measurement) -> Void)?) -> (MeasurementReader, Bool) {
        // Each entry: a file to read, or a named path that gave none, with why.
        var entries: [(path: String, problem: String?)] = []
        for path in paths {
            guard let listing = context.listDirectory(path) else {
                entries.append((path, nil))
                continue
            }
            entries += listing.problems.map { ($0.path, "cannot read the directory: \($0.reason)") }
            entries += listing.files.map { ($0, nil) }
            if listing.files.isEmpty, listing.problems.isEmpty {
                let kinds = DirectoryListing.extensions.sorted().map { "." + $0 }.joined(separator: ", ")
                entries.append((path, "no measurement files (\(kinds)) in this directory; name other files one by one"))
            }
        }
        var readerOptions = options.reader
        // Without a sink nothing waits on a row's verdict, so duplicates can be settled at the end.
        if sink == nil, readerOptions.duplicateSearch == .exact, entries.allSatisfy({ $0.problem == nil && context.canReopen($0.path) }) {
            readerOptions.duplicateSearch = .twoPass
        }
        let reader = MeasurementReader(catalog: catalog, options: readerOptions)
        var unreadable = false
        /// What cannot be read is listed as a file with its error: every named path appears in the results.
        func unread(_ path: String, _ problem: String) {
            unreadable = true
            reader.report(.error, .emptyFile, SourceLocation(file: path), problem)
            reader.noteUnreadable(path)
        }
        for (path, problem) in entries {
            if let problem {
                unread(path, problem)
                continue
            }
            do {
                let raw = try context.open(path)
                if reader.read(path: path, from: raw, sink: sink).unreadable { unreadable = true }
            } catch {
                unread(path, "cannot read the file: \((error as? ReadFailure)?.reason ?? String(describing: error))")
            }
        }
        reader.resolveDuplicates { try context.open(entries[$0].path) }
        return (reader, unreadable)
    }

    /// Reads every file into one measurement set.
    static func load(_ paths: [String], options: ReadingOptions, context: CLIContext, catalog: Catalog) -> (MeasurementSet, MeasurementReader, Bool) {
        var options = options
        options.reader.duplicateSearch = .series
        let (reader, unreadable) = read(paths, options: options, context: context, catalog: catalog, sink: nil)
        return (reader.takeSeries(), reader, unreadable)
    }
}

extension MeasurementReader {
    /// Lists a file that could not be opened, so every named file appears in the results.
    func noteUnreadable(_ path: String) {
        appendSummary(FileSummary(path: path, unreadable: true))
    }
}

/// "1 row", "2 rows".
func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
