import Foundation

/// The form two keys are compared in: NFKC (full-width letters, Ⅰ/I and
/// ideographic spaces fold), lower case, and no white space at all.
/// "主要河流监测断面Ⅰ-Ⅲ类水质比重" and "主要河流监测断面 I-III 类水质比重" match.
public func normalizedKey(_ text: String) -> String {
    isCompatibilityStable(text) ? foldedStable(text) : foldedCaseAndSpace(text.precomposedStringWithCompatibilityMapping)
}

/// Lower case, every white-space character dropped.
func foldedCaseAndSpace(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.lowercased().unicodeScalars where !scalar.properties.isWhitespace {
        out.append(scalar)
    }
    return String(out)
}

/// `foldedCaseAndSpace` for text of ASCII and CJK unified ideographs, byte by byte:
/// an ideograph has no case and is no space, so only ASCII letters and spaces change.
/// The general path asks Unicode's tables of every character, hundreds of instructions each.
func foldedStable(_ text: String) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        switch byte {
        case 0x09...0x0D, 0x20: continue
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 0x20)
        default: bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// True when NFKC leaves the text as it is because every character is ASCII or a
/// CJK unified ideograph (U+4E00–U+9FFF): neither has a decomposition, and nothing
/// composes with them. Most catalog names and file spellings are such text, and
/// Foundation's NFKC costs tens of thousands of instructions a string.
func isCompatibilityStable(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0.value < 0x80 || (0x4E00...0x9FFF).contains($0.value) }
}

/// The closest candidate by edit distance, if it is close enough to be a
/// plausible typo; used for "did you mean" in every usage and data error.
public func closestMatch(to input: String, among candidates: [String]) -> String? {
    let needle = Array(normalizedKey(input).unicodeScalars)
    guard !needle.isEmpty else { return nil }
    var best: (String, Int)?
    for candidate in candidates {
        let hay = Array(normalizedKey(candidate).unicodeScalars)
        let d = editDistance(needle, hay)
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (match, distance) = best else { return nil }
    let limit = max(1, min(needle.count, 12) / 3)
    return distance <= limit ? match : nil
}

func editDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
