#if canImport(Glibc)
import Glibc
#endif

/// Maps byte strings to a payload without making a `String` per lookup: the
/// same indicator, region or source spelled the same way is resolved once.
/// Bounded: past `capacity` distinct keys it stops remembering new ones.
final class ByteInterner<Payload> {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var keys: [[UInt8]] = []
    private var payloads: [Payload] = []
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
        slots = Array(repeating: -1, count: 256)
    }

    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in b {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    func find(_ b: UnsafeBufferPointer<UInt8>) -> Payload? {
        let h = ByteInterner.hash(b)
        let slots = self.slots
        let hashes = self.hashes
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 { return nil }
            let e = Int(s)
            if hashes[e] == h {
                let same = keys[e].withUnsafeBufferPointer { k in
                    k.count == b.count && (b.isEmpty || memcmp(k.baseAddress!, b.baseAddress!, b.count) == 0)
                }
                if same { return payloads[e] }
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
