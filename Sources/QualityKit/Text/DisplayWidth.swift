/// Terminal columns a string takes: East Asian Wide and Fullwidth characters
/// take two, combining marks and zero-width characters none.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    for scalar in text.unicodeScalars {
        width += scalarWidth(scalar)
    }
    return width
}

func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    if v < 0x300 { return 1 }
    // Ideographs and Hangul syllables, most of what a report holds, are letters: wide,
    // with no need to look their category up.
    if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xAC00...0xD7A3).contains(v) { return 2 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B { return 0 }
    if isWide(v) { return 2 }
    return 1
}

private func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
        0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
        0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
        0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return true
    default:
        return false
    }
}

/// Breaks text into lines of at most `width` display columns, at spaces where
/// there are any and between CJK characters anywhere; nothing is cut off. Closing
/// punctuation (，。、：；）》 and the like) never begins a line and an opening bracket
/// never ends one: the character before goes down with it instead.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0, displayWidth(text) > width else { return [text] }
    let units = characterUnits(text)
    func piece(_ from: Int, _ to: Int, trimmed: Bool) -> String {
        var to = to
        if trimmed { while to > from, units[to - 1].isSpace { to -= 1 } }
        guard to > from else { return "" }
        return String(text[(from == 0 ? text.startIndex : units[from - 1].end)..<units[to - 1].end])
    }
    var lines: [String] = []
    // The line being filled is units[start..<i]; a break may come before units[lastBreak].
    var start = 0
    var lineWidth = 0
    var lastBreak: Int?
    for (i, unit) in units.enumerated() {
        // Twice at most: the text carried down from a break may leave no room for this
        // character either, and then the line breaks again right before it.
        var broke = false
        while lineWidth + unit.width > width, i > start {
            broke = true
            if !unit.isSpace, let cut = lastBreak, cut < i {
                lines.append(piece(start, cut, trimmed: true))
                start = cut
                lineWidth = units[cut..<i].reduce(0) { $0 + $1.width }
            } else {
                lines.append(piece(start, i, trimmed: true))
                start = i
                lineWidth = 0
            }
            lastBreak = nil
        }
        // A space at a break is dropped.
        if broke, unit.isSpace {
            start = i + 1
            continue
        }
        lineWidth += unit.width
        // A line may end after a space or a wide character, but not after an opening bracket
        // or quote, nor just before closing punctuation (GB/T 15834's line rules).
        if unit.isSpace || (unit.width == 2 && !unit.mayNotEndLine), i + 1 == units.count || !units[i + 1].mayNotStartLine {
            lastBreak = i + 1
        }
    }
    if start < units.count { lines.append(piece(start, units.count, trimmed: false)) }
    return lines
}

/// One character of text being wrapped.
struct WrapUnit {
    /// Where the character ends in the text.
    let end: String.Index
    let width: Int
    let isSpace: Bool
    /// Closing punctuation: a line may not begin with it.
    let mayNotStartLine: Bool
    /// An opening bracket or quote: a line may not end with it.
    let mayNotEndLine: Bool

    /// `scalar` is the character's first; a space with a mark on it is no space.
    init(end: String.Index, width: Int, isSpace: Bool, first scalar: Unicode.Scalar) {
        self.end = end
        self.width = width
        self.isSpace = isSpace
        mayNotStartLine = closesText(scalar.value)
        mayNotEndLine = opensText(scalar.value)
    }
}

/// The characters of `text`, each with where it ends, its width, whether it is a space and
/// where it may stand in a line. Text whose every scalar stands alone (nearly all a report
/// holds) is taken a scalar at a time; anything else goes through Swift's grapheme breaking.
func characterUnits(_ text: String) -> [WrapUnit] {
    var units: [WrapUnit] = []
    let scalars = text.unicodeScalars
    if scalars.allSatisfy({ standsAlone($0.value) }) {
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let scalar = scalars[i]
            i = scalars.index(after: i)
            units.append(WrapUnit(end: i, width: scalarWidth(scalar), isSpace: scalar == " ", first: scalar))
        }
    } else {
        var i = text.startIndex
        while i < text.endIndex {
            let character = text[i]
            i = text.index(after: i)
            units.append(WrapUnit(end: i, width: character.unicodeScalars.reduce(0) { $0 + scalarWidth($1) }, isSpace: character == " ", first: character.unicodeScalars.first!))
        }
    }
    return units
}

/// Punctuation that closes what comes before it: stops, commas, colons, closing brackets
/// and quotes, ellipses, percent signs. GB/T 15834 keeps them off the start of a line.
func closesText(_ v: UInt32) -> Bool {
    switch v {
    case 0x21, 0x25, 0x29, 0x2C, 0x2E, 0x3A, 0x3B, 0x3F, 0x5D, 0x7D,  // ! % ) , . : ; ? ] }
        0x2019, 0x201D, 0x2025, 0x2026, 0x2030,                     // ’ ” ‥ … ‰
        0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0x301E, 0x301F,  // 、。〉》」』】〕〗〙〛〞〟
        0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF60:  // ！％），．：；？］｝｠
        return true
    default:
        return false
    }
}

/// Brackets and quotes that open what follows them; GB/T 15834 keeps them off the end of a line.
func opensText(_ v: UInt32) -> Bool {
    switch v {
    case 0x28, 0x5B, 0x7B,                                          // ( [ {
        0x2018, 0x201C,                                             // ‘ “
        0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D,  // 〈《「『【〔〖〘〚〝
        0xFF08, 0xFF3B, 0xFF5B, 0xFF5F:                             // （［｛｟
        return true
    default:
        return false
    }
}

/// Whether a scalar is a character of its own wherever it stands: it never joins the
/// one before or after it (no combining mark, joiner, jamo, regional indicator,
/// prepended sign or control). A test holds every one of them to Swift's grapheme breaking.
func standsAlone(_ v: UInt32) -> Bool {
    switch v {
    case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x2FF, 0x2010...0x2027, 0x2030...0x205E, 0x2070...0x20BF, 0x2100...0x23FF,
        0x2460...0x27BF, 0x3000...0x3029, 0x3030...0x303F, 0x3041...0x3096, 0x309B...0x30FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xFF01...0xFF60, 0xFFE0...0xFFE6:
        return true
    default:
        return false
    }
}
