enum ConvertCommand {
    static let spec = CommandSpec(
        name: "convert",
        summary: "rewrite measurement files as clean long-layout CSV, TSV or JSON, in the encoding asked for",
        usage: "quality convert FILE... [--to csv|tsv|json] [--to-encoding utf-8|utf-8-bom|gb18030|utf-16le] [--output FILE]",
        options: [
            OptionSpec(name: "--to", value: "F", help: "csv (default), tsv or json"),
            OptionSpec(name: "--to-encoding", value: "E", help: "utf-8 (default), utf-8-bom (for Excel), gb18030 or utf-16le"),
            OptionSpec(name: "--output", value: "FILE", help: "write to FILE instead of standard output"),
            CommonOptions.defaultRegionOption,
            CommonOptions.encodingOption,
        ],
        positionalName: "FILE", minPositionals: 1, maxPositionals: Int.max,
        examples: [
            "quality convert 江西统计年鉴.csv --output jiangxi-long.csv",
            "quality convert data.csv --to json",
            "quality convert data.csv --to-encoding utf-8-bom --output for-excel.csv",
        ])

    static func run(_ args: ParsedArguments, _ context: CLIContext, catalog: Catalog) throws(UsageError) -> ExitStatus {
        let format = try ArgumentParser.choice(args.value("--to"), option: "--to", among: ["csv", "tsv", "json"], command: spec.name) ?? "csv"
        let encodingName = try ArgumentParser.choice(args.value("--to-encoding"), option: "--to-encoding", among: ["utf-8", "utf-8-bom", "gb18030", "utf-16le"], command: spec.name) ?? "utf-8"
        let reading = try ReadingOptions.parse(args, catalog: catalog, command: spec.name)
        var measurements: [Measurement] = []
        let (reader, unreadable) = ReadingOptions.read(args.positionals, options: reading, context: context, catalog: catalog, sink: { measurements.append($0) })
        let errors = reader.diagnostics.filter { $0.severity == .error }
        for d in errors { context.err(d.formatted + "\n") }
        if unreadable || !errors.isEmpty {
            context.err("quality convert: nothing written: fix the rows above first (nothing is dropped silently)\n")
            return .failure
        }
        let text = MeasurementWriter.text(measurements, format: MeasurementWriter.Format(rawValue: format)!, catalog: catalog)
        if let path = args.value("--output") {
            let bytes = MeasurementWriter.encode(text, as: TextEncoding(name: encodingName)!)
            do {
                try bytes.withUnsafeBufferPointer { try context.writeBytes(path, $0, false) }
            } catch {
                context.err("quality: error: cannot write '\(escapingControls(path))': \(error)\n")
                return .failure
            }
        } else {
            // Standard output is text; a terminal never gets raw control characters.
            context.out(context.stdoutIsTerminal ? escapingControlsExceptLineBreaks(text) : text)
        }
        context.err("quality convert: \(plural(measurements.count, "value")) written\n")
        return .success
    }
}
