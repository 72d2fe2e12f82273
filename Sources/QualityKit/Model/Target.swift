/// A plan (纲要) as issued.
public struct Plan: Sendable, Hashable, Codable {
    public let id: String
    public let title: String
    public let titleEn: String
    public let issuer: String
    public let issuerEn: String
    /// Document number, e.g. 国发〔2012〕9号; empty where the source gives none.
    public let document: String
    public let date: String
    /// Slug of the region whose plan this is.
    public let region: String
    /// The source text kept in the repository.
    public let source: String
}

public enum TargetKind: String, Sendable, Codable {
    case threshold, trend, categorical, qualitative
}

/// How a target's wording is read; see README "The meaning of the wording".
public enum Comparison: String, Sendable, Codable {
    /// 超过X: strictly greater.
    case gt
    /// X以上, 达到X以上, 达到X: at least.
    case ge
    /// 达到100%: exactly.
    case eq
    /// X左右: at least X minus the tolerance.
    case approx
    /// 稳步提升, 不断提高: every year-over-year change is a rise.
    case increase
    /// 逐年下降, 不断下降: every year-over-year change is a fall.
    case decrease
    /// 达到国家二级标准: met or not met.
    case categorical
    /// Qualitative goals.
    case none

    public var symbol: String {
        switch self {
        case .gt: ">"
        case .ge: "≥"
        case .eq: "="
        case .approx: "≈"
        case .increase: "↑"
        case .decrease: "↓"
        case .categorical: "达标"
        case .none: ""
        }
    }
}

/// One target (目标) exactly as a plan writes it. A class, not a struct: every
/// judgement carries its target (and its national counterpart), and a
/// reference is one count to keep where the fields would be a dozen.
public final class Target: Sendable, Hashable, Codable {
    public let id: String
    public let plan: String
    /// The indicator it measures; nil for qualitative goals.
    public let indicator: String?
    public let name: String
    public let nameEn: String
    public let year: Int
    /// The five-year-plan period the target is judged over (2011–2015 for 2015).
    public let window: [Int]
    public let area: Area
    public let kind: TargetKind
    public let comparator: Comparison
    /// The threshold as written, exact; nil for trends, categories and goals.
    public let value: Figure?
    public let unit: String
    /// 稳定在X以上: held in the target year and the year before.
    public let sustained: Bool
    /// For 左右: how far below X still meets it.
    public let tolerance: Figure?
    /// The clause verbatim from the plan.
    public let text: String
    /// Where it stands in the document.
    public let citation: String

    public var windowStart: Int { window.first ?? year }

    enum CodingKeys: String, CodingKey {
        case id, plan, indicator, name, nameEn, year, window, area, kind, comparator, value, unit, sustained, tolerance, text, citation
    }

    public init(
        id: String, plan: String, indicator: String?, name: String, nameEn: String, year: Int, window: [Int],
        area: Area, kind: TargetKind, comparator: Comparison, value: Figure?, unit: String, sustained: Bool,
        tolerance: Figure?, text: String, citation: String
    ) {
        self.id = Catalog.interned(id)
        self.plan = plan
        self.indicator = indicator.map(Catalog.interned)
        self.name = name
        self.nameEn = nameEn
        self.year = year
        self.window = window
        self.area = area
        self.kind = kind
        self.comparator = comparator
        self.value = value
        self.unit = unit
        self.sustained = sustained
        self.tolerance = tolerance
        self.text = text
        self.citation = citation
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = Catalog.interned(try c.decode(String.self, forKey: .id))
        plan = (try? c.decode(String.self, forKey: .plan)) ?? ""
        indicator = try c.decodeIfPresent(String.self, forKey: .indicator).map(Catalog.interned)
        name = try c.decode(String.self, forKey: .name)
        nameEn = try c.decode(String.self, forKey: .nameEn)
        year = try c.decode(Int.self, forKey: .year)
        window = try c.decode([Int].self, forKey: .window)
        area = try c.decode(Area.self, forKey: .area)
        kind = try c.decode(TargetKind.self, forKey: .kind)
        comparator = try c.decode(Comparison.self, forKey: .comparator)
        value = try c.decodeIfPresent(String.self, forKey: .value).flatMap { Figure($0) }
        unit = try c.decode(String.self, forKey: .unit)
        sustained = try c.decode(Bool.self, forKey: .sustained)
        tolerance = try c.decodeIfPresent(String.self, forKey: .tolerance).flatMap { Figure($0) }
        text = try c.decode(String.self, forKey: .text)
        citation = try c.decode(String.self, forKey: .citation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(plan, forKey: .plan)
        try c.encode(indicator, forKey: .indicator)
        try c.encode(name, forKey: .name)
        try c.encode(nameEn, forKey: .nameEn)
        try c.encode(year, forKey: .year)
        try c.encode(window, forKey: .window)
        try c.encode(area, forKey: .area)
        try c.encode(kind, forKey: .kind)
        try c.encode(comparator, forKey: .comparator)
        try c.encode(value?.description, forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(sustained, forKey: .sustained)
        try c.encode(tolerance?.description, forKey: .tolerance)
        try c.encode(text, forKey: .text)
        try c.encode(citation, forKey: .citation)
    }

    public static func == (a: Target, b: Target) -> Bool {
        if a === b { return true }
        return a.id == b.id && a.plan == b.plan && a.indicator == b.indicator && a.name == b.name && a.nameEn == b.nameEn
            && a.year == b.year && a.window == b.window && a.area == b.area && a.kind == b.kind && a.comparator == b.comparator
            && a.value == b.value && a.unit == b.unit && a.sustained == b.sustained && a.tolerance == b.tolerance
            && a.text == b.text && a.citation == b.citation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(plan)
        hasher.combine(year)
        hasher.combine(value)
    }

    /// This target with another tolerance (for `--tolerance`); only 左右 targets have one.
    public func with(tolerance: Figure) -> Target {
        guard comparator == .approx else { return self }
        return Target(
            id: id, plan: plan, indicator: indicator, name: name, nameEn: nameEn, year: year, window: window,
            area: area, kind: kind, comparator: comparator, value: value, unit: unit, sustained: sustained,
            tolerance: tolerance, text: text, citation: citation)
    }
}

/// How a target applies to a region.
public enum Scope: String, Sendable, Codable {
    /// The region's own plan.
    case own
    /// A plan the region formally adopted (Inner Mongolia, 2012).
    case adopted
    /// National targets used as the yardstick where a region has no plan of its own.
    case benchmark

    public var zh: String {
        switch self {
        case .own: "本级纲要"
        case .adopted: "采用国家纲要"
        case .benchmark: "国家目标对照"
        }
    }
}

/// A region's formal adoption of another region's plan.
public struct Adoption: Sendable, Hashable, Codable {
    public let region: String
    public let plan: String
    public let issuer: String
    public let date: String
    public let text: String
    public let citation: String
    public let source: String
}

/// A figure the plans' interpretation documents give as a starting point.
public struct Baseline: Sendable, Hashable, Codable {
    public let indicator: String
    public let region: String
    public let year: Int
    public let value: String
    public let unit: String
    public let text: String
    public let citation: String
    public let source: String
}
