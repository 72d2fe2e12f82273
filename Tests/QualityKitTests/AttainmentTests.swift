import Testing

@testable import QualityKit

/// Builds a measurement set from `(indicator, region, year, value)` tuples.
func dataset(_ rows: [(String, Int, Int, String)]) -> MeasurementSet {
    MeasurementSet(rows.map { id, region, year, raw in
        let value: MeasuredValue = switch raw {
        case "达标": .category(true)
        case "未达标": .category(false)
        default: .number(Figure(raw)!)
        }
        return QualityKit.Measurement(indicator: id, region: RegionCode(region), year: year, value: value, source: "test")
    })
}

func judge(_ targetID: String, _ rows: [(String, Int, Int, String)], region: Int = 100000, asOf: Int? = nil, tolerance: String? = nil) throws -> Attainment {
    let catalog = Catalog.embedded
    let target = try #require(catalog.target(targetID))
    let engine = AttainmentEngine(catalog: catalog, measurements: dataset(rows), asOf: asOf, tolerance: tolerance.flatMap { Figure($0) })
    return engine.judge(target, scope: .own, region: RegionCode(region))
}

@Suite struct AttainmentTests {
    let agri = "national-2011-agri-standardization-2015"
    let spot = "national-2011-spot-check-pass-2015"
    let large = "national-2011-large-project-acceptance-2015"
    let river = "jiangxi-2011-river-sections-2015"

    @Test func thirtyIsNotOverThirty() throws {
        let r = try judge(agri, [("agri_standardization_rate", 100000, 2015, "30.0")])
        #expect(r.status == .notMet)
        #expect(r.reason.en == "2015: 30.0 = 30 (超过 means strictly more)")
        #expect(try judge(agri, [("agri_standardization_rate", 100000, 2015, "30.1")]).status == .met)
    }

    @Test func oneHundredMeansExactlyOneHundred() throws {
        let r = try judge(large, [("large_project_acceptance_rate", 100000, 2015, "99.9")])
        #expect(r.status == .notMet)
        #expect(r.reason.en == "2015: 99.9 < 100 (must reach exactly 100)")
        #expect(try judge(large, [("large_project_acceptance_rate", 100000, 2015, "100.0")]).status == .met)
    }

    @Test func aboutEightyTwoWithinTheTolerance() throws {
        let r = try judge(river, [("river_section_grade3_share", 360000, 2015, "81.2")], region: 360000)
        #expect(r.status == .met)
        #expect(r.reason.en == "2015: 81.2 ≈ 82 (within ±1)")
        #expect(r.reason.zh == "2015年 81.2 ≈ 82（容差±1以内）")
        let below = try judge(river, [("river_section_grade3_share", 360000, 2015, "80.9")], region: 360000)
        #expect(below.status == .notMet)
        #expect(below.reason.en == "2015: 80.9 < 82, below 82 by more than the tolerance ±1")
        let tight = try judge(river, [("river_section_grade3_share", 360000, 2015, "81.2")], region: 360000, tolerance: "0.5")
        #expect(tight.status == .notMet)
        #expect(tight.target.tolerance == Figure("0.5"))
        #expect(try judge(river, [("river_section_grade3_share", 360000, 2015, "85")], region: 360000).status == .met)
    }

    @Test func stableAboveNeedsTwoYears() throws {
        let dip = try judge(spot, [("national_spot_check_pass_rate", 100000, 2014, "89.5"), ("national_spot_check_pass_rate", 100000, 2015, "91")])
        #expect(dip.status == .notMet)
        #expect(dip.reason.en == "2014: 89.5 < 90: not held two years")
        let held = try judge(spot, [("national_spot_check_pass_rate", 100000, 2014, "92.3"), ("national_spot_check_pass_rate", 100000, 2015, "91.1")])
        #expect(held.status == .met)
        #expect(held.reason.en == "2014: 92.3 > 90, 2015: 91.1 > 90: held two years")
        #expect(!held.stabilityUnverified)
        let alone = try judge(spot, [("national_spot_check_pass_rate", 100000, 2015, "91.1")])
        #expect(alone.status == .met)
        #expect(alone.stabilityUnverified)
        #expect(alone.reason.en == "2015: 91.1 > 90; no value for 2014, stability unverified")
    }

