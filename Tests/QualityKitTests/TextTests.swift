import Testing

@testable import QualityKit

@Suite struct FigureTests {
    @Test(arguments: [
        ("96", 96, 0), ("96.5", 965, 1), ("81.30", 8130, 2), ("-0.1", -1, 1), ("0", 0, 0), ("100", 100, 0),
    ])
    func parsesThePlainGrammar(_ text: String, _ mantissa: Int64, _ scale: Int) throws {
        let f = try #require(Figure(text))
        #expect(f.mantissa == mantissa && f.scale == scale)
        #expect(f.description == text)
    }

    @Test(arguments: ["", "-", ".5", "5.", "1,5", "75%", "0x10", "1e3", "nan", "inf", " 1", "1 ", "1_000", "+1", "1.2.3", "１", "1234567890123456789"])
    func rejectsEverythingElse(_ text: String) {
        #expect(Figure(text) == nil)
    }

    @Test func comparesExactly() throws {
        #expect(Figure("30.0")! == Figure("30")!)
        #expect(!(Figure("30.0")! > Figure("30")!))
        #expect(Figure("99.9")! < Figure("100")!)
        #expect(Figure("81.2")! < Figure("81.21")!)
        #expect(Figure("-2.7")! < Figure("-0.1")!)
        #expect((Figure("92.3")! - Figure("89.8")!)?.description == "2.5")
        #expect(Set([Figure("81.30")!, Figure("81.3")!]).count == 1)
    }

    @Test(arguments: [(0.35, 1, "0.4"), (2.675, 2, "2.68"), (-0.05, 1, "-0.1"), (1.0 / 3.0, 4, "0.3333"), (0.0, 2, "0.00")])
    func derivedNumbersRoundHalfAwayFromZero(_ value: Double, _ places: Int, _ expected: String) {
        #expect(formatDerived(value, places: places) == expected)
    }
}

@Suite struct DisplayTextTests {
    @Test func cjkTakesTwoColumns() {
        #expect(displayWidth("质量") == 4)
        #expect(displayWidth("ab") == 2)
        #expect(displayWidth("达标 5 · 未达标 2") == 17)
        #expect(displayWidth("（含县城）") == 10)
        #expect(displayWidth("Ⅰ-Ⅲ") == 3)
        #expect(padRight("质量", to: 6) == "质量  ")
        #expect(padLeft("9", to: 3) == "  9")
    }

    @Test func wrapsWithoutCuttingText() {
        let lines = wrap("城市（含县城）空气质量达到国家二级标准", width: 10)
        #expect(lines == ["城市（含县", "城）空气质", "量达到国家", "二级标准"])
        #expect(lines.joined() == "城市（含县城）空气质量达到国家二级标准")
        #expect(wrap("Share of monitored main-river sections", width: 16) == ["Share of", "monitored", "main-river", "sections"])
        #expect(wrap("short", width: 10) == ["short"])
    }

    @Test func controlCharactersAreEscaped() {
        #expect(escapingControls("a\u{1B}[31mb") == "a\\u{1B}[31mb")
        #expect(escapingControls("bell\u{07}") == "bell\\u{7}")
        #expect(escapingControls("c1\u{9B}x") == "c1\\u{9B}x")
        #expect(escapingControls("line\nbreak") == "line\\u{A}break")
        #expect(escapingControls("正常文本") == "正常文本")
    }

    @Test func suggestionsAreCloseOnly() {
        #expect(closestMatch(to: "--provnce", among: ["--province", "--plan", "--year"]) == "--province")
        #expect(closestMatch(to: "jiangxii", among: ["jiangxi", "jiangsu"]) == "jiangxi")
        #expect(closestMatch(to: "zzzzzz", among: ["jiangxi", "jiangsu"]) == nil)
    }
}
