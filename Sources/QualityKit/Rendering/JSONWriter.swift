/// Writes pretty JSON as it goes: the one JSON style of every command.
///
/// Two-space indent and `"key" : value`, as Foundation's pretty printer lays
/// it out, so files written before and after read the same; keys go out in
/// the order given, and every caller gives them sorted. Unlike an encoder it
/// holds no tree: a report on millions of values streams out in pieces
/// (`take()`), in bounded memory.
///
/// Strings escape `"`, `\` and the C0 controls as JSON requires, and also the
/// C1 controls and bidirectional overrides (`\u009b`, `\u202e`), so JSON shown
/// on a terminal can never drive it. Published figures are written as
/// published (`81.30` stays `81.30`).
struct JSONWriter {
    /// Where the text goes. A class: a writer is used in place (`inout`), and its
    /// many small appends go straight to memory, with no check of an array's
    /// uniqueness or growth each time.
    private let out = ByteBuffer()
    /// How many containers are open.
    private(set) var depth = 0
    /// Elements written so far in the innermost open container. Kept apart from
    /// `enclosing`: writing an element then changes a number, not an array.
    private var innermost = 0
    /// The counts of the containers around the innermost, outermost first, after a
    /// count for the top level (so there is one for each open container).
    private var enclosing: [Int] = []
    /// A key was just written: the next value belongs to it.
    private var afterKey = false

    init() {}

    /// A writer for a run of elements inside an array already open at `depth`
    /// (1 = the top-level container), in another writer: pieces written on
    /// two cores join into the same text.
    init(elementsOfArrayAtDepth depth: Int, following: Bool) {
        restart(elementsOfArrayAtDepth: depth, following: following)
    }

    /// Makes the writer, empty (`take()`), write a new run of elements as `init(elementsOfArrayAtDepth:following:)`
    /// would, in the memory it has already (a core writing batch after batch).
    mutating func restart(elementsOfArrayAtDepth depth: Int, following: Bool) {
        precondition(out.count == 0, "restarted with bytes not taken")
        afterKey = false
        stand(atDepth: depth, innermost: following ? 1 : 0)
    }

    /// Stands inside `depth` open containers, each outer one with an element
    /// written, the innermost with `innermost`.
    private mutating func stand(atDepth depth: Int, innermost: Int) {
        self.depth = depth
        self.innermost = depth > 0 ? innermost : 0
        enclosing = depth > 0 ? [0] + Array(repeating: 1, count: depth - 1) : []
    }

    /// Writes the elements of the array this writer has just opened in pieces on both
    /// cores, `perCore` items per core at a time (`write` puts the items of a range into
    /// its lane's writer), and hands everything so far to `emit`, in order; the writer
    /// then stands after the last element, ready to close the array. A long array is
    /// never whole in memory.
    mutating func streamElements<Lane: JSONLane>(
        _ count: Int, perCore: Int, lanes: [Lane], emit: (UnsafeBufferPointer<UInt8>) -> Void, write: @escaping @Sendable (Lane, Range<Int>) -> Void
    ) {
        let depth = self.depth
        handOver(to: emit)
        writeInPieces(count, perCore: perCore, lanes: lanes, write: { lane, range in
            lane.writer.restart(elementsOfArrayAtDepth: depth, following: range.lowerBound > 0)
            write(lane, range)
        }, emit: emit)
        self = JSONWriter(elementsOfArrayAtDepth: depth, following: count > 0)
    }

    /// A writer for the keys or elements that follow others in a container open
    /// at `depth`: its bytes can be spliced (`splice`) into any writer standing at
    /// that depth after some element, and read exactly as if written there.
    init(followingElementsAtDepth depth: Int) {
        stand(atDepth: depth, innermost: 1)
    }

    /// Appends the bytes of `elements` elements written by a writer made with
    /// `init(followingElementsAtDepth: depth)`, at that depth, after some element.
    mutating func splice(_ fragment: UnsafeBufferPointer<UInt8>, elements: Int) {
        precondition(standsAfterElement, "a fragment follows an element, never a key or a container's opening")
        out.append(fragment)
        innermost += elements
    }

    /// Whether the writer stands after an element of an open container, where `splice` can put one.
    var standsAfterElement: Bool { !afterKey && depth > 0 && innermost > 0 }

    /// The bytes written so far.
    var bytes: [UInt8] { out.copy() }

