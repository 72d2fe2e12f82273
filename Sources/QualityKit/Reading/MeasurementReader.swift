/// Reads measurement files (CSV, TSV or JSON; long or wide; any encoding;
/// headers in English or Chinese) into validated measurements, reporting every
/// problem with its file, line and column. One reader per run: duplicates are
/// found across all the files it reads.
public final class MeasurementReader {
    public enum InputFormat: String, Sendable, CaseIterable { case auto, csv, tsv, json }

    public struct Options: Sendable {
        /// The region of files without a region column (`--province`).
        public var defaultRegion: RegionCode
        public var encoding: TextEncoding?
        public var format: InputFormat
        public var limits: ReaderLimits
        /// The byte-level path for clean rows; off only in tests that prove it changes nothing.
        var fastPath = true
        /// Rows of a large table are checked on every core (MeasurementReader+Parallel.swift);
        /// off only in tests that prove it changes nothing.
        var parallel = true
        /// Bytes per stretch handed to the cores; small in tests, to cut often.
        var parallelBlockBytes = 2 << 20
        /// Rows per batch when series are kept on one core; small in tests, to cut often.
        var seriesBatchRows = 16_384
        public var duplicateSearch = DuplicateSearch.exact

        public init(defaultRegion: RegionCode = RegionCode(Region.nationalCode), encoding: TextEncoding? = nil, format: InputFormat = .auto, limits: ReaderLimits = .standard) {
            self.defaultRegion = defaultRegion
            self.encoding = encoding
            self.format = format
            self.limits = limits
        }
    }

    /// How repeated keys are found. `exact` keeps every key's value and line:
    /// one pass, any input. `twoPass` keeps a bit per key and, only when a key
    /// comes again, reads the files a second time for where it was first given
    /// (`resolveDuplicates`): for `check` on files it can open again, in a
    /// fraction of the memory. Both give the same diagnostics and counts.
    /// `twoPass` is for reading without a sink: a sink would be handed a row
    /// before its repeat is judged. `series` keeps the measurements themselves,
    /// grouped into series (`takeSeries`), and looks for a key in them: for
    /// `report` and `diff`, which keep them anyway. It hands nothing to a sink.
    public enum DuplicateSearch: Sendable { case exact, twoPass, series }

    enum Role: Equatable, Sendable {
        case indicator, region, regionName, year, value, unit, source, note
        case yearColumn(Int)
        case unused
    }

    let catalog: Catalog
    let options: Options
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0
    public private(set) var files: [FileSummary] = []

    private var seen = SeenTable()
    /// With `series`: every measurement taken, grouped into series.
    var collected = MeasurementSet.Builder()
    /// With `series`: each series `takeSeriesRuns` took, by region and slot, with the number
    /// of the stretch that last took it. While it took every series `collected` holds
    /// (`runsTookEverySeries`), a series it never took is new: not looked for by its text key.
    var seriesTaken = StampTable()
    var runsTookEverySeries = true
    var stretchesTaken: Int32 = 0
    /// With `series`: the first sightings the series cannot tell (see `finishRowInSeries`).
    private(set) var sightings: [UInt64: Sighting] = [:]
    /// With `series`: the row at hand's values that passed the search so far.
    private var rowSightings: [(key: UInt64, sighting: Sighting)] = []
    private var presence: KeyPresence?
    /// With `twoPass`: every repeat of a key, until `resolveDuplicates`.
    private var repeats: [Repeat] = []
    private var rowsWithRepeats: [RowWithRepeats] = []
    /// On the second reading: the keys to find, and where each was first given.
    private var wanted: Set<UInt64>?
    private var firstSightings: [UInt64: Sighting] = [:]
    private var indicatorSlots: [String: Int32] = [:]
    private var indicatorCache: [String: String?] = [:]
    private var regionCache: [String: Catalog.RegionResolution] = [:]
    var currentFile = ""
    // Caches for the byte-level path (see MeasurementReader+FastPath.swift).
    let indicatorInfos = ByteInterner<IndicatorInfo?>()
    let regionCodes = ByteInterner<RegionCode?>()
    /// A unit cell's spelling → its unit's number in `unitNames` (-1: not a unit).
    let unitSpellings = ByteInterner<Int32>()
    /// The units met, each once: a row's unit is checked against its indicator's by number.
    var unitNames: [String] = []
    /// Source, note and name texts of rows read here, each once.
    let rowTexts = StretchTexts()
    /// With `series`: the provenance of each (source, note) pair of `rowTexts` in the file at hand.
    var provenanceOfTexts = ProvenanceCache()
    /// A value of a row: its year, the value, and where it is in the file.
    typealias RowValue = (year: Int, value: MeasuredValue, position: TextPosition)
    /// The byte-level path's values of the row at hand (kept to spare an allocation per row).
    var rowValues: [RowValue] = []
    /// A row's measurements, held until the row is known to be taken (kept to spare an allocation per row).
    private var pending: [Measurement] = []
    /// With `series`: the row at hand's candidates that are taken, by index.
    private var pendingCandidates: [Int] = []
    /// Every indicator spelling the byte-level path has met, in order, and the indicator each names.
    var spellings: [String] = []
    var spellingIDs: [String] = []
    /// On a worker: diagnostics and finished rows, in order, for the owning reader to replay.
    var deferred: DeferredSteps?
    /// How many steps, series rows and values the last stretch left: the next one's are
    /// made that large at once (grown from empty, each stretch's arrays were copied as they doubled).
    var lastDeferredCounts = (steps: 0, seriesRows: 0, seriesValues: 0)
    /// On a worker whose owner keeps no measurements: clean rows go over as plain words.
    var packsRows = false
    /// On a worker whose owner keeps series (`handsTextsOver`): the stretch's texts, for clean
    /// rows handed over by index, emptied for each stretch. A `let`, so that using it per row
    /// takes no reference (an optional `var` cost a retain and a release a row).
    let stretchTexts = StretchTexts()
    var handsTextsOver = false
    var currentEncoding = TextEncoding.utf8
    private var currentFileIndex: Int32 = 0

