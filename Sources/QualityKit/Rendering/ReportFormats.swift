import Foundation

/// Markdown, JSON and CSV forms of a report.
enum ReportFormats {
    // MARK: Markdown

    static func markdown(_ doc: ReportDocument, lang: Language) -> String {
        if doc.byRegion { return markdownMatrix(doc, lang: lang) }
        var out = ""
        for report in doc.regions {
            let name = doc.regionName(report.region, lang)
            out += lang.pick("## \(Markdown.cell(name)) 质量发展目标达标情况\n\n", "## \(Markdown.cell(name)): attainment of quality-development targets\n\n")
            let asOf = doc.asOf.map(String.init) ?? "—"
            out += lang.pick("数据截至 \(asOf) 年 · \(Markdown.cell(doc.dataLabel))  \n对照：", "Data as of \(asOf) · \(Markdown.cell(doc.dataLabel))  \nJudged against: ")
            out += Markdown.cell(doc.plansLine(report, lang)) + "\n\n"
            out += "**" + lang.pick("合计：", "Overall: ") + summaryLine(report.results, lang) + "**\n\n"
            for (area, results) in groupedByArea(report.results) {
                out += "### \(area.zh)\(lang == .en ? " (\(area.en))" : "")\n\n" + summaryLine(results, lang) + "\n\n"
                let headers = lang == .zh ? ["状态", "年份", "目标", "要求", "实际", "说明"] : ["Status", "Year", "Target", "Condition", "Actual", "Reason"]
                out += Markdown.table(headers: headers, rows: results.map { r in
                    var condition = conditionText(r.target, lang)
                    if let c = counterpartText(r, lang) { condition += "\n" + c }
                    let reason = ([r.reason.text(lang)] + contextLines(r, lang)).joined(separator: "\n")
                    return [r.status.word(lang), String(r.target.year), targetName(r.target, lang), condition, actualText(r, lang), reason]
                })
                out += "\n"
            }
            let goals = qualitativeGoals(report.results)
            if !goals.isEmpty {
                out += lang.pick("### 定性目标（\(goals.count) 项，列出不打分）\n\n", "### Qualitative goals (\(goals.count), listed, not scored)\n\n")
                for g in goals {
                    let status = g.status == .qualitative ? "" : " — \(g.status.word(lang))"
                    out += "- \(g.target.year) \(Markdown.cell(targetName(g.target, lang)))\(status)\n"
                }
                out += "\n"
            }
        }
        out += skippedMarkdown(doc, lang)
        return out
    }

    static func markdownMatrix(_ doc: ReportDocument, lang: Language) -> String {
        var out = lang.pick("## 各地区目标达标矩阵\n\n数据截至 \(doc.asOf.map(String.init) ?? "—") 年\n\n", "## Targets by region\n\nData as of \(doc.asOf.map(String.init) ?? "—")\n\n")
        let targets = matrixTargets(doc)
        let headers = [lang.pick("排名", "Rank"), lang.pick("地区", "Region"), lang.pick("落后", "Lagging")] + targets.map { "\($0.year) \($0.name)" }
        let rows = rankedRegions(doc).enumerated().map { i, report in
            [String(i + 1), doc.regionName(report.region, lang), String(report.lagging)]
                + targets.map { t in report.results.first { $0.target.id == t.id }.map { $0.status.word(lang) } ?? "" }
        }
        out += Markdown.table(headers: headers, rows: rows, rightAligned: [0, 2]) + "\n"
        return out + skippedMarkdown(doc, lang)
    }

    static func skippedMarkdown(_ doc: ReportDocument, _ lang: Language) -> String {
        guard !doc.skipped.isEmpty else { return "" }
        var out = lang.pick("### 未使用的行（\(doc.skipped.count)）\n\n", "### Rows not used (\(doc.skipped.count))\n\n")
        for d in doc.skipped { out += "- `" + d.formatted.replacingOccurrences(of: "`", with: "'") + "`\n" }
        return out + "\n"
    }

    // MARK: JSON

