enum TargetsCommand {
    static let spec = CommandSpec(
        name: "targets",
        summary: "list the targets of the plans, exactly as written, with their clause and citation",
        usage: "quality targets [--province R] [--plan P] [--year Y] [--format table|json|markdown|csv] [--lang zh|en]",
        options: [
            OptionSpec(name: "--province", value: "R", help: "only targets that apply to region R (slug, Chinese name or GB/T 2260 code), with their scope"),
            OptionSpec(name: "--plan", value: "P", help: "only plan P: national-2011, jiangxi-2011, national-2023"),
            OptionSpec(name: "--year", value: "Y", help: "only targets for year Y"),
            OptionSpec(name: "--format", value: "F", help: "table (default), json, markdown or csv"),
            CommonOptions.languageOption,
        ],
        positionalName: nil, minPositionals: 0, maxPositionals: 0,
        examples: [
            "quality targets --province jiangxi",
            "quality targets --plan national-2023 --format json",
            "quality targets --year 2015 --format markdown --lang en",
        ])

    static func run(_ args: ParsedArguments, _ context: CLIContext, catalog: Catalog) throws(UsageError) -> ExitStatus {
        let format = try ArgumentParser.choice(args.value("--format"), option: "--format", among: ["table", "json", "markdown", "csv"], command: spec.name) ?? "table"
        let lang = try CommonOptions.language(args, context, command: spec.name)
        let region = try CommonOptions.province(args, catalog: catalog, command: spec.name)
        let planID = try CommonOptions.plan(args, catalog: catalog, command: spec.name)
        let year = try CommonOptions.year(args, option: "--year", command: spec.name)

        var entries: [(target: Target, scope: Scope?)]
        if let region {
            entries = catalog.applicableTargets(to: RegionCode(region.code)).map { ($0.target, Optional($0.scope)) }
        } else {
            entries = catalog.targets.map { ($0, nil) }
        }
        if let planID { entries = entries.filter { $0.target.plan == planID } }
        if let year { entries = entries.filter { $0.target.year == year } }
        let planIDs = Set(entries.map(\.target.plan))
        let listing = TargetListing(plans: catalog.plans.filter { planIDs.contains($0.id) }, entries: entries, region: region)
        switch format {
        case "json": context.out(TargetsRenderer.json(listing))
        case "markdown": context.out(TargetsRenderer.markdown(listing, lang: lang))
        case "csv": context.out(TargetsRenderer.csv(listing))
        default: context.out(TargetsRenderer.table(listing, lang: lang, width: context.terminalWidth))
        }
        return .success
    }
}

/// Options several commands share, parsed and checked in one place.
enum CommonOptions {
    static let languageOption = OptionSpec(name: "--lang", value: "L", help: "zh or en (default: Chinese, unless LC_ALL, LC_MESSAGES or LANG names another language such as en_US)")
    static let encodingOption = OptionSpec(name: "--encoding", value: "E", help: "utf-8, gb18030 (gbk), utf-16le or utf-16be; default: detected for each file")
    static let defaultRegionOption = OptionSpec(name: "--province", value: "R", help: "region of files without a region column (default: national)")

    static func language(_ args: ParsedArguments, _ context: CLIContext, command: String) throws(UsageError) -> Language {
        if let value = try ArgumentParser.choice(args.value("--lang"), option: "--lang", among: ["zh", "en"], command: command) {
            return Language(rawValue: value)!
        }
        return context.defaultLanguage
    }

    static func province(_ args: ParsedArguments, catalog: Catalog, command: String) throws(UsageError) -> Region? {
        guard let value = args.value("--province") else { return nil }
        if case .region(let code) = catalog.resolveRegion(value), code.isProvinceLevel, let region = catalog.region(code: code.code) {
            return region
        }
        var message = "unknown province '\(escapingControls(value))'"
        if let guess = closestMatch(to: value, among: catalog.regionSpellings) {
            message += "; did you mean '\(guess)'?"
        } else {
            message += "; use a slug such as 'jiangxi', a name such as '江西', or a code such as 360000"
        }
        throw UsageError(message: message, command: command)
    }

    static func plan(_ args: ParsedArguments, catalog: Catalog, command: String) throws(UsageError) -> String? {
        try ArgumentParser.choice(args.value("--plan"), option: "--plan", among: catalog.plans.map(\.id), command: command)
    }

    static func year(_ args: ParsedArguments, option: String, command: String) throws(UsageError) -> Int? {
        guard let value = args.value(option) else { return nil }
        guard let year = Int(value), (1949...2100).contains(year) else {
            throw UsageError(message: "invalid year '\(escapingControls(value))' for \(option); expected a year from 1949 to 2100", command: command)
        }
        return year
    }
}
