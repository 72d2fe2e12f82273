enum DiffCommand {
    static let spec = CommandSpec(
        name: "diff",
        summary: "what changed between two editions of the figures: added, removed, revised, and targets that flipped",
        usage: "quality diff OLD NEW [--format text|markdown|json|csv] [--tolerance X] [--ignore-source] [--as-of Y] [--lang zh|en]",
        options: [
            OptionSpec(name: "--format", value: "F", help: "text (default), markdown, json or csv"),
            OptionSpec(name: "--tolerance", value: "X", help: "numeric changes of at most X are not changes"),
            OptionSpec(name: "--ignore-source", value: nil, help: "do not report source or note changes"),
            OptionSpec(name: "--as-of", value: "Y", help: "judge both editions as of year Y (default: the latest year either holds)"),
            CommonOptions.languageOption,
            CommonOptions.defaultRegionOption,
            CommonOptions.encodingOption,
            OptionSpec(name: "--git", value: nil, help: "take git's seven external-diff arguments (path old-file old-hex old-mode new-file new-hex new-mode)"),
        ],
        positionalName: "OLD and NEW (files, or directories: an edition in several files)", minPositionals: 2, maxPositionals: 7,
        examples: [
            "quality diff figures-2023.csv figures-2024.csv",
            "quality diff --format json --tolerance 0.05 old.xlsx.csv new.csv",
            "git config diff.quality.command 'quality diff --git'",
        ])

    static func run(_ args: ParsedArguments, _ context: CLIContext, catalog: Catalog) throws(UsageError) -> ExitStatus {
        let format = try ArgumentParser.choice(args.value("--format"), option: "--format", among: ["text", "markdown", "json", "csv"], command: spec.name) ?? "text"
        let lang = try CommonOptions.language(args, context, command: spec.name)
        let asOf = try CommonOptions.year(args, option: "--as-of", command: spec.name)
        var tolerance: Figure?
        if let t = args.value("--tolerance") {
            guard let f = Figure(t), f >= Figure(0) else {
                throw UsageError(message: "invalid tolerance '\(escapingControls(t))'; expected a number such as 0.05", command: spec.name)
            }
            tolerance = f
        }
        var reading = try ReadingOptions.parse(args, catalog: catalog, command: spec.name)
        // Each edition is read whole on its own core: splitting a file too would only crowd the two cores.
        reading.reader.parallel = false
        let git = args.has("--git")
        let p = args.positionals
        let (oldPath, newPath, oldLabel, newLabel): (String, String, String, String)
        if git {
            guard p.count == 7 else { throw UsageError(message: "--git takes git's 7 external-diff arguments; got \(p.count)", command: spec.name) }
            (oldPath, newPath, oldLabel, newLabel) = (p[1], p[4], "a/" + p[0], "b/" + p[0])
        } else {
            guard p.count == 2 else { throw UsageError(message: "diff takes two editions, OLD and NEW (files or directories); got \(p.count)", command: spec.name) }
            (oldPath, newPath, oldLabel, newLabel) = (p[0], p[1], p[0], p[1])
        }
        if oldPath == "-", newPath == "-" {
            throw UsageError(message: "only one of OLD and NEW can be standard input ('-'); save the other edition to a file and name it", command: spec.name)
        }
        // The two editions are read at once; their problems are told in order.
        let paths = [oldPath, newPath]
        let loaded = parallelMap(2) { [reading] i -> (MeasurementSet, [Diagnostic], Bool) in
            // git passes /dev/null for a file that is added or deleted.
            if paths[i] == "/dev/null" { return (MeasurementSet([]), [], false) }
            let (set, reader, unreadable) = ReadingOptions.load([paths[i]], options: reading, context: context, catalog: catalog)
            return (set, reader.diagnostics.filter { $0.severity == .error }, unreadable)
        }
        var trouble = false
        for (_, errors, unreadable) in loaded {
            for d in errors { context.err(d.formatted + "\n") }
            trouble = trouble || unreadable || !errors.isEmpty
        }
        let (old, new) = (loaded[0].0, loaded[1].0)
        context.keepUntilExit(loaded)
        let diff = MeasurementDiff(old: old, new: new, catalog: catalog, tolerance: tolerance, ignoreSource: args.has("--ignore-source"), asOf: asOf)
        let renderer = DiffRenderer(
            diff: diff, catalog: catalog, lang: lang, oldLabel: oldLabel, newLabel: newLabel,
            regionNames: new.regionNames.merging(old.regionNames) { given, _ in given })
        switch format {
        case "markdown": context.out(renderer.markdown())
        // Streamed as bytes, its long lists written on both cores.
        case "json": renderer.json(emit: context.outBytes)
        case "csv": context.out(renderer.csv())
        default: context.out(renderer.text(color: context.useColor(on: .stdout)))
        }
        if trouble {
            context.err("quality diff: rows with errors were left out of the comparison (listed above); exit 2\n")
            return .failure
        }
        // git stops at an external diff that exits non-zero, so --git reports differences with 0.
        if git { return .success }
        return diff.isEmpty ? .success : .problems
    }
}
