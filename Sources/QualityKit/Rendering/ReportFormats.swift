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

    struct ValueJSON: Encodable {
        let value: MeasuredValue
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch value {
            case .number(let f): try c.encode(JSONNumber(f))
            case .category(let met): try c.encode(met ? "达标" : "未达标")
            case .missing: try c.encodeNil()
            }
        }
    }

    struct PointJSON: Encodable {
        let year: Int
        let value: ValueJSON
        let source: String
        let note: String
    }

    struct TargetJSON: Encodable {
        let target: Target
        enum Keys: String, CodingKey { case comparator, value, unit, sustained, tolerance, text, citation, plan, year }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(target.comparator, forKey: .comparator)
            try c.encode(target.value.map(JSONNumber.init), forKey: .value)
            try c.encode(target.unit, forKey: .unit)
            try c.encode(target.sustained, forKey: .sustained)
            try c.encode(target.tolerance.map(JSONNumber.init), forKey: .tolerance)
            try c.encode(target.text, forKey: .text)
            try c.encode(target.citation, forKey: .citation)
            try c.encode(target.plan, forKey: .plan)
            try c.encode(target.year, forKey: .year)
        }
    }

    struct ContextJSON: Encodable {
        let indicator, name, relation, note: String
        let series: [PointJSON]
    }

    struct ResultJSON: Encodable {
        let r: Attainment
        let lang: Language
        enum Keys: String, CodingKey {
            case targetId, indicator, name, nameEn, plan, year, area, scope, status, statusText, actual, target, baseline, projected, observedRate, requiredRate, ratio, reason, stabilityUnverified, series, counterpart, context
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(r.target.id, forKey: .targetId)
            try c.encode(r.target.indicator, forKey: .indicator)
            try c.encode(r.target.name, forKey: .name)
            try c.encode(r.target.nameEn, forKey: .nameEn)
            try c.encode(r.target.plan, forKey: .plan)
            try c.encode(r.target.year, forKey: .year)
            try c.encode(r.target.area, forKey: .area)
            try c.encode(r.scope, forKey: .scope)
            try c.encode(r.status, forKey: .status)
            try c.encode(r.status.word(lang), forKey: .statusText)
            try c.encode(r.actual.map { PointJSON(year: $0.year, value: ValueJSON(value: $0.value), source: $0.source, note: $0.note) }, forKey: .actual)
            try c.encode(TargetJSON(target: r.target), forKey: .target)
            try c.encode(r.baseline.map { PointJSON(year: $0.year, value: ValueJSON(value: $0.value), source: $0.source, note: $0.note) }, forKey: .baseline)
            try c.encode(r.projected.map { rounded($0, 4) }, forKey: .projected)
            try c.encode(r.observedRate.map { rounded($0, 6) }, forKey: .observedRate)
            try c.encode(r.requiredRate.map { rounded($0, 6) }, forKey: .requiredRate)
            try c.encode(r.ratio.map { rounded($0, 4) }, forKey: .ratio)
            try c.encode(r.reason.text(lang), forKey: .reason)
            try c.encode(r.stabilityUnverified, forKey: .stabilityUnverified)
            try c.encode(r.series.map { PointJSON(year: $0.year, value: ValueJSON(value: $0.value), source: $0.source, note: $0.note) }, forKey: .series)
            try c.encode(r.counterpart.map { TargetJSON(target: $0) }, forKey: .counterpart)
            try c.encode(
                r.context.map { ctx in
                    ContextJSON(
                        indicator: ctx.indicator.id, name: ctx.indicator.name, relation: ctx.indicator.contextFor?.relation ?? "",
                        note: lang == .zh ? ctx.indicator.contextFor?.zh ?? "" : ctx.indicator.contextFor?.en ?? "",
                        series: ctx.observations.map { PointJSON(year: $0.year, value: ValueJSON(value: $0.value), source: $0.source, note: $0.note) })
                }, forKey: .context)
        }
    }

    /// A derived number rounded by the one rule, as a JSON number.
    static func rounded(_ x: Double, _ places: Int) -> Decimal {
        Decimal(string: formatDerived(x, places: places)) ?? Decimal(x)
    }

    struct SkippedJSON: Encodable {
        let file: String
        let line: Int?
        let column: Int?
        let code, message: String
    }

    struct UnusedJSON: Encodable {
        let indicator: String
        let region: Int
        let values: Int
    }

    struct RegionJSON: Encodable {
        let region: String
        let regionCode: Int
        let regionName: String
        let results: [ResultJSON]
        let summary: [String: Int]
    }

    struct SingleJSON: Encodable {
        let region: String
        let regionCode: Int
        let regionName: String
        let asOf: Int?
        let results: [ResultJSON]
        let skipped: [SkippedJSON]
        let unused: [UnusedJSON]
        let summary: [String: Int]
        enum Keys: String, CodingKey { case region, regionCode, regionName, asOf, results, skipped, unused, summary }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(region, forKey: .region)
            try c.encode(regionCode, forKey: .regionCode)
            try c.encode(regionName, forKey: .regionName)
            try c.encode(asOf, forKey: .asOf)
            try c.encode(results, forKey: .results)
            try c.encode(skipped, forKey: .skipped)
            try c.encode(unused, forKey: .unused)
            try c.encode(summary, forKey: .summary)
        }
    }

    struct ManyJSON: Encodable {
        let asOf: Int?
        let regions: [RegionJSON]
        let skipped: [SkippedJSON]
        let unused: [UnusedJSON]
        let summary: [String: Int]
        enum Keys: String, CodingKey { case asOf, regions, skipped, unused, summary }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(asOf, forKey: .asOf)
            try c.encode(regions, forKey: .regions)
            try c.encode(skipped, forKey: .skipped)
            try c.encode(unused, forKey: .unused)
            try c.encode(summary, forKey: .summary)
        }
    }

    static func summary(_ results: [Attainment], _ doc: ReportDocument) -> [String: Int] {
        var s: [String: Int] = ["total": results.count]
        for status in AttainmentStatus.allCases { s[status.rawValue] = results.count { $0.status == status } }
        s["rowsSkipped"] = doc.skipped.count
        return s
    }

    static func regionSlug(_ code: RegionCode, _ doc: ReportDocument) -> String {
        doc.catalog.region(code: code.code)?.slug ?? String(code.code)
    }

    static func json(_ doc: ReportDocument, lang: Language) -> String {
        let skipped = doc.skipped.map { SkippedJSON(file: $0.location.file, line: $0.location.line, column: $0.location.column, code: $0.code.rawValue, message: $0.message) }
        let unused = doc.unused.map { UnusedJSON(indicator: $0.key.indicator, region: $0.key.region.code, values: $0.count) }
        if doc.byRegion || doc.regions.count != 1 {
            let regions = rankedRegions(doc).map { report in
                RegionJSON(
                    region: regionSlug(report.region, doc), regionCode: report.region.code, regionName: doc.regionName(report.region, .zh),
                    results: report.results.map { ResultJSON(r: $0, lang: lang) }, summary: summary(report.results, doc))
            }
            return encodeJSON(ManyJSON(asOf: doc.asOf, regions: regions, skipped: skipped, unused: unused, summary: summary(doc.regions.flatMap(\.results), doc)))
        }
        let report = doc.regions[0]
        return encodeJSON(
            SingleJSON(
                region: regionSlug(report.region, doc), regionCode: report.region.code, regionName: doc.regionName(report.region, .zh), asOf: doc.asOf,
                results: report.results.map { ResultJSON(r: $0, lang: lang) }, skipped: skipped, unused: unused, summary: summary(report.results, doc)))
    }

    // MARK: CSV

    static func csv(_ doc: ReportDocument, lang: Language) -> String {
        var w = CSVWriter(byteOrderMark: true)
        w.row([
            "region", "region_name", "plan", "target_id", "indicator", "name", "name_en", "year", "area", "scope", "status", "status_text",
            "comparator", "target_value", "unit", "sustained", "tolerance", "actual_year", "actual_value", "source", "note",
            "projected", "observed_rate", "required_rate", "ratio", "reason", "text", "citation",
        ])
        for report in doc.regions {
            for r in report.results {
                w.row([
                    regionSlug(report.region, doc), doc.regionName(report.region, lang), r.target.plan, r.target.id, r.target.indicator ?? "",
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
        return w.text
    }
}
