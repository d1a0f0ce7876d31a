// swift-tools-version:6.1
import PackageDescription

// ExMy: bit-exact emulation of small floating-point formats.
//
// Modules, one job each:
//   ExMy           the format engine: descriptions, the rounding primitive, typed values, batch conversion
//   CExMyKernels   the batch engine's loops in C, written once: a portable instance (any CPU, arm64
//                  NEON) and AVX2/AVX-512 instances by function attribute, chosen by a run-time CPU
//                  check (no compiler flags: ExMy stays usable as a dependency)
//   ExMyBenchmarks the benchmarks: batch conversion against its memory-bandwidth limit (`exmy bench`,
//                  limit kernel in CExMyBenchmarkKernels) and the analyzer's throughput (`exmy bench analyzer`)
//   CMPFR          system-library module over GNU MPFR (libmpfr-dev), with a small C shim
//   MPFRReference  the oracle: correctly rounded reference conversions built only on MPFR
//   ExMyVerification  the cross-check of the engine against the oracle (tests, `exmy check`, fuzzing)
//   TensorIO       .npy and .safetensors readers and writers
//   Capybara       the Capybara floating-point quantization scaling law
//   ExMyAnalysis   block scaling, error metrics, synthetic data, reports
//   ExMyHardware   what hardware designers take away: C/SystemVerilog exports, test vectors,
//                  matrix-unit models
//   ExMyCLI        the `exmy` commands, as a library so tests call them directly
//
// Tests mirror the modules (Tests/<Module>Tests); Tests/ExMyTestSupport holds the helpers they share.
// The engine's tests build without MPFR; ExMyCrossCheckTests and MPFRReferenceTests need the trait.
// docs/architecture.md describes the modules and where a change goes.
//
// Everything builds without MPFR. The oracle (MPFRReference, ExMyVerification) and `exmy check` (the
// MPFR cross-check) are compiled in when the package trait `MPFR` is enabled, which needs libmpfr-dev:
// `swift run --traits MPFR exmy check e4m3fn`; without it those two modules are empty.
let package = Package(
    name: "ExMy",
    products: [
        .library(name: "ExMy", targets: ["ExMy"]),
        .library(name: "ExMyAnalysis", targets: ["ExMyAnalysis", "Capybara", "TensorIO"]),
        .library(name: "ExMyHardware", targets: ["ExMyHardware"]),
        .library(name: "ExMyBenchmarks", targets: ["ExMyBenchmarks"]),
        .library(name: "MPFRReference", targets: ["MPFRReference", "ExMyVerification"]),
        // The CLI as a library, for the in-process CLI fuzzer (Fuzz/, target fuzz-cli).
        .library(name: "ExMyCLI", targets: ["ExMyCLI"]),
        .executable(name: "exmy", targets: ["exmy"]),
    ],
    traits: [
        .trait(name: "MPFR", description: "Build the MPFR oracle (MPFRReference, ExMyVerification) and `exmy check` (needs libmpfr-dev)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CExMyKernels"),
        .target(name: "ExMy", dependencies: ["CExMyKernels"]),
        .target(name: "CExMyBenchmarkKernels", dependencies: ["CExMyKernels"]),
        .target(name: "ExMyBenchmarks", dependencies: ["ExMy", "ExMyAnalysis", "TensorIO", "CExMyKernels", "CExMyBenchmarkKernels"]),
        .systemLibrary(
            name: "CMPFR",
            pkgConfig: "mpfr",
            providers: [.apt(["libmpfr-dev", "libgmp-dev"]), .brew(["mpfr", "gmp"])]
        ),
        // Without the trait, the oracle's modules are empty and CMPFR is not used: a plain `swift build`
        // needs no libmpfr-dev.
        .target(name: "MPFRReference", dependencies: [.target(name: "CMPFR", condition: .when(traits: ["MPFR"]))]),
        .target(name: "ExMyVerification", dependencies: ["ExMy", "MPFRReference"]),
        .target(name: "TensorIO"),
        .target(name: "Capybara"),
        .target(name: "ExMyAnalysis", dependencies: ["ExMy", "TensorIO", "Capybara"]),
        .target(name: "ExMyHardware", dependencies: ["ExMy", "ExMyAnalysis", "CExMyKernels"]),
        .target(
            name: "ExMyCLI",
            dependencies: [
                "ExMy", "ExMyAnalysis", "ExMyHardware", "ExMyBenchmarks", "TensorIO", "Capybara",
                .target(name: "ExMyVerification", condition: .when(traits: ["MPFR"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "exmy", dependencies: ["ExMyCLI"]),
        // The engine's tests need no MPFR; the cross-checks against MPFR (and the oracle's own tests)
        // are built with the MPFR trait: `swift test --traits MPFR`.
        .testTarget(name: "ExMyTests", dependencies: ["ExMy"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ExMyCrossCheckTests",
            dependencies: [
                "ExMy",
                .target(name: "MPFRReference", condition: .when(traits: ["MPFR"])),
                .target(name: "ExMyVerification", condition: .when(traits: ["MPFR"])),
            ]
        ),
        .testTarget(name: "MPFRReferenceTests", dependencies: [.target(name: "MPFRReference", condition: .when(traits: ["MPFR"])), "ExMy"]),
        .testTarget(name: "TensorIOTests", dependencies: ["TensorIO", "ExMy"]),
        .testTarget(name: "CapybaraTests", dependencies: ["Capybara"]),
        .testTarget(name: "ExMyAnalysisTests", dependencies: ["ExMyAnalysis", "ExMy"]),
        .testTarget(
            name: "ExMyHardwareTests",
            dependencies: [
                "ExMyHardware", "ExMy", "ExMyTestSupport",
                .target(name: "MPFRReference", condition: .when(traits: ["MPFR"])),
                .target(name: "ExMyVerification", condition: .when(traits: ["MPFR"])),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ExMyCLITests", dependencies: ["ExMyCLI", "ExMy", "ExMyBenchmarks", "ExMyHardware", "ExMyTestSupport"]),
        // Helpers shared by the test targets (in-process CLI runs, scratch paths, subprocesses, fixtures).
        .target(name: "ExMyTestSupport", dependencies: ["ExMyCLI"], path: "Tests/ExMyTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
