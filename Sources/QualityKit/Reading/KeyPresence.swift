/// Which (indicator, region, year) keys have been read, and nothing else: a
/// bit per key. `check` on files it can read twice keeps only this, and reads
/// again for the first line and value of the few keys seen twice (see
/// `MeasurementReader.resolveDuplicates`). A panel gives each (indicator,
/// region) pair a run of years, so the bits live in one 64-bit mask per pair:
/// 16 bytes a slot, a few bytes a key, where `SeenTable` needs 16 a key.
struct KeyPresence {
    /// The pair (indicator slot and region: the key's upper bits) plus one (0: empty), and its years' bits.
    private struct Slot {
        var pair: UInt64 = 0
        var years: UInt64 = 0
    }

    /// Years from `firstYear` to `firstYear + 63` have a bit in their pair's mask;
    /// the others (rare) are kept whole in `otherYears`.
    static let firstYear = 1990

    private var slots: [Slot]
    private var otherYears = Set<UInt64>()
    private(set) var pairs = 0
    /// The slot of the last pair looked up: a long table gives a pair's years in a run.
    private var lastPair: UInt64 = 0
    private var lastIndex = 0

    init() {
        slots = Array(repeating: Slot(), count: 1024)
    }

    /// Records `key` (from `SeenTable.key`); false when it was there already.
    mutating func insert(_ key: UInt64) -> Bool {
        let year = SeenTable.regionAndYear(of: key).year - KeyPresence.firstYear
        guard year >= 0, year < 64 else { return otherYears.insert(key).inserted }
        // The key without its 8 year bits (see `SeenTable.key`), plus one so that 0 stays empty.
        let pair = ((key &- 1) >> 8) &+ 1
        let bit: UInt64 = 1 << UInt64(year)
        if pair != lastPair {
            if (pairs + 1) * 4 > slots.count * 3 { grow() }
            lastIndex = slots.withUnsafeBufferPointer { table in
                let mask = table.count - 1
                var i = KeyPresence.home(pair, mask: mask)
                while table[i].pair != 0, table[i].pair != pair { i = (i + 1) & mask }
                return i
            }
            lastPair = pair
            if slots[lastIndex].pair == 0 {
                slots[lastIndex] = Slot(pair: pair, years: bit)
                pairs += 1
                return true
            }
        }
        return slots.withUnsafeMutableBufferPointer { table in
            if table[lastIndex].years & bit != 0 { return false }
            table[lastIndex].years |= bit
            return true
        }
    }

    private mutating func grow() {
        slots = OpenAddressing.doubled(slots, empty: Slot(), start: { KeyPresence.home($0, mask: $1) }) { $0.pair == 0 ? nil : $0.pair }
        lastPair = 0
    }

    /// Where a pair's probe starts: a region's pairs (its indicators' slots, sixteen
    /// at a time) start in one block, so a panel that gives a region's series one after
    /// another reads a few cache lines for them, not a miss for each.
    @inline(__always)
    private static func home(_ pair: UInt64, mask: Int) -> Int {
        let p = pair &- 1  // slot (12 bits) above region (20 bits): see `SeenTable.key`
        return OpenAddressing.blockHome((p & 0xF_FFFF) << 12 | p >> 20, mask: mask)
    }
}