    /// The finished text, with the trailing newline every command prints.
    var text: String {
        String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// The bytes written so far, leaving the writer empty but in place, for
    /// streaming a large document out in pieces.
    mutating func take() -> [UInt8] {
        defer { out.removeAll() }
        return out.copy()
    }

    /// The finished bytes, with the trailing newline every command prints.
    mutating func takeFinished() -> [UInt8] {
        out.append(0x0A)
        return take()
    }

    /// Hands the bytes written so far to `emit` (readable only while it runs), leaving
    /// the writer empty but in place: a streamed piece is not copied out.
    mutating func handOver(to emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.withBytes(emit)
        out.removeAll()
    }

    /// Hands over the finished bytes, with the trailing newline every command prints.
    mutating func handOverFinished(to emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.append(0x0A)
        handOver(to: emit)
    }

    // MARK: Containers

    mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// The opening of an object with its first keys, the last left waiting for its
    /// value: written once (`opening(atDepth:_:)`) and put down many times.
    struct ObjectOpening {
        let bytes: [UInt8]
        let keys: Int
    }

    /// What `write` writes after beginning an object, for an object begun where
    /// `depth` containers are open; `write` must end with a key.
    static func opening(atDepth depth: Int, _ write: (inout JSONWriter) -> Void) -> ObjectOpening {
        var w = JSONWriter()
        w.stand(atDepth: depth, innermost: 1)
        // The object is a value already placed: no separator, no indent before it.
        w.afterKey = true
        w.beginObject()
        write(&w)
        precondition(w.afterKey && w.depth == depth + 1, "an opening ends with a key of its object")
        return ObjectOpening(bytes: w.take(), keys: w.innermost)
    }

    /// Begins an object with an opening made at this depth: the same bytes as writing it here.
    mutating func beginObject(_ opening: ObjectOpening) {
        opening.bytes.withUnsafeBufferPointer { beginObject(openingBytes: $0, keys: opening.keys) }
    }

    /// Begins an object with the bytes and key count of an opening made at this depth, kept elsewhere.
    mutating func beginObject(openingBytes: UnsafeBufferPointer<UInt8>, keys: Int) {
        startValue()
        out.append(openingBytes)
        enter(withElements: keys)
        afterKey = true
    }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A key the program names: plain ASCII, written as it is.
    mutating func key(_ name: StaticString) {
        element()
        out.append(UInt8(ascii: "\""))
        append(name)
        append("\" : ")
        afterKey = true
    }

    /// A key taken from data, escaped as any string.
    mutating func key(text name: String) {
        element()
        writeString(name)
        append(" : ")
        afterKey = true
    }

    // MARK: Values

    mutating func string(_ value: String) {
        startValue()
        writeString(value)
    }

    mutating func int(_ value: Int) {
        startValue()
        appendDecimal(UInt64(value.magnitude), negative: value < 0, scale: 0)
    }

    mutating func bool(_ value: Bool) {
        startValue()
        append(value ? "true" : "false")
    }

    mutating func null() {
        startValue()
        append("null")
    }

    /// A published figure, exactly as written in the source.
    mutating func figure(_ value: Figure) {
        startValue()
        // A scale too long for the digit buffer (never in a published figure) goes the long way.
        guard value.scale >= 0, value.scale < 19 else { return out.append(Array(value.description.utf8)) }
        appendDecimal(value.mantissa.magnitude, negative: value.mantissa < 0, scale: value.scale)
    }

    /// A derived number rounded to `places` by the one rounding rule
    /// (`formatDerived`), trailing zeros dropped; null when not finite.
    mutating func derived(_ value: Double, places: Int) {
        guard value.isFinite else { return null() }
        startValue()
        var text = Array(formatDerived(value, places: places).utf8)
        if text.contains(UInt8(ascii: ".")), !text.contains(UInt8(ascii: "e")) {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
            if text == Array("-0".utf8) { text = [UInt8(ascii: "0")] }
        }
        out.append(text)
    }

    // Optionals, for the many `null`-when-absent fields.
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }
    mutating func figure(_ value: Figure?) { if let value { figure(value) } else { null() } }
    mutating func derived(_ value: Double?, places: Int) { if let value { derived(value, places: places) } else { null() } }

    /// Named counts, as an object with its keys sorted.
    mutating func counts(_ values: [String: Int]) {
        beginObject()
        for (name, n) in values.sorted(by: { $0.key < $1.key }) {
            key(text: name)
            int(n)
        }
        endObject()
    }

    // MARK: Layout

    private mutating func open(_ bracket: UInt8) {
        startValue()
        out.append(bracket)
        out.append(0x0A)
        enter(withElements: 0)
    }

    /// A container opens inside the innermost one.
    private mutating func enter(withElements elements: Int) {
        enclosing.append(innermost)
        innermost = elements
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        innermost = enclosing.removeLast()
        depth -= 1
        out.append(0x0A)
        indent(depth)
        out.append(bracket)
    }

    private mutating func startValue() {
        if afterKey { afterKey = false } else { element() }
    }

    /// Separates and indents a new element of the innermost container.
    private mutating func element() {
        guard depth > 0 else { return }
        if innermost > 0 {
            out.append(UInt8(ascii: ","))
            out.append(0x0A)
        }
        innermost += 1
        indent(depth)
    }

