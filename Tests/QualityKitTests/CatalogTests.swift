import Foundation
import Testing

@testable import QualityKit

/// Every target asserted from the seed text: comparator, value, unit, year, and the clause.
@Suite struct CatalogTests {
    let catalog = Catalog.embedded

    struct Expected: Sendable, CustomStringConvertible {
        let id: String
        let indicator: String
        let name: String
        let year: Int
        let kind: TargetKind
        let comparator: Comparison
        let value: String?
        let unit: String
        let sustained: Bool
        let text: String
        var description: String { id }
    }

    static let quantitative: [Expected] = [
        // 《质量发展纲要（2011-2020年）》 专栏1 质量发展主要指标 (2015).
        .init(id: "national-2011-agri-standardization-2015", indicator: "agri_standardization_rate", name: "农业标准化生产普及率", year: 2015, kind: .threshold, comparator: .gt, value: "30", unit: "%", sustained: false, text: "农业标准化生产普及率超过30%"),
        .init(id: "national-2011-farm-product-pass-2015", indicator: "farm_product_pass_rate", name: "主要农产品质量安全抽检合格率", year: 2015, kind: .threshold, comparator: .ge, value: "96", unit: "%", sustained: true, text: "主要农产品质量安全抽检合格率稳定在96%以上"),
        .init(id: "national-2011-spot-check-pass-2015", indicator: "national_spot_check_pass_rate", name: "产品质量国家监督抽查合格率", year: 2015, kind: .threshold, comparator: .ge, value: "90", unit: "%", sustained: true, text: "产品质量国家监督抽查合格率稳定在90%以上"),
        .init(id: "national-2011-large-project-acceptance-2015", indicator: "large_project_acceptance_rate", name: "大中型工程项目一次验收合格率", year: 2015, kind: .threshold, comparator: .eq, value: "100", unit: "%", sustained: false, text: "大中型工程项目一次验收合格率达到100%"),
        .init(id: "national-2011-other-project-acceptance-2015", indicator: "other_project_acceptance_rate", name: "其他工程一次验收合格率", year: 2015, kind: .threshold, comparator: .ge, value: "98", unit: "%", sustained: false, text: "其他工程一次验收合格率达到98%以上"),
        .init(id: "national-2011-producer-service-satisfaction-2015", indicator: "producer_service_satisfaction", name: "生产性服务业顾客满意度", year: 2015, kind: .threshold, comparator: .ge, value: "80", unit: "score", sustained: false, text: "生产性服务业顾客满意度达到80以上"),
        .init(id: "national-2011-consumer-service-satisfaction-2015", indicator: "consumer_service_satisfaction", name: "生活性服务业顾客满意度", year: 2015, kind: .threshold, comparator: .ge, value: "75", unit: "score", sustained: false, text: "生活性服务业顾客满意度达到75以上"),
        // The national plan's other measurable and directional goals.
        .init(id: "national-2011-benchmarking-enterprises-2015", indicator: "quality_benchmarking_enterprises", name: "在重要产业领域开展质量对比提升活动的企业", year: 2015, kind: .threshold, comparator: .ge, value: "50000", unit: "count", sustained: false, text: "到2015年，在重要产业领域的5万家企业开展质量对比提升活动"),
        .init(id: "national-2011-quality-loss-trend-2015", indicator: "quality_loss_rate", name: "主要工业产品的质量损失率", year: 2015, kind: .trend, comparator: .decrease, value: nil, unit: "%", sustained: false, text: "主要工业产品的质量损失率逐步下降"),
        .init(id: "national-2011-complaint-trend-2015", indicator: "construction_complaint_rate", name: "建设工程质量投诉率", year: 2015, kind: .trend, comparator: .decrease, value: nil, unit: "%", sustained: false, text: "建设工程质量投诉率逐年下降"),
        .init(id: "national-2011-product-pass-trend-2015", indicator: "product_pass_rate", name: "产品质量合格率", year: 2015, kind: .trend, comparator: .increase, value: nil, unit: "%", sustained: false, text: "产品质量合格率稳步提高"),
        .init(id: "national-2011-mandatory-standards-2020", indicator: "mandatory_standard_compliance", name: "产品质量安全指标全面达到国家强制性标准要求", year: 2020, kind: .categorical, comparator: .categorical, value: nil, unit: "", sustained: false, text: "产品质量安全指标全面达到国家强制性标准要求"),
        // 《江西省质量发展纲要（2011-2020年）》 专栏1 (2015), all eleven.
        .init(id: "jiangxi-2011-agri-standardization-2015", indicator: "agri_standardization_rate", name: "农业标准化生产普及率", year: 2015, kind: .threshold, comparator: .gt, value: "30", unit: "%", sustained: false, text: "农业标准化生产普及率超过30%"),
        .init(id: "jiangxi-2011-farm-product-pass-2015", indicator: "farm_product_pass_rate", name: "主要农产品质量安全抽检合格率", year: 2015, kind: .threshold, comparator: .ge, value: "96", unit: "%", sustained: true, text: "主要农产品质量安全抽检合格率稳定在96%以上"),
        .init(id: "jiangxi-2011-provincial-spot-check-pass-2015", indicator: "provincial_spot_check_pass_rate", name: "产品质量省级监督抽查合格率", year: 2015, kind: .threshold, comparator: .ge, value: "85", unit: "%", sustained: true, text: "产品质量省级监督抽查合格率稳定在85%以上"),
        .init(id: "jiangxi-2011-famous-brands-2015", indicator: "jiangxi_famous_brand_products", name: "江西名牌产品数量", year: 2015, kind: .threshold, comparator: .ge, value: "500", unit: "count", sustained: false, text: "江西名牌产品数量达到500个"),
        .init(id: "jiangxi-2011-large-project-acceptance-2015", indicator: "large_project_acceptance_rate", name: "大中型工程项目一次验收合格率", year: 2015, kind: .threshold, comparator: .eq, value: "100", unit: "%", sustained: false, text: "大中型工程项目一次验收合格率达到100%"),
        .init(id: "jiangxi-2011-other-project-acceptance-2015", indicator: "other_project_acceptance_rate", name: "其他工程一次验收合格率", year: 2015, kind: .threshold, comparator: .ge, value: "98", unit: "%", sustained: false, text: "其他工程一次验收合格率达到98%以上"),
        .init(id: "jiangxi-2011-producer-service-satisfaction-2015", indicator: "producer_service_satisfaction", name: "生产性服务业顾客满意度", year: 2015, kind: .threshold, comparator: .ge, value: "80", unit: "score", sustained: false, text: "生产性服务业顾客满意度达到80以上"),
        .init(id: "jiangxi-2011-consumer-service-satisfaction-2015", indicator: "consumer_service_satisfaction", name: "生活性服务业顾客满意度", year: 2015, kind: .threshold, comparator: .ge, value: "75", unit: "score", sustained: false, text: "生活性服务业顾客满意度达到75以上"),
        .init(id: "jiangxi-2011-city-air-quality-2015", indicator: "city_air_quality_grade2", name: "城市（含县城）空气质量达到国家二级标准", year: 2015, kind: .categorical, comparator: .categorical, value: nil, unit: "", sustained: false, text: "城市（含县城）空气质量达到国家二级标准"),
        .init(id: "jiangxi-2011-river-sections-2015", indicator: "river_section_grade3_share", name: "主要河流监测断面Ⅰ-Ⅲ类水质比重", year: 2015, kind: .threshold, comparator: .approx, value: "82", unit: "%", sustained: false, text: "主要河流监测断面Ⅰ-Ⅲ类水质比重达到82%左右"),
        .init(id: "jiangxi-2011-forest-coverage-2015", indicator: "forest_coverage", name: "森林覆盖率", year: 2015, kind: .threshold, comparator: .ge, value: "63", unit: "%", sustained: true, text: "森林覆盖率稳定在63%以上"),
        // Jiangxi's quantitative 2020 targets.
        .init(id: "jiangxi-2011-mandatory-standards-2020", indicator: "mandatory_standard_compliance", name: "产品质量安全指标达到国家强制性标准要求", year: 2020, kind: .threshold, comparator: .eq, value: "100", unit: "%", sustained: false, text: "产品质量安全指标100%达到国家强制性标准要求"),
        .init(id: "jiangxi-2011-international-standards-2020", indicator: "international_standard_production_share", name: "主要工业产品按照国际标准或国外先进标准组织生产", year: 2020, kind: .threshold, comparator: .ge, value: "85", unit: "%", sustained: false, text: "主要工业产品85%以上按照国际标准或国外先进标准组织生产"),
        // 《质量强国建设纲要》 2025.
        .init(id: "national-2023-gdp-energy-trend-2025", indicator: "gdp_energy_consumption", name: "单位GDP资源能源消耗", year: 2025, kind: .trend, comparator: .decrease, value: nil, unit: "", sustained: false, text: "单位GDP资源能源消耗不断下降"),
        .init(id: "national-2023-agri-standardization-trend-2025", indicator: "agri_standardization_rate", name: "农业标准化生产普及率", year: 2025, kind: .trend, comparator: .increase, value: nil, unit: "%", sustained: false, text: "农业标准化生产普及率稳步提升"),
        .init(id: "national-2023-competitiveness-index-2025", indicator: "quality_competitiveness_index", name: "制造业质量竞争力指数", year: 2025, kind: .threshold, comparator: .ge, value: "86", unit: "index", sustained: false, text: "制造业质量竞争力指数达到86"),
        .init(id: "national-2023-farm-product-pass-2025", indicator: "farm_product_pass_rate", name: "农产品质量安全例行检测合格率", year: 2025, kind: .threshold, comparator: .ge, value: "98", unit: "%", sustained: false, text: "农产品质量安全例行检测合格率和食品抽检合格率均达到98%以上"),
        .init(id: "national-2023-food-sampling-pass-2025", indicator: "food_sampling_pass_rate", name: "食品抽检合格率", year: 2025, kind: .threshold, comparator: .ge, value: "98", unit: "%", sustained: false, text: "农产品质量安全例行检测合格率和食品抽检合格率均达到98%以上"),
        .init(id: "national-2023-manufacturing-pass-2025", indicator: "manufacturing_pass_rate", name: "制造业产品质量合格率", year: 2025, kind: .threshold, comparator: .ge, value: "94", unit: "%", sustained: false, text: "制造业产品质量合格率达到94%"),
        .init(id: "national-2023-construction-inspection-trend-2025", indicator: "construction_inspection_conformity_rate", name: "工程质量抽查符合率", year: 2025, kind: .trend, comparator: .increase, value: nil, unit: "%", sustained: false, text: "工程质量抽查符合率不断提高"),
        .init(id: "national-2023-consumer-goods-pass-2025", indicator: "consumer_goods_pass_rate", name: "消费品质量合格率", year: 2025, kind: .threshold, comparator: .ge, value: "95", unit: "%", sustained: false, text: "消费品质量合格率达到95%"),
    ]

