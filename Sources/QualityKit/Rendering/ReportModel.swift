/// Everything a report shows, assembled once; renderers only format it.
public struct ReportDocument: Sendable {
    public let regions: [RegionReport]
    public let asOf: Int?
    public let byRegion: Bool
    /// Rows that could not be used, each with its reason.
    public let skipped: [Diagnostic]
    /// Series read but judged by no target in this report (and shown as no context).
    public let unused: [(key: SeriesKey, count: Int)]
    public let catalog: Catalog
    public let measurements: MeasurementSet
    public let dataLabel: String

    func regionName(_ code: RegionCode, _ lang: Language) -> String {
        if let region = catalog.region(code: code.code) {
            return lang == .zh ? region.name : region.nameEn
        }
        return subRegionName(code, given: measurements.regionNames[code], catalog: catalog, lang: lang)
    }

    func plansLine(_ report: RegionReport, _ lang: Language) -> String {
        var seen: [(String, Scope)] = []
        for r in report.results where !seen.contains(where: { $0.0 == r.target.plan }) { seen.append((r.target.plan, r.scope)) }
        return seen.map { planID, scope in
            let plan = catalog.plan(planID)!
            return lang == .zh ? "《\(plan.title)》（\(scope.zh)）" : "\(plan.titleEn) (\(scope.rawValue))"
        }.joined(separator: lang == .zh ? "、" : ", ")
    }
}

/// A code under a province as people read it, "江西 · 南昌县 (360121)": the province's
/// short name, the name the data gave beside the code (if any), and the code.
func subRegionName(_ code: RegionCode, given: String?, catalog: Catalog, lang: Language) -> String {
    let province = catalog.province(of: code).map { lang == .zh ? $0.shortName : $0.nameEn } ?? ""
    let name = if let given, !given.isEmpty { "\(given) (\(code.code))" } else { String(code.code) }
    return province.isEmpty ? name : "\(province) · \(name)"
}

/// "达标 5 · 未达标 2 · 无数据 4": the non-zero counts, in a fixed order.
func summaryLine(_ results: [Attainment], _ lang: Language) -> String {
    let parts = AttainmentStatus.allCases.compactMap { status -> String? in
        let n = results.count { $0.status == status }
        return n == 0 ? nil : "\(status.word(lang)) \(n)"
    }
    return parts.isEmpty ? lang.pick("无目标", "no targets") : parts.joined(separator: " · ")
}

/// Results grouped by the plans' areas, in area order; qualitative goals apart.
func groupedByArea(_ results: [Attainment]) -> [(area: Area, results: [Attainment])] {
    Area.allCases.compactMap { area in
        let inArea = results.enumerated().filter { $0.element.target.area == area && $0.element.target.kind != .qualitative }
            .sorted { ($0.element.target.year, $0.offset) < ($1.element.target.year, $1.offset) }.map(\.element)
        return inArea.isEmpty ? nil : (area, inArea)
    }
}

func actualText(_ r: Attainment, _ lang: Language) -> String {
    guard let actual = r.actual else { return "—" }
    let value: String = switch actual.value {
    case .number(let f): withUnit(f, r.target.unit == "" && r.target.kind == .trend ? "" : r.target.unit)
    default: actual.value.text(lang)
    }
    return lang == .zh ? "\(actual.year)年 \(value)" : "\(actual.year): \(value)"
}

/// The context lines under a result: published measures that are not the plan's own.
func contextLines(_ r: Attainment, _ lang: Language, limit: Int = 6) -> [String] {
    r.context.map { c in
        let values = c.observations.suffix(limit).map { "\($0.year) \($0.value.text(lang))\(unitSuffix(c.indicator.unit))" }.joined(separator: lang == .zh ? "，" : ", ")
        let why = lang == .zh ? c.indicator.contextFor?.zh ?? "" : c.indicator.contextFor?.en ?? ""
        return lang == .zh ? "参考：\(c.indicator.name)（\(why)）：\(values)" : "context: \(c.indicator.nameEn) (\(why)): \(values)"
    }
}

func counterpartText(_ r: Attainment, _ lang: Language) -> String? {
    guard let c = r.counterpart else { return nil }
    return lang.pick("全国 ", "national ") + conditionText(c, lang)
}

/// ▁▂▃▄▅▆▇█ over the years of a series; a gap year is a space.
func sparkline(_ series: [Observation]) -> String {
    let numbers = series.compactMap { o in o.value.figure.map { (o.year, $0.doubleValue) } }
    guard let first = numbers.first?.0, let last = numbers.last?.0, numbers.count >= 2 else { return "" }
    let lo = numbers.map(\.1).min()!
    let hi = numbers.map(\.1).max()!
    let bars = Array("▁▂▃▄▅▆▇█")
    let byYear = Dictionary(numbers, uniquingKeysWith: { a, _ in a })
    return String((first...last).map { year -> Character in
        guard let v = byYear[year] else { return " " }
        if hi - lo < 1e-12 { return bars[3] }
        return bars[min(7, Int((v - lo) / (hi - lo) * 7.999))]
    })
}

/// Qualitative goals in year order, document order within a year.
func qualitativeGoals(_ results: [Attainment]) -> [Attainment] {
    results.enumerated().filter { $0.element.target.kind == .qualitative }
        .sorted { ($0.element.target.year, $0.offset) < ($1.element.target.year, $1.offset) }.map(\.element)
}
