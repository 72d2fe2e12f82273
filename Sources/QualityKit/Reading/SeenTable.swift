/// Every (indicator, region, year) read so far, with its value and where it
/// was: what duplicate detection needs, in one 24-byte slot (one cache line
/// touch per lookup). Open addressing over a packed 64-bit key; memory grows
/// with distinct keys, not with the file.
struct SeenTable {
    struct Entry {
        let value: MeasuredValue
        let file: Int
        let line: Int
    }

    private struct Slot {
        var key: UInt64 = 0
        var value: Int64 = 0
        var line: UInt32 = 0
        var file: UInt16 = 0
    }

    private var slots: [Slot]
    private var wideValues: [UInt64: MeasuredValue] = [:]
    private(set) var count = 0

    init() {
        slots = Array(repeating: Slot(), count: 1024)
    }

    /// Packs the key; 0 is reserved for an empty slot.
    static func key(slot: Int32, region: Int, year: Int) -> UInt64 {
        1 &+ (UInt64(UInt32(bitPattern: slot)) << 36 | UInt64(region & 0xF_FFFF) << 8 | UInt64((year - 1900) & 0xFF))
    }

    /// The region code and year a key was packed from.
    static func regionAndYear(of key: UInt64) -> (region: Int, year: Int) {
        let k = key &- 1
        return (Int((k >> 8) & 0xF_FFFF), Int(k & 0xFF) + 1900)
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Number kinds pack mantissa, scale and kind into one word; others go to `wideValues`.
    static func pack(_ value: MeasuredValue) -> Int64? {
        switch value {
        case .category(let met): return met ? 0b101 : 0b001
        case .missing: return 0b000
        case .number(let f):
            let n = f.normalized
            guard n.scale < 16, n.mantissa > -(1 << 56), n.mantissa < (1 << 56) else { return nil }
            return n.mantissa << 6 | Int64(n.scale) << 2 | 0b10
        }
    }

    private func unpack(_ packed: Int64, key: UInt64) -> MeasuredValue {
        packed & 0b11 == 0b11 ? wideValues[key] ?? .missing : SeenTable.unpack(packed)
    }

    /// A value that `pack` packed into one word.
    static func unpack(_ packed: Int64) -> MeasuredValue {
        switch packed & 0b11 {
        case 0b01: return .category(packed & 0b100 != 0)
        case 0b10: return .number(Figure(mantissa: packed >> 6, scale: Int((packed >> 2) & 0xF)))
        default: return .missing
        }
    }

    /// The entry already under `key`, or nil after recording this one.
    mutating func insertOrFind(_ key: UInt64, value: MeasuredValue, file: Int, line: Int) -> Entry? {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        // Find the key or the empty slot where it goes.
        let (index, found) = slots.withUnsafeBufferPointer { table -> (Int, Slot?) in
            let mask = table.count - 1
            var i = Int(truncatingIfNeeded: SeenTable.mix(key)) & mask
            while table[i].key != 0 {
                if table[i].key == key { return (i, table[i]) }
                i = (i + 1) & mask
            }
            return (i, nil)
        }
        if let slot = found {
            return Entry(value: unpack(slot.value, key: key), file: Int(slot.file), line: Int(slot.line))
        }
        let packed = SeenTable.pack(value)
        if packed == nil { wideValues[key] = value }
        slots[index] = Slot(key: key, value: packed ?? 0b11, line: UInt32(clamping: line), file: UInt16(clamping: file))
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            for slot in old where slot.key != 0 {
                var i = Int(truncatingIfNeeded: SeenTable.mix(slot.key)) & mask
                while table[i].key != 0 { i = (i + 1) & mask }
                table[i] = slot
            }
        }
    }
}
