/// The last stamp (a small number) each key was given: for the owner of a large
/// table, the stretch each series was last taken in. Open addressing over the
/// 64-bit key: a Swift `Dictionary` hashed every key with a seeded SipHash,
/// a tenth of the owner's time on a county panel's million series. Keys that
/// differ in their low four bits only start in one block of slots: with a
/// region's code above its indicator's, a region's series read one after
/// another share a few cache lines, not a miss each.
struct StampTable {
    /// The key plus one (0: empty), and its stamp.
    private struct Slot {
        var key: UInt64 = 0
        var stamp: Int32 = 0
    }

    private var slots = Array(repeating: Slot(), count: 1024)
    private(set) var count = 0

    /// Gives `key` this stamp; the one it had before, or nil when it had none.
    /// Keys up to `UInt64.max - 1`.
    mutating func restamp(_ key: UInt64, _ stamp: Int32) -> Int32? {
        precondition(key != .max, "a stamped key is below UInt64.max")
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let stored = key &+ 1
        return slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var i = OpenAddressing.blockHome(key, mask: mask)
            while table[i].key != 0 {
                if table[i].key == stored {
                    defer { table[i].stamp = stamp }
                    return table[i].stamp
                }
                i = (i + 1) & mask
            }
            table[i] = Slot(key: stored, stamp: stamp)
            count += 1
            return nil
        }
    }

    private mutating func grow() {
        slots = OpenAddressing.doubled(slots, empty: Slot(), start: { OpenAddressing.blockHome($0 &- 1, mask: $1) }) { $0.key == 0 ? nil : $0.key }
    }
}
