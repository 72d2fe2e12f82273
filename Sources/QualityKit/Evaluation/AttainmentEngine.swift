import Foundation

/// Judges targets against measurements. Pure: no I/O, no clock.
///
/// The wording is read as README "The meaning of the wording" says: 超过 is
/// strict; X以上 and 达到X are at least X; 达到100% is exactly 100; 稳定在 must
/// hold in the target year and the year before; X左右 meets within the
/// tolerance; 逐年/不断/稳步 trends need every year-over-year change to go the
/// stated way. Targets ahead of the as-of year are projected with the observed
/// compound annual growth rate (Statistics Canada / Open SDG method).
public struct AttainmentEngine: Sendable {
    public let catalog: Catalog
    public let measurements: MeasurementSet
    /// The latest year the judgement may look at; nil when there is no data.
    public let asOf: Int?
    /// Overrides the tolerance of every 左右 target.
    public let tolerance: Figure?

    /// Each province's targets in judging order, with what judging them reads, worked out
    /// once here rather than for every region.
    private var entriesByProvince: [Int: [Entry]]

    public init(catalog: Catalog, measurements: MeasurementSet, asOf: Int? = nil, tolerance: Figure? = nil) {
        self.catalog = catalog
        self.measurements = measurements
        self.asOf = asOf ?? measurements.latestYear
        self.tolerance = tolerance
        let order: [Scope] = [.own, .adopted, .benchmark]
        var entries: [Int: [Entry]] = [:]
        // Most provinces judge the same plans in the same scopes (the national plans as
        // benchmarks): their entries are worked out once and shared.
        var bySignature: [[String]: [Entry]] = [:]
        for region in catalog.regions where RegionCode(region.code).provinceCode == region.code {
            let signature = catalog.applicablePlans(to: RegionCode(region.code)).map { $0.plan.id + " " + $0.scope.rawValue }
            if let known = bySignature[signature] {
                entries[region.code] = known
                continue
            }
            let sorted = catalog.applicableTargets(to: RegionCode(region.code)).enumerated().sorted { a, b in
                let sa = order.firstIndex(of: a.element.scope)!
                let sb = order.firstIndex(of: b.element.scope)!
                return sa != sb ? sa < sb : a.offset < b.offset
            }.map { Entry($0.element.target, scope: $0.element.scope, catalog, tolerance: tolerance, measured: measurements.indicators) }
            bySignature[signature] = sorted
            entries[region.code] = sorted
        }
        entriesByProvince = entries
        // A target whose measures no region has is judged alike in every region (most
        // targets of a county panel: the qualitative goals, the measures not collected):
        // judged once here, one result shared by all.
        var settled: [ObjectIdentifier: Entry] = [:]
        for (province, list) in entriesByProvince {
            entriesByProvince[province] = list.map { entry in
                guard !entry.seriesMeasured, entry.measuredContext.isEmpty else { return entry }
                if let known = settled[ObjectIdentifier(entry)] { return known }
                let shared = Entry(entry, regionless: judge(entry, region: RegionCode(province)))
                settled[ObjectIdentifier(entry)] = shared
                return shared
            }
        }
    }

    /// The targets that apply to `region`, judged; own plan first, then adopted, then benchmarks.
    /// `reading` narrows them to the targets that read one of these series (diff judges
    /// only those whose figures changed).
    public func evaluate(region: RegionCode, plan: String? = nil, year: Int? = nil, reading: [String]? = nil) -> RegionReport {
        var entries = catalog.province(of: region).flatMap { entriesByProvince[$0.code] } ?? []
        if let plan { entries = entries.filter { $0.target.plan == plan } }
        if let year { entries = entries.filter { $0.target.year == year } }
        if let reading {
            // Ids of other lengths are told apart by their lengths: most pairs differ, and
            // comparing two strings that differ reads their bytes.
            func reads(_ id: String) -> Bool { reading.contains { $0.utf8.count == id.utf8.count && $0 == id } }
            entries = entries.filter { reads($0.series) || $0.context.contains { reads($0.id) } }
        }
        let results = entries.map { judge($0, region: region) }
        return RegionReport(region: region, results: results)
    }