    /// A measured value in JSON: a number as published, 达标/未达标, or null.
    static func write(_ value: MeasuredValue, _ w: inout JSONWriter) {
        switch value {
        case .number(let f): w.figure(f)
        case .category(let met): w.string(met ? "达标" : "未达标")
        case .missing: w.null()
        }
    }

    /// An observation; with `fragments`, its keys up to `value` are copied from those
    /// written for its provenance before (a panel's rows share a handful).
    static func write(_ point: Observation?, _ w: inout JSONWriter, fragments: WrittenOnce? = nil) {
        guard let point else { return w.null() }
        withUnsafePointer(to: point) { write(pointAt: 0, of: UnsafeBufferPointer(start: $0, count: 1), &w, fragments: fragments) }
    }

    /// The point at `i`, read in place and by index each time (a point held across the
    /// calls was a copy of 24 bytes a point).
    private static func write(pointAt i: Int, of points: UnsafeBufferPointer<Observation>, _ w: inout JSONWriter, fragments: WrittenOnce?) {
        // Not `if let`: binding the instance took a reference to it, a retain a point.
        if fragments != nil {
            let ordinal = points[i].provenance.ordinal, id = ObjectIdentifier(points[i].provenance)
            if !fragments!.beginObservation(ordinal: ordinal, provenance: id, &w) {
                fragments!.beginObservation(points[i].provenance, &w)
            }
        } else {
            w.beginObject()
            writeProvenance(points[i].provenance, &w)
        }
        write(points[i].value, &w)
        w.key("year"); w.int(points[i].year)
        w.endObject()
    }

    /// An observation's keys before its value, and the key of the value.
    static func writeProvenance(_ provenance: Provenance, _ w: inout JSONWriter) {
        w.key("note"); w.string(provenance.note)
        w.key("source"); w.string(provenance.source)
        w.key("value")
    }

    static func write(_ series: [Observation], _ w: inout JSONWriter, fragments: WrittenOnce? = nil) {
        w.beginArray()
        // Read in place: a copy of each point took a reference to its provenance.
        series.withUnsafeBufferPointer { points in
            for i in points.indices { write(pointAt: i, of: points, &w, fragments: fragments) }
        }
        w.endArray()
    }

    /// The condition of a target, as judged (for a result and its national counterpart).
    static func writeCondition(_ target: Target?, _ w: inout JSONWriter) {
        guard let target else { return w.null() }
        w.beginObject()
        w.key("citation"); w.string(target.citation)
        w.key("comparator"); w.string(target.comparator.rawValue)
        w.key("plan"); w.string(target.plan)
        w.key("sustained"); w.bool(target.sustained)
        w.key("text"); w.string(target.text)
        w.key("tolerance"); w.figure(target.tolerance)
        w.key("unit"); w.string(target.unit)
        w.key("value"); w.figure(target.value)
        w.key("year"); w.int(target.year)
        w.endObject()
    }

    /// A result, its keys sorted. With `fragments`, the keys that depend on the
    /// target alone are copied from those written for the target before, and a
    /// result that carries no data is copied whole.
    static func write(_ r: Attainment, lang: Language, _ w: inout JSONWriter, fragments: WrittenOnce? = nil) {
        if fragments != nil, fragments!.spliceDataless(r, lang: lang, &w) { return }
        w.beginObject()
        let constant = fragments?.runs(of: r, depth: w.depth)
        func writeConstant(_ run: WrittenOnce.Run) {
            if let constant { w.splice(fragments!.bytes(of: constant, run), elements: run.keys) } else { WrittenOnce.write(run, of: r, &w) }
        }
        w.key("actual"); write(r.actual, &w, fragments: fragments)
        writeConstant(.area)
        w.key("baseline"); write(r.baseline, &w, fragments: fragments)
        w.key("context")
        w.beginArray()
        for ctx in r.context {
            w.beginObject()
            w.key("indicator"); w.string(ctx.indicator.id)
            w.key("name"); w.string(ctx.indicator.name)
            w.key("note"); w.string(lang == .zh ? ctx.indicator.contextFor?.zh ?? "" : ctx.indicator.contextFor?.en ?? "")
            w.key("relation"); w.string(ctx.indicator.contextFor?.relation ?? "")
            w.key("series"); write(ctx.observations, &w, fragments: fragments)
            w.endObject()
        }
        w.endArray()
        writeConstant(.names)
        w.key("observedRate"); w.derived(r.observedRate, places: 6)
        writeConstant(.plan)
        w.key("projected"); w.derived(r.projected, places: 4)
        w.key("ratio"); w.derived(r.ratio, places: 4)
        w.key("reason"); w.string(r.reason.text(lang))
        w.key("requiredRate"); w.derived(r.requiredRate, places: 6)
        w.key("scope"); w.string(r.scope.rawValue)
        w.key("series"); write(r.series, &w, fragments: fragments)
        w.key("stabilityUnverified"); w.bool(r.stabilityUnverified)
        w.key("status"); w.string(r.status.rawValue)
        w.key("statusText"); w.string(r.status.word(lang))
        writeConstant(.closing)
        w.endObject()
    }

