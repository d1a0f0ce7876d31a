// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for ExMy. Build and run with ./run.sh (see README.md).
// Plain `swift build` here builds replay stubs: each executable, given files, runs the check on them.
let package = Package(
    name: "ExMyFuzz",
    products: [
        .executable(name: "fuzz-crosscheck", targets: ["FuzzCrossCheck"]),
        .executable(name: "fuzz-roundtrip", targets: ["FuzzRoundTrip"]),
        .executable(name: "fuzz-parse", targets: ["FuzzParse"]),
        .executable(name: "fuzz-cli", targets: ["FuzzCLI"]),
    ],
    // fuzz-crosscheck needs the MPFR oracle: build it with `--traits MPFR` (run.sh does), which
    // turns on ExMy's trait of the same name; the other targets need no MPFR.
    traits: [
        .trait(name: "MPFR", description: "Build fuzz-crosscheck's MPFR oracle (needs libmpfr-dev)."),
    ],
    dependencies: [
        .package(name: "ExMy", path: "..", traits: [.trait(name: "MPFR", condition: .when(traits: ["MPFR"]))]),
    ],
    targets: [
        // Header-only declaration of LLVMFuzzerRunDriver (the symbol comes from -sanitize=fuzzer).
        .systemLibrary(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: [.product(name: "ExMy", package: "ExMy")]),
        .executableTarget(name: "FuzzCrossCheck", dependencies: [
            "CFuzzerDriver", "FuzzSupport",
            .product(name: "ExMy", package: "ExMy"),
            .product(name: "MPFRReference", package: "ExMy"),
        ]),
        .executableTarget(name: "FuzzRoundTrip", dependencies: [
            "CFuzzerDriver", "FuzzSupport", .product(name: "ExMy", package: "ExMy"),
        ]),
        .executableTarget(name: "FuzzParse", dependencies: [
            "CFuzzerDriver", "FuzzSupport", .product(name: "ExMy", package: "ExMy"),
        ]),
        // The in-process CLI (argument vectors and input files); needs no MPFR.
        .executableTarget(name: "FuzzCLI", dependencies: [
            "CFuzzerDriver", "FuzzSupport", .product(name: "ExMyCLI", package: "ExMy"), .product(name: "ExMy", package: "ExMy"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