    @Test func passedTargetYearWithoutDataIsNoData() throws {
        let r = try judge(spot, [("national_spot_check_pass_rate", 100000, 2013, "88.9"), ("national_spot_check_pass_rate", 100000, 2016, "91.6")])
        #expect(r.status == .noData)
        #expect(r.reason.en == "no value for 2015; latest is 2013: 88.9")
        #expect(r.actual?.year == 2013)
    }

    @Test func categories() throws {
        let air = "jiangxi-2011-city-air-quality-2015"
        #expect(try judge(air, [("city_air_quality_grade2", 360000, 2015, "达标")], region: 360000).status == .met)
        let r = try judge(air, [("city_air_quality_grade2", 360000, 2015, "未达标")], region: 360000)
        #expect(r.status == .notMet)
        #expect(r.reason.zh == "2015年评估：未达标")
    }

    @Test func risingAndFallingTrends() throws {
        let loss = "national-2011-quality-loss-trend-2015"
        let falling = try judge(loss, [("quality_loss_rate", 100000, 2010, "3"), ("quality_loss_rate", 100000, 2012, "2.8"), ("quality_loss_rate", 100000, 2015, "2.1")])
        #expect(falling.status == .met)
        #expect(falling.reason.en == "fell every year 2012–2015 (2 changes)")
        let bumpy = try judge(loss, [("quality_loss_rate", 100000, 2011, "3"), ("quality_loss_rate", 100000, 2012, "3.1"), ("quality_loss_rate", 100000, 2013, "2.9")], asOf: 2015)
        #expect(bumpy.status == .notMet)
        #expect(bumpy.reason.en == "did not fall every year: 2012: 3→3.1")
        let conformity = "national-2023-construction-inspection-trend-2025"
        let rising = try judge(conformity, [("construction_inspection_conformity_rate", 100000, 2021, "90"), ("construction_inspection_conformity_rate", 100000, 2022, "91")])
        #expect(rising.status == .onTrack)
        let flat = try judge(conformity, [("construction_inspection_conformity_rate", 100000, 2021, "90"), ("construction_inspection_conformity_rate", 100000, 2022, "90"), ("construction_inspection_conformity_rate", 100000, 2023, "92")])
        #expect(flat.status == .offTrack)
        #expect(flat.reason.en == "did not rise every year: 2022: 90→90")
        #expect(try judge(conformity, [("construction_inspection_conformity_rate", 100000, 2021, "90")]).status == .insufficientData)
    }

    @Test func directionFromThePublishedChangeRate() throws {
        let r = try judge("national-2023-gdp-energy-trend-2025", [("gdp_energy_consumption_change", 100000, 2021, "-2.7"), ("gdp_energy_consumption_change", 100000, 2022, "-0.1")])
        #expect(r.status == .onTrack)
        #expect(r.reason.en == "fell every year 2021–2022 (2 changes)")
        let up = try judge("national-2023-gdp-energy-trend-2025", [("gdp_energy_consumption_change", 100000, 2021, "0.3")])
        #expect(up.status == .offTrack)
        #expect(up.reason.en == "did not fall every year: 2021: 0.3% on the year before")
    }

    @Test func projectionOnTrack() throws {
        let r = try judge("national-2023-manufacturing-pass-2025", [("manufacturing_pass_rate", 100000, 2020, "93.39"), ("manufacturing_pass_rate", 100000, 2024, "93.93")])
        #expect(r.status == .onTrack)
        #expect(r.baseline?.year == 2020)
        // (93.93/93.39)^(1/4) − 1, (94/93.39)^(1/5) − 1, and 93.93 × (1 + observed).
        #expect(formatDerived(r.observedRate!, places: 6) == "0.001442")
        #expect(formatDerived(r.requiredRate!, places: 6) == "0.001303")
        #expect(formatDerived(r.projected!, places: 4) == "94.0655")
        #expect(formatDerived(r.ratio!, places: 4) == "1.1070")
        #expect(r.reason.en == "projected 2025: 94.07, meets ≥ 94 at the 2020–2024 rate (observed +0.14%/yr, required +0.13%/yr, ratio 1.11)")
    }

