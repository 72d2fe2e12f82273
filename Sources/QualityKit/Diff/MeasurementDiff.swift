/// What changed between two editions of the figures, by meaning: the same
/// figures in another encoding, layout or spelling are equal; a missing value
/// is the same as no row.
public struct MeasurementDiff: Sendable {
    public struct Key: Sendable, Hashable, Comparable {
        public let indicator: String
        public let region: RegionCode
        public let year: Int

        public static func < (a: Key, b: Key) -> Bool {
            (a.indicator, a.region.code, a.year) < (b.indicator, b.region.code, b.year)
        }
    }

    public struct Entry: Sendable {
        public let key: Key
        public let value: MeasuredValue
        public let source: String
        public let note: String
    }

    /// A value present in both editions with a different figure: a statistical revision.
    public struct Revision: Sendable {
        public let key: Key
        public let old: MeasuredValue
        public let new: MeasuredValue
        /// new − old, exact; nil unless both are numbers.
        public let delta: Figure?
        /// delta ÷ old, as a fraction; nil when old is zero or not a number.
        public let relative: Double?
    }

    public struct SourceChange: Sendable {
        public let key: Key
        public let oldSource: String
        public let newSource: String
        public let oldNote: String
        public let newNote: String
    }

    public struct StatusChange: Sendable {
        public let target: Target
        public let region: RegionCode
        public let old: AttainmentStatus
        public let new: AttainmentStatus
        public let oldReason: Reason
        public let newReason: Reason
    }

