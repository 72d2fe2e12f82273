/// The plans' areas, in the order reports show them.
public enum Area: String, Sendable, Codable, CaseIterable {
    case general, economy, product, engineering, service, environment

    public var zh: String {
        switch self {
        case .general: "总体目标"
        case .economy: "经济质量效益"
        case .product: "产品质量"
        case .engineering: "工程质量"
        case .service: "服务质量"
        case .environment: "环境质量"
        }
    }

    public var en: String {
        switch self {
        case .general: "Overall goals"
        case .economy: "Economic quality and returns"
        case .product: "Product quality"
        case .engineering: "Engineering quality"
        case .service: "Service quality"
        case .environment: "Environmental quality"
        }
    }
}

/// A measure (指标) that targets are set on, or that a publisher releases.
public struct Indicator: Sendable, Hashable, Codable {
    public struct Link: Sendable, Hashable, Codable {
        public let indicator: String
        /// `beside`, `counterpart`, `successor`, `predecessor`.
        public let relation: String
    }

    /// A published measure that is not the plan's own: shown beside the plan's
    /// indicator as context, never converted into it.
    public struct Context: Sendable, Hashable, Codable {
        public let indicator: String
        /// `renamed`, `rescoped`, `related`, or `change` (a year-on-year change of the level).
        public let relation: String
        public let zh: String
        public let en: String
    }

    public let id: String
    public let area: Area
    /// `%`, `score`, `index`, `count`, `μg/m³`, or empty for categorical measures.
    public let unit: String
    public let name: String
    public let nameEn: String
    public let aliases: [String]?
    /// Inclusive valid range, where the unit alone does not fix it.
    public let scale: [Double]?
    public let related: [Link]?
    public let contextFor: Context?
    public let note: String?

    public var isCategorical: Bool { unit.isEmpty && contextFor == nil && id != "gdp_energy_consumption" }

    /// The valid range of a value of this indicator.
    public var validRange: ClosedRange<Double>? {
        if let scale, scale.count == 2 { return scale[0]...scale[1] }
        switch unit {
        case "%": return 0...100
        case "score": return 0...100
        case "count": return 0...Double.greatestFiniteMagnitude
        case "μg/m³": return 0...Double.greatestFiniteMagnitude
        default: return nil
        }
    }
}
