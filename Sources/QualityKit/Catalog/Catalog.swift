import Foundation

/// Everything the plans say, and the regions they apply to: the ground the
/// rest of `quality` stands on. Built from the data files in `Data/catalog`,
/// which are compiled into the binary (see `EmbeddedData`).
public struct Catalog: Sendable {
    public let plans: [Plan]
    /// Every target, in plan order and then document order.
    public let targets: [Target]
    public let indicators: [Indicator]
    public let regions: [Region]
    public let adoptions: [Adoption]
    public let baselines: [Baseline]

    private let indicatorByID: [String: Indicator]
    private let targetByID: [String: Target]
    private let regionByCode: [Int: Region]
    private let indicatorKeys: [String: String]
    private let regionKeys: [String: Int]
    /// The first national target on each indicator and year, for counterparts.
    private let nationalTargets: [IndicatorYear: Target]
    /// The published measures shown beside each indicator, in catalog order.
    private let contextByIndicator: [String: [Indicator]]

    private struct IndicatorYear: Hashable {
        let indicator: String
        let year: Int
    }

    /// The catalog compiled into this binary.
    public static let embedded: Catalog = {
        do {
            return try Catalog(files: EmbeddedData.files)
        } catch {
            fatalError("the embedded catalog does not load (\(error)); run 'swift run embed-data' and the tests")
        }
    }()

    struct PlanFile: Decodable {
        let plan: Plan
        let targets: [Target]
        let baselines: [Baseline]
    }

    struct IndicatorFile: Decodable { let indicators: [Indicator] }
    struct AdoptionFile: Decodable { let adoptions: [Adoption] }

    public struct LoadError: Error, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// The embedded catalog's indicator and target ids as the binary's own string literals,
    /// which are never reference counted. Every series key, judgement and result holds an
    /// id, and counted, the one string a measure's many series share was a cache line the
    /// two cores fought over.
    private static let literalIDs = Dictionary(EmbeddedData.ids.map { ($0, $0) }, uniquingKeysWith: { a, _ in a })

    /// `id` as the literal of the same text, when the embedded catalog has one.
    static func interned(_ id: String) -> String { literalIDs[id] ?? id }

    /// Plan files are `catalog/<plan>.json`, in the order of `planOrder`.
    static let planOrder = ["national-2011", "jiangxi-2011", "national-2023"]

