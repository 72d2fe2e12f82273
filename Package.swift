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
        // Release builds skip run-time exclusivity checks in the byte loops (20% of a panel
        // check, measured with callgrind); debug builds and the tests keep them.
        .target(
            name: "QualityKit",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
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
