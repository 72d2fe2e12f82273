/// Maps byte strings to a payload without making a `String` per lookup: the
/// same indicator, region or source spelled the same way is resolved once.
/// Bounded: past `capacity` distinct keys it stops remembering new ones.
final class ByteInterner<Payload> {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var keys: [[UInt8]] = []
    private var payloads: [Payload] = []
    private let capacity: Int
    /// The two entries found last: a table gives the same indicator or region many rows
    /// in a run, and one interner may take two columns in turn (a source, a region's name).
    private var last = -1
    private var beforeLast = -1

    init(capacity: Int = 100_000) {
        self.capacity = capacity
        slots = Array(repeating: -1, count: 256)
    }

    /// Eight bytes at a time, then mixed: fields are mostly Chinese names of 10 to 40 bytes.
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = UInt64(b.count) &* 0x9E37_79B9_7F4A_7C15
        guard let base = b.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < b.count {
            tail |= UInt64(b[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    @inline(__always)
    private func matches(_ e: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        keys[e].withUnsafeBufferPointer { k in k.count == b.count && sameBytes(k, b) }
    }

    func find(_ b: UnsafeBufferPointer<UInt8>) -> Payload? {
        if last >= 0, matches(last, b) { return payloads[last] }
        if beforeLast >= 0, matches(beforeLast, b) {
            swap(&last, &beforeLast)
            return payloads[last]
        }
        let h = ByteInterner.hash(b)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 { return nil }
            let e = Int(s)
            if hashes[e] == h, matches(e, b) {
                beforeLast = last
                last = e
                return payloads[e]
            }
            i = (i + 1) & mask
        }
    }

    func insert(_ b: UnsafeBufferPointer<UInt8>, _ payload: Payload) {
        guard keys.count < capacity else { return }
        if (keys.count + 1) * 2 > slots.count { grow() }
        let h = ByteInterner.hash(b)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(keys.count)
        hashes.append(h)
        keys.append(Array(b))
        payloads.append(payload)
    }

    private func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(e)
        }
    }
}
