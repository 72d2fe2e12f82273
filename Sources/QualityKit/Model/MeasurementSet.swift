import Foundation

/// One year's value in a series, with its provenance.
///
/// Millions of these are kept for a county panel, so an observation is 24 bytes:
/// the texts every row of a source shares (source, note, file) sit in one
/// `Provenance` the rows point to, and the year, the line and the kind of value
/// share one word. The pointer is not counted: a provenance lives as long as the
/// process (see `Provenance`), so an observation is plain bytes, copied with no
/// reference counted (every copy of millions counted on the same few objects, on
/// the cache line both cores shared).
public struct Observation: Sendable, Hashable {
    private let provenanceReference: Unmanaged<Provenance>
    var provenance: Provenance { provenanceReference.takeUnretainedValue() }
    /// A number's digits; 0 for other values.
    private let mantissa: Int64
    /// The line (low 40 bits), the year (16 bits) and the kind (top 8 bits: a
    /// number's scale, or one of the kinds below).
    private let packed: UInt64

    /// Lines up to 2⁴⁰ − 1 (a file of over a trillion lines); a line beyond it is kept as that.
    static let lastLine = 1 << 40 - 1
    /// The years an observation holds; the readers take only 1949–2100.
    public static let years = Int(Int16.min)...Int(Int16.max)
    private static let missingKind: UInt64 = 0xF0, notMetKind: UInt64 = 0xF1, metKind: UInt64 = 0xF2

    public var year: Int { Int(Int16(truncatingIfNeeded: packed >> 40)) }
    public var line: Int { Int(packed & UInt64(Self.lastLine)) }
    public var value: MeasuredValue {
        switch packed >> 56 {
        case Self.missingKind: .missing
        case Self.notMetKind: .category(false)
        case Self.metKind: .category(true)
        case let scale: .number(Figure(mantissa: mantissa, scale: Int(scale)))
        }
    }

    public var source: String { provenance.source }
    public var note: String { provenance.note }
    public var file: String { provenance.file }

    /// `year` must lie in `years`, a number's scale below 0xF0 (the readers
    /// give 0 to `Figure.maxScale`).
    init(year: Int, value: MeasuredValue, provenance: Provenance, line: Int) {
        self.init(year: year, value: value, provenance: .passUnretained(provenance), line: line)
    }

    /// The same from a provenance's uncounted pointer: what the readers hold, so that
    /// a row's observation counts no reference (a retain and a release a row, 10M rows).
    init(year: Int, value: MeasuredValue, provenance: Unmanaged<Provenance>, line: Int) {
        precondition(Self.years.contains(year), "an observation's year is from \(Self.years.lowerBound) to \(Self.years.upperBound)")
        let kind: UInt64
        switch value {
        case .number(let f):
            precondition((0..<Self.missingKind).contains(UInt64(truncatingIfNeeded: f.scale)), "a figure's scale is from 0 to 239")
            mantissa = f.mantissa
            kind = UInt64(f.scale)
        case .category(let met):
            mantissa = 0
            kind = met ? Self.metKind : Self.notMetKind
        case .missing:
            mantissa = 0
            kind = Self.missingKind
        }
        provenanceReference = provenance
        packed = kind << 56 | UInt64(UInt16(truncatingIfNeeded: year)) << 40 | UInt64(min(max(line, 0), Self.lastLine))
    }

    public static func == (a: Observation, b: Observation) -> Bool {
        a.year == b.year && a.value == b.value && a.line == b.line && a.provenance == b.provenance
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(year)
        hasher.combine(value)
        hasher.combine(line)
        hasher.combine(provenance)
    }
}

/// Where a value came from: its source and note as written, and the file read.
///
/// Kept for the life of the process (in `Provenance.kept`): observations point to
/// their provenance without counting it. A set makes one for each distinct source,
/// note and file it reads (a handful a file, as many as the rows only if every row
/// gives another note), so what is kept after the set is gone is that handful.
final class Provenance: Sendable, Hashable {
    let texts: Texts
    /// Its place among its set's provenances, counted from 0 in the order they were
    /// first met: a small table indexed by it answers what a dictionary would hash for.
    let ordinal: Int