    public init(catalog: Catalog, options: Options = Options()) {
        self.catalog = catalog
        self.options = options
        for (i, indicator) in catalog.indicators.enumerated() { indicatorSlots[indicator.id] = Int32(i) }
        if options.duplicateSearch == .twoPass { presence = KeyPresence() }
    }

    /// Reads one file (or `-`) and hands every usable measurement to `sink`.
    @discardableResult
    public func read(path: String, from raw: ChunkReader, sink: ((Measurement) -> Void)? = nil) -> FileSummary {
        precondition(sink == nil || options.duplicateSearch != .series, "the series search keeps the measurements (takeSeries); it hands nothing to a sink")
        currentFile = path
        currentFileIndex = Int32(files.count)
        provenanceOfTexts = ProvenanceCache()
        var summary = FileSummary(path: path)
        defer { files.append(summary) }
        let stream: ChunkReader
        do {
            let (decoded, encoding) = try TextDecoding.utf8Stream(from: raw, encoding: options.encoding)
            summary.encoding = encoding.rawValue
            currentEncoding = encoding
            let (sniffed, format) = try sniffFormat(decoded)
            stream = sniffed
            switch format {
            case .json:
                summary.layout = "json"
                readJSON(stream, &summary, sink)
            case .tsv:
                readTable(stream, delimiter: 0x09, &summary, sink)
            default:
                readTable(stream, delimiter: UInt8(ascii: ","), &summary, sink)
            }
        } catch let failure as ReadFailure {
            summary.unreadable = true
            report(.error, .emptyFile, SourceLocation(file: path), "cannot read the file: \(failure.reason)")
        } catch {
            summary.unreadable = true
            report(.error, .emptyFile, SourceLocation(file: path), "cannot read the file: \(error)")
        }
        return summary
    }

    /// With `series`: the measurements read so far, grouped into series; the reader starts afresh.
    public func takeSeries() -> MeasurementSet {
        seriesTaken = StampTable()
        runsTookEverySeries = true
        return collected.build()
    }

    /// The rows a pipeline must know about: every diagnostic, in file order.
    func report(_ severity: Severity, _ code: DiagnosticCode, _ location: SourceLocation, _ message: String) {
        if deferred != nil {
            deferred!.add(Diagnostic(severity, code, at: location, message))
        } else {
            diagnostics.append(Diagnostic(severity, code, at: location, message))
        }
        if severity == .error { errorCount += 1 } else { warningCount += 1 }
    }

    func appendSummary(_ summary: FileSummary) { files.append(summary) }

    private func at(_ position: TextPosition) -> SourceLocation { SourceLocation(file: currentFile, position) }

    // MARK: - Format