    @Test(arguments: quantitative)
    func targetIsExactlyAsWritten(_ expected: Expected) throws {
        let target = try #require(catalog.target(expected.id))
        #expect(target.indicator == expected.indicator)
        #expect(target.name == expected.name)
        #expect(target.year == expected.year)
        #expect(target.kind == expected.kind)
        #expect(target.comparator == expected.comparator)
        #expect(target.value?.description == expected.value)
        #expect(target.unit == expected.unit)
        #expect(target.sustained == expected.sustained)
        #expect(target.text == expected.text)
        #expect(catalog.indicator(expected.indicator) != nil)
    }

    @Test func nationalColumnOneHasSevenTargetsAndJiangxiEleven() {
        let national = catalog.targets.filter { $0.plan == "national-2011" && $0.citation.contains("专栏1") }
        #expect(national.count == 7)
        #expect(Set(national.map(\.year)) == [2015])
        let jiangxi = catalog.targets.filter { $0.plan == "jiangxi-2011" && $0.citation.contains("专栏1") }
        #expect(jiangxi.count == 11)
    }

    @Test func windowsAreTheFiveYearPlanPeriods() {
        for target in catalog.targets {
            let expected: [Int] = switch target.year {
            case 2015: [2011, 2015]
            case 2020: [2016, 2020]
            case 2025: [2021, 2025]
            default: [2026, 2035]
            }
            #expect(target.window == expected, "\(target.id)")
        }
    }

