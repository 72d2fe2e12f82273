/// The terminal report: aligned by display width, wrapped, coloured only when allowed.
enum ReportTextRenderer {
    static func render(_ doc: ReportDocument, lang: Language, color: Bool, width: Int) -> String {
        if doc.byRegion { return matrix(doc, lang: lang, color: color, width: width) }
        var out = ""
        for report in doc.regions {
            out += region(report, doc, lang: lang, color: color, width: width)
        }
        out += footer(doc, lang: lang)
        return out
    }

    static func statusWord(_ s: AttainmentStatus, _ lang: Language, _ color: Bool) -> String {
        let w = s.word(lang)
        guard color else { return w }
        switch s {
        case .met, .onTrack: return ANSI.green(w)
        case .notMet, .offTrack: return ANSI.red(w)
        case .noData, .insufficientData: return ANSI.yellow(w)
        case .qualitative: return w
        }
    }

    static func region(_ report: RegionReport, _ doc: ReportDocument, lang: Language, color: Bool, width: Int) -> String {
        // Names given in data and file paths are escaped like every other data-derived text.
        let name = escapingControls(doc.regionName(report.region, lang))
        let label = escapingControls(doc.dataLabel)
        var out = lang.pick("\(name) · 质量发展目标达标情况\n", "\(name) · attainment of quality-development targets\n")
        let asOf = doc.asOf.map(String.init) ?? "—"
        out += lang.pick("数据截至 \(asOf) 年 · \(label)\n", "Data as of \(asOf) · \(label)\n")
        out += lang.pick("对照：", "Judged against: ") + doc.plansLine(report, lang) + "\n"
        let reasonWidth = max(24, width - 80)
        for (area, results) in groupedByArea(report.results) {
            out += "\n" + (color ? ANSI.bold(area.zh) : area.zh) + (lang == .en ? " (\(area.en))" : "") + "  " + summaryLine(results, lang) + "\n"
            var table = TextTable(
                headers: lang == .zh ? ["状态", "年份", "目标", "要求", "实际", "走势", "说明"] : ["status", "year", "target", "condition", "actual", "trend", "reason"],
                wrapLimits: [2: lang == .zh ? 22 : 30, 3: 20, 6: reasonWidth])
            var statusCells: [String] = []
            for r in results {
                var condition = conditionText(r.target, lang)
                if let c = counterpartText(r, lang) { condition += "\n" + c }
                var reason = r.reason.text(lang)
                for line in contextLines(r, lang) { reason += "\n" + line }
                table.add([r.status.word(lang), String(r.target.year), targetName(r.target, lang), condition, actualText(r, lang), sparkline(r.series), reason])
                statusCells.append(statusWord(r.status, lang, color))
            }
            var rendered = table.render(colorHeader: color)
            if color {
                // Colour the status words after alignment, so escapes never count as width.
                var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                var row = 0
                for i in 2..<lines.count where row < results.count {
                    let plain = results[row].status.word(lang)
                    if lines[i].hasPrefix(plain) {
                        lines[i] = statusCells[row] + lines[i].dropFirst(plain.count)
                        row += 1
                    }
                }
                rendered = lines.joined(separator: "\n")
            }
            out += rendered
        }
        let goals = qualitativeGoals(report.results)
        if !goals.isEmpty {
            out += "\n" + lang.pick("定性目标（\(goals.count) 项，列出不打分）", "Qualitative goals (\(goals.count), listed, not scored)") + "\n"
            for g in goals {
                let status = g.status == .qualitative ? "" : " [\(g.status.word(lang))]"
                out += "  · \(g.target.year) \(targetName(g.target, lang))\(status)\n"
            }
        }
        out += "\n" + lang.pick("合计：", "Overall: ") + summaryLine(report.results, lang) + "\n\n"
        return out
    }

    static func footer(_ doc: ReportDocument, lang: Language) -> String {
        var out = ""
        if !doc.skipped.isEmpty {
            out += lang.pick("未使用的行（\(doc.skipped.count)）：\n", "Rows not used (\(doc.skipped.count)):\n")
            for d in doc.skipped.prefix(20) { out += "  " + d.formatted + "\n" }
            if doc.skipped.count > 20 { out += lang.pick("  ……另有 \(doc.skipped.count - 20) 行，见 quality check\n", "  … \(doc.skipped.count - 20) more; run quality check\n") }
        }
        return out
    }