    var source: String { texts.source }
    var note: String { texts.note }
    var file: String { texts.file }

    init(_ texts: Texts, ordinal: Int) {
        self.texts = texts
        self.ordinal = ordinal
        Provenance.kept.add(self)
    }

    /// Every provenance made, held to the end: what keeps the pointers of observations valid.
    static let kept = Kept()

    final class Kept: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [Provenance] = []

        func add(_ provenance: Provenance) {
            lock.lock()
            all.append(provenance)
            lock.unlock()
        }
    }

    convenience init(source: String, note: String, file: String, ordinal: Int) {
        self.init(Texts(source: source, note: note, file: file), ordinal: ordinal)
    }

    /// A provenance's texts, looked up before one is made (each made is kept for good).
    /// The same when their bytes are: a source is kept as written, and hashing by bytes
    /// skips the Unicode normalization `String` hashes Chinese text with.
    struct Texts: Sendable, Hashable {
        let source: String
        let note: String
        let file: String

        static func == (a: Texts, b: Texts) -> Bool {
            sameBytes(a.source, b.source) && sameBytes(a.note, b.note) && sameBytes(a.file, b.file)
        }

        func hash(into hasher: inout Hasher) {
            for text in [source, note, file] { hashBytes(of: text, into: &hasher) }
        }
    }

    static func == (a: Provenance, b: Provenance) -> Bool { a === b || a.texts == b.texts }

    func hash(into hasher: inout Hasher) { hasher.combine(texts) }
}

/// A series is one indicator in one region.
///
/// Two keys are the same when their indicators are the same bytes, not when they are
/// canonically equivalent as `String` compares: the readers give every spelling its
/// catalog id, so an id's bytes name it, and a county panel's million series are
/// hashed and compared by their keys many times over.
public struct SeriesKey: Sendable, Hashable, Comparable {
    public let indicator: String
    public let region: RegionCode

    public init(indicator: String, region: RegionCode) {
        self.indicator = indicator
        self.region = region
    }

    public static func == (a: SeriesKey, b: SeriesKey) -> Bool {
        a.region == b.region && sameBytes(a.indicator, b.indicator)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(region)
        hashBytes(of: indicator, into: &hasher)
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.region.code, a.indicator) < (b.region.code, b.indicator)
    }
}

/// Measurements grouped into series, ready for the engine and for diff.
public struct MeasurementSet: Sendable, Equatable {
    /// Each series' observations by year, ascending; missing values included.
    public private(set) var series: [SeriesKey: [Observation]] = [:]
    /// Names given beside sub-province codes.
    public private(set) var regionNames: [RegionCode: String] = [:]
    /// The indicators that have a series in some region: a judge looks for no series of
    /// any other (most targets of a county panel have no data at all).
    public private(set) var indicators: Set<String> = []
    /// The latest year that has any value: the default as-of year.
    public let latestYear: Int?
    /// How many observations the series hold, missing values included.
    public let count: Int
    /// Every region that has a series, ascending by code (noted as the series were
    /// put in: gathering them from a county panel's million keys took a pass of its own).
    public let regions: [RegionCode]

    /// Each measurement's year must lie in `Observation.years` (the readers take 1949–2100).
    public init(_ measurements: [Measurement]) {
        var builder = Builder()
        for m in measurements { builder.add(m) }
        self = builder.build()
    }

    private init(
        series: [SeriesKey: [Observation]], regionNames: [RegionCode: String], indicators: Set<String>, latestYear: Int?, count: Int,
        regions: [RegionCode]
    ) {
        self.series = series
        self.regionNames = regionNames
        self.indicators = indicators
        self.latestYear = latestYear
        self.count = count
        self.regions = regions
    }

