/// Every (indicator, region, year) read so far, with its value and where it
/// was: what duplicate detection needs, in one 16-byte slot (one cache line
/// touch per lookup). Open addressing over a packed key; memory grows with
/// distinct keys, not with the file.
struct SeenTable {
    struct Entry {
        let value: MeasuredValue
        let file: Int
        let line: Int
    }

    /// The key in the low 41 bits (0: empty), the file's index above it;
    /// the value packed in the high half of `valueAndLine`, the line in the low half.
    private struct Slot {
        var keyAndFile: UInt64 = 0
        var valueAndLine: UInt64 = 0
    }

    private static let keyBits: UInt64 = (1 << 41) - 1
    /// A value that does not pack into 32 bits is kept aside under its key.
    private static let wide: UInt32 = 0b11

    private var slots: [Slot]
    private var wideValues: [UInt64: MeasuredValue] = [:]
    private(set) var count = 0

    init() {
        slots = Array(repeating: Slot(), count: 1024)
    }

    /// Packs the key: 12 bits of indicator slot (the catalog has far fewer
    /// indicators), 20 of region code (six digits), 8 of year from 1900; never 0.
    static func key(slot: Int32, region: Int, year: Int) -> UInt64 {
        1 &+ (UInt64(UInt32(bitPattern: slot) & 0xFFF) << 28 | UInt64(region & 0xF_FFFF) << 8 | UInt64((year - 1900) & 0xFF))
    }

    /// The region code and year a key was packed from.
    static func regionAndYear(of key: UInt64) -> (region: Int, year: Int) {
        let k = key &- 1
        return (Int((k >> 8) & 0xF_FFFF), Int(k & 0xFF) + 1900)
    }

    /// A value in 32 bits: kind in the low 2, then scale (4 bits) and a 26-bit
    /// mantissa for numbers; nil when it does not fit (then it is kept aside).
    /// A figure keeps its scale as written (not normalized): messages quote both
    /// values of a duplicate, and `88.0` must come back as `88.0`, not `88`.
    static func pack(_ value: MeasuredValue) -> UInt32? {
        switch value {
        case .category(let met): return met ? 0b101 : 0b001
        case .missing: return 0b000
        case .number(let f):
            guard f.scale < 16, f.mantissa > -(1 << 25), f.mantissa < (1 << 25) else { return nil }
            return UInt32(bitPattern: Int32(f.mantissa) << 6) | UInt32(f.scale) << 2 | 0b10
        }
    }

    /// A value that `pack` packed.
    static func unpack(_ packed: UInt32) -> MeasuredValue {
        switch packed & 0b11 {
        case 0b01: return .category(packed & 0b100 != 0)
        case 0b10: return .number(Figure(mantissa: Int64(Int32(bitPattern: packed) >> 6), scale: Int((packed >> 2) & 0xF)))
        default: return .missing
        }
    }

    /// The entry already under `key`, or nil after recording this one.
    mutating func insertOrFind(_ key: UInt64, value: MeasuredValue, file: Int, line: Int) -> Entry? {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        // Find the key or the empty slot where it goes.
        let (index, found) = slots.withUnsafeBufferPointer { table -> (Int, Slot?) in
            let mask = table.count - 1
            var i = SeenTable.home(key, mask: mask)
            while table[i].keyAndFile != 0 {
                if table[i].keyAndFile & SeenTable.keyBits == key { return (i, table[i]) }
                i = (i + 1) & mask
            }
            return (i, nil)
        }
        if let slot = found {
            let packed = UInt32(truncatingIfNeeded: slot.valueAndLine >> 32)
            let value = packed == SeenTable.wide ? wideValues[key] ?? .missing : SeenTable.unpack(packed)
            return Entry(value: value, file: Int(slot.keyAndFile >> 41), line: Int(UInt32(truncatingIfNeeded: slot.valueAndLine)))
        }
        let packed = SeenTable.pack(value) ?? SeenTable.wide
        if packed == SeenTable.wide { wideValues[key] = value }
        slots[index] = Slot(
            keyAndFile: key | UInt64(min(file, (1 << 23) - 1)) << 41,
            valueAndLine: UInt64(packed) << 32 | UInt64(UInt32(clamping: line)))
        count += 1
        return nil
    }

    private mutating func grow() {
        slots = OpenAddressing.doubled(slots, empty: Slot(), start: { SeenTable.home($0, mask: $1) }) { $0.keyAndFile == 0 ? nil : $0.keyAndFile & SeenTable.keyBits }
    }

    /// Where a key's probe starts: the keys of sixteen years of one series share
    /// an aligned block of sixteen slots, so a series read year after year
    /// touches a few cache lines, not one per year.
    @inline(__always)
    static func home(_ key: UInt64, mask: Int) -> Int { OpenAddressing.blockHome(key, mask: mask) }
}

/// Linear probing over a power-of-two table, for `SeenTable` and `KeyPresence`.
enum OpenAddressing {
    /// Where a key's probe starts (a 64-bit mixer, so nearby keys spread).
    @inline(__always)
    static func home(_ key: UInt64, mask: Int) -> Int {
        var z = key &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31)) & mask
    }

    /// Where a key's probe starts, keys that differ in their low four bits only starting
    /// in one aligned block of sixteen slots (neighbours read one after another share cache lines).
    @inline(__always)
    static func blockHome(_ key: UInt64, mask: Int) -> Int {
        (home(key >> 4, mask: mask) & ~15 | Int(key & 15)) & mask
    }

    /// The slots in a table twice the size; `key` is nil for an empty slot; `start` is where a key's probe starts.
    static func doubled<Slot>(_ old: [Slot], empty: Slot, start: (UInt64, Int) -> Int = { home($0, mask: $1) }, key: (Slot) -> UInt64?) -> [Slot] {
        var table = Array(repeating: empty, count: old.count * 2)
        table.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            for slot in old {
                guard let k = key(slot) else { continue }
                var i = start(k, mask)
                while key(table[i]) != nil { i = (i + 1) & mask }
                table[i] = slot
            }
        }
        return table
    }
}
