/// How a target's condition is written in outputs: "≥ 96%（连续两年）", "≈ 82%（±1）",
/// "≈ 82% (±1)" in English: Chinese text takes full-width brackets.
func conditionText(_ target: Target, _ lang: Language) -> String {
    let unit = unitSuffix(target.unit)
    switch target.comparator {
    case .gt, .ge, .eq:
        var s = "\(target.comparator.symbol) \(target.value?.description ?? "")\(unit)"
        if target.sustained { s += lang.pick("（连续两年）", " (two years running)") }
        return s
    case .approx:
        let tol = target.tolerance?.description ?? "1"
        return "≈ \(target.value?.description ?? "")\(unit)" + lang.pick("（±\(tol)）", " (±\(tol))")
    case .increase: return lang.pick("逐年上升", "rising every year")
    case .decrease: return lang.pick("逐年下降", "falling every year")
    case .categorical: return lang.pick("达标", "met")
    case .none: return lang.pick("定性目标", "qualitative")
    }
}

func unitSuffix(_ unit: String) -> String {
    switch unit {
    case "%": "%"
    case "μg/m³": " μg/m³"
    default: ""
    }
}

/// A figure with its unit: "92.3%", "85.6", "27 μg/m³".
func withUnit(_ figure: Figure, _ unit: String) -> String { figure.description + unitSuffix(unit) }

func targetName(_ target: Target, _ lang: Language) -> String {
    lang == .zh ? target.name : "\(target.name) (\(target.nameEn))"
}

func indicatorName(_ indicator: Indicator, _ lang: Language) -> String {
    lang == .zh ? indicator.name : "\(indicator.name) (\(indicator.nameEn))"
}
