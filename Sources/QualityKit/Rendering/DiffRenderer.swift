import Foundation

/// Renders a diff as text (grouped by indicator), markdown, JSON or CSV.
struct DiffRenderer {
    let diff: MeasurementDiff
    let catalog: Catalog
    let lang: Language
    let oldLabel: String
    let newLabel: String
    /// Names the editions gave beside sub-province codes (the new edition's first).
    var regionNames: [RegionCode: String] = [:]

    func name(_ id: String) -> String {
        catalog.indicator(id)?.name ?? catalog.target(id)?.name ?? id
    }

    func region(_ code: RegionCode) -> String {
        if let r = catalog.region(code: code.code) { return lang == .zh ? r.name : r.slug }
        // The text and markdown lines are built here, so a name from data is made safe here.
        return escapingControls(subRegionName(code, given: regionNames[code], catalog: catalog, lang: lang))
    }

    func value(_ v: MeasuredValue, _ id: String) -> String {
        if let f = v.figure { return withUnit(f, catalog.indicator(id)?.unit ?? "") }
        return v.text(lang)
    }

    func deltaText(_ r: MeasurementDiff.Revision) -> String {
        guard let d = r.delta else { return "" }
        let sign = d.mantissa > 0 ? "+" : ""
        let rel = r.relative.map { ", " + signedPercent($0) } ?? ""
        return "(\(sign)\(d)\(rel))"
    }

    var summary: String {
        let d = diff
        return lang == .zh
            ? "新增 \(d.added.count) · 删除 \(d.removed.count) · 修订 \(d.changed.count) · 来源变更 \(d.sourceChanges.count) · 状态变化 \(d.statusChanges.count)"
            : "\(d.added.count) added, \(d.removed.count) removed, \(d.changed.count) revised, \(d.sourceChanges.count) source changes, \(d.statusChanges.count) status changes"
    }

    func text(color: Bool) -> String {
        if diff.isEmpty { return lang.pick("无差异：两个文件的数据相同\n", "no differences: the two files hold the same figures\n") }
        func paint(_ s: String, _ f: (String) -> String) -> String { color ? f(s) : s }
        var out = "--- \(escapingControls(oldLabel))\n+++ \(escapingControls(newLabel))\n"
        // Each list grouped by indicator once (grouping keeps the lists' order).
        let changed = Dictionary(grouping: diff.changed, by: \.key.indicator)
        let added = Dictionary(grouping: diff.added, by: \.key.indicator)
        let removed = Dictionary(grouping: diff.removed, by: \.key.indicator)
        let sourceChanges = Dictionary(grouping: diff.sourceChanges, by: \.key.indicator)
        let ids = Set(changed.keys).union(added.keys).union(removed.keys).union(sourceChanges.keys).sorted()
        for id in ids {
            out += "\n" + paint("\(name(id)) (\(id))", ANSI.bold) + "\n"
            for r in changed[id] ?? [] {
                let label = lang.pick("修订", "revised")
                out += paint("  ~ \(region(r.key.region)) \(r.key.year): \(value(r.old, id)) → \(value(r.new, id)) \(deltaText(r))  [\(label)]", ANSI.yellow) + "\n"
            }
            for e in added[id] ?? [] {
                out += paint("  + \(region(e.key.region)) \(e.key.year): \(value(e.value, id))", ANSI.green) + "\n"
            }
            for e in removed[id] ?? [] {
                out += paint("  - \(region(e.key.region)) \(e.key.year): \(value(e.value, id))", ANSI.red) + "\n"
            }
            for s in sourceChanges[id] ?? [] {
                var parts: [String] = []
                if s.oldSource != s.newSource { parts.append(lang.pick("来源", "source") + " “\(escapingControls(s.oldSource))” → “\(escapingControls(s.newSource))”") }
                if s.oldNote != s.newNote { parts.append(lang.pick("备注", "note") + " “\(escapingControls(s.oldNote))” → “\(escapingControls(s.newNote))”") }
                out += "  ✎ \(region(s.key.region)) \(s.key.year): " + parts.joined(separator: "; ") + "\n"
            }
        }
        if !diff.statusChanges.isEmpty {
            out += "\n" + paint(lang.pick("目标状态变化", "Target status changes"), ANSI.bold) + "\n"
            for c in diff.statusChanges {
                out += "  \(region(c.region)) \(c.target.year) \(targetName(c.target, lang)): \(c.old.word(lang)) → \(c.new.word(lang))  (\(c.newReason.text(lang)))\n"
            }
        }
        return out + "\n" + summary + "\n"
    }