    /// A target with what judging it reads in any region: its own series and its
    /// context measures' (usually none), and its national counterpart.
    /// Nothing else of the measurements goes into a judgement but the as-of year.
    /// A class: every region of a province is judged on the same entries, and a copy
    /// of a struct of them was five references counted for each judgement.
    final class Entry: Sendable {
        /// The target, its scope and counterpart, as every result on it holds them.
        let judged: JudgedTarget
        var target: Target { judged.target }
        let series: String
        /// Whether any region has `series` (else none is looked for).
        let seriesMeasured: Bool
        let context: [Indicator]
        /// The context measures some region has (the others are not looked for).
        let measuredContext: [Indicator]
        /// The result in every region, when it reads nothing of any region's.
        let regionless: Attainment?

        /// `measured`: the indicators that have a series in some region.
        init(_ raw: Target, scope: Scope, _ catalog: Catalog, tolerance: Figure?, measured: Set<String>) {
            let target = tolerance.map { raw.with(tolerance: $0) } ?? raw
            judged = JudgedTarget(target, scope: scope, counterpart: catalog.nationalCounterpart(of: target))
            // The catalog's own id string, as the readers give it: equal keys are then
            // found equal by identity, not byte by byte.
            series = target.indicator.map { catalog.indicator($0)?.id ?? $0 } ?? target.id
            seriesMeasured = measured.contains(series)
            context = catalog.contextMeasures(for: series)
            measuredContext = context.filter { measured.contains($0.id) }
            regionless = nil
        }

        /// `entry` with the one result of every region.
        init(_ entry: Entry, regionless: Attainment) {
            judged = entry.judged
            series = entry.series
            seriesMeasured = entry.seriesMeasured
            context = entry.context
            measuredContext = entry.measuredContext
            self.regionless = regionless
        }
    }

    /// Judges one target for one region.
    public func judge(_ raw: Target, scope: Scope, region: RegionCode) -> Attainment {
        judge(Entry(raw, scope: scope, catalog, tolerance: tolerance, measured: measurements.indicators), region: region)
    }

    private func judge(_ entry: Entry, region: RegionCode) -> Attainment {
        if let shared = entry.regionless { return shared }
        // The target is read in place: a copy of it was a dozen references counted per judgement.
        let judged = entry.judged
        let series = entry.seriesMeasured ? measurements.values(entry.series, region) : []
        let context = entry.measuredContext.compactMap { indicator -> ContextSeries? in
            let obs = measurements.values(indicator.id, region)
            return obs.isEmpty ? nil : ContextSeries(indicator: indicator, observations: obs)
        }
        var verdict: Verdict
        switch judged.target.kind {
        case .threshold: verdict = threshold(judged.target, series)
        case .trend: verdict = trend(judged.target, series, changeSeries: context.first { $0.indicator.contextFor?.relation == "change" }?.observations)
        case .categorical: verdict = categorical(judged.target, series)
        case .qualitative:
            verdict = series.isEmpty
                ? Verdict(status: .qualitative, reason: Reason(zh: "定性目标：列出并引用原文，不打分；可用“达标/未达标”提供评估", en: "qualitative goal: listed and cited, not scored; supply 达标/未达标 to assess it"))
                : categorical(judged.target, series)
        }
        return Attainment(
            judged, status: verdict.status, actual: verdict.actual, baseline: verdict.baseline,
            projected: verdict.projected, observedRate: verdict.observedRate, requiredRate: verdict.requiredRate, ratio: verdict.ratio,
            reason: verdict.reason, stabilityUnverified: verdict.stabilityUnverified, series: series, context: context)
    }

    struct Verdict {
        var status: AttainmentStatus
        var reason: Reason
        var actual: Observation? = nil
        var baseline: Observation? = nil
        var projected: Double? = nil
        var observedRate: Double? = nil
        var requiredRate: Double? = nil
        var ratio: Double? = nil
        var stabilityUnverified = false
    }

    // MARK: - Thresholds

    /// Whether a value meets the target's comparison (not its two-year condition).
    static func meets(_ value: Figure, _ target: Target) -> Bool {
        guard let x = target.value else { return false }
        switch target.comparator {
        case .gt: return value > x
        case .ge: return value >= x
        case .eq: return value == x
        case .approx:
            let floor = (x - (target.tolerance ?? Figure(1))) ?? x
            return value >= floor
        default: return false
        }
    }

