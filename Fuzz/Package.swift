// swift-tools-version:6.0
import Foundation
import PackageDescription

/// libFuzzer harnesses for MLDeck's parsers of outside input. Built and run only by `make fuzz`
/// (`swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`); `make test`
/// replays the committed corpora instead (DeckFuzzTargetsTests).
///
/// The main package is a path dependency; its identity is its folder's name, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "MLDeckFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "MLDeckFuzz", dependencies: [
            .product(name: "DeckFuzzTargets", package: root.lastPathComponent.lowercased()),
        ]),
    ]
)