    /// Bytes written once and copied many times. The keys of a result that depend
    /// on its target alone (the condition, its text and citation, the names),
    /// written once per target and copied into the result of every region: on
    /// thousands of regions they are half the text. And an observation's keys up
    /// to its value, written once per provenance: series points are most of the rest.
    /// And whole results that carry no data (`spliceDataless`). One lane of the
    /// parallel writing owns each instance.
    final class WrittenOnce: @unchecked Sendable {
        /// The runs of such keys, between the keys that vary, in key order.
        enum Run: Int, CaseIterable {
            case area, names, plan, closing

            var keys: Int { [1, 4, 1, 3][rawValue] }
        }

        /// By target object, which outlives the writing: found by its address, not by
        /// hashing its id (a string) for every result.
        private var byTarget: [ObjectIdentifier: Runs] = [:]
        /// The runs' bytes, one after another (read in place: no array is shared, so
        /// copying a run takes no reference).
        private let runBytes = ByteBuffer()

        /// Where each run of a target's keys lies in `runBytes`: its start, and the start of the next.
        struct Runs {
            fileprivate let bounds: (Int, Int, Int, Int, Int)
        }
        private var depth = 0
        /// Observations' openings, their bytes one after another in `openingBytes`, found by
        /// provenance ordinal and depth (`ordinal * Self.depths + depth`), each with the
        /// provenance it was written for (checked by address: the provenances outlive the
        /// writing). By index and in memory no other object shares: it is asked once for
        /// every point of every series.
        private var openings: [Opening] = []
        private let openingBytes = ByteBuffer()
        /// The depths an opening is kept for; a point deeper (never in a report) is written whole.
        private static let depths = 16

        private struct Opening {
            var provenance: ObjectIdentifier?
            var start = 0, count = 0, keys = 0
        }

        /// Begins an observation object with the opening kept for this provenance at
        /// the writer's depth; false, writing nothing, when none is kept.
        func beginObservation(ordinal: Int, provenance: ObjectIdentifier, _ w: inout JSONWriter) -> Bool {
            let depth = w.depth
            guard depth < Self.depths else { return false }
            let index = ordinal * Self.depths + depth
            guard index < openings.count, openings[index].provenance == provenance else { return false }
            let known = openings[index]
            w.beginObject(openingBytes: openingBytes.bytes(known.start, known.count), keys: known.keys)
            return true
        }

        /// Begins an observation object with this provenance's opening, written now and
        /// kept in its place (new, or a provenance of another set with the same ordinal).
        func beginObservation(_ provenance: Provenance, _ w: inout JSONWriter) {
            let depth = w.depth
            let opening = JSONWriter.opening(atDepth: depth) { writeProvenance(provenance, &$0) }
            w.beginObject(opening)
            guard depth < Self.depths else { return }
            let index = provenance.ordinal * Self.depths + depth
            if index >= openings.count { openings += Array(repeating: Opening(), count: index + 1 - openings.count) }
            openings[index] = Opening(
                provenance: ObjectIdentifier(provenance), start: openingBytes.keep(opening.bytes), count: opening.bytes.count, keys: opening.keys)
        }

