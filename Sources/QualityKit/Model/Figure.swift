/// An exact decimal figure, kept as published: `81.30` keeps both decimals.
///
/// Stored as an integer mantissa and a decimal scale, so comparisons against
/// targets are exact (30.0 is not "over 30%"; 99.9 is not "100%"), which
/// binary floating point cannot promise.
public struct Figure: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The digits without the point: 8130 for `81.30`.
    public let mantissa: Int64
    /// Digits after the point: 2 for `81.30`.
    public let scale: Int

    static let maxScale = 9
    static let maxDigits = 18

    public init(mantissa: Int64, scale: Int) {
        self.mantissa = mantissa
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(mantissa: Int64(integer), scale: 0)
    }

    /// Parses the plain grammar `-?[0-9]+(\.[0-9]+)?` and nothing else.
    /// Returns nil for anything outside it, or for more than 18 digits.
    public init?(_ text: some StringProtocol) {
        var negative = false
        var mantissa: Int64 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        var digitsAfterPoint = 0
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        if index < utf8.endIndex, utf8[index] == UInt8(ascii: "-") {
            negative = true
            index = utf8.index(after: index)
        }
        var digitsBeforePoint = 0
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if digits > Figure.maxDigits { return nil }
                mantissa = mantissa * 10 + Int64(byte - 0x30)
                if seenPoint { digitsAfterPoint += 1 } else { digitsBeforePoint += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            index = utf8.index(after: index)
        }
        if digitsBeforePoint == 0 { return nil }
        if seenPoint, digitsAfterPoint == 0 { return nil }
        scale = digitsAfterPoint
        if scale > Figure.maxScale { return nil }
        self.mantissa = negative ? -mantissa : mantissa
        self.scale = scale
    }

    public var doubleValue: Double {
        Double(mantissa) / Figure.power(scale)
    }

    public var isInteger: Bool { normalized.scale == 0 }

    /// The same number with trailing zeros dropped: 81.30 → 81.3.
    public var normalized: Figure {
        var m = mantissa
        var s = scale
        while s > 0, m % 10 == 0 {
            m /= 10
            s -= 1
        }
        return Figure(mantissa: m, scale: s)
    }

    public var description: String {
        Figure.spell(mantissa.magnitude, negative: mantissa < 0, scale: scale) { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of a decimal as written: its digits with a point `scale` digits from
    /// the right (at least one digit before it), `-` first when negative. Spelled on the
    /// stack, for `description` and for the JSON writer, which copies them straight out.
    static func spell<R>(_ magnitude: UInt64, negative: Bool, scale: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        // 64 bytes: a sign, a point and up to 62 digits.
        precondition(scale >= 0 && scale <= 60, "a figure has 0 to 60 decimal places")
        var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &bytes) { d in
            var start = d.count
            var rest = magnitude
            var count = 0
            while rest > 0 || count <= scale {
                if count == scale, scale > 0 {
                    start -= 1
                    d[start] = UInt8(ascii: ".")
                }
                start -= 1
                d[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            if negative {
                start -= 1
                d[start] = UInt8(ascii: "-")
            }
            return body(UnsafeRawBufferPointer(rebasing: d[start...]))
        }
    }

    static func power(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<n { p *= 10 }
        return p
    }

    /// Both mantissas at the larger scale; nil if that would overflow.
    private static func aligned(_ a: Figure, _ b: Figure) -> (Int64, Int64)? {
        var x = a.mantissa
        var y = b.mantissa
        var sa = a.scale
        var sb = b.scale
        while sa < sb {
            let (r, o) = x.multipliedReportingOverflow(by: 10)
            if o { return nil }
            x = r
            sa += 1
        }
        while sb < sa {
            let (r, o) = y.multipliedReportingOverflow(by: 10)
            if o { return nil }
            y = r
            sb += 1
        }
        return (x, y)
    }

    public static func < (a: Figure, b: Figure) -> Bool {
        if let (x, y) = aligned(a, b) { return x < y }
        return a.doubleValue < b.doubleValue
    }

    /// Numeric equality: 81.30 == 81.3.
    public static func == (a: Figure, b: Figure) -> Bool {
        let x = a.normalized
        let y = b.normalized
        return x.mantissa == y.mantissa && x.scale == y.scale
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.mantissa)
        hasher.combine(n.scale)
    }

    /// Exact sum or difference at the larger scale (nil on overflow).
    public static func - (a: Figure, b: Figure) -> Figure? {
        guard let (x, y) = aligned(a, b) else { return nil }
        let (r, o) = x.subtractingReportingOverflow(y)
        return o ? nil : Figure(mantissa: r, scale: max(a.scale, b.scale))
    }

    public static func + (a: Figure, b: Figure) -> Figure? {
        guard let (x, y) = aligned(a, b) else { return nil }
        let (r, o) = x.addingReportingOverflow(y)
        return o ? nil : Figure(mantissa: r, scale: max(a.scale, b.scale))
    }

    public var magnitude: Figure { Figure(mantissa: mantissa < 0 ? -mantissa : mantissa, scale: scale) }
}

/// The one rounding rule for derived numbers (rates, projections, ratios):
/// round half away from zero to `places` decimals, then print without
/// exponent. Published figures are never rounded; they print as `Figure`.
public func formatDerived(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
    let factor = Figure.power(places)
    let scaled = (abs(value) * factor).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9.0e17 else { return String(value) }
    let m = Int64(scaled) * (value < 0 && scaled != 0 ? -1 : 1)
    return Figure(mantissa: m, scale: places).description
}