    private mutating func indent(_ depth: Int) {
        out.appendSpaces(depth * 2)
    }

    /// Text the program names (keys, `null`): ASCII, written as it is.
    private mutating func append(_ literal: StaticString) {
        out.append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Decimal digits, written straight into the bytes (no string in between), with
    /// a point `scale` digits from the right, as `Figure.description` spells them.
    private mutating func appendDecimal(_ magnitude: UInt64, negative: Bool, scale: Int) {
        Figure.spell(magnitude, negative: negative, scale: scale) { out.append($0) }
    }

    private mutating func writeString(_ value: String) {
        out.append(UInt8(ascii: "\""))
        // Runs of plain bytes are copied whole; only the characters that must be
        // escaped are looked at one by one.
        // Read in place where the text is contiguous (always, but for a bridged one): a copy
        // to read took a reference to text both cores write (a catalog name, a source).
        if value.utf8.withContiguousStorageIfAvailable({ writeEscaping($0) }) == nil {
            var value = value
            value.withUTF8 { writeEscaping($0) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscaping(_ utf8: UnsafeBufferPointer<UInt8>) {
        var plainFrom = 0
        while let (at, length, scalar) = nextUnsafeCharacter(utf8, from: plainFrom, or: UInt8(ascii: "\""), UInt8(ascii: "\\")) {
            out.append(UnsafeBufferPointer(rebasing: utf8[plainFrom..<at]))
            writeEscaped(scalar)
            plainFrom = at + length
        }
        out.append(UnsafeBufferPointer(rebasing: utf8[plainFrom...]))
    }

    /// The escape of a character JSON or a terminal must not see raw.
    private mutating func writeEscaped(_ v: UInt32) {
        switch v {
        case 0x22: out.append([0x5C, 0x22])
        case 0x5C: out.append([0x5C, 0x5C])
        case 0x08: out.append([0x5C, UInt8(ascii: "b")])
        case 0x0C: out.append([0x5C, UInt8(ascii: "f")])
        case 0x0A: out.append([0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append([0x5C, UInt8(ascii: "r")])
        case 0x09: out.append([0x5C, UInt8(ascii: "t")])
        default:
            let hex: StaticString = "0123456789abcdef"
            out.append([0x5C, UInt8(ascii: "u")])
            for shift: UInt32 in [12, 8, 4, 0] { out.append(hex.utf8Start[Int((v >> shift) & 0xF)]) }
        }
    }
}

/// Growable bytes behind one pointer, for the writer's appends of a few bytes each;
/// also bytes kept one after another and read in place by where they start (no array
/// is shared, so reading them takes no reference).
final class ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 1 << 16
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        if count + n > capacity { grow(to: count + n) }
        let target = UnsafeMutableRawPointer(base + count)
        let from = UnsafeRawPointer(source)
        // Most pieces are a few bytes (a key, a digit run): copied as two words that may
        // overlap, not byte by byte or by a call.
        if n >= 8, n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4, n < 8 {
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { target.storeBytes(of: source[i], toByteOffset: i, as: UInt8.self) }
        } else {
            target.copyMemory(from: from, byteCount: n)
        }
        count += n
    }

    /// `n` spaces (an indent), eight at a time: the room made is up to seven bytes
    /// more than needed, written over by what follows.
    @inline(__always)
    func appendSpaces(_ n: Int) {
        guard n > 0 else { return }
        if count + n + 8 > capacity { grow(to: count + n + 8) }
        let target = UnsafeMutableRawPointer(base + count)
        var at = 0
        while at < n {
            target.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: at, as: UInt64.self)
            at += 8
        }
        count += n
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.assumingMemoryBound(to: UInt8.self))
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Keeps `bytes` after those already kept; returns where they start.
    func keep(_ bytes: [UInt8]) -> Int {
        let start = count
        append(bytes)
        return start
    }

    /// The `count` bytes kept from `start`, valid until more are written.
    func bytes(_ start: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(start >= 0 && count >= 0 && start + count <= self.count, "bytes kept")
        return UnsafeBufferPointer(start: base + start, count: count)
    }

    func copy() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes, in place, for as long as `body` runs.
    func withBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) { body(UnsafeBufferPointer(start: base, count: count)) }

    /// Empties the buffer, keeping its memory for what comes next.
    func removeAll() { count = 0 }

    private func grow(to needed: Int) {
        capacity = max(capacity * 2, needed)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
    }
}

/// What one core writes a document's pieces with, batch after batch (`streamElements`):
/// its writer's memory is written over rather than asked of the system again.
class JSONLane: PieceLane, @unchecked Sendable {
    var writer = JSONWriter()

    init() {}

    func handOver(to emit: (UnsafeBufferPointer<UInt8>) -> Void) { writer.handOver(to: emit) }
}