    static func meets(_ value: Double, _ target: Target) -> Bool {
        guard let x = target.value?.doubleValue else { return false }
        let epsilon = 1e-9
        switch target.comparator {
        case .gt: return value > x + epsilon
        case .ge: return value >= x - epsilon
        case .eq: return abs(value - x) <= epsilon
        case .approx: return value >= x - (target.tolerance?.doubleValue ?? 1) - epsilon
        default: return false
        }
    }

    /// `30.0 > 30` is false: shows the value, the relation that holds, and the target.
    static func relation(_ value: Figure, _ target: Target) -> String {
        guard let x = target.value else { return value.description }
        if value > x { return "\(value) > \(x)" }
        if value == x { return "\(value) = \(x)" }
        return "\(value) < \(x)"
    }

    private func threshold(_ target: Target, _ series: [Observation]) -> Verdict {
        guard let asOf else {
            return Verdict(status: .noData, reason: Reason(zh: "没有数据", en: "no data"))
        }
        if target.year <= asOf { return judgePassed(target, series) }
        return project(target, series, asOf: asOf)
    }

    private func value(_ series: [Observation], _ year: Int) -> Observation? { series.first { $0.year == year } }

    private func judgePassed(_ target: Target, _ series: [Observation]) -> Verdict {
        let y = target.year
        guard let obs = value(series, y), let v = obs.value.figure else {
            let latest = series.last { $0.year <= y && $0.value.figure != nil }
            let tail = latest.map { "；最近为\($0.year)年 \($0.value.text(.zh))" } ?? ""
            let tailEn = latest.map { "; latest is \($0.year): \($0.value.text(.en))" } ?? ""
            return Verdict(status: .noData, reason: Reason(zh: "\(y)年无数据\(tail)", en: "no value for \(y)\(tailEn)"), actual: latest)
        }
        let rel = AttainmentEngine.relation(v, target)
        guard AttainmentEngine.meets(v, target) else {
            var zh = "\(y)年 \(rel)"
            var en = "\(y): \(rel)"
            if target.comparator == .gt, let x = target.value, v == x { zh += "（“超过”须严格大于）"; en += " (超过 means strictly more)" }
            if target.comparator == .eq { zh += "（须达到\(target.value!)）"; en += " (must reach exactly \(target.value!))" }
            if target.comparator == .approx, let x = target.value {
                let tol = target.tolerance ?? Figure(1)
                zh += "，低于\(x)左右的容差±\(tol)"
                en += ", below \(x) by more than the tolerance ±\(tol)"
            }
            return Verdict(status: .notMet, reason: Reason(zh: zh, en: en), actual: obs)
        }
        if target.comparator == .approx, let x = target.value, v < x {
            let tol = target.tolerance ?? Figure(1)
            return Verdict(status: .met, reason: Reason(zh: "\(y)年 \(v) ≈ \(x)（容差±\(tol)以内）", en: "\(y): \(v) ≈ \(x) (within ±\(tol))"), actual: obs)
        }
        if target.sustained {
            guard let before = value(series, y - 1), let b = before.value.figure else {
                return Verdict(
                    status: .met,
                    reason: Reason(zh: "\(y)年 \(rel)；\(y - 1)年无数据，连续两年未能核实", en: "\(y): \(rel); no value for \(y - 1), stability unverified"),
                    actual: obs, stabilityUnverified: true)
            }
            let relBefore = AttainmentEngine.relation(b, target)
            if AttainmentEngine.meets(b, target) {
                return Verdict(status: .met, reason: Reason(zh: "\(y - 1)年 \(relBefore)，\(y)年 \(rel)：连续两年保持", en: "\(y - 1): \(relBefore), \(y): \(rel): held two years"), actual: obs)
            }
            return Verdict(status: .notMet, reason: Reason(zh: "\(y - 1)年 \(relBefore)：未能连续两年保持", en: "\(y - 1): \(relBefore): not held two years"), actual: obs)
        }
        return Verdict(status: .met, reason: Reason(zh: "\(y)年 \(rel)", en: "\(y): \(rel)"), actual: obs)
    }