        /// Results that carry no data (a qualitative goal, a target with no series): their
        /// bytes depend on the target, its scope and the verdict alone, the same in every
        /// region, so each is written once and copied whole. One is kept a target and scope,
        /// with the verdict it was written for: another verdict is written as any result and
        /// not kept, so what a lane keeps never grows with the regions.
        private var dataless: [DatalessKey: Dataless] = [:]
        /// The depth of the results in `dataless` (a result is begun one level above its keys').
        private var datalessDepth = 0

        private struct DatalessKey: Hashable {
            let target: ObjectIdentifier
            let scope: Scope
        }

        private struct Dataless {
            let status: AttainmentStatus
            let stabilityUnverified: Bool
            let reason: Reason
            let language: Language
            let start: Int, count: Int

            func fits(_ r: Attainment, _ lang: Language) -> Bool {
                r.status == status && r.stabilityUnverified == stabilityUnverified && lang == language && r.reason == reason
            }
        }

        /// Writes `r` as the copy of a result written before, if it carries no data and `w`
        /// stands after an element (a copy cannot begin a container); false, writing nothing, otherwise.
        func spliceDataless(_ r: Attainment, lang: Language, _ w: inout JSONWriter) -> Bool {
            guard r.status == .qualitative || r.status == .noData, w.standsAfterElement else { return false }
            guard r.actual == nil, r.baseline == nil, r.series.isEmpty, r.context.isEmpty,
                r.projected == nil, r.observedRate == nil, r.requiredRate == nil, r.ratio == nil
            else { return false }
            if w.depth != datalessDepth { dataless = [:]; datalessDepth = w.depth }
            let key = DatalessKey(target: ObjectIdentifier(r.target), scope: r.scope)
            if let known = dataless[key] {
                guard known.fits(r, lang) else { return false }
                w.splice(runBytes.bytes(known.start, known.count), elements: 1)
                return true
            }
            var whole = JSONWriter(followingElementsAtDepth: w.depth)
            ReportFormats.write(r, lang: lang, &whole, fragments: nil)
            let bytes = whole.take()
            dataless[key] = Dataless(
                status: r.status, stabilityUnverified: r.stabilityUnverified, reason: r.reason, language: lang,
                start: runBytes.keep(bytes), count: bytes.count)
            bytes.withUnsafeBufferPointer { w.splice($0, elements: 1) }
            return true
        }

        /// The runs' bytes for `r`'s target, for a result object open at `depth`.
        func runs(of r: Attainment, depth: Int) -> Runs {
            if depth != self.depth { byTarget = [:]; self.depth = depth }
            let key = ObjectIdentifier(r.target)
            if let runs = byTarget[key] { return runs }
            let starts = Run.allCases.map { run in
                var w = JSONWriter(followingElementsAtDepth: depth)
                Self.write(run, of: r, &w)
                return runBytes.keep(w.take())
            }
            let runs = Runs(bounds: (starts[0], starts[1], starts[2], starts[3], runBytes.count))
            byTarget[key] = runs
            return runs
        }

        /// The bytes of one run of `runs`, valid until more are kept.
        func bytes(of runs: Runs, _ run: Run) -> UnsafeBufferPointer<UInt8> {
            let b = runs.bounds
            let (start, end) = switch run {
            case .area: (b.0, b.1)
            case .names: (b.1, b.2)
            case .plan: (b.2, b.3)
            case .closing: (b.3, b.4)
            }
            return runBytes.bytes(start, end - start)
        }

        static func write(_ run: Run, of r: Attainment, _ w: inout JSONWriter) {
            switch run {
            case .area:
                w.key("area"); w.string(r.target.area.rawValue)
            case .names:
                w.key("counterpart"); writeCondition(r.counterpart, &w)
                w.key("indicator"); w.string(r.target.indicator)
                w.key("name"); w.string(r.target.name)
                w.key("nameEn"); w.string(r.target.nameEn)
            case .plan:
                w.key("plan"); w.string(r.target.plan)
            case .closing:
                w.key("target"); writeCondition(r.target, &w)
                w.key("targetId"); w.string(r.target.id)
                w.key("year"); w.int(r.target.year)
            }
        }
    }

