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
        // The series are compared on both cores, each taking half of each edition's
        // dictionary by position (so no core walks the other's half); then the regions
        // whose figures differ are judged on both cores, even codes on one, odd on the other.
        let parts = 2
        let newPlaces = Array(new.series.indices)
        let oldPlaces = Array(old.series.indices)
        let halves = parallelMap(parts) { part in
            var half = Comparison(tolerance: tolerance, ignoreSource: ignoreSource)
            for place in newPlaces[MeasurementDiff.share(part, of: parts, newPlaces.count)] {
                let (key, after) = new.series[place]
                half.compare(key, old.series[key] ?? [], after)
            }
            for place in oldPlaces[MeasurementDiff.share(part, of: parts, oldPlaces.count)] {
                let (key, before) = old.series[place]
                if new.series[key] == nil { half.compare(key, before, []) }
            }
            return half
        }
        var touched: [RegionCode: [String]] = [:]
        for half in halves {
            for (region, indicators) in half.touched { touched[region, default: []] += indicators }
        }
        // A judgement reads only its region's series (AttainmentEngine.Entry), so only
        // the targets that read a changed series are judged: the rest cannot flip.
        let flips = parallelMap(parts) { [touched] part in
            var flips: [StatusChange] = []
            for (region, indicators) in touched where region.code % parts == part {
                let a = oldEngine.evaluate(region: region, reading: indicators).results
                let b = newEngine.evaluate(region: region, reading: indicators).results
                for (x, y) in zip(a, b) where x.status != y.status {
                    flips.append(StatusChange(target: x.target, region: region, old: x.status, new: y.status, oldReason: x.reason, newReason: y.reason))
                }
            }
            return flips
        }
        self.added = MeasurementDiff.sortedByKey(halves.flatMap(\.added), \.key)
        self.removed = MeasurementDiff.sortedByKey(halves.flatMap(\.removed), \.key)
        self.changed = MeasurementDiff.sortedByKey(halves.flatMap(\.changed), \.key)
        self.sourceChanges = MeasurementDiff.sortedByKey(halves.flatMap(\.sources), \.key)
        // By region, each region's in judging order (a stable sort keeps it).
        self.statusChanges = flips.flatMap { $0 }.sorted { $0.region < $1.region }
    }

    /// Part `part` of `count` items cut into `parts` runs as even as can be.
    private static func share(_ part: Int, of parts: Int, _ count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
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
        /// Whether two provenances give the same source and note, worked out once a pair:
        /// a file's rows share a handful of them, and comparing Chinese text is slow.
        /// The first few of each side by ordinal (0: not yet known, 1: same, 2: not), then the rest.
        private var sameTexts = [UInt8](repeating: 0, count: Comparison.tableSide * Comparison.tableSide)
        private var sameTextsBeyond: [ProvenancePair: Bool] = [:]
        private static let tableSide = 64

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
                    if !ignoreSource, !(known(before[i].provenance.ordinal, after[j].provenance.ordinal) ?? sameSourceAndNote(before[i].provenance, after[j].provenance)) {
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

        /// Whether the provenances with these ordinals give the same texts, if the table
        /// knows. It reads two numbers: handing the provenances to a function would
        /// retain and release them, and both cores count on the same few objects.
        @inline(__always)
        private func known(_ a: Int, _ b: Int) -> Bool? {
            guard a < Comparison.tableSide, b < Comparison.tableSide else { return nil }
            let cell = sameTexts[a * Comparison.tableSide + b]
            return cell == 0 ? nil : cell == 1
        }

        /// The same, worked out when `known` has no answer, and remembered.
        private mutating func sameSourceAndNote(_ a: Provenance, _ b: Provenance) -> Bool {
            if a === b { return true }
            let side = Comparison.tableSide
            if a.ordinal < side, b.ordinal < side {
                let same = a.source == b.source && a.note == b.note
                sameTexts[a.ordinal * side + b.ordinal] = same ? 1 : 2
                return same
            }
            let pair = ProvenancePair(old: ObjectIdentifier(a), new: ObjectIdentifier(b))
            if let known = sameTextsBeyond[pair] { return known }
            let same = a.source == b.source && a.note == b.note
            sameTextsBeyond[pair] = same
            return same
        }
    }

    /// Sorted as `Key.<` sorts, with each indicator's name compared once: by its rank
    /// among the names present, then region and year, all integers. The items come in
    /// runs of one series, so a name is looked up once a run; the order is worked out
    /// on small keys and the items moved once.
    static func sortedByKey<T>(_ items: [T], _ key: (T) -> Key) -> [T] {
        var names: [String] = []
        var seen: Set<String> = []
        var last: String?
        for item in items {
            let name = key(item).indicator
            if name != last, seen.insert(name).inserted { names.append(name) }
            last = name
        }
        var rank: [String: Int] = [:]
        for name in names.sorted() { rank[name] = rank.count }
        var keys: [(rank: Int, region: Int, year: Int)] = []
        keys.reserveCapacity(items.count)
        var lastName: String?
        var lastRank = 0
        for item in items {
            let k = key(item)
            if k.indicator != lastName {
                lastRank = rank[k.indicator]!
                lastName = k.indicator
            }
            keys.append((lastRank, k.region.code, k.year))
        }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        return order.map { items[$0] }
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