    /// The CAGR projection for a target still ahead.
    private func project(_ target: Target, _ series: [Observation], asOf: Int) -> Verdict {
        let known = series.filter { $0.year <= asOf && $0.value.figure != nil }
        let start = target.windowStart
        let baseline = known.last { $0.year == start - 1 } ?? known.first { $0.year >= start }
        guard let latest = known.last, let base = baseline, base.year < latest.year,
            let b = base.value.figure?.doubleValue, let l = latest.value.figure?.doubleValue, let x = target.value?.doubleValue
        else {
            let n = known.filter { $0.year >= start - 1 }.count
            return Verdict(
                status: .insufficientData,
                reason: n == 0
                    ? Reason(zh: "\(start - 1)年以来没有数值，无法推算\(target.year)年", en: "no value since \(start - 1): nothing to project \(target.year) from")
                    : Reason(zh: "\(start - 1)年以来仅有1个数值，不足以推算\(target.year)年", en: "1 value since \(start - 1): too few to project \(target.year)"),
                actual: known.last, baseline: baseline)
        }
        guard b > 0, l > 0 else {
            return Verdict(status: .insufficientData, reason: Reason(zh: "数值非正，无法计算年均增长率", en: "non-positive values: no growth rate"), actual: latest, baseline: base)
        }
        let observed = pow(l / b, 1 / Double(latest.year - base.year)) - 1
        let required = pow(x / b, 1 / Double(target.year - base.year)) - 1
        var projected = l * pow(1 + observed, Double(target.year - latest.year))
        if target.unit == "%" { projected = min(projected, 100) }
        var projectedBefore = l * pow(1 + observed, Double(target.year - 1 - latest.year))
        if target.unit == "%" { projectedBefore = min(projectedBefore, 100) }
        let ratio: Double? = required > 1e-12 ? observed / required : nil
        var onTrack = AttainmentEngine.meets(projected, target)
        if target.sustained, target.year - 1 > latest.year { onTrack = onTrack && AttainmentEngine.meets(projectedBefore, target) }
        if target.sustained, target.year - 1 == latest.year, let lv = latest.value.figure { onTrack = onTrack && AttainmentEngine.meets(lv, target) }
        let p = formatDerived(projected, places: 2)
        let ratioText = ratio.map { formatDerived($0, places: 2) }
        let rates = "observed \(signedPercent(observed))/yr, required \(signedPercent(required))/yr" + (ratioText.map { ", ratio \($0)" } ?? "")
        let ratesZh = "实际年均\(signedPercent(observed))，所需年均\(signedPercent(required))" + (ratioText.map { "，比值\($0)" } ?? "")
        let cmp = "\(target.comparator.symbol) \(target.value!)"
        let reason = onTrack
            ? Reason(zh: "按\(base.year)–\(latest.year)年增速推算\(target.year)年为 \(p)，可达 \(cmp)（\(ratesZh)）", en: "projected \(target.year): \(p), meets \(cmp) at the \(base.year)–\(latest.year) rate (\(rates))")
            : Reason(zh: "按\(base.year)–\(latest.year)年增速推算\(target.year)年为 \(p)，达不到 \(cmp)（\(ratesZh)）", en: "projected \(target.year): \(p), short of \(cmp) at the \(base.year)–\(latest.year) rate (\(rates))")
        return Verdict(
            status: onTrack ? .onTrack : .offTrack, reason: reason, actual: latest, baseline: base,
            projected: projected, observedRate: observed, requiredRate: required, ratio: ratio)
    }

    // MARK: - Trends

