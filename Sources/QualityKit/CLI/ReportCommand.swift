enum ReportCommand {
    static let spec = CommandSpec(
        name: "report",
        summary: "judge every target against the data: met, not met, on track, with the reason and the clause",
        usage: "quality report [--province R] [--by region] [--plan P] [--year Y] [--as-of Y] [--data FILE...] [--format table|markdown|json|csv|html] [--lang zh|en] [--tolerance X] [--output FILE]",
        options: [
            OptionSpec(name: "--province", value: "R", help: "the region to report on (default: national); with --by region, narrows to one province and its sub-regions"),
            OptionSpec(name: "--by", value: "region", help: "judge every region in the data and rank who lags most"),
            OptionSpec(name: "--plan", value: "P", help: "only targets of plan P: national-2011, jiangxi-2011, national-2023"),
            OptionSpec(name: "--year", value: "Y", help: "only targets for year Y"),
            OptionSpec(name: "--as-of", value: "Y", help: "judge as of year Y (default: the latest year in the data; never the clock)"),
            OptionSpec(name: "--data", value: "FILE...", greedy: true, help: "measurement files or directories of them (CSV, TSV, JSON; - for stdin); default: the official figures built in"),
            OptionSpec(name: "--format", value: "F", help: "table (default), markdown, json, csv or html"),
            CommonOptions.languageOption,
            OptionSpec(name: "--tolerance", value: "X", help: "tolerance of 左右 targets (default 1 point)"),
            OptionSpec(name: "--output", value: "FILE", help: "write the report to FILE instead of standard output"),
            CommonOptions.encodingOption,
        ],
        positionalName: nil, minPositionals: 0, maxPositionals: 0,
        examples: [
            "quality report --province jiangxi",
            "quality report --province national --format markdown > report.md",
            "quality report --data counties.csv --by region --province jiangxi --format html --output jiangxi.html",
            "quality report --as-of 2015 --plan national-2011 --lang en",
        ])

    static func run(_ args: ParsedArguments, _ context: CLIContext, catalog: Catalog) throws(UsageError) -> ExitStatus {
        let format = try ArgumentParser.choice(args.value("--format"), option: "--format", among: ["table", "markdown", "json", "csv", "html"], command: spec.name) ?? "table"
        let lang = try CommonOptions.language(args, context, command: spec.name)
        let province = try CommonOptions.province(args, catalog: catalog, command: spec.name)
        let plan = try CommonOptions.plan(args, catalog: catalog, command: spec.name)
        let year = try CommonOptions.year(args, option: "--year", command: spec.name)
        let asOf = try CommonOptions.year(args, option: "--as-of", command: spec.name)
        let byRegion = try ArgumentParser.choice(args.value("--by"), option: "--by", among: ["region"], command: spec.name) != nil
        var tolerance: Figure?
        if let t = args.value("--tolerance") {
            guard let f = Figure(t), f >= Figure(0) else {
                throw UsageError(message: "invalid tolerance '\(escapingControls(t))'; expected a number of points such as 1 or 0.5", command: spec.name)
            }
            tolerance = f
        }
        if args.values["--data"] != nil, args.all("--data").isEmpty {
            throw UsageError(message: "option '--data' needs at least one file", command: spec.name)
        }
        let reading = try ReadingOptions.parse(args, catalog: catalog, command: spec.name)

        let loaded = DataLoading.load(files: args.all("--data"), options: reading, context: context, catalog: catalog)
        if loaded.unreadable {
            for d in loaded.reader.diagnostics where d.code == .emptyFile { context.err(d.formatted + "\n") }
            return .failure
        }
        context.keepUntilExit(loaded.measurements)
        let engine = AttainmentEngine(catalog: catalog, measurements: loaded.measurements, asOf: asOf, tolerance: tolerance)
        var regions: [RegionCode]
        if byRegion {
            regions = loaded.measurements.regions
            if let province { regions = regions.filter { $0.provinceCode == province.code } }
        } else {
            regions = [RegionCode(province?.code ?? Region.nationalCode)]
        }
        let reports = parallelMap(regions, batch: 64) { engine.evaluate(region: $0, plan: plan, year: year) }
        let doc = ReportDocument(
            regions: reports, asOf: engine.asOf, byRegion: byRegion, skipped: loaded.reader.diagnostics.filter { $0.severity == .error },
            unused: unusedSeries(loaded.measurements, reports: reports, catalog: catalog), catalog: catalog, measurements: loaded.measurements,
            dataLabel: loaded.label(lang))
        // Output goes out in pieces (JSON streams), to stdout or appended to --output.
        let outputPath = args.value("--output")
        var started = false
        var writeError: (any Error)?
        /// A piece for `--output`: the first replaces the file, the rest are appended; the first failure is kept.
        func save(_ write: (_ path: String, _ append: Bool) throws -> Void) {
            guard writeError == nil, let path = outputPath else { return }
            do {
                try write(path, started)
                started = true
            } catch {
                writeError = error
            }
        }
        let emit: (String) -> Void = { piece in
            guard outputPath != nil else { return context.out(piece) }
            save { try context.writeFile($0, piece, $1) }
        }
        let emitBytes: (UnsafeBufferPointer<UInt8>) -> Void = { piece in
            guard outputPath != nil else { return context.outBytes(piece) }
            save { try context.writeBytes($0, piece, $1) }
        }
        switch format {
        case "markdown": emit(ReportFormats.markdown(doc, lang: lang))
        // JSON and CSV are streamed as bytes: the pieces of a large report are never made strings.
        case "json": ReportFormats.json(doc, lang: lang, emit: emitBytes)
        case "csv": ReportFormats.csv(doc, lang: lang, emit: emitBytes)
        case "html": emit(ReportHTMLRenderer.render(doc, lang: lang))
        default:
            emit(ReportTextRenderer.render(doc, lang: lang, color: outputPath == nil && context.useColor(on: .stdout), width: context.terminalWidth))
        }
        if let writeError, let outputPath {
            context.err("quality: error: cannot write '\(escapingControls(outputPath))': \(writeError)\n")
            return .failure
        }
        context.keepUntilExit(doc)
        // The one-line account on stderr: nothing dropped silently.
        let values = loaded.measurements.count
        var line = "quality report: \(plural(reports.count, "region")), \(plural(reports.reduce(0) { $0 + $1.results.count }, "target")), \(plural(values, "value")) read"
        if !doc.skipped.isEmpty { line += "; \(plural(doc.skipped.count, "row")) not used (listed in the report; run 'quality check' for details)" }
        let unusedValues = doc.unused.reduce(0) { $0 + $1.count }
        if unusedValues > 0 { line += "; \(plural(unusedValues, "value")) for measures no target here uses" }
        context.err(line + "\n")
        return .success
    }

    /// Series read but neither judged nor shown as context in any report.
    static func unusedSeries(_ set: MeasurementSet, reports: [RegionReport], catalog: Catalog) -> [(key: SeriesKey, count: Int)] {
        // Every region of a province is judged on the same targets, so what its
        // judgements read (its own series and their context) is worked out once a province.
        var readByProvince: [Int: Set<String>] = [:]
        for report in reports where readByProvince[report.region.provinceCode] == nil {
            var read = Set<String>()
            for r in report.results {
                let own = r.target.indicator ?? r.target.id
                read.insert(own)
                for c in catalog.contextMeasures(for: own) { read.insert(c.id) }
            }
            readByProvince[report.region.provinceCode] = read
        }
        let series = set.series
        // Looked for region by region: each reported region's measures that its province's
        // judgements do not read, found by key, already in order (no pass over every series,
        // no sort). Unless that is more lookups than there are series: then every series once.
        let regions = reports.map(\.region).sorted()
        let unreadByProvince = readByProvince.mapValues { read in set.indicators.subtracting(read).sorted() }
        let lookups = regions.reduce(0) { $0 + (unreadByProvince[$1.provinceCode]?.count ?? 0) }
        guard lookups <= series.count else {
            let reported = Set(regions)
            return series.compactMap { key, points in
                guard reported.contains(key.region), unreadByProvince[key.region.provinceCode]?.contains(key.indicator) == true else { return nil }
                return (key, points.count { !$0.value.isMissing })
            }.sorted { $0.key < $1.key }
        }
        // Half the regions on each core; the halves follow one another.
        let middle = regions.count / 2
        return parallelMap(2) { half in
            var unused: [(key: SeriesKey, count: Int)] = []
            for region in regions[half == 0 ? 0..<middle : middle..<regions.count] {
                for indicator in unreadByProvince[region.provinceCode] ?? [] {
                    let key = SeriesKey(indicator: indicator, region: region)
                    if let points = series[key] { unused.append((key, points.count { !$0.value.isMissing })) }
                }
            }
            return unused
        }.flatMap { $0 }
    }
}

/// Measurements for report and diff: the given files, or the official figures built in.
struct DataLoading {
    let measurements: MeasurementSet
    let reader: MeasurementReader
    let unreadable: Bool
    let files: [String]

    func label(_ lang: Language) -> String {
        if files.isEmpty { return lang.pick("内置官方数据（Data/measurements）", "built-in official figures (Data/measurements)") }
        return lang.pick("数据：", "data: ") + files.joined(separator: ", ")
    }

    static func load(files: [String], options: ReadingOptions, context: CLIContext, catalog: Catalog) -> DataLoading {
        if files.isEmpty {
            var readerOptions = options.reader
            readerOptions.duplicateSearch = .series
            let reader = MeasurementReader(catalog: catalog, options: readerOptions)
            for file in EmbeddedData.files where file.path.hasPrefix("measurements/") {
                reader.read(path: "Data/" + file.path, from: MemoryChunkReader(file.contents))
            }
            return DataLoading(measurements: reader.takeSeries(), reader: reader, unreadable: false, files: [])
        }
        let (set, reader, unreadable) = ReadingOptions.load(files, options: options, context: context, catalog: catalog)
        return DataLoading(measurements: set, reader: reader, unreadable: unreadable, files: files)
    }
}