    /// Groups measurements into series as they are read, without keeping them
    /// all first. Files usually give a series' years one after another, so the
    /// series being filled is kept outside the dictionary until another begins.
    public struct Builder {
        private var grouped: [SeriesKey: [Observation]] = [:]
        private var regionNames: [RegionCode: String] = [:]
        private var runKey: SeriesKey?
        private var run: [Observation] = []
        /// Whether the run's region already has its name (the first one given wins).
        private var runNamed = false
        /// The region last looked up in `regionNames`, and whether it has a name: a panel
        /// gives a region's series one after another, so it is looked up once, not per series.
        private var lookedUpRegion: RegionCode?
        private var lookedUpRegionNamed = false
        /// How long the last run grew: room made for the next at once (panels are regular).
        private var lastRunCount = 0
        /// Whether the run has a year before one given ahead of it.
        private var runOutOfOrder = false
        /// The series with years out of order (usually none): only these are sorted at
        /// the end, so building a set makes no pass over every series.
        private var outOfOrder: Set<SeriesKey> = []
        /// The latest year given a value so far.
        private var latestYear: Int?
        /// The observations added so far.
        private var count = 0
        /// The indicators given a series so far (by bytes: a region-major panel changes
        /// indicator with every series), and the last one (series of one indicator often
        /// come one after another: it is hashed when it changes, not for every series).
        private var indicators: Set<ByteText> = []
        private var lastIndicator: String?
        /// The regions given a series so far, and the last one (a panel gives a region's series one after another).
        private var regions: Set<RegionCode> = []
        private var lastRegion: RegionCode?
        /// Every provenance handed out, each once, by its texts.
        private var provenances: [Provenance.Texts: Provenance] = [:]
        private var lastProvenance: Provenance?

        public init() {}

        /// `m.year` must lie in `Observation.years` (the readers take 1949–2100).
        public mutating func add(_ m: Measurement) {
            select(m.indicator, m.region)
            append(Observation(year: m.year, value: m.value, provenance: provenance(source: m.source, note: m.note, file: m.file), line: m.line), regionName: m.regionName)
        }

        /// The one provenance of these texts, shared by every observation that has them.
        mutating func provenance(source: String, note: String, file: String) -> Provenance {
            if let last = lastProvenance, sameBytes(last.source, source), sameBytes(last.note, note), sameBytes(last.file, file) { return last }
            let texts = Provenance.Texts(source: source, note: note, file: file)
            let p: Provenance
            if let known = provenances[texts] {
                p = known
            } else {
                p = Provenance(texts, ordinal: provenances.count)
                provenances[texts] = p
            }
            lastProvenance = p
            return p
        }

        /// How many series there are so far.
        var seriesCount: Int { grouped.count + (runKey == nil ? 0 : 1) }

        /// Makes room for `count` series at once: a table grown by doubling hashes every
        /// series' key again at each step (a county panel's million series, twenty times).
        mutating func reserveSeries(_ count: Int) {
            grouped.reserveCapacity(count)
        }

        /// Makes (indicator, region) the series being filled. `isNew` says it is known to
        /// have no series yet (`holding` said `.noSeries`, and nothing was added since), so
        /// none is looked for: a county panel begins hundreds of thousands of series.
        mutating func select(_ indicator: String, _ region: RegionCode, isNew: Bool = false) {
            if let runKey, runKey.region == region, sameBytes(runKey.indicator, indicator) { return }
            flush()
            let key = SeriesKey(indicator: indicator, region: region)
            runKey = key
            runOutOfOrder = false
            if !isNew, let resumed = grouped.removeValue(forKey: key) {
                run = resumed
            } else {
                run.reserveCapacity(min(lastRunCount, 64))
            }
            if region != lookedUpRegion {
                lookedUpRegion = region
                lookedUpRegionNamed = regionNames[region] != nil
            }
            runNamed = lookedUpRegionNamed
        }

        /// Adds to the series last selected; the first region name given wins.
        mutating func append(_ observation: Observation, regionName: String) {
            name { regionName }
            append(observation)
        }

        /// Adds to the series last selected, naming nothing.
        mutating func append(_ observation: Observation) {
            note(observation, after: run.last?.year)
            run.append(observation)
            count += 1
        }