    @Test func projectionOffTrack() throws {
        let r = try judge("national-2023-competitiveness-index-2025", [("quality_competitiveness_index", 100000, 2023, "85.21"), ("quality_competitiveness_index", 100000, 2024, "85.6")])
        #expect(r.status == .offTrack)
        #expect(r.baseline?.year == 2023)
        #expect(formatDerived(r.projected!, places: 4) == "85.9918")
        #expect(r.reason.zh == "按2023–2024年增速推算2025年为 85.99，达不到 ≥ 86（实际年均+0.46%，所需年均+0.46%，比值0.99）")
    }

    @Test func projectionNeedsTwoValues() throws {
        let r = try judge("national-2023-manufacturing-pass-2025", [("manufacturing_pass_rate", 100000, 2024, "93.93")])
        #expect(r.status == .insufficientData)
        #expect(r.reason.en == "1 value since 2020: too few to project 2025")
    }

    @Test func asOfIsTheLatestDataYearOrTheOption() throws {
        let rows = [("manufacturing_pass_rate", 100000, 2017, "93.71"), ("national_spot_check_pass_rate", 100000, 2015, "91.1")]
        #expect(AttainmentEngine(catalog: .embedded, measurements: dataset(rows)).asOf == 2017)
        #expect(AttainmentEngine(catalog: .embedded, measurements: dataset(rows), asOf: 2014).asOf == 2014)
        // As of 2014 the 2015 spot-check target is still ahead: projected, not judged.
        let ahead = try judge(spot, [("national_spot_check_pass_rate", 100000, 2012, "89.8"), ("national_spot_check_pass_rate", 100000, 2014, "92.3")], asOf: 2014)
        #expect(ahead.status == .onTrack)
        #expect(ahead.baseline?.year == 2012)
    }

    @Test func qualitativeGoalsTakeAnAssessment() throws {
        let id = "national-2023-q2035-01"
        #expect(try judge(id, []).status == .qualitative)
        #expect(try judge(id, [(id, 100000, 2035, "达标")]).status == .met)
    }

    @Test func countiesAreJudgedAgainstTheirProvince() throws {
        let engine = AttainmentEngine(catalog: .embedded, measurements: dataset([("forest_coverage", 360102, 2014, "64"), ("forest_coverage", 360102, 2015, "62")]))
        let report = engine.evaluate(region: RegionCode(360102), year: 2015)
        let forest = try #require(report.results.first { $0.target.id == "jiangxi-2011-forest-coverage-2015" })
        #expect(forest.status == .notMet)
        #expect(forest.scope == .own)
        #expect(report.lagging == 1)
    }

    /// A target whose measure no region has is judged once and its result shared by every
    /// region; a target any region has data for is judged region by region.
    @Test func aTargetNoRegionMeasuresIsJudgedOnceForAll() throws {
        let goal = "national-2023-q2035-01"
        let engine = AttainmentEngine(
            catalog: .embedded,
            measurements: dataset([("forest_coverage", 360102, 2015, "64"), ("forest_coverage", 360103, 2015, "60"), (goal, 360102, 2035, "达标")]))
        let (a, b) = (engine.evaluate(region: RegionCode(360102)), engine.evaluate(region: RegionCode(360103)))
        func result(_ report: RegionReport, _ id: String) throws -> Attainment { try #require(report.results.first { $0.target.id == id }) }
        // Nothing measures the river sections' water quality: one object, the verdict any region would get.
        let shared = try result(a, river)
        #expect(try result(b, river) === shared)
        let alone = engine.judge(shared.target, scope: shared.scope, region: RegionCode(360103))
        #expect(shared.status == .noData && alone.status == .noData && shared.reason == alone.reason)
        // Measured somewhere: each region its own.
        let forest = "jiangxi-2011-forest-coverage-2015"
        #expect(try result(a, forest) !== result(b, forest))
        #expect(try result(a, forest).status == .met && result(b, forest).status == .notMet)
        #expect(try result(a, goal).status == .met && result(b, goal).status == .qualitative)
        #expect(a.results.count == b.results.count && a.lagging == 0 && b.lagging == 1)
    }
}
