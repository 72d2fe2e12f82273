import Foundation
import Testing

@testable import QualityKit

@Suite struct TargetsCommandTests {
    @Test func jsonKeepsTheInterfaceKeys() throws {
        let result = runQuality(["targets", "--format", "json"])
        #expect(result.status == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let plans = try #require(object["plans"] as? [[String: Any]])
        #expect(plans.map { $0["id"] as? String } == ["national-2011", "jiangxi-2011", "national-2023"])
        for key in ["id", "title", "issuer", "document", "date"] { #expect(plans[0][key] != nil) }
        let targets = try #require(object["targets"] as? [[String: Any]])
        #expect(targets.count == Catalog.embedded.targets.count)
        for key in ["id", "plan", "indicator", "name", "nameEn", "year", "kind", "comparator", "value", "unit", "sustained", "tolerance", "text", "citation", "scope"] {
            #expect(targets.allSatisfy { $0.keys.contains(key) }, "key \(key)")
        }
        let spot = try #require(targets.first { $0["id"] as? String == "national-2011-spot-check-pass-2015" })
        #expect(spot["value"] as? Int == 90)
        #expect(spot["comparator"] as? String == "ge")
        #expect(spot["sustained"] as? Bool == true)
        #expect(spot["text"] as? String == "产品质量国家监督抽查合格率稳定在90%以上")
        let river = try #require(targets.first { $0["id"] as? String == "jiangxi-2011-river-sections-2015" })
        #expect(river["tolerance"] as? Int == 1)
        #expect(river["comparator"] as? String == "approx")
    }

    @Test func provinceFilterAddsScope() throws {
        let result = runQuality(["targets", "--province", "内蒙古", "--year", "2015", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let targets = try #require(object["targets"] as? [[String: Any]])
        #expect(!targets.isEmpty)
        #expect(targets.allSatisfy { $0["scope"] as? String == "adopted" && $0["plan"] as? String == "national-2011" })
    }

    @Test func markdownIsGolden() {
        let result = runQuality(["targets", "--province", "jiangxi", "--year", "2015", "--format", "markdown", "--lang", "zh"])
        expectGolden(result.stdout, "targets-jiangxi-2015.md")
    }

    @Test func tableIsGolden() {
        let result = runQuality(["targets", "--plan", "national-2023", "--lang", "zh"], environment: ["COLUMNS": "100"])
        expectGolden(result.stdout, "targets-national-2023.txt")
    }

    @Test func csvStartsWithBOMAndHasOneRowPerTarget() {
        let result = runQuality(["targets", "--plan", "national-2011", "--format", "csv"])
        #expect(result.stdout.hasPrefix("\u{FEFF}id,plan,indicator,"))
        #expect(result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 49)
    }

    @Test func unknownOptionIsAUsageErrorWithASuggestion() {
        let result = runQuality(["targets", "--provnce", "jiangxi"])
        #expect(result.status == .failure)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            quality: error: unknown option '--provnce'; did you mean '--province'?
            Usage: quality targets [--province R] [--plan P] [--year Y] [--format table|json|markdown|csv] [--lang zh|en]
            See 'quality help targets'.

            """)
    }

    @Test func unknownProvinceAndCommandSuggest() {
        #expect(runQuality(["targets", "--province", "jiangxii"]).stderr.hasPrefix("quality: error: unknown province 'jiangxii'; did you mean 'jiangxi'?\n"))
        let command = runQuality(["tagrets"])
        #expect(command.status == .failure)
        #expect(command.stderr == "quality: error: unknown command 'tagrets'; did you mean 'targets'?\nSee 'quality --help'.\n")
        #expect(runQuality(["targets", "--format", "jsn"]).stderr.hasPrefix("quality: error: invalid value 'jsn' for --format; expected one of table, json, markdown, csv; did you mean 'json'?\n"))
        #expect(runQuality(["targets", "--year", "1900"]).status == .failure)
    }

    @Test func helpAndVersion() {
        #expect(runQuality(["--version"]).stdout == "quality \(QualityCLI.version)\n")
        let help = runQuality(["help", "targets"])
        #expect(help.status == .success)
        #expect(help.stdout.contains("Usage: quality targets"))
        #expect(help.stdout.contains("Examples:"))
        #expect(runQuality(["targets", "--help"]).stdout == help.stdout)
        #expect(runQuality(["--help"]).stdout.contains("Exit codes"))
    }
}

@Suite struct InstalledBinaryTests {
    /// The binary carries its catalog and data: copied to an empty folder, run from there, it works.
    @Test func worksCopiedElsewhere() throws {
        let products = Bundle.main.bundleURL
        let built = [products.appendingPathComponent("quality"), repositoryRoot.appendingPathComponent(".build/debug/quality")]
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let binary = try #require(built, "the quality executable is built before the tests")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-install-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("quality")
        try FileManager.default.copyItem(at: binary, to: copy)
        func run(_ args: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = copy
            process.arguments = args
            process.currentDirectoryURL = dir
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let (status, json) = try run(["report", "--province", "jiangxi", "--format", "json", "--lang", "en"])
        #expect(status == 0)
        #expect(json.contains("\"targetId\" : \"jiangxi-2011-forest-coverage-2015\""))
        let (targetsStatus, targets) = try run(["targets", "--format", "csv"])
        #expect(targetsStatus == 0)
        #expect(targets.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == Catalog.embedded.targets.count + 1)
    }
}