        /// Gives the selected series' region this name, unless it has one (the first one
        /// given wins). The name is asked for only then: most rows repeat a name already kept.
        mutating func name(_ regionName: () -> String) {
            guard !runNamed else { return }
            let name = regionName()
            guard !name.isEmpty else { return }
            regionNames[runKey!.region] = name
            runNamed = true
            lookedUpRegionNamed = true  // `lookedUpRegion` is the run's region
        }

        /// Takes note of what `build` would otherwise look for in every series: the years out of order, the latest value.
        private mutating func note(_ observation: Observation, after last: Int?) {
            if let last, observation.year < last { runOutOfOrder = true }
            if !observation.value.isMissing, observation.year > latestYear ?? Int.min { latestYear = observation.year }
        }

        /// The value (not missing) already given for a year of (indicator, region),
        /// which becomes the series being filled.
        mutating func value(_ indicator: String, _ region: RegionCode, year: Int) -> Observation? {
            select(indicator, region)
            // By index: handing each observation to a closure would copy its strings.
            for i in run.indices where run[i].year == year && !run[i].value.isMissing { return run[i] }
            return nil
        }

        /// What (indicator, region) already holds for `years`.
        enum Holding {
            /// No series at all (not even the one being filled).
            case noSeries
            /// A series, with no value for any of the years.
            case noneOfThese
            /// A value (not missing) for one of the years.
            case valueForOneOf
        }

        /// What (indicator, region) already holds for `years`; looks without making it the
        /// series being filled. Mutating only so that a builder kept in a class's property is
        /// asked in place: a plain method was asked of a copy of the whole builder, a dozen
        /// retains a series.
        mutating func holding(_ indicator: String, _ region: RegionCode, for years: [Int32]) -> Holding {
            let key = SeriesKey(indicator: indicator, region: region)
            guard let given = runKey == key ? run : grouped[key] else { return .noSeries }
            for i in given.indices where !given[i].value.isMissing && years.contains(Int32(given[i].year)) { return .valueForOneOf }
            return .noneOfThese
        }

        private mutating func flush() {
            guard let key = runKey else { return }
            // A series looked at (`value`) but given nothing is no series.
            if !run.isEmpty {
                grouped[key] = run
                if lastIndicator.map({ !sameBytes($0, key.indicator) }) ?? true {
                    indicators.insert(ByteText(text: key.indicator))
                    lastIndicator = key.indicator
                }
                if key.region != lastRegion {
                    regions.insert(key.region)
                    lastRegion = key.region
                }
            }
            if runOutOfOrder { outOfOrder.insert(key) }
            lastRunCount = run.count
            run = []
            runKey = nil
        }

        /// The set built so far; the builder starts afresh. Mutating, not consuming: a
        /// consumed builder was still a copy of the one in its owner's property, and
        /// the last series put in copied the whole dictionary (a retain per series).
        public mutating func build() -> MeasurementSet {
            flush()
            // Stable: the years given twice (a missing value and a value) keep their order.
            for key in outOfOrder { grouped[key]!.sort { $0.year < $1.year } }
            let set = MeasurementSet(
                series: grouped, regionNames: regionNames, indicators: Set(indicators.map(\.text)), latestYear: latestYear, count: count, regions: regions.sorted())
            self = Builder()
            return set
        }
    }

    /// The observations with a value (not missing), ascending by year.
    public func values(_ indicator: String, _ region: RegionCode) -> [Observation] {
        guard let all = series[SeriesKey(indicator: indicator, region: region)] else { return [] }
        // Most series have no missing value: hand out the stored array, not a copy.
        return all.contains { $0.value.isMissing } ? all.filter { !$0.value.isMissing } : all
    }

    public func observation(_ indicator: String, _ region: RegionCode, year: Int) -> Observation? {
        series[SeriesKey(indicator: indicator, region: region)]?.first { $0.year == year && !$0.value.isMissing }
    }

    public var isEmpty: Bool { series.isEmpty }
}