    /// Regions × targets, with the regions that lag most first. Wider than `width`, the
    /// targets are shown in blocks one under another, each with the regions' rank and name.
    static func matrix(_ doc: ReportDocument, lang: Language, color: Bool, width: Int) -> String {
        var out = lang.pick("各地区目标达标矩阵 · 数据截至 \(doc.asOf.map(String.init) ?? "—") 年\n\n", "Targets by region · data as of \(doc.asOf.map(String.init) ?? "—")\n\n")
        let targets = matrixTargets(doc)
        let labels = targets.indices.map { "T\($0 + 1)" }
        let ranked = rankedRegions(doc)
        let fixed = [
            [lang.pick("排名", "rank")] + ranked.indices.map { String($0 + 1) },
            [lang.pick("地区", "region")] + ranked.map { doc.regionName($0.region, lang) },
            [lang.pick("落后", "lagging")] + ranked.map { String($0.lagging) },
        ]
        let symbols = ranked.map { report in
            targets.map { t in report.results.first { $0.target.id == t.id }.map { symbol($0.status) } ?? "" }
        }
        for block in matrixBlocks(fixedWidth: fixed.reduce(0) { $0 + ($1.map(displayWidth).max() ?? 0) + 2 }, labels: labels, width: width) {
            if block.lowerBound > 0 { out += "\n" }
            var table = TextTable(headers: fixed.map { $0[0] } + labels[block], alignments: [.right, .left, .right] + block.map { _ in .left })
            for (i, row) in symbols.enumerated() { table.add(fixed.map { $0[i + 1] } + row[block]) }
            out += table.render(colorHeader: color)
        }
        out += "\n"
        let labelWidth = labels.last.map(displayWidth) ?? 0
        // Each target on its lines, wrapped under its text, not under its label.
        let indent = String(repeating: " ", count: labelWidth + 2)
        for (i, t) in targets.enumerated() {
            let lines = wrap("\(t.year) \(targetName(t, lang)) \(conditionText(t, lang))", width: max(20, width - indent.count))
            for (k, line) in lines.enumerated() {
                out += (k == 0 ? labels[i].padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " : indent) + line + "\n"
            }
        }
        out += "\n" + lang.pick("✓ 达标  ✗ 未达标  ↗ 按期可达  ↘ 进度滞后  ? 无数据/数据不足", "✓ met  ✗ not met  ↗ on track  ↘ off track  ? no or insufficient data") + "\n"
        return out + footer(doc, lang: lang)
    }

    /// The target columns cut into runs that fit `width` beside the fixed columns (at least one a run).
    static func matrixBlocks(fixedWidth: Int, labels: [String], width: Int) -> [Range<Int>] {
        var blocks: [Range<Int>] = []
        var start = 0
        var used = fixedWidth
        for (i, label) in labels.enumerated() {
            let column = displayWidth(label) + 2
            if i > start, used + column - 2 > width {
                blocks.append(start..<i)
                start = i
                used = fixedWidth
            }
            used += column
        }
        if start < labels.count || labels.isEmpty { blocks.append(start..<labels.count) }
        return blocks
    }

    static func symbol(_ s: AttainmentStatus) -> String {
        switch s {
        case .met: "✓"
        case .notMet: "✗"
        case .onTrack: "↗"
        case .offTrack: "↘"
        case .noData, .insufficientData: "?"
        case .qualitative: "·"
        }
    }
}

/// The targets a region matrix shows: those judged somewhere, not qualitative, in first-seen order.
func matrixTargets(_ doc: ReportDocument) -> [Target] {
    var seen = Set<String>()
    var out: [Target] = []
    for report in doc.regions {
        for r in report.results where r.target.kind != .qualitative && r.status != .noData && r.status != .insufficientData && !seen.contains(r.target.id) {
            seen.insert(r.target.id)
            out.append(r.target)
        }
    }
    return out
}

/// Regions with the most unmet and off-track targets first; ties by code.
func rankedRegions(_ doc: ReportDocument) -> [RegionReport] {
    // Each region's count once, not once per comparison.
    let keys = doc.regions.map { (lagging: $0.lagging, code: $0.region.code) }
    let order = keys.indices.sorted { a, b in
        keys[a].lagging != keys[b].lagging ? keys[a].lagging > keys[b].lagging : keys[a].code < keys[b].code
    }
    return order.map { doc.regions[$0] }
}
