import Foundation

/// Where a target stands (达标 / 未达标 / 无数据 / 按期可达 / 进度滞后 / 数据不足 / 定性目标).
public enum AttainmentStatus: String, Sendable, Codable, CaseIterable {
    case met
    case notMet = "not_met"
    case noData = "no_data"
    case onTrack = "on_track"
    case offTrack = "off_track"
    case insufficientData = "insufficient_data"
    case qualitative

    public var zh: String {
        switch self {
        case .met: "达标"
        case .notMet: "未达标"
        case .noData: "无数据"
        case .onTrack: "按期可达"
        case .offTrack: "进度滞后"
        case .insufficientData: "数据不足"
        case .qualitative: "定性目标"
        }
    }

    public var en: String {
        switch self {
        case .met: "met"
        case .notMet: "not met"
        case .noData: "no data"
        case .onTrack: "on track"
        case .offTrack: "off track"
        case .insufficientData: "insufficient data"
        case .qualitative: "qualitative"
        }
    }

    func word(_ lang: Language) -> String { lang == .zh ? zh : en }

    /// Statuses that mean the region is behind, for the "who lags most" ranking.
    var lags: Bool { self == .notMet || self == .offTrack }
}

/// A one-line explanation in both languages.
public struct Reason: Sendable, Hashable {
    public let zh: String
    public let en: String

    func text(_ lang: Language) -> String { lang == .zh ? zh : en }
}

/// A published measure shown beside a result as context, never judged.
public struct ContextSeries: Sendable, Hashable {
    public let indicator: Indicator
    public let observations: [Observation]
}

/// A target as every region of a province is judged on it: its scope and its national
/// counterpart. One object shared by the results of all those regions, so a result
/// keeps one reference to it, not the two dozen a copy of two targets' texts is.
public final class JudgedTarget: Sendable {
    public let target: Target
    public let scope: Scope
    /// The national target on the same measure, shown beside a province's own.
    public let counterpart: Target?

    public init(_ target: Target, scope: Scope, counterpart: Target?) {
        self.target = target
        self.scope = scope
        self.counterpart = counterpart
    }
}

/// The judgement of one target for one region (the region is its `RegionReport`'s).
///
/// A class: a report on thousands of regions hands its results from the engine
/// to the ranking and the renderers, and a copy is then one reference, not the
/// dozen its fields hold. A judgement that reads no data of the region (a target
/// whose measure no region has) is one object shared by every region's report.
public final class Attainment: Sendable {
    public let judged: JudgedTarget
    public var target: Target { judged.target }
    public var scope: Scope { judged.scope }
    /// The national target on the same measure, shown beside a province's own.
    public var counterpart: Target? { judged.counterpart }
    public let status: AttainmentStatus
    /// The value the judgement rests on: the target year's, or the latest.
    public let actual: Observation?
    /// Value just before the target's window (or the first inside it), for projections.
    public let baseline: Observation?
    public let projected: Double?
    public let observedRate: Double?
    public let requiredRate: Double?
    public let ratio: Double?
    public let reason: Reason
    /// For 稳定在: met, but the year before has no value.
    public let stabilityUnverified: Bool
    /// Every value of the indicator in this region, ascending.
    public let series: [Observation]
    public let context: [ContextSeries]

    convenience init(
        target: Target, scope: Scope, status: AttainmentStatus, actual: Observation?, baseline: Observation?, projected: Double?,
        observedRate: Double?, requiredRate: Double?, ratio: Double?, reason: Reason, stabilityUnverified: Bool, series: [Observation],
        counterpart: Target?, context: [ContextSeries]
    ) {
        self.init(
            JudgedTarget(target, scope: scope, counterpart: counterpart), status: status, actual: actual, baseline: baseline,
            projected: projected, observedRate: observedRate, requiredRate: requiredRate, ratio: ratio, reason: reason,
            stabilityUnverified: stabilityUnverified, series: series, context: context)
    }

    init(
        _ judged: JudgedTarget, status: AttainmentStatus, actual: Observation?, baseline: Observation?, projected: Double?,
        observedRate: Double?, requiredRate: Double?, ratio: Double?, reason: Reason, stabilityUnverified: Bool, series: [Observation],
        context: [ContextSeries]
    ) {
        self.judged = judged
        self.status = status
        self.actual = actual
        self.baseline = baseline
        self.projected = projected
        self.observedRate = observedRate
        self.requiredRate = requiredRate
        self.ratio = ratio
        self.reason = reason
        self.stabilityUnverified = stabilityUnverified
        self.series = series
        self.context = context
    }
}

/// What a report covers: one region (or many with `--by region`).
public struct RegionReport: Sendable {
    public let region: RegionCode
    public let results: [Attainment]
    /// How many results have each status, in `AttainmentStatus.allCases` order. Counted
    /// as the report is made, on the core that judged it: ranking thousands of regions and
    /// summing up their statuses read every result again, on one core.
    private let statusCounts: [Int]
    /// How far behind a region is: unmet and off-track targets.
    public let lagging: Int

    public init(region: RegionCode, results: [Attainment]) {
        self.region = region
        self.results = results
        var counts = [Int](repeating: 0, count: AttainmentStatus.allCases.count)
        for r in results { counts[AttainmentStatus.allCases.firstIndex(of: r.status)!] += 1 }
        statusCounts = counts
        lagging = zip(AttainmentStatus.allCases, counts).reduce(0) { $0 + ($1.0.lags ? $1.1 : 0) }
    }

    public func count(_ status: AttainmentStatus) -> Int { statusCounts[AttainmentStatus.allCases.firstIndex(of: status)!] }
}