    private func sniffFormat(_ stream: ChunkReader) throws -> (ChunkReader, InputFormat) {
        var head: [[UInt8]] = []
        var firstLine: [UInt8] = []
        var firstNonSpace: UInt8?
        var lineDone = false
        while !lineDone, let chunk = try stream.nextChunk() {
            head.append(chunk)
            for b in chunk {
                if firstNonSpace == nil, b != 0x20, b != 0x09, b != 0x0A, b != 0x0D { firstNonSpace = b }
                if b == 0x0A || b == 0x0D {
                    if firstNonSpace != nil {
                        lineDone = true
                        break
                    }
                    continue
                }
                if firstNonSpace != nil { firstLine.append(b) }
                if firstLine.count > 65536 {
                    lineDone = true
                    break
                }
            }
        }
        let prefixed = PrefixedChunkReader(prefix: head, rest: stream)
        var format = options.format
        let lower = currentFile.lowercased()
        if format == .auto {
            if lower.hasSuffix(".json") || firstNonSpace == UInt8(ascii: "[") || firstNonSpace == UInt8(ascii: "{") {
                format = .json
            } else if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") {
                format = .tsv
            } else {
                let tabs = firstLine.filter { $0 == 0x09 }.count
                let commas = firstLine.filter { $0 == UInt8(ascii: ",") }.count
                format = tabs > commas ? .tsv : .csv
            }
        }
        return (prefixed, format)
    }

    // MARK: - Tables

    /// What the header says about every row after it.
    struct TableLayout: Sendable {
        let roles: [Role]
        let wide: Bool
        let headerCount: Int
        let columns: Columns
        let delimiter: UInt8
    }

    private func readTable(_ stream: ChunkReader, delimiter: UInt8, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        let tokenizer = CSVTokenizer(reader: stream, delimiter: delimiter, limits: options.limits, encoding: currentEncoding)
        var record = CSVRecord()
        do {
            // The header: the first record that is not blank.
            var header: CSVRecord?
            while try tokenizer.next(into: &record) {
                if record.isBlank { continue }
                header = record
                break
            }
            guard let header else {
                report(.error, .emptyFile, SourceLocation(file: currentFile, line: 1, column: 1), "file is empty; expected a header row such as 'indicator,region,year,value,source'")
                return
            }
            for issue in header.issues { report(.error, issue.code, at(issue.position), issue.message) }
            guard header.issues.isEmpty, let found = headerLayout(header) else {
                summary.layout = ""
                // Without a usable header no row can be read; count them all as rejected.
                while let rest = try tokenizer.next() {
                    if rest.isBlank { continue }
                    summary.rows += 1
                    summary.rowsRejected += 1
                }
                return
            }
            let layout = TableLayout(roles: found.roles, wide: found.wide, headerCount: header.count, columns: Columns(found.roles), delimiter: delimiter)
            summary.layout = layout.wide ? "wide" : "long"
            if options.parallel {
                try readRowsInParallel(after: tokenizer, rest: stream, layout, &summary, sink)
            } else {
                try readRows(tokenizer, layout, &summary, sink)
            }
        } catch {
            report(.error, .emptyFile, SourceLocation(file: currentFile), "cannot read the file: \(error)")
            summary.unreadable = true
        }
    }

    /// Every record after the header, in file order: one by one, or in batches when
    /// series are kept on one core.
    func readRows(_ tokenizer: CSVTokenizer, _ layout: TableLayout, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) throws {
        var record = CSVRecord()
        guard deferred == nil, sink == nil, options.duplicateSearch == .series else {
            try tokenizer.forEachRecord(into: &record) { record in
                readRow(record, layout, &summary, sink)
                return true
            }
            return
        }
        // Series kept on one core (`diff` reads its two files at once, one on each): the
        // rows are read in batches as a worker reads a stretch, and each batch is taken as
        // the owner takes a stretch, a series run at a time. Row by row, handing a row's
        // texts and provenance to the series cost about nine retains and releases a row.
        var more = true
        var firstBatch = true
        while more {
            beginDeferring(handingTextsOver: true)
            var batch = FileSummary(path: currentFile)
            var failure: (any Error)?
            do {
                var rows = 0
                more = false
                try tokenizer.forEachRecord(into: &record) { record in
                    readRow(record, layout, &batch, nil)
                    rows += 1
                    // A full batch: more may follow.
                    more = rows == options.seriesBatchRows
                    return !more
                }
            } catch {
                // What was read before the failure still counts.
                failure = error
                more = false
            }
            replay(StretchResult(deferred: takeDeferred(), summary: batch, endedInsideQuotes: false, lines: 0), firstLine: 1, &summary, nil)
            if let failure { throw failure }
            if firstBatch, more { reserveSeries(after: tokenizer.progress.taken, of: tokenizer.progress.expected) }
            firstBatch = false
        }
    }

    func readRow(_ record: CSVRecord, _ layout: TableLayout, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        if record.isBlank {
            summary.blankLines += 1
            return
        }
        summary.rows += 1
        if !record.issues.isEmpty {
            for issue in record.issues { report(.error, issue.code, at(issue.position), issue.message) }
            summary.rowsRejected += 1
            return
        }
        if record.count != layout.headerCount {
            let position = record.count > layout.headerCount ? record.position(layout.headerCount) : TextPosition(line: record.line, column: 1)
            report(.error, .fieldCount, at(position), "row has \(record.count) fields; the header has \(layout.headerCount)")
            summary.rowsRejected += 1
            return
        }
        if options.fastPath, fastAccept(record, layout.columns, wide: layout.wide, &summary, sink) { return }
        var row = RowCells()
        for (i, role) in layout.roles.enumerated() {
            row.assign(role, Cell(text: record.string(i), position: record.position(i)))
        }
        row.line = record.line
        if layout.wide { row.wide = true }
        accept(row, &summary, sink)
    }

    static func role(forHeader header: String) -> Role? {
        let k = normalizedKey(header).replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
        switch k {
        case "indicator", "indicatorid", "indicatorname", "指标", "指标名称", "指标代码", "指标编号", "measure": return .indicator
        case "region", "regioncode", "regionid", "code", "province", "地区", "地区代码", "区域", "行政区划代码", "区划代码", "省份", "地区编码": return .region
        case "regionname", "地区名称", "区域名称", "名称", "county", "countyname", "区县": return .regionName
        case "year", "年份", "年度", "年": return .year
        case "value", "数值", "值", "数据", "指标值", "figure": return .value
        case "unit", "单位", "计量单位": return .unit
        case "source", "来源", "数据来源", "出处", "sourceurl": return .source
        case "note", "notes", "备注", "说明", "注", "comment": return .note
        default:
            if let year = CellParsing.year(header) { return .yearColumn(year) }
            return nil
        }
    }

    private func headerLayout(_ record: CSVRecord) -> (roles: [Role], wide: Bool)? {
        var roles: [Role] = []
        var firstColumn: [String: Int] = [:]
        var ok = true
        for (i, header) in record.fields.enumerated() {
            let position = record.position(i)
            guard var role = MeasurementReader.role(forHeader: header) else {
                if !header.isBlank {
                    report(.warning, .unusedColumn, at(position), "column \(quoted(header)) is not read; known columns are indicator, region, year, value, unit, source, note (or 指标, 地区, 年份, 数值, 单位, 来源, 备注) and year columns such as 2015")
                } else {
                    report(.warning, .unusedColumn, at(position), "column \(i + 1) has no header and is not read")
                }
                roles.append(.unused)
                continue
            }
            // A region column given by name beside one given by code: the name is kept as the name.
            if role == .region, let other = firstColumn["region"] {
                let k = normalizedKey(header)
                if k.contains("名称") || k.contains("name") {
                    role = .regionName
                } else {
                    let previous = record.fields[other]
                    if normalizedKey(previous).contains("名称") || normalizedKey(previous).contains("name") {
                        roles[other] = .regionName
                        firstColumn["regionName"] = other
                        firstColumn["region"] = nil
                    }
                }
            }
            let name = roleName(role)
            if let other = firstColumn[name] {
                report(.error, .badHeader, at(position), "columns \(quoted(record.fields[other])) and \(quoted(header)) both give the \(name)")
                ok = false
            }
            firstColumn[name] = i
            roles.append(role)
        }
        let start = TextPosition(line: record.line, column: 1)
        if firstColumn["indicator"] == nil {
            report(.error, .badHeader, at(start), "header has no indicator column (indicator or 指标)")
            ok = false
        }
        let hasLong = firstColumn["year"] != nil || firstColumn["value"] != nil
        let yearColumns = roles.filter { if case .yearColumn = $0 { return true } else { return false } }
        if hasLong {
            if firstColumn["year"] == nil {
                report(.error, .badHeader, at(start), "header has a value column but no year column (year or 年份)")
                ok = false
            } else if firstColumn["value"] == nil {
                report(.error, .badHeader, at(start), "header has a year column but no value column (value or 数值)")
                ok = false
            }
            if !yearColumns.isEmpty {
                for (i, role) in roles.enumerated() {
                    if case .yearColumn = role {
                        report(.warning, .unusedColumn, at(record.position(i)), "column \(quoted(record.fields[i])) is not read: a long table takes its years from the year column")
                        roles[i] = .unused
                    }
                }
            }
        } else if yearColumns.isEmpty {
            report(.error, .badHeader, at(start), "header has neither year and value columns (long layout) nor year columns such as 2015 (wide layout)")
            ok = false
        }
        return ok ? (roles, !hasLong) : nil
    }

    private func roleName(_ role: Role) -> String {
        switch role {
        case .indicator: "indicator"
        case .region: "region"
        case .regionName: "regionName"
        case .year: "year"
        case .value: "value"
        case .unit: "unit"
        case .source: "source"
        case .note: "note"
        case .yearColumn(let y): "year \(y)"
        case .unused: "unused"
        }
    }

    // MARK: - JSON

    private func readJSON(_ stream: ChunkReader, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        let json = JSONStream(reader: stream, limits: options.limits)
        defer {
            for note in json.notes { report(.warning, note.code, at(note.position), note.message) }
        }
        // Every record spells the same few keys: each is looked up once, not per record.
        var roles: [String: Role?] = [:]
        do {
            while let record = try json.next() {
                summary.rows += 1
                if !record.issues.isEmpty {
                    for issue in record.issues { report(.error, issue.code, at(issue.position), issue.message) }
                    summary.rowsRejected += 1
                    continue
                }
                var row = RowCells()
                row.line = record.line
                var valid = true
                for (key, value) in record.fields {
                    let cell = Cell(text: value.kind == .null ? "" : value.text, position: value.position, jsonKind: value.kind)
                    let known = roles[key] ?? {
                        let role = MeasurementReader.role(forHeader: key)
                        roles[key] = role
                        return role
                    }()
                    guard let role = known else {
                        report(.warning, .unusedColumn, at(value.position), "key \(quoted(key)) is not read")
                        continue
                    }
                    row.assign(role, cell)
                }
                if row.indicator == nil {
                    report(.error, .missingKey, at(TextPosition(line: record.line, column: 1)), "record has no \"indicator\"")
                    valid = false
                } else if row.year == nil, row.yearCells.isEmpty {
                    report(.error, .missingKey, at(TextPosition(line: record.line, column: 1)), "record has no \"year\" and \"value\"")
                    valid = false
                } else if row.year != nil, row.value == nil {
                    report(.error, .missingKey, at(TextPosition(line: record.line, column: 1)), "record has no \"value\"; write null for a missing value")
                    valid = false
                }
                guard valid else {
                    summary.rowsRejected += 1
                    continue
                }
                row.wide = row.year == nil
                accept(row, &summary, sink)
            }
        } catch let failure as JSONStream.Failure {
            report(.error, failure.issue.code, at(failure.issue.position), failure.issue.message)
            if failure.issue.code == .emptyFile { summary.unreadable = false }
        } catch {
            report(.error, .emptyFile, SourceLocation(file: currentFile), "cannot read the file: \(error)")
            summary.unreadable = true
        }
    }

    // MARK: - Rows

    struct Cell {
        var text: String
        var position: TextPosition
        var jsonKind: JSONScalar.Kind? = nil
    }

    struct RowCells {
        var indicator: Cell?
        var region: Cell?
        var regionName: Cell?
        var year: Cell?
        var value: Cell?
        var unit: Cell?
        var source: Cell?
        var note: Cell?
        var yearCells: [(Int, Cell)] = []
        var line = 0
        var wide = false

        mutating func assign(_ role: Role, _ cell: Cell) {
            switch role {
            case .indicator: indicator = cell
            case .region: region = cell
            case .regionName: regionName = cell
            case .year: year = cell
            case .value: value = cell
            case .unit: unit = cell
            case .source: source = cell
            case .note: note = cell
            case .yearColumn(let y): yearCells.append((y, cell))
            case .unused: break
            }
        }
    }

    private func accept(_ row: RowCells, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        let rowStart = at(TextPosition(line: row.line, column: 1))
        // Each cell is checked on its own, so one row reports all of its problems.
        var failed = false

        // Indicator.
        var indicatorID: String?
        let indicatorText = row.indicator?.text ?? ""
        if let cell = row.indicator, !cell.text.isBlank {
            indicatorID = resolveIndicator(cell.text)
            if indicatorID == nil {
                var message = "unknown indicator \(quoted(cell.text))"
                if let guess = closestMatch(to: cell.text, among: catalog.indicatorSpellings) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += "; 'quality targets' lists the indicators"
                }
                report(.error, .unknownIndicator, at(cell.position), message)
                failed = true
            }
        } else {
            report(.error, .missingKey, row.indicator.map { at($0.position) } ?? rowStart, "indicator is empty")
            failed = true
        }

        // Region.
        var region = options.defaultRegion
        if let cell = row.region {
            if cell.text.isBlank {
                report(.error, .missingKey, at(cell.position), "region is empty")
                failed = true
            } else {
                switch resolveRegion(cell.text) {
                case .region(let code): region = code
                case .unknownCode:
                    report(.error, .unknownRegion, at(cell.position), "region code \(quoted(cell.text)) is under no province; GB/T 2260 codes start with a province's two digits (11–65)")
                    failed = true
                case .unknown:
                    var message = "unknown region \(quoted(cell.text))"
                    if let guess = closestMatch(to: cell.text, among: catalog.regionSpellings) {
                        message += "; did you mean '\(guess)'?"
                    } else {
                        message += "; give a province by name or slug, or a prefecture or county by its 6-digit GB/T 2260 code"
                    }
                    report(.error, .unknownRegion, at(cell.position), message)
                    failed = true
                }
            }
        }
        let regionName = row.regionName?.text ?? ""

        // Unit.
        let indicator = indicatorID.flatMap { catalog.indicator($0) }
        let expectedUnit = indicator?.unit ?? ""
        if let id = indicatorID, let cell = row.unit, !cell.text.isBlank {
            if let given = CellParsing.unit(cell.text) {
                if given != expectedUnit {
                    report(.error, .unitMismatch, at(cell.position), "unit \(quoted(cell.text)) contradicts the catalog: \(unitHint(id, expectedUnit))")
                    failed = true
                }
            } else {
                report(.error, .unitMismatch, at(cell.position), "unknown unit \(quoted(cell.text)); \(unitHint(id, expectedUnit))")
                failed = true
            }
        }

        let source = row.source?.text.trimmed() ?? ""
        let note = row.note?.text.trimmed() ?? ""

        // Year and value cells.
        var cells: [(year: Int, cell: Cell)] = []
        if row.wide {
            cells = row.yearCells
        } else if let yearCell = row.year {
            let valueCell = row.value ?? Cell(text: "", position: yearCell.position)
            if yearCell.text.isBlank {
                report(.error, .missingKey, at(yearCell.position), "year is empty")
                failed = true
                _ = parseValue(valueCell, indicatorID: indicatorID, indicator: indicator)
            } else if let year = CellParsing.year(yearCell.text) {
                cells = [(year, valueCell)]
            } else {
                report(.error, .badYear, at(yearCell.position), "year \(quoted(yearCell.text)) is not a year from 1949 to 2100")
                failed = true
                _ = parseValue(valueCell, indicatorID: indicatorID, indicator: indicator)
            }
        }
        var anyValue = false
        var parsedCells: [(Int, Cell, MeasuredValue)] = []
        for (year, cell) in cells {
            guard let value = parseValue(cell, indicatorID: indicatorID, indicator: indicator) else {
                failed = true
                continue
            }
            if !value.isMissing { anyValue = true }
            parsedCells.append((year, cell, value))
        }
        if source.isEmpty, anyValue || !row.wide {
            report(.warning, .missingSource, row.source.map { at($0.position) } ?? rowStart, "row has no source; say where the figure was published")
        }
        guard !failed, let id = indicatorID else {
            summary.rowsRejected += 1
            return
        }
        var values = RowValues(regionName: regionName, unit: expectedUnit, source: source, note: note, line: row.line)
        for (year, cell, value) in parsedCells {
            values.candidates.append(Candidate(indicator: id, slot: nil, region: region, year: year, value: value, position: cell.position, name: indicatorText))
        }
        finishRow(values, &summary, sink)
    }

    private func unitHint(_ id: String, _ unit: String) -> String {
        switch unit {
        case "": "'\(id)' is categorical (达标/未达标) and has no unit"
        case "%": "'\(id)' is a rate in %"
        default: "'\(id)' is measured in \(unit)"
        }
    }

    /// With no known indicator the value is still checked to be a number or a category.
    private func parseValue(_ cell: Cell, indicatorID: String?, indicator: Indicator?) -> MeasuredValue? {
        guard let indicatorID else {
            switch cell.jsonKind == .number ? (Figure(cell.text).map { .number($0, percent: false) } ?? .invalid) : CellParsing.value(cell.text) {
            case .invalid:
                report(.error, .badValue, at(cell.position), "\(quoted(cell.text)) is not a number; write it like 96.5, 96.5% or 1,203")
                return nil
            case .number(let f, _): return .number(f)
            case .category(let c): return .category(c)
            case .missing: return .missing
            }
        }
        let categorical = indicator?.isCategorical ?? true  // qualitative target ids take categories
        if cell.jsonKind == .bool { return categorical ? .category(cell.text == "true") : invalidValue(cell, indicatorID, indicator, categorical) }
        let parsed: CellValue
        if cell.jsonKind == .number {
            parsed = Figure(cell.text).map { .number($0, percent: false) } ?? .invalid
        } else {
            parsed = CellParsing.value(cell.text)
        }
        switch parsed {
        case .missing:
            return .missing
        case .category(let met):
            if categorical { return .category(met) }
            return invalidValue(cell, indicatorID, indicator, categorical)
        case .number(let figure, let percent):
            if categorical { return invalidValue(cell, indicatorID, indicator, categorical) }
            let unit = indicator?.unit ?? ""
            if percent, unit != "%" {
                report(.error, .unitMismatch, at(cell.position), "\(quoted(cell.text)) has a percent sign, but \(unitHint(indicatorID, unit))")
                return nil
            }
            if let range = indicator?.validRange, !range.contains(figure.doubleValue) {
                let what = unit == "count" ? "a count cannot be below 0" : unit == "%" ? "a rate must be from 0 to 100" : "the scale is \(formatDerived(range.lowerBound, places: 0)) to \(formatDerived(range.upperBound, places: 0))"
                report(.error, .outOfRange, at(cell.position), "value \(quoted(cell.text)) is out of range: \(what)")
                return nil
            }
            if unit == "count", !figure.isInteger {
                report(.error, .outOfRange, at(cell.position), "value \(quoted(cell.text)) is not a whole number, but '\(indicatorID)' is a count")
                return nil
            }
            return .number(figure)
        case .invalid:
            return invalidValue(cell, indicatorID, indicator, categorical)
        }
    }

    private func invalidValue(_ cell: Cell, _ id: String, _ indicator: Indicator?, _ categorical: Bool) -> MeasuredValue? {
        if categorical {
            report(.error, .badValue, at(cell.position), "\(quoted(cell.text)) is not a category; '\(id)' is met or not: write 达标 or 未达标 (yes/no)")
        } else {
            report(.error, .badValue, at(cell.position), "\(quoted(cell.text)) is not a number; write it like 96.5, 96.5% or 1,203")
        }
        return nil
    }

    /// One value of a row that passed every check but the duplicate check.
    struct Candidate: Sendable {
        let indicator: String
        /// The indicator's slot (see `slot(for:)`), when already looked up.
        let slot: Int32?
        let region: RegionCode
        let year: Int
        let value: MeasuredValue
        var position: TextPosition
        /// The indicator as spelled in the file, for messages.
        let name: String
    }

    /// A row that got as far as its values, and what its measurements share.
    struct RowValues: Sendable {
        var candidates: [Candidate] = []
        let regionName, unit, source, note: String
        var line: Int
    }

    /// The last step of every row: duplicates, then the row's account. A row
    /// with a conflicting duplicate is rejected whole; an exact repeat is
    /// skipped. On a worker (see MeasurementReader+Parallel.swift) the step is
    /// left to the reader that owns the file, which knows every earlier row.
    func finishRow(_ row: RowValues, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        if deferred != nil {
            deferred!.add(row)
            return
        }
        if options.duplicateSearch == .series { return finishRowInSeries(row, &summary) }
        let start = rowStart
        var taken = 0
        var missing = 0
        pending.removeAll(keepingCapacity: true)
        for c in row.candidates {
            if !c.value.isMissing, !checkDuplicate(c.indicator, c.region, c.year, c.value, c.position, name: c.name, slot: c.slot) { continue }
            taken += 1
            if c.value.isMissing { missing += 1 }
            if sink != nil {
                pending.append(
                    Measurement(
                        indicator: c.indicator, region: c.region, regionName: row.regionName, year: c.year, value: c.value, unit: row.unit,
                        source: row.source, note: row.note, file: currentFile, line: row.line))
            }
        }
        if settleRow(start, taken: taken, missing: missing, &summary), let sink { pending.forEach(sink) }
    }

    /// `finishRow` with the `series` search. The series hold every value taken with
    /// its row's line, so most first sightings are found there, in the series being
    /// filled; the few they cannot tell are kept beside them: the values of a row
    /// rejected whole, a value on a later line than its row's first (inside a quoted
    /// line break), and the values of the row at hand.
    private func finishRowInSeries(_ row: RowValues, _ summary: inout FileSummary) {
        rowValues.empty()
        for c in row.candidates { rowValues.append((c.year, c.value, c.position)) }
        // A row's values share its indicator and region.
        let c = row.candidates.first
        finishRowInSeries(
            indicator: c?.indicator ?? "", slot: c?.slot, region: c?.region ?? options.defaultRegion, name: c?.name ?? "", values: rowValues,
            regionName: row.regionName, provenance: .passUnretained(collected.provenance(source: row.source, note: row.note, file: currentFile)), line: row.line,
            &summary)
    }

    /// The same for the byte-level path, which has the row's parts at hand and builds no row.
    func finishRowInSeries(
        indicator: String, slot givenSlot: Int32?, region: RegionCode, name: String, values: [(year: Int, value: MeasuredValue, position: TextPosition)],
        regionName: String, provenance: Unmanaged<Provenance>, line: Int, _ summary: inout FileSummary
    ) {
        let start = rowStart
        var taken = 0
        var missing = 0
        rowSightings.empty()
        pendingCandidates.empty()
        for (i, v) in values.enumerated() {
            if !v.value.isMissing {
                let key = SeenTable.key(slot: givenSlot ?? slot(for: indicator), region: region.code, year: v.year)
                let first =
                    rowSightings.first { $0.key == key }?.sighting ?? (sightings.isEmpty ? nil : sightings[key])
                    ?? collected.value(indicator, region, year: v.year).map { Sighting(file: fileIndex(of: $0.file), line: $0.line, value: $0.value) }
                if let first {
                    let d = duplicateDiagnostic(key: key, v.value, at(v.position), name: name, file: Int(currentFileIndex), first: first)
                    report(d.severity, d.code, d.location, d.message)
                    continue
                }
                rowSightings.append((key, Sighting(file: Int(currentFileIndex), line: v.position.line, value: v.value)))
            } else {
                missing += 1
            }
            taken += 1
            pendingCandidates.append(i)
        }
        guard settleRow(start, taken: taken, missing: missing, &summary) else {
            for (key, sighting) in rowSightings { sightings[key] = sighting }
            return
        }
        for (key, sighting) in rowSightings where sighting.line != line { sightings[key] = sighting }
        guard !pendingCandidates.isEmpty else { return }
        runsTookEverySeries = false
        collected.select(indicator, region)
        for i in pendingCandidates {
            collected.append(Observation(year: values[i].year, value: values[i].value, provenance: provenance, line: line), regionName: regionName)
        }
    }

    /// The provenance of each (source, note) pair of one table of texts, by their indices
    /// (a dictionary would hash a key per row): by source, then a short list of notes.
    /// Held uncounted: a provenance is kept for the process (`Provenance.kept`), and a
    /// counted one handed out was a retain and a release a row.
    struct ProvenanceCache {
        private var bySource: [[(note: Int32, provenance: Unmanaged<Provenance>)]] = []

        func find(source: Int32, note: Int32) -> Unmanaged<Provenance>? {
            let s = Int(source)
            guard s < bySource.count else { return nil }
            // By index: iterating the entries took a reference to their array, a retain a row.
            for k in bySource[s].indices where bySource[s][k].note == note { return bySource[s][k].provenance }
            return nil
        }

        mutating func insert(source: Int32, note: Int32, _ provenance: Unmanaged<Provenance>) {
            if Int(source) >= bySource.count { bySource += Array(repeating: [], count: Int(source) + 1 - bySource.count) }
            bySource[Int(source)].append((note, provenance))
        }
    }

    /// The provenance of a row whose source and note are `texts[source]` and `texts[note]`,
    /// found by the two indices in `cache` (which must be for `texts` and the file at hand).
    func provenance(source: Int32, note: Int32, in texts: [String], cache: inout ProvenanceCache) -> Unmanaged<Provenance> {
        if let known = cache.find(source: source, note: note) { return known }
        let p = Unmanaged.passUnretained(collected.provenance(source: texts[Int(source)], note: texts[Int(note)], file: currentFile))
        cache.insert(source: source, note: note, p)
        return p
    }

    /// The first file read under `path` (files read before the one at hand keep their place).
    private func fileIndex(of path: String) -> Int {
        files.firstIndex { $0.path == path } ?? Int(currentFileIndex)
    }

    /// Where the account stood when a row's values went to the duplicate check.
    struct RowStart {
        let errors: Int
        let repeats: Int
    }

    var rowStart: RowStart { RowStart(errors: errorCount, repeats: repeats.count) }

    /// A row's account once its values went through the duplicate check: a
    /// conflicting duplicate rejects it whole; true when it is taken. A repeat
    /// found by `twoPass` is judged only at the end, so its row counts as read
    /// until `resolveDuplicates` says otherwise.
    func settleRow(_ start: RowStart, taken: Int, missing: Int, _ summary: inout FileSummary) -> Bool {
        if errorCount > start.errors {
            summary.rowsRejected += 1
            return false
        }
        summary.rowsRead += 1
        summary.values += taken
        summary.missingValues += missing
        if repeats.count > start.repeats {
            rowsWithRepeats.append(RowWithRepeats(file: Int(currentFileIndex), repeats: start.repeats..<repeats.count, taken: taken, missing: missing))
        }
        return true
    }

    /// A small number per indicator id, for packing duplicate keys: its place
    /// in the catalog, the same in every reader (workers' keys are the owner's).
    func slot(for indicator: String) -> Int32 {
        if let s = indicatorSlots[indicator] { return s }
        let s = Int32(indicatorSlots.count)
        indicatorSlots[indicator] = s
        return s
    }

    /// Records the value under its key; false when it repeats one already given.
    func checkDuplicate(_ indicator: String, _ region: RegionCode, _ year: Int, _ value: MeasuredValue, _ position: TextPosition, name: String, slot: Int32? = nil) -> Bool {
        checkDuplicate(key: SeenTable.key(slot: slot ?? self.slot(for: indicator), region: region.code, year: year), value, position, name: { name })
    }

    /// `name` (the indicator as the file spells it) is asked for only for a message: taking
    /// the string for every value cost a retain and a release.
    func checkDuplicate(key: UInt64, _ value: MeasuredValue, _ position: TextPosition, name: () -> String) -> Bool {
        if let wanted {
            if wanted.contains(key), firstSightings[key] == nil {
                firstSightings[key] = Sighting(file: Int(currentFileIndex), line: position.line, value: value)
            }
            return true
        }
        if presence != nil {
            if presence!.insert(key) { return true }
            repeats.append(Repeat(key: key, value: value, file: Int(currentFileIndex), position: position, name: name(), diagnosticIndex: diagnostics.count))
            return false
        }
        guard let previous = seen.insertOrFind(key, value: value, file: Int(currentFileIndex), line: position.line) else { return true }
        let d = duplicateDiagnostic(key: key, value, at(position), name: name(), file: Int(currentFileIndex), first: Sighting(file: previous.file, line: previous.line, value: previous.value))
        report(d.severity, d.code, d.location, d.message)
        return false
    }

    /// Where a key was first given.
    struct Sighting {
        let file: Int
        let line: Int
        let value: MeasuredValue
    }

    /// A key given again, found by `twoPass`, to be judged once its first sighting is known.
    private struct Repeat {
        let key: UInt64
        let value: MeasuredValue
        let file: Int
        let position: TextPosition
        let name: String
        /// Where its diagnostic goes among the others.
        let diagnosticIndex: Int
    }

    private struct RowWithRepeats {
        let file: Int
        let repeats: Range<Int>
        let taken: Int
        let missing: Int
    }

    /// The one message for a key given twice: a warning when the value repeats, an error when it conflicts.
    private func duplicateDiagnostic(key: UInt64, _ value: MeasuredValue, _ location: SourceLocation, name: String, file: Int, first: Sighting?) -> Diagnostic {
        let (region, year) = SeenTable.regionAndYear(of: key)
        let label = "\(quoted(name)), \(regionLabel(RegionCode(region))), \(year)"
        guard let first else {
            return Diagnostic(.error, .conflictingDuplicate, at: location, "\(label) is given again, but a second reading did not find where it was first given: the file changed while it was checked; check it again once nothing is writing to it")
        }
        let there = first.file == file ? "line \(first.line)" : "\(files[first.file].path):\(first.line)"
        if first.value == value {
            return Diagnostic(.warning, .exactDuplicate, at: location, "\(label) is given again with the same value, first at \(there)")
        }
        return Diagnostic(.error, .conflictingDuplicate, at: location, "\(label) is \(value.text(.en)) here but \(first.value.text(.en)) at \(there)")
    }

    /// With `twoPass`, after the last file: reads the files again (`reopen`
    /// opens the i-th one read) to find where each repeated key was first
    /// given, then puts each repeat's diagnostic in its place and corrects the
    /// account of rows with a conflicting one, so the result is that of one
    /// `exact` pass. Nothing is read again when no key repeated.
    public func resolveDuplicates(reopen: (Int) throws -> ChunkReader) {
        guard !repeats.isEmpty else { return }
        var locatorOptions = options
        locatorOptions.duplicateSearch = .exact
        let locator = MeasurementReader(catalog: catalog, options: locatorOptions)
        locator.wanted = Set(repeats.map(\.key))
        for i in 0...repeats.map(\.file).max()! {
            let path = files[i].path
            if let raw = try? reopen(i) { locator.read(path: path, from: raw) } else { locator.noteUnreadable(path) }
        }
        var found: [Diagnostic] = []
        for r in repeats {
            let d = duplicateDiagnostic(key: r.key, r.value, SourceLocation(file: files[r.file].path, r.position), name: r.name, file: r.file, first: locator.firstSightings[r.key])
            if d.severity == .error { errorCount += 1 } else { warningCount += 1 }
            found.append(d)
        }
        var merged: [Diagnostic] = []
        merged.reserveCapacity(diagnostics.count + found.count)
        var next = 0
        for (i, d) in diagnostics.enumerated() {
            while next < repeats.count, repeats[next].diagnosticIndex == i {
                merged.append(found[next])
                next += 1
            }
            merged.append(d)
        }
        merged += found[next...]
        diagnostics = merged
        for row in rowsWithRepeats where row.repeats.contains(where: { found[$0].severity == .error }) {
            files[row.file].rowsRead -= 1
            files[row.file].rowsRejected += 1
            files[row.file].values -= row.taken
            files[row.file].missingValues -= row.missing
        }
        repeats = []
        rowsWithRepeats = []
    }

    private func regionLabel(_ code: RegionCode) -> String {
        if let region = catalog.region(code: code.code) { return region.slug }
        return String(code.code)
    }

    private func resolveIndicator(_ text: String) -> String? {
        if let cached = indicatorCache[text] { return cached }
        let id = catalog.resolveIndicator(text)
        indicatorCache[text] = id
        return id
    }

    private func resolveRegion(_ text: String) -> Catalog.RegionResolution {
        if let cached = regionCache[text] { return cached }
        let r = catalog.resolveRegion(text)
        regionCache[text] = r
        return r
    }
}