    /// The results of `reports` counted by status (from the counts each report keeps),
    /// under their JSON names, sorted as every key is.
    static func writeSummary(_ reports: some Sequence<RegionReport>, skipped: Int, _ w: inout JSONWriter) {
        var counts = ["total": 0, "rowsSkipped": skipped]
        for status in AttainmentStatus.allCases { counts[status.rawValue] = 0 }
        for report in reports {
            counts["total"]! += report.results.count
            for status in AttainmentStatus.allCases { counts[status.rawValue]! += report.count(status) }
        }
        w.counts(counts)
    }

    static func writeSkipped(_ doc: ReportDocument, _ w: inout JSONWriter) {
        w.key("skipped")
        w.beginArray()
        for d in doc.skipped {
            w.beginObject()
            w.key("code"); w.string(d.code.rawValue)
            if let column = d.location.column { w.key("column"); w.int(column) }
            w.key("file"); w.string(d.location.file)
            if let line = d.location.line { w.key("line"); w.int(line) }
            w.key("message"); w.string(d.message)
            w.endObject()
        }
        w.endArray()
    }

    /// The series no target used; with `streaming`, written on both cores and handed to
    /// `emit` (a county panel leaves tens of thousands, the last thing written).
    static func writeUnused(_ doc: ReportDocument, _ w: inout JSONWriter, streaming: Bool, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        @Sendable func write(_ u: (key: SeriesKey, count: Int), _ w: inout JSONWriter) {
            w.beginObject()
            w.key("indicator"); w.string(u.key.indicator)
            w.key("region"); w.int(u.key.region.code)
            w.key("values"); w.int(u.count)
            w.endObject()
        }
        w.key("unused")
        w.beginArray()
        if streaming {
            let unused = doc.unused
            w.streamElements(unused.count, perCore: 8192, lanes: [Lane(), Lane()], emit: emit) { lane, range in
                for u in unused[range] { write(u, &lane.writer) }
            }
        } else {
            for u in doc.unused { write(u, &w) }
        }
        w.endArray()
    }

    static func regionSlug(_ code: RegionCode, _ doc: ReportDocument) -> String {
        doc.catalog.region(code: code.code)?.slug ?? String(code.code)
    }

    /// The report as JSON (UTF-8), handed to `emit` in pieces of about a megabyte,
    /// so a report on thousands of regions never sits whole in memory.
    /// `plainly` writes it all with one writer, nothing copied: what the streamed
    /// form is tested against.
    static func json(_ doc: ReportDocument, lang: Language, plainly: Bool = false, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var w = JSONWriter()
        let many = doc.byRegion || doc.regions.count != 1
        w.beginObject()
        w.key("asOf"); w.int(doc.asOf)
        if many, plainly {
            w.key("regions")
            w.beginArray()
            for report in rankedRegions(doc) { writeRegionObject(report, doc, lang: lang, &w) }
            w.endArray()
        } else if many {
            w.key("regions")
            w.beginArray()
            let reports = rankedRegions(doc)
            // About a megabyte per core and batch.
            w.streamElements(reports.count, perCore: 24, lanes: [Lane(), Lane()], emit: emit) { lane, range in
                for report in reports[range] { writeRegionObject(report, doc, lang: lang, &lane.writer, fragments: lane.fragments) }
            }
            w.endArray()
        } else {
            writeRegion(doc.regions[0], doc, lang: lang, &w)
        }
        writeSkipped(doc, &w)
        w.key("summary")
        writeSummary(doc.regions, skipped: doc.skipped.count, &w)
        writeUnused(doc, &w, streaming: !plainly, emit: emit)
        w.endObject()
        w.handOverFinished(to: emit)
    }