    func markdown() -> String {
        var out = lang.pick("## 数据变化：\(Markdown.cell(oldLabel)) → \(Markdown.cell(newLabel))\n\n", "## Changes: \(Markdown.cell(oldLabel)) → \(Markdown.cell(newLabel))\n\n")
        out += "**\(summary)**\n\n"
        if !diff.changed.isEmpty {
            out += lang.pick("### 修订（已发布年份的数值变动）\n\n", "### Revised (published years whose figures changed)\n\n")
            out += Markdown.table(
                headers: lang == .zh ? ["指标", "地区", "年份", "原值", "新值", "变动"] : ["Indicator", "Region", "Year", "Old", "New", "Change"],
                rows: diff.changed.map { [name($0.key.indicator), region($0.key.region), String($0.key.year), value($0.old, $0.key.indicator), value($0.new, $0.key.indicator), deltaText($0)] }) + "\n"
        }
        for (title, entries) in [(lang.pick("新增", "Added"), diff.added), (lang.pick("删除", "Removed"), diff.removed)] where !entries.isEmpty {
            out += "### \(title)\n\n"
            out += Markdown.table(
                headers: lang == .zh ? ["指标", "地区", "年份", "数值"] : ["Indicator", "Region", "Year", "Value"],
                rows: entries.map { [name($0.key.indicator), region($0.key.region), String($0.key.year), value($0.value, $0.key.indicator)] }) + "\n"
        }
        if !diff.statusChanges.isEmpty {
            out += lang.pick("### 目标状态变化\n\n", "### Target status changes\n\n")
            out += Markdown.table(
                headers: lang == .zh ? ["地区", "年份", "目标", "原状态", "新状态", "说明"] : ["Region", "Year", "Target", "Old", "New", "Reason"],
                rows: diff.statusChanges.map { [region($0.region), String($0.target.year), targetName($0.target, lang), $0.old.word(lang), $0.new.word(lang), $0.newReason.text(lang)] }) + "\n"
        }
        if !diff.sourceChanges.isEmpty {
            out += lang.pick("### 来源或备注变更\n\n", "### Source or note changes\n\n")
            out += Markdown.table(
                headers: lang == .zh ? ["指标", "地区", "年份", "原来源", "新来源"] : ["Indicator", "Region", "Year", "Old source", "New source"],
                rows: diff.sourceChanges.map { [name($0.key.indicator), region($0.key.region), String($0.key.year), $0.oldSource, $0.newSource] }) + "\n"
        }
        return out
    }

    func slug(_ code: RegionCode) -> String { catalog.region(code: code.code)?.slug ?? String(code.code) }