    private func trend(_ target: Target, _ series: [Observation], changeSeries: [Observation]?) -> Verdict {
        guard let asOf else { return Verdict(status: .noData, reason: Reason(zh: "没有数据", en: "no data")) }
        let passed = target.year <= asOf
        let last = min(target.year, asOf)
        let start = target.windowStart
        let rising = target.comparator == .increase
        // One pass, keeping what the verdict says: how many year-over-year steps, the years
        // of the first and the last, and the first three that went the wrong way. A county
        // panel has hundreds of thousands of trends to judge.
        var steps = 0, firstYear = 0, lastYear = 0
        var wrong: [(year: Int, from: Figure?, to: Figure)] = []
        func step(_ year: Int, from: Figure?, to: Figure, ok: Bool) {
            if steps == 0 { firstYear = year }
            lastYear = year
            steps += 1
            if !ok, wrong.count < 3 { wrong.append((year, from, to)) }
        }
        var previous: Figure?
        var lastPoint: Int?
        for i in series.indices where series[i].year >= start - 1 && series[i].year <= last {
            guard let figure = series[i].value.figure else { continue }
            if let previous { step(series[i].year, from: previous, to: figure, ok: rising ? figure > previous : figure < previous) }
            previous = figure
            lastPoint = i
        }
        if steps == 0, let changes = changeSeries {
            // Fewer than two values: the published year-on-year change gives each year's direction directly.
            for o in changes where o.year >= start && o.year <= last {
                if let c = o.value.figure { step(o.year, from: nil, to: c, ok: rising ? c > Figure(0) : c < Figure(0)) }
            }
        }
        let actual = lastPoint.map { series[$0] } ?? changeSeries?.last { $0.year <= last }
        let word = rising ? ("上升", "rose") : ("下降", "fell")
        guard steps > 0 else {
            return Verdict(
                status: passed ? .noData : .insufficientData,
                reason: Reason(zh: "\(start - 1)–\(max(last, start - 1))年不足两个数值，无法判断逐年走向", en: "fewer than two values in \(start - 1)–\(max(last, start - 1)): no year-over-year change to judge"),
                actual: actual)
        }
        if wrong.isEmpty, steps == 1 {
            return Verdict(
                status: passed ? .met : .onTrack,
                reason: Reason(zh: "\(firstYear)年比上年\(word.0)（仅1次变化）", en: "\(word.1) in \(firstYear) (1 change so far)"),
                actual: actual)
        }
        if wrong.isEmpty {
            let span = "\(firstYear)–\(lastYear)"
            return Verdict(
                status: passed ? .met : .onTrack,
                reason: Reason(zh: "\(span)年每年均\(word.0)（\(steps)次变化）", en: "\(word.1) every year \(span) (\(steps) change\(steps == 1 ? "" : "s"))"),
                actual: actual)
        }
        var zh = "并非逐年\(word.0)：", en = "did not \(rising ? "rise" : "fall") every year: "
        for (k, s) in wrong.enumerated() {
            if k > 0 { zh += "，"; en += ", " }
            // Each figure spelled once for both languages.
            let to = s.to.description
            if let from = s.from?.description {
                zh += "\(s.year)年 \(from)→\(to)"
                en += "\(s.year): \(from)→\(to)"
            } else {
                zh += "\(s.year)年比上年 \(to)%"
                en += "\(s.year): \(to)% on the year before"
            }
        }
        return Verdict(status: passed ? .notMet : .offTrack, reason: Reason(zh: zh, en: en), actual: actual)
    }

    // MARK: - Categories

    private func categorical(_ target: Target, _ series: [Observation]) -> Verdict {
        guard let asOf else { return Verdict(status: .noData, reason: Reason(zh: "没有数据", en: "no data")) }
        if target.year <= asOf {
            guard let obs = value(series, target.year), case .category(let met) = obs.value else {
                return Verdict(status: .noData, reason: Reason(zh: "\(target.year)年无评估", en: "no assessment for \(target.year)"))
            }
            return Verdict(
                status: met ? .met : .notMet,
                reason: Reason(zh: "\(target.year)年评估：\(met ? "达标" : "未达标")", en: "\(target.year) assessment: \(met ? "met" : "not met")"), actual: obs)
        }
        guard let obs = series.last(where: { $0.year <= asOf }), case .category(let met) = obs.value else {
            return Verdict(status: .insufficientData, reason: Reason(zh: "尚无评估", en: "no assessment yet"))
        }
        return Verdict(
            status: met ? .onTrack : .offTrack,
            reason: Reason(zh: "最近评估（\(obs.year)年）：\(met ? "达标" : "未达标")", en: "latest assessment (\(obs.year)): \(met ? "met" : "not met")"), actual: obs)
    }
}

/// `+0.10%`, `-1.25%`: a rate as a signed percentage with two decimals.
func signedPercent(_ rate: Double) -> String {
    let text = formatDerived(rate * 100, places: 2)
    return (rate >= 0 && !text.hasPrefix("-") ? "+" : "") + text + "%"
}
