// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "iq",
  products: [
    .executable(name: "iq", targets: ["iq"]),
    .library(name: "IntegrationQuery", targets: ["IntegrationQuery"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // The C boundary to libedit: a module map and a shim header, nothing else.
    .systemLibrary(
      name: "CLibEdit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    // The built-in dataset as C byte arrays: clang compiles megabytes of
    // string literal in well under a second, where a Swift literal of the
    // same size slows every clean build (see ARCHITECTURE.md).
    .target(name: "CIQData", exclude: ["tables"]),
    // Everything testable without a terminal.
    .target(
      name: "IntegrationQuery",
      dependencies: ["CIQData"]
    ),
    // Thin executable: argument parsing and the libedit line editor.
    .executableTarget(
      name: "iq",
      dependencies: [
        "IntegrationQuery",
        "CLibEdit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Writes Sources/CIQData/tables from the raw files in Data/.
    .executableTarget(name: "build-dataset", dependencies: ["IntegrationQuery"]),
    .testTarget(
      name: "IntegrationQueryTests",
      dependencies: ["IntegrationQuery"],
      exclude: ["Golden"]
    ),
  ],
  swiftLanguageModes: [.v5]
)
