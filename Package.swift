// swift-tools-version:6.0
import PackageDescription

/// MLDeck: a terminal MLOps workbench. Targets follow `../shared/DESIGN.md`; arrows only point down:
/// mldeck → (DeckTUI, DeckServe) → DeckEngine → (DeckML, DeckStore, GRDB for MLflow imports) → (DeckInput, CXGBoost, CNCurses, GRDB, Crypto);
/// DeckServe → (Hummingbird, ServiceLifecycle, NIOPosix).
let package = Package(
    name: "MLDeckPackage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mldeck", targets: ["mldeck"]),
        /// The parser entry points the fuzzers in `Fuzz/` drive (`make fuzz`); not part of the tool.
        .library(name: "DeckFuzzTargets", targets: ["DeckFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        /// HTTPTypes' request and response parts in a channel pipeline (``FastRouteHandler``); Hummingbird uses it already.
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CXGBoost", providers: [.apt(["libxgboost-dev"])]),

        /// Reading user-given paths safely (refuses FIFOs, devices, sockets and folders before opening).
        .target(name: "DeckInput"),
        /// The workspace: SQLite schema and migrations, object store, tracking, registries. Knows nothing of ML.
        .target(name: "DeckStore", dependencies: [
            "DeckInput",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        /// Pure computation: tables, CSV, statistics, metrics, the XGBoost wrapper. Knows nothing of storage.
        .target(name: "DeckML", dependencies: ["CXGBoost", "DeckInput"]),
        /// Pipelines, tracked commands, child processes, triggers: joins DeckML and DeckStore.
        .target(name: "DeckEngine", dependencies: [
            "DeckStore", "DeckML", "DeckInput",
            .product(name: "Yams", package: "Yams"),
            /// Reads MLflow's own SQLite stores for `mldeck import mlflow`.
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        /// The dashboard: terminal backend, canvas, widgets, panes, key map, themes.
        .target(name: "DeckTUI", dependencies: ["CNCurses", "DeckEngine", "DeckStore", "DeckML", "DeckInput"]),
        /// HTTP: the prediction endpoint (`mldeck serve`) and the shared HTTP layer (auth, limits, errors, lifecycle).
        .target(name: "DeckServe", dependencies: [
            "DeckEngine", "DeckStore", "DeckML",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        /// The benchmark suites behind `mldeck bench` (figures with targets and reference ratios).
        .target(name: "DeckBench", dependencies: ["DeckStore", "DeckML", "DeckEngine", "DeckTUI"]),
        /// The command line: argument parsing and wiring only.
        .executableTarget(name: "mldeck", dependencies: [
            "DeckStore", "DeckML", "DeckEngine", "DeckTUI", "DeckBench", "DeckInput", "DeckServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        /// One entry point per parser of outside input, shared by the libFuzzer harness (`Fuzz/`) and
        /// the corpus replay test. Uses internal entry points (`@testable`): build it in debug or with
        /// `-enable-testing`.
        .target(name: "DeckFuzzTargets", dependencies: ["DeckML", "DeckStore", "DeckEngine", "DeckTUI", "DeckServe"]),

        // The temporary-workspace helper that the test targets share.
        .target(name: "DeckTestSupport", dependencies: ["DeckStore"], path: "Tests/DeckTestSupport"),
        .testTarget(name: "DeckStoreTests", dependencies: ["DeckStore", "DeckTestSupport"]),
        .testTarget(name: "DeckMLTests", dependencies: ["DeckML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DeckEngineTests", dependencies: ["DeckEngine", "DeckML", "DeckStore", "DeckTestSupport"]),
        .testTarget(name: "DeckTUITests", dependencies: ["DeckTUI", "DeckTestSupport"]),
        .testTarget(name: "DeckServeTests", dependencies: ["DeckServe", "DeckEngine", "DeckStore", "DeckML", "DeckTestSupport"]),
        /// Replays every committed fuzz corpus and crash input (`Fuzz/Corpus`, `Fuzz/Crashes`).
        .testTarget(name: "DeckFuzzTargetsTests", dependencies: ["DeckFuzzTargets"]),
        /// Runs the built `mldeck` binary as a user would (CLI, and the dashboard inside tmux).
        .testTarget(name: "DeckBenchTests", dependencies: ["DeckBench"]),
        .testTarget(name: "EndToEndTests", dependencies: ["DeckStore", "DeckTestSupport"]),
    ]
)
