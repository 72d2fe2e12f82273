import Foundation

/// The targets that `quality targets` lists, with their scope when a region was asked for.
public struct TargetListing: Sendable {
    public let plans: [Plan]
    public let entries: [(target: Target, scope: Scope?)]
    public let region: Region?
}

/// Renders `quality targets` in every format; pure functions of the listing.
enum TargetsRenderer {
    static func json(_ listing: TargetListing) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("plans")
        w.beginArray()
        for plan in listing.plans {
            w.beginObject()
            w.key("date"); w.string(plan.date)
            w.key("document"); w.string(plan.document)
            w.key("id"); w.string(plan.id)
            w.key("issuer"); w.string(plan.issuer)
            w.key("title"); w.string(plan.title)
            w.key("titleEn"); w.string(plan.titleEn)
            w.endObject()
        }
        w.endArray()
        w.key("targets")
        w.beginArray()
        for (target, scope) in listing.entries {
            w.beginObject()
            w.key("area"); w.string(target.area.rawValue)
            w.key("citation"); w.string(target.citation)
            w.key("comparator"); w.string(target.comparator.rawValue)
            w.key("id"); w.string(target.id)
            w.key("indicator"); w.string(target.indicator)
            w.key("kind"); w.string(target.kind.rawValue)
            w.key("name"); w.string(target.name)
            w.key("nameEn"); w.string(target.nameEn)
            w.key("plan"); w.string(target.plan)
            w.key("scope"); w.string(scope?.rawValue)
            w.key("sustained"); w.bool(target.sustained)
            w.key("text"); w.string(target.text)
            w.key("tolerance"); w.figure(target.tolerance)
            w.key("unit"); w.string(target.unit)
            w.key("value"); w.figure(target.value)
            w.key("window")
            w.beginArray()
            for year in target.window { w.int(year) }
            w.endArray()
            w.key("year"); w.int(target.year)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    static func table(_ listing: TargetListing, lang: Language, width: Int) -> String {
        var out = ""
        if let region = listing.region {
            out += lang.pick("\(region.name) 适用的目标\n\n", "Targets that apply to \(region.nameEn) (\(region.name))\n\n")
        }
        let nameWidth = max(16, min(40, width - 70))
        var table = TextTable(
            headers: lang == .zh ? ["编号", "年份", "目标", "要求", "范围"] : ["id", "year", "target", "condition", "scope"],
            wrapLimits: [2: nameWidth, 3: 24])
        for (target, scope) in listing.entries {
            table.add([target.id, String(target.year), targetName(target, lang), conditionText(target, lang), scopeText(scope, lang)])
        }
        out += table.render()
        out += lang.pick("\n共 \(listing.entries.count) 项目标\n", "\n\(listing.entries.count) targets\n")
        return out
    }

    static func markdown(_ listing: TargetListing, lang: Language) -> String {
        var out = ""
        for plan in listing.plans {
            let entries = listing.entries.filter { $0.target.plan == plan.id }
            guard !entries.isEmpty else { continue }
            out += "## 《\(Markdown.cell(plan.title))》"
            out += lang == .en ? " (\(Markdown.cell(plan.titleEn)))\n\n" : "\n\n"
            let meta = [plan.issuer, plan.document, plan.date].filter { !$0.isEmpty }.joined(separator: " · ")
            out += Markdown.cell(meta) + "\n\n"
            let headers = lang == .zh ? ["年份", "目标", "要求", "原文", "出处"] : ["Year", "Target", "Condition", "Text", "Citation"]
            out += Markdown.table(
                headers: headers,
                rows: entries.map { [String($0.target.year), targetName($0.target, lang), conditionText($0.target, lang), $0.target.text, $0.target.citation] })
            out += "\n"
        }
        return out
    }

    static func csv(_ listing: TargetListing) -> String {
        var writer = CSVWriter(byteOrderMark: true)
        writer.row(["id", "plan", "indicator", "name", "nameEn", "year", "kind", "comparator", "value", "unit", "sustained", "tolerance", "text", "citation", "scope"])
        for (t, scope) in listing.entries {
            writer.row([
                t.id, t.plan, t.indicator ?? "", t.name, t.nameEn, String(t.year), t.kind.rawValue, t.comparator.rawValue,
                t.value?.description ?? "", t.unit, t.sustained ? "true" : "false", t.tolerance?.description ?? "", t.text, t.citation,
                scope?.rawValue ?? "",
            ])
        }
        return writer.text
    }

    static func scopeText(_ scope: Scope?, _ lang: Language) -> String {
        guard let scope else { return "" }
        return lang == .zh ? scope.zh : scope.rawValue
    }
}