    public let added: [Entry]
    public let removed: [Entry]
    public let changed: [Revision]
    public let sourceChanges: [SourceChange]
    public let statusChanges: [StatusChange]

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && changed.isEmpty && sourceChanges.isEmpty && statusChanges.isEmpty
    }

    /// Compares two editions.
    /// - Parameters:
    ///   - tolerance: numeric changes of at most this much are not changes.
    ///   - ignoreSource: leave source and note changes out.
    ///   - asOf: judge both editions as of this year. By default both are judged as of
    ///     the latest year either holds, so a status flip always means the figures changed.
    public init(old: MeasurementSet, new: MeasurementSet, catalog: Catalog, tolerance: Figure? = nil, ignoreSource: Bool = false, asOf: Int? = nil) {
        // Status flips: the engine judges both editions as of the same year.
        let common = asOf ?? [old.latestYear, new.latestYear].compactMap { $0 }.max()
        let oldEngine = AttainmentEngine(catalog: catalog, measurements: old, asOf: common)
        let newEngine = AttainmentEngine(catalog: catalog, measurements: new, asOf: common)
        // Regions are compared and judged independently: those with an even code on one
        // core, odd on the other; the halves are joined in order.
        let parts = 2
        let halves = parallelMap(parts) { part in
            var half = Comparison(tolerance: tolerance, ignoreSource: ignoreSource)
            for (key, after) in new.series where key.region.code % parts == part { half.compare(key, old.series[key] ?? [], after) }
            for (key, before) in old.series where key.region.code % parts == part && new.series[key] == nil { half.compare(key, before, []) }
            // A judgement reads only its region's series (AttainmentEngine.Entry), so only
            // the targets that read a changed series are judged: the rest cannot flip.
            for (region, indicators) in half.touched {
                let a = oldEngine.evaluate(region: region, reading: indicators).results
                let b = newEngine.evaluate(region: region, reading: indicators).results
                for (x, y) in zip(a, b) where x.status != y.status {
                    half.flips.append(StatusChange(target: x.target, region: region, old: x.status, new: y.status, oldReason: x.reason, newReason: y.reason))
                }
            }
            return half
        }
        self.added = MeasurementDiff.sortedByKey(halves.flatMap(\.added), \.key)
        self.removed = MeasurementDiff.sortedByKey(halves.flatMap(\.removed), \.key)
        self.changed = MeasurementDiff.sortedByKey(halves.flatMap(\.changed), \.key)
        self.sourceChanges = MeasurementDiff.sortedByKey(halves.flatMap(\.sources), \.key)
        // By region, each region's in judging order (a stable sort keeps it).
        self.statusChanges = halves.flatMap(\.flips).sorted { $0.region < $1.region }
    }

    private struct ProvenancePair: Hashable {
        let old: ObjectIdentifier
        let new: ObjectIdentifier
    }

    /// What one half of the series compares to.
    private struct Comparison {
        let tolerance: Figure?
        let ignoreSource: Bool
        var added: [Entry] = []
        var removed: [Entry] = []
        var changed: [Revision] = []
        var sources: [SourceChange] = []
        /// The indicators whose figures differ in any way (within the tolerance too), by
        /// region: only judgements that read one of them can flip.
        var touched: [RegionCode: [String]] = [:]
        var flips: [StatusChange] = []
        /// Whether two provenances give the same source and note, worked out once a pair:
        /// a file's rows share a handful of them, and comparing Chinese text is slow.
        private var sameTexts: [ProvenancePair: Bool] = [:]

        init(tolerance: Figure?, ignoreSource: Bool) {
            self.tolerance = tolerance
            self.ignoreSource = ignoreSource
        }

        /// Both sides are ascending by year, so one merge pass compares them.
        mutating func compare(_ series: SeriesKey, _ before: [Observation], _ after: [Observation]) {
            func entry(_ o: Observation) -> Entry {
                Entry(key: Key(indicator: series.indicator, region: series.region, year: o.year), value: o.value, source: o.source, note: o.note)
            }
            var i = 0
            var j = 0
            var differs = false
            defer { if differs { touched[series.region, default: []].append(series.indicator) } }
            while i < before.count || j < after.count {
                if i < before.count, before[i].value.isMissing { i += 1; continue }
                if j < after.count, after[j].value.isMissing { j += 1; continue }
                if j == after.count || (i < before.count && before[i].year < after[j].year) {
                    removed.append(entry(before[i]))
                    differs = true
                    i += 1
                } else if i == before.count || after[j].year < before[i].year {
                    added.append(entry(after[j]))
                    differs = true
                    j += 1
                } else {
                    // Fields read in place: copying whole observations would retain every string.
                    let (old, new) = (before[i].value, after[j].value)
                    if old != new {
                        differs = true
                        if MeasurementDiff.differs(old, new, tolerance: tolerance) {
                            var delta: Figure?
                            var relative: Double?
                            if case .number(let a) = old, case .number(let b) = new {
                                delta = b - a
                                if a.doubleValue != 0, let d = delta { relative = d.doubleValue / a.doubleValue }
                            }
                            changed.append(Revision(key: Key(indicator: series.indicator, region: series.region, year: after[j].year), old: old, new: new, delta: delta, relative: relative))
                        }
                    }
                    if !ignoreSource, !sameSourceAndNote(before[i].provenance, after[j].provenance) {
                        sources.append(
                            SourceChange(
                                key: Key(indicator: series.indicator, region: series.region, year: after[j].year), oldSource: before[i].source, newSource: after[j].source,
                                oldNote: before[i].note, newNote: after[j].note))
                    }
                    i += 1
                    j += 1
                }
            }
        }

        private mutating func sameSourceAndNote(_ a: Provenance, _ b: Provenance) -> Bool {
            if a === b { return true }
            let pair = ProvenancePair(old: ObjectIdentifier(a), new: ObjectIdentifier(b))
            if let known = sameTexts[pair] { return known }
            let same = a.source == b.source && a.note == b.note
            sameTexts[pair] = same
            return same
        }
    }

    /// Sorted as `Key.<` sorts, with each indicator's name compared once: by its rank
    /// among the names present, then region and year, all integers.
    static func sortedByKey<T>(_ items: [T], _ key: (T) -> Key) -> [T] {
        var rank: [String: Int] = [:]
        for name in Set(items.map { key($0).indicator }).sorted() { rank[name] = rank.count }
        return items.map { item in
            let k = key(item)
            return (rank: rank[k.indicator]!, region: k.region.code, year: k.year, item: item)
        }
        .sorted { ($0.rank, $0.region, $0.year) < ($1.rank, $1.region, $1.year) }
        .map(\.item)
    }

    static func differs(_ a: MeasuredValue, _ b: MeasuredValue, tolerance: Figure?) -> Bool {
        if case .number(let x) = a, case .number(let y) = b {
            if x == y { return false }
            guard let tolerance, let d = y - x else { return true }
            return d.magnitude > tolerance
        }
        return a != b
    }
}
