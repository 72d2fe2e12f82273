// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "quality",
    products: [
        .executable(name: "quality", targets: ["quality"]),
        .library(name: "QualityKit", targets: ["QualityKit"]),
    ],
    targets: [
        // The domain and all logic: catalog, readers, attainment, diff, renderers, the CLI.
        .target(name: "QualityKit"),
        // A few lines that hand argv and the real terminal to QualityKit.
        .executableTarget(name: "quality", dependencies: ["QualityKit"]),
        // Regenerates Sources/QualityKit/Embedded/EmbeddedData+Generated.swift from Data/.
        .executableTarget(name: "embed-data", dependencies: ["QualityKit"], path: "Sources/embed-data"),
        .testTarget(
            name: "QualityKitTests",
            dependencies: ["QualityKit", "quality"],
            exclude: ["Fixtures", "Golden"]
        ),
    ]
)