    /// A region's keys from `region` to `results`, in key order.
    static func writeRegion(_ report: RegionReport, _ doc: ReportDocument, lang: Language, _ w: inout JSONWriter, fragments: WrittenOnce? = nil) {
        w.key("region"); w.string(regionSlug(report.region, doc))
        w.key("regionCode"); w.int(report.region.code)
        w.key("regionName"); w.string(doc.regionName(report.region, .zh))
        w.key("results")
        w.beginArray()
        for r in report.results { write(r, lang: lang, &w, fragments: fragments) }
        w.endArray()
    }

    /// A region of a report on many: its results and its summary.
    static func writeRegionObject(_ report: RegionReport, _ doc: ReportDocument, lang: Language, _ w: inout JSONWriter, fragments: WrittenOnce? = nil) {
        w.beginObject()
        writeRegion(report, doc, lang: lang, &w, fragments: fragments)
        w.key("summary"); writeSummary([report], skipped: doc.skipped.count, &w)
        w.endObject()
    }

    /// What one core writes with, batch after batch: its writer, and its target fragments.
    private final class Lane: JSONLane, @unchecked Sendable {
        let fragments = WrittenOnce()
    }

    /// The whole report as one JSON text.
    static func json(_ doc: ReportDocument, lang: Language) -> String {
        var bytes: [UInt8] = []
        json(doc, lang: lang) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: CSV

    static let csvColumns = [
        "region", "region_name", "plan", "target_id", "indicator", "name", "name_en", "year", "area", "scope", "status", "status_text",
        "comparator", "target_value", "unit", "sustained", "tolerance", "actual_year", "actual_value", "source", "note",
        "projected", "observed_rate", "required_rate", "ratio", "reason", "text", "citation",
    ]

    /// The report as CSV (UTF-8 with a BOM), a row per result, handed to `emit` in
    /// pieces of `regionsPerPiece` regions written on both cores.
    static func csv(_ doc: ReportDocument, lang: Language, regionsPerPiece: Int = 24, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var head = CSVWriter(byteOrderMark: true)
        head.row(csvColumns)
        head.handOver(to: emit)
        final class Lane: PieceLane, @unchecked Sendable {
            var writer = CSVWriter(byteOrderMark: false)
            func handOver(to emit: (UnsafeBufferPointer<UInt8>) -> Void) { writer.handOver(to: emit) }
        }
        let regions = doc.regions
        writeInPieces(regions.count, perCore: regionsPerPiece, lanes: [Lane(), Lane()], write: { lane, range in
            for report in regions[range] { csvRows(report, doc, lang: lang, &lane.writer) }
        }, emit: emit)
    }

    /// The whole report as one CSV text.
    static func csv(_ doc: ReportDocument, lang: Language) -> String {
        var bytes: [UInt8] = []
        csv(doc, lang: lang) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func csvRows(_ report: RegionReport, _ doc: ReportDocument, lang: Language, _ w: inout CSVWriter) {
        let region = regionSlug(report.region, doc)
        let regionName = doc.regionName(report.region, lang)
        for r in report.results {
            w.row([
                region, regionName, r.target.plan, r.target.id, r.target.indicator ?? "",
                r.target.name, r.target.nameEn, String(r.target.year), r.target.area.rawValue, r.scope.rawValue, r.status.rawValue, r.status.word(lang),
                r.target.comparator.rawValue, r.target.value?.description ?? "", r.target.unit, r.target.sustained ? "true" : "false",
                r.target.tolerance?.description ?? "", r.actual.map { String($0.year) } ?? "", r.actual.map { $0.value.text(lang) } ?? "",
                r.actual?.source ?? "", r.actual?.note ?? "",
                r.projected.map { formatDerived($0, places: 2) } ?? "", r.observedRate.map { formatDerived($0, places: 6) } ?? "",
                r.requiredRate.map { formatDerived($0, places: 6) } ?? "", r.ratio.map { formatDerived($0, places: 4) } ?? "",
                r.reason.text(lang), r.target.text, r.target.citation,
            ])
        }
    }
}