    @Test func onlyApproxTargetsCarryATolerance() throws {
        for target in catalog.targets {
            #expect((target.tolerance != nil) == (target.comparator == .approx), "\(target.id)")
        }
        #expect(try #require(catalog.target("jiangxi-2011-river-sections-2015")).tolerance == Figure(1))
    }

    @Test func qualitativeGoalsAreListedForEveryPlanAndYear() {
        let goals = catalog.targets.filter { $0.kind == .qualitative }
        #expect(goals.count >= 36)
        let byPlanYear = Set(goals.map { "\($0.plan)/\($0.year)" })
        #expect(byPlanYear == ["national-2011/2015", "national-2011/2020", "jiangxi-2011/2015", "jiangxi-2011/2020", "national-2023/2025", "national-2023/2035"])
        for goal in goals {
            #expect(goal.comparator == .none && goal.value == nil && goal.unit.isEmpty && goal.indicator == nil)
        }
        let ids = catalog.targets.map(\.id)
        #expect(Set(ids).count == ids.count, "target ids are unique")
    }

    @Test func unitsAreFromTheFixedSet() {
        for target in catalog.targets {
            #expect(["%", "score", "index", "count", ""].contains(target.unit), "\(target.id)")
            if target.kind == .categorical || target.kind == .qualitative { #expect(target.unit.isEmpty) }
        }
    }

    /// The seed text has a few damaged spots; these repairs are the only
    /// liberties taken, and each is documented in Data/sources/README.md.
    static func repaired(_ text: String) -> String {
        var s = String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        s = s.replacingOccurrences(of: "?郾", with: ".")
        s = s.replacingOccurrences(of: "率and食品", with: "率和食品")
        s = s.replacingOccurrences(of: "体系and市场", with: "体系和市场")
        s = s.replacingOccurrences(of: "生产率and促进", with: "生产率和促进")
        return s
    }

    static func source(_ relative: String) throws -> String {
        try repaired(String(contentsOf: repositoryRoot.appendingPathComponent(relative), encoding: .utf8))
    }

    @Test func everyClauseStandsVerbatimInItsSource() throws {
        for plan in catalog.plans {
            let text = try Self.source(plan.source)
            for target in catalog.targets where target.plan == plan.id {
                #expect(text.contains(target.text), "\(target.id): '\(target.text)' is not in \(plan.source)")
                #expect(!target.text.contains(" and ") && !target.text.contains("?"), "\(target.id) copies seed damage")
            }
        }
        for baseline in catalog.baselines {
            #expect(try Self.source(baseline.source).contains(baseline.text))
        }
        for adoption in catalog.adoptions {
            #expect(try Self.source(adoption.source).contains(adoption.text))
        }
    }

    @Test func baselinesFromTheInterpretation() {
        let values = catalog.baselines.map { "\($0.indicator) \($0.year) \($0.value)" }
        #expect(values == [
            "national_spot_check_pass_rate 1996 75",
            "national_spot_check_pass_rate 2010 87.6",
            "national_spot_check_failure_rate 2011 12.5",
        ])
    }

    @Test func plansCarryTheirIssuersAndDates() throws {
        let national = try #require(catalog.plan("national-2011"))
        #expect(national.title == "质量发展纲要（2011-2020年）")
        #expect(national.issuer == "国务院")
        #expect(national.document == "国发〔2012〕9号")
        #expect(national.date == "2012-02-06")
        #expect(catalog.plan("jiangxi-2011")?.date == "2012-06-08")
        #expect(catalog.plan("jiangxi-2011")?.issuer == "江西省人民政府")
        #expect(catalog.plan("national-2023")?.issuer == "中共中央 国务院")
        #expect(catalog.plan("national-2023")?.date == "2023-02-06")
        let adoption = try #require(catalog.adoptions.first)
        #expect(adoption.region == "neimenggu" && adoption.plan == "national-2011" && adoption.date == "2012-07-02")
    }

    @Test func regionsAreTheThirtyOneProvincesAndTheNation() {
        #expect(catalog.regions.count == 32)
        #expect(catalog.resolveRegion("江西") == .region(RegionCode(360000)))
        #expect(catalog.resolveRegion("江西省") == .region(RegionCode(360000)))
        #expect(catalog.resolveRegion("jiangxi") == .region(RegionCode(360000)))
        #expect(catalog.resolveRegion("360000") == .region(RegionCode(360000)))
        #expect(catalog.resolveRegion("内蒙古自治区") == .region(RegionCode(150000)))
        #expect(catalog.resolveRegion("neimenggu") == .region(RegionCode(150000)))
        #expect(catalog.resolveRegion("national") == .region(RegionCode(100000)))
        #expect(catalog.resolveRegion("360102") == .region(RegionCode(360102)))
        #expect(catalog.resolveRegion("990102") == .unknownCode)
        #expect(catalog.resolveRegion("Atlantis") == .unknown)
        #expect(RegionCode(360102).provinceCode == 360000)
    }

    @Test func indicatorsResolveByIdNameAliasAfterNFKC() {
        #expect(catalog.resolveIndicator("forest_coverage") == "forest_coverage")
        #expect(catalog.resolveIndicator("森林覆盖率") == "forest_coverage")
        #expect(catalog.resolveIndicator(" Forest Coverage ") == "forest_coverage")
        #expect(catalog.resolveIndicator("主要河流监测断面I-III类水质比重") == "river_section_grade3_share")
        #expect(catalog.resolveIndicator("主要河流监测断面 Ⅰ-Ⅲ 类水质比重") == "river_section_grade3_share")
        #expect(catalog.resolveIndicator("农产品质量安全例行检测合格率") == "farm_product_pass_rate")
        #expect(catalog.resolveIndicator("ＦＯＲＥＳＴ＿ＣＯＶＥＲＡＧＥ") == "forest_coverage")
        #expect(catalog.resolveIndicator("national-2023-q2035-01") == "national-2023-q2035-01")
        #expect(catalog.resolveIndicator("no such thing") == nil)
    }

    @Test func indicatorsAreLinkedAcrossPlans() {
        let farm = catalog.targets.filter { $0.indicator == "farm_product_pass_rate" && catalog.plan($0.plan)?.region == "national" }
        #expect(farm.map(\.year) == [2015, 2025])
        #expect(catalog.indicator("national_spot_check_pass_rate")?.related?.contains { $0.indicator == "manufacturing_pass_rate" } == true)
        #expect(catalog.contextMeasures(for: "national_spot_check_pass_rate").map(\.id) == ["national_spot_check_failure_rate"])
        #expect(catalog.contextMeasures(for: "forest_coverage").isEmpty)
        // A province's target is shown beside the national one on the same measure and year; a national one has none.
        let provincial = catalog.target("jiangxi-2011-provincial-spot-check-pass-2015")
        let counterpart = provincial.flatMap { catalog.nationalCounterpart(of: $0) }
        #expect(counterpart?.plan == "national-2011")
        #expect(counterpart?.year == 2015)
        #expect(counterpart.map { catalog.nationalCounterpart(of: $0) } == .some(nil))
        for indicator in catalog.indicators {
            for link in indicator.related ?? [] { #expect(catalog.indicator(link.indicator) != nil) }
            if let context = indicator.contextFor { #expect(catalog.indicator(context.indicator) != nil) }
        }
    }

    @Test func scopesFollowOwnAdoptedAndBenchmarkPlans() throws {
        func scopes(_ code: Int) -> [String: Set<Scope>] {
            var result: [String: Set<Scope>] = [:]
            for (target, scope) in catalog.applicableTargets(to: RegionCode(code)) { result[target.plan, default: []].insert(scope) }
            return result
        }
        #expect(scopes(100000) == ["national-2011": [.own], "national-2023": [.own]])
        #expect(scopes(360000) == ["jiangxi-2011": [.own], "national-2023": [.benchmark]])
        #expect(scopes(360102) == scopes(360000))
        #expect(scopes(150000) == ["national-2011": [.adopted], "national-2023": [.benchmark]])
        #expect(scopes(440000) == ["national-2011": [.benchmark], "national-2023": [.benchmark]])
        let own2015 = catalog.applicableTargets(to: RegionCode(360000)).filter { $0.scope == .own && $0.target.year == 2015 && $0.target.citation.contains("专栏1") }
        #expect(own2015.count == 11)
        #expect(!catalog.applicableTargets(to: RegionCode(360000)).contains { $0.target.id == "national-2011-spot-check-pass-2015" })
        let provincial = try #require(catalog.target("jiangxi-2011-provincial-spot-check-pass-2015"))
        #expect(catalog.nationalCounterpart(of: provincial)?.id == "national-2011-spot-check-pass-2015")
    }
}

@Suite struct InternedIDTests {
    /// The catalog's ids are the embedded literals themselves (the same bytes in the binary,
    /// never reference counted), and so is what a reader resolves a spelling to.
    @Test func idsAreTheEmbeddedLiterals() throws {
        func address(_ s: String) -> UnsafeRawPointer? {
            s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        }
        let literals = Dictionary(EmbeddedData.ids.map { ($0, address($0)) }, uniquingKeysWith: { a, _ in a })
        let catalog = Catalog.embedded
        let ids = catalog.indicators.map(\.id) + catalog.targets.map(\.id) + catalog.targets.compactMap(\.indicator)
        #expect(Set(ids) == Set(EmbeddedData.ids))
        // Ids of up to 15 bytes are held inline (nothing to count, and no address of their own).
        for id in ids where id.utf8.count > 15 { #expect(address(id) != nil && address(id) == literals[id] ?? nil, "\(id)") }
        #expect(ids.filter { $0.utf8.count > 15 }.count > 100)
        let resolved = try #require(catalog.resolveIndicator("农业标准化生产普及率"))
        #expect(resolved == "agri_standardization_rate" && address(resolved) == literals[resolved] ?? nil)
        // An id the catalog does not have stays as given.
        #expect(Catalog.interned("no_such_id") == "no_such_id")
    }
}

@Suite struct EmbeddedDataTests {
    /// The generated Swift must match Data/ byte for byte; run `swift run embed-data` when it does not.
    @Test func generatedSourceIsCurrent() throws {
        var files: [(path: String, contents: String)] = []
        for folder in EmbeddedDataGenerator.folders {
            let dir = repositoryRoot.appendingPathComponent("Data").appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".json") || name.hasSuffix(".csv") {
                files.append((path: "\(folder)/\(name)", contents: try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)))
            }
        }
        let expected = EmbeddedDataGenerator.source(files: files)
        let actual = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/QualityKit/Embedded/EmbeddedData+Generated.swift"), encoding: .utf8)
        #expect(actual == expected, "EmbeddedData+Generated.swift is stale: run 'swift run embed-data'")
        #expect(EmbeddedData.files.map(\.path) == files.map(\.path).sorted())
        for (embedded, onDisk) in zip(EmbeddedData.files, files.sorted { $0.path < $1.path }) {
            #expect(embedded.contents == onDisk.contents, "\(embedded.path)")
        }
    }

    @Test func rawLiteralsSurviveQuotesAndHashes() {
        #expect(EmbeddedDataGenerator.hashCount(for: "plain") == 1)
        #expect(EmbeddedDataGenerator.hashCount(for: "a \"\"\"# b") == 2)
        #expect(EmbeddedDataGenerator.hashCount(for: "a \\# b") == 2)
    }
}