    /// Builds the catalog from data files keyed by their path under `Data/`.
    public init(files: [(path: String, contents: String)]) throws {
        let byPath = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
        func file(_ path: String) throws -> Data {
            guard let text = byPath[path] else { throw LoadError(file: path, reason: "missing") }
            return Data(text.utf8)
        }
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
            do {
                return try JSONDecoder().decode(type, from: try file(path))
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError(file: path, reason: String(describing: error))
            }
        }
        var plans: [Plan] = []
        var targets: [Target] = []
        var baselines: [Baseline] = []
        for id in Catalog.planOrder {
            let planFile = try decode(PlanFile.self, "catalog/\(id).json")
            plans.append(planFile.plan)
            targets += planFile.targets
            baselines += planFile.baselines
        }
        let indicators = try decode(IndicatorFile.self, "catalog/indicators.json").indicators
        let adoptions = try decode(AdoptionFile.self, "catalog/adoptions.json").adoptions
        let regions = try Catalog.parseRegions(try file("catalog/regions.csv"))
        self.init(plans: plans, targets: targets, indicators: indicators, regions: regions, adoptions: adoptions, baselines: baselines)
    }

    public init(plans: [Plan], targets: [Target], indicators: [Indicator], regions: [Region], adoptions: [Adoption], baselines: [Baseline]) {
        let indicators = indicators.map { i in
            Indicator(
                id: Catalog.interned(i.id), area: i.area, unit: i.unit, name: i.name, nameEn: i.nameEn, aliases: i.aliases, scale: i.scale,
                related: i.related, contextFor: i.contextFor, note: i.note)
        }
        self.plans = plans
        self.targets = targets
        self.indicators = indicators
        self.regions = regions
        self.adoptions = adoptions
        self.baselines = baselines
        indicatorByID = Dictionary(indicators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        targetByID = Dictionary(targets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        regionByCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

        var keys: [String: String] = [:]
        func add(_ key: String, _ id: String) {
            let k = normalizedKey(key)
            if !k.isEmpty, keys[k] == nil { keys[k] = id }
        }
        for indicator in indicators {
            add(indicator.id, indicator.id)
            add(indicator.name, indicator.id)
            add(indicator.nameEn, indicator.id)
            for alias in indicator.aliases ?? [] { add(alias, indicator.id) }
        }
        for target in targets {
            if let indicator = target.indicator {
                add(target.name, indicatorByID[indicator]?.id ?? indicator)
            } else {
                // A qualitative goal takes a categorical assessment keyed by its id.
                add(target.id, target.id)
            }
        }
        indicatorKeys = keys

        var regionKeys: [String: Int] = [:]
        for region in regions {
            for key in [region.slug, region.name, region.shortName, region.nameEn, String(region.code)] {
                let k = normalizedKey(key)
                if regionKeys[k] == nil { regionKeys[k] = region.code }
            }
        }
        for (alias, code) in [("china", 100000), ("中国", 100000), ("tibet", 540000), ("innermongolia", 150000), ("nationwide", 100000)] {
            regionKeys[alias] = code
        }
        self.regionKeys = regionKeys

        var nationalTargets: [IndicatorYear: Target] = [:]
        let nationalPlans = Set(plans.filter { $0.region == "national" }.map(\.id))
        for target in targets where nationalPlans.contains(target.plan) {
            guard let indicator = target.indicator else { continue }
            let key = IndicatorYear(indicator: indicator, year: target.year)
            if nationalTargets[key] == nil { nationalTargets[key] = target }
        }
        self.nationalTargets = nationalTargets
        var contextByIndicator: [String: [Indicator]] = [:]
        for indicator in indicators {
            if let context = indicator.contextFor { contextByIndicator[context.indicator, default: []].append(indicator) }
        }
        self.contextByIndicator = contextByIndicator
    }

    static func parseRegions(_ data: Data) throws -> [Region] {
        let tokenizer = CSVTokenizer(reader: MemoryChunkReader(Array(data)))
        var regions: [Region] = []
        var isHeader = true
        while let record = try tokenizer.next() {
            if isHeader {
                isHeader = false
                continue
            }
            if record.isBlank { continue }
            let f = record.fields
            guard f.count == 5, let code = Int(f[0]) else {
                throw LoadError(file: "catalog/regions.csv", reason: "line \(record.line) is not code,slug,name,shortName,nameEn")
            }
            regions.append(Region(code: code, slug: f[1], name: f[2], shortName: f[3], nameEn: f[4]))
        }
        return regions
    }

    // MARK: - Lookups

    public func indicator(_ id: String) -> Indicator? { indicatorByID[id] }

    public func target(_ id: String) -> Target? { targetByID[id] }

    public func plan(_ id: String) -> Plan? { plans.first { $0.id == id } }

    public func region(code: Int) -> Region? { regionByCode[code] }

    public var national: Region { regionByCode[Region.nationalCode]! }

    /// An indicator (or qualitative target) id for a key as people type it:
    /// the id, the Chinese or English name, or an alias, compared after NFKC.
    /// The id handed out is the catalog's own string, so the series keys built from it
    /// compare equal to the engine's by identity, without reading their bytes.
    public func resolveIndicator(_ key: String) -> String? {
        if let indicator = indicatorByID[key] { return indicator.id }
        return indicatorKeys[normalizedKey(key)]
    }

    /// Every spelling an indicator can be given by, for "did you mean".
    public var indicatorSpellings: [String] {
        indicators.flatMap { [$0.id, $0.name] + ($0.aliases ?? []) }
    }

    public enum RegionResolution: Equatable {
        case region(RegionCode)
        /// Six digits whose first two name no province.
        case unknownCode
        case unknown
    }

    /// A region for a key: a slug, full or short Chinese name, English name,
    /// or GB/T 2260 code; any 6-digit code under a province is accepted.
    public func resolveRegion(_ key: String) -> RegionResolution {
        let k = normalizedKey(key)
        if let code = regionKeys[k] { return .region(RegionCode(code)) }
        if k.count == 6, k.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(k) {
            let province = (code / 10000) * 10000
            if code != Region.nationalCode, regionByCode[province] != nil, province != Region.nationalCode {
                return .region(RegionCode(code))
            }
            return .unknownCode
        }
        return .unknown
    }

    public var regionSpellings: [String] {
        regions.flatMap { [$0.slug, $0.name, $0.shortName] }
    }

    /// The region a code belongs to at province level.
    public func province(of code: RegionCode) -> Region? { regionByCode[code.provinceCode] }

    // MARK: - Which targets apply where

    /// The targets that apply to a region (a county takes its province's), each
    /// with its scope: own plan, adopted plan, or national benchmark.
    public func applicableTargets(to code: RegionCode) -> [(target: Target, scope: Scope)] {
        applicablePlans(to: code).flatMap { applied in
            targets.lazy.filter { $0.plan == applied.plan.id }.map { ($0, applied.scope) }
        }
    }

    /// The plans that apply to a region, in catalog order, each with its scope.
    public func applicablePlans(to code: RegionCode) -> [(plan: Plan, scope: Scope)] {
        guard let region = province(of: code) else { return [] }
        // Plans by the period they cover: a region's own or adopted plan replaces the national yardstick.
        let ownPlans = plans.filter { $0.region == region.slug }
        let adopted = adoptions.filter { $0.region == region.slug }.map(\.plan)
        return plans.compactMap { plan in
            if ownPlans.contains(where: { $0.id == plan.id }) { return (plan, .own) }
            if adopted.contains(plan.id) { return (plan, .adopted) }
            if plan.region == "national", !ownPlans.contains(where: { samePeriod($0, plan) }) { return (plan, .benchmark) }
            return nil
        }
    }

    /// The national target on the same measure and year, shown beside a
    /// province's own target (省级监督抽查 ≥85 beside the national ≥90).
    public func nationalCounterpart(of target: Target) -> Target? {
        guard let indicatorID = target.indicator, let plan = plan(target.plan), plan.region != "national" else { return nil }
        var candidates = [indicatorID]
        for link in indicator(indicatorID)?.related ?? [] where link.relation == "counterpart" {
            candidates.append(link.indicator)
        }
        for id in candidates {
            if let match = nationalTargets[IndicatorYear(indicator: id, year: target.year)] { return match }
        }
        return nil
    }

    /// Published measures shown as context beside an indicator.
    public func contextMeasures(for indicatorID: String) -> [Indicator] {
        contextByIndicator[indicatorID] ?? []
    }

    private func samePeriod(_ a: Plan, _ b: Plan) -> Bool {
        let yearsA = Set(targets.filter { $0.plan == a.id }.map(\.year))
        let yearsB = Set(targets.filter { $0.plan == b.id }.map(\.year))
        return !yearsA.isDisjoint(with: yearsB)
    }
}
