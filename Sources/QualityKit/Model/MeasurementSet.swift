/// One year's value in a series, with its provenance.
public struct Observation: Sendable, Hashable {
    public let year: Int
    public let value: MeasuredValue
    public let source: String
    public let note: String
    public let file: String
    public let line: Int
}

/// A series is one indicator in one region.
public struct SeriesKey: Sendable, Hashable, Comparable {
    public let indicator: String
    public let region: RegionCode

    public init(indicator: String, region: RegionCode) {
        self.indicator = indicator
        self.region = region
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.region.code, a.indicator) < (b.region.code, b.indicator)
    }
}

/// Measurements grouped into series, ready for the engine and for diff.
public struct MeasurementSet: Sendable {
    /// Each series' observations by year, ascending; missing values included.
    public private(set) var series: [SeriesKey: [Observation]] = [:]
    /// Names given beside sub-province codes.
    public private(set) var regionNames: [RegionCode: String] = [:]

    public init(_ measurements: [Measurement]) {
        var grouped: [SeriesKey: [Observation]] = [:]
        for m in measurements {
            let key = SeriesKey(indicator: m.indicator, region: m.region)
            grouped[key, default: []].append(
                Observation(year: m.year, value: m.value, source: m.source, note: m.note, file: m.file, line: m.line))
            if !m.regionName.isEmpty, regionNames[m.region] == nil { regionNames[m.region] = m.regionName }
        }
        for (key, observations) in grouped {
            series[key] = observations.sorted { $0.year < $1.year }
        }
    }

    /// The observations with a value (not missing), ascending by year.
    public func values(_ indicator: String, _ region: RegionCode) -> [Observation] {
        (series[SeriesKey(indicator: indicator, region: region)] ?? []).filter { !$0.value.isMissing }
    }

    public func observation(_ indicator: String, _ region: RegionCode, year: Int) -> Observation? {
        series[SeriesKey(indicator: indicator, region: region)]?.first { $0.year == year && !$0.value.isMissing }
    }

    /// The latest year that has any value: the default as-of year.
    public var latestYear: Int? {
        series.values.compactMap { $0.last(where: { !$0.value.isMissing })?.year }.max()
    }

    /// Every region that has data, ascending by code.
    public var regions: [RegionCode] {
        Array(Set(series.keys.map(\.region))).sorted()
    }

    public var count: Int { series.values.reduce(0) { $0 + $1.count } }

    public var isEmpty: Bool { series.isEmpty }
}
