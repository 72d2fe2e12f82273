/// A provincial-level division (or the nation) by its GB/T 2260 code.
public struct Region: Sendable, Hashable, Codable {
    /// GB/T 2260 code: 360000 for 江西省, 100000 for the nation.
    public let code: Int
    /// ASCII slug used on the command line: `jiangxi`, `neimenggu`, `national`.
    public let slug: String
    /// Full Chinese name: 江西省.
    public let name: String
    /// Short Chinese name: 江西.
    public let shortName: String
    public let nameEn: String

    public static let nationalCode = 100000

    public var isNational: Bool { code == Region.nationalCode }
}

/// Where a measurement belongs: a province, the nation, or any prefecture or
/// county under a province, given by its 6-digit GB/T 2260 code.
public struct RegionCode: Sendable, Hashable, Comparable {
    public let code: Int

    public init(_ code: Int) { self.code = code }

    /// The province that owns this code (360102 → 360000); the nation stays national.
    public var provinceCode: Int {
        code == Region.nationalCode ? code : (code / 10000) * 10000
    }

    public var isProvinceLevel: Bool { code % 10000 == 0 }

    public static func < (a: RegionCode, b: RegionCode) -> Bool { a.code < b.code }
}