    /// The diff as JSON (UTF-8), handed to `emit` in pieces: the four long lists are
    /// written on both cores, `perCore` entries per core at a time, so a diff of two
    /// county panels never sits whole in memory. `plainly` writes it all with one
    /// writer, nothing split: what the pieces are tested against.
    func json(perCore: Int = 2048, plainly: Bool = false, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        let d = diff
        var w = JSONWriter()
        /// One list under `key`, its elements written by `element`.
        func list<T: Sendable>(_ key: StaticString, _ items: [T], _ element: @escaping @Sendable (DiffRenderer, T, inout JSONWriter) -> Void) {
            w.key(key)
            w.beginArray()
            if plainly {
                for item in items { element(self, item, &w) }
            } else {
                let renderer = self
                w.streamElements(items.count, perCore: perCore, lanes: [JSONLane(), JSONLane()], emit: emit) { lane, range in
                    for item in items[range] { element(renderer, item, &lane.writer) }
                }
            }
            w.endArray()
        }
        w.beginObject()
        list("added", d.added) { r, e, w in r.writeEntry(e, &w) }
        list("changed", d.changed) { r, c, w in
            w.beginObject()
            w.key("delta"); w.figure(c.delta)
            w.key("indicator"); w.string(c.key.indicator)
            w.key("name"); w.string(r.name(c.key.indicator))
            w.key("new"); ReportFormats.write(c.new, &w)
            w.key("old"); ReportFormats.write(c.old, &w)
            w.key("region"); w.string(r.slug(c.key.region))
            w.key("relative"); w.derived(c.relative, places: 6)
            w.key("year"); w.int(c.key.year)
            w.endObject()
        }
        list("removed", d.removed) { r, e, w in r.writeEntry(e, &w) }
        list("sourceChanges", d.sourceChanges) { r, c, w in
            w.beginObject()
            w.key("indicator"); w.string(c.key.indicator)
            w.key("newNote"); w.string(c.newNote)
            w.key("newSource"); w.string(c.newSource)
            w.key("oldNote"); w.string(c.oldNote)
            w.key("oldSource"); w.string(c.oldSource)
            w.key("region"); w.string(r.slug(c.key.region))
            w.key("year"); w.int(c.key.year)
            w.endObject()
        }
        w.key("statusChanges")
        w.beginArray()
        for c in d.statusChanges {
            w.beginObject()
            w.key("name"); w.string(c.target.name)
            w.key("new"); w.string(c.new.rawValue)
            w.key("old"); w.string(c.old.rawValue)
            w.key("reason"); w.string(c.newReason.text(lang))
            w.key("region"); w.string(slug(c.region))
            w.key("targetId"); w.string(c.target.id)
            w.key("year"); w.int(c.target.year)
            w.endObject()
        }
        w.endArray()
        w.key("summary")
        w.counts([
            "added": d.added.count, "removed": d.removed.count, "changed": d.changed.count, "statusChanges": d.statusChanges.count,
            "sourceChanges": d.sourceChanges.count,
        ])
        w.endObject()
        w.handOverFinished(to: emit)
    }

    /// The whole diff as one JSON text.
    func json() -> String {
        var bytes: [UInt8] = []
        json { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An added or removed value.
    private func writeEntry(_ e: MeasurementDiff.Entry, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("indicator"); w.string(e.key.indicator)
        w.key("name"); w.string(name(e.key.indicator))
        w.key("region"); w.string(slug(e.key.region))
        w.key("value"); ReportFormats.write(e.value, &w)
        w.key("year"); w.int(e.key.year)
        w.endObject()
    }

    func csv() -> String {
        var w = CSVWriter(byteOrderMark: true)
        w.row(["change", "indicator", "name", "region", "year", "old", "new", "delta", "relative", "target_id", "detail"])
        for r in diff.changed {
            w.row(["revised", r.key.indicator, name(r.key.indicator), slug(r.key.region), String(r.key.year), r.old.text(lang), r.new.text(lang), r.delta?.description ?? "", r.relative.map { formatDerived($0, places: 6) } ?? "", "", ""])
        }
        for e in diff.added { w.row(["added", e.key.indicator, name(e.key.indicator), slug(e.key.region), String(e.key.year), "", e.value.text(lang), "", "", "", ""]) }
        for e in diff.removed { w.row(["removed", e.key.indicator, name(e.key.indicator), slug(e.key.region), String(e.key.year), e.value.text(lang), "", "", "", "", ""]) }
        for s in diff.sourceChanges { w.row(["source", s.key.indicator, name(s.key.indicator), slug(s.key.region), String(s.key.year), s.oldSource, s.newSource, "", "", "", s.oldNote == s.newNote ? "" : "\(s.oldNote) → \(s.newNote)"]) }
        for c in diff.statusChanges { w.row(["status", c.target.indicator ?? "", c.target.name, slug(c.region), String(c.target.year), c.old.rawValue, c.new.rawValue, "", "", c.target.id, c.newReason.text(lang)]) }
        return w.text
    }
}
