import Foundation

/// The targets that `quality targets` lists, with their scope when a region was asked for.
public struct TargetListing: Sendable {
    public let plans: [Plan]
    public let entries: [(target: Target, scope: Scope?)]
    public let region: Region?
}

/// Renders `quality targets` in every format; pure functions of the listing.
enum TargetsRenderer {
    struct PlanJSON: Encodable {
        let id, title, titleEn, issuer, document, date: String
    }

    struct TargetJSON: Encodable {
        let target: Target
        let scope: Scope?

        enum Keys: String, CodingKey {
            case id, plan, indicator, name, nameEn, year, window, area, kind, comparator, value, unit, sustained, tolerance, text, citation, scope
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(target.id, forKey: .id)
            try c.encode(target.plan, forKey: .plan)
            try c.encode(target.indicator, forKey: .indicator)
            try c.encode(target.name, forKey: .name)
            try c.encode(target.nameEn, forKey: .nameEn)
            try c.encode(target.year, forKey: .year)
            try c.encode(target.window, forKey: .window)
            try c.encode(target.area, forKey: .area)
            try c.encode(target.kind, forKey: .kind)
            try c.encode(target.comparator, forKey: .comparator)
            try c.encode(target.value.map { JSONNumber($0) }, forKey: .value)
            try c.encode(target.unit, forKey: .unit)
            try c.encode(target.sustained, forKey: .sustained)
            try c.encode(target.tolerance.map { JSONNumber($0) }, forKey: .tolerance)
            try c.encode(target.text, forKey: .text)
            try c.encode(target.citation, forKey: .citation)
            try c.encode(scope, forKey: .scope)
        }
    }

    struct Document: Encodable {
        let plans: [PlanJSON]
        let targets: [TargetJSON]
    }

    static func json(_ listing: TargetListing) -> String {
        let doc = Document(
            plans: listing.plans.map { PlanJSON(id: $0.id, title: $0.title, titleEn: $0.titleEn, issuer: $0.issuer, document: $0.document, date: $0.date) },
            targets: listing.entries.map { TargetJSON(target: $0.target, scope: $0.scope) })
        return encodeJSON(doc)
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

/// An exact decimal in JSON, written as published (`81.30` stays `81.30`).
struct JSONNumber: Encodable {
    let figure: Figure
    init(_ figure: Figure) { self.figure = figure }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if figure.scale == 0 {
            try c.encode(figure.mantissa)
        } else {
            try c.encode(Decimal(string: figure.description) ?? Decimal(figure.doubleValue))
        }
    }
}

/// Pretty JSON with sorted keys: the one JSON style of every command. The
/// encoder escapes C0 controls; C1 controls and bidi overrides from data are
/// escaped here too (`\u009b`), so JSON on a terminal can never drive it.
func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}\n" }
    let text = String(decoding: data, as: UTF8.self)
    guard text.unicodeScalars.contains(where: { ($0.value >= 0x7F && $0.value <= 0x9F) || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) else {
        return text + "\n"
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if (v >= 0x7F && v <= 0x9F) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
            let hex = String(v, radix: 16)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out) + "\n"
}
