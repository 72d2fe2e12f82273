import Foundation
import QualityKit

// Regenerates Sources/QualityKit/Embedded/EmbeddedData+Generated.swift from Data/.
// Run from the package root: swift run embed-data
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
var files: [(path: String, contents: String)] = []
for folder in EmbeddedDataGenerator.folders {
    let dir = root.appendingPathComponent("Data").appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    for name in names.sorted() where name.hasSuffix(".json") || name.hasSuffix(".csv") {
        let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        files.append((path: "\(folder)/\(name)", contents: text))
    }
}
let output = root.appendingPathComponent("Sources/QualityKit/Embedded/EmbeddedData+Generated.swift")
try EmbeddedDataGenerator.source(files: files).write(to: output, atomically: true, encoding: .utf8)
print("wrote \(output.path) (\(files.count) files)")
