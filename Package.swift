// swift-tools-version:6.1
import PackageDescription

// One target per stage (ARCHITECTURE.md has the table). Each depends only on
// the stages before it, so an import the wrong way is a compile error:
//
//   IQCore ← IQSyntax ─┬─ IQPlan ← IQEngine ← IQOutput ─┐
//   IQCore ← IQBuiltins ┘    ↑         ↑ ↑               ├─ IntegrationQuery ← iq
//                          IQSQL      │ IQDataset ───────┘
//                          IQSQL ← IQRemote (PostgreSQL, Spark) ───┘
//   IQCore ← IQWorkbook ──────────────┘ (and IntegrationQuery, which saves workbooks)
let package = Package(
  name: "iq",
  products: [
    .executable(name: "iq", targets: ["iq"]),
    .library(name: "IntegrationQuery", targets: ["IntegrationQuery"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
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
    // libxml2's streaming (SAX2 push) parser, for the parts of a workbook.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    // PostgreSQL's client library, for --engine postgresql://.
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),
    // What glibc has that Swift's Glibc module does not export (malloc_trim,
    // memmem), and libxml2's error handler that prints nothing (a variadic C function).
    .target(name: "CIQSystem"),

    // Spans, source files, diagnostics; values, money, dates; columns and
    // tables; cancellation. Everything the stages pass between them.
    .target(name: "IQCore"),
    // Text → tokens → AST.
    .target(name: "IQSyntax", dependencies: ["IQCore"]),
    // The builtin functions, each declared once: name, typing, kernel, SQL, help.
    .target(name: "IQBuiltins", dependencies: ["IQCore", "CIQSystem"]),
    // Excel workbooks (.xlsx) ↔ tables: the zip container, each part's XML
    // streamed, cells to typed columns; and a table written as a workbook.
    .target(
      name: "IQWorkbook",
      dependencies: ["IQCore", "CLibXML2", "CIQSystem", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
    ),
    // AST → plan: the catalog, the resolver.
    .target(name: "IQPlan", dependencies: ["IQSyntax", "IQBuiltins"]),
    // Plan → table: the executor, kernels, grouping, sorting, the CSV reader.
    .target(name: "IQEngine", dependencies: ["IQPlan", "IQWorkbook", "CIQSystem"]),
    // Plan → SQL.
    .target(name: "IQSQL", dependencies: ["IQPlan"]),
    // SQL engines iq runs a translated query on: PostgreSQL (libpq) and Spark (spark-sql).
    .target(name: "IQRemote", dependencies: ["IQSQL", "CLibPQ"]),
    // Table → text: output formats and charts.
    .target(name: "IQOutput", dependencies: ["IQEngine"]),
    // The built-in tables, and the converter that writes them from Data/.
    .target(name: "IQDataset", dependencies: ["IQEngine", "CIQData"]),
    // The session: statements, dot-commands, help, the tutorial, explain,
    // completion. Everything testable without a terminal.
    .target(
      name: "IntegrationQuery",
      dependencies: ["IQOutput", "IQSQL", "IQRemote", "IQDataset", "IQBuiltins", "IQWorkbook"]
    ),
    // Thin executable: argument parsing, the libedit line editor, the process's exit.
    .executableTarget(
      name: "iq",
      dependencies: [
        "IntegrationQuery",
        "CLibEdit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // One XCTest per golden script, listed at build time (Plugins/GoldenCases).
    .executableTarget(name: "golden-cases"),
    .plugin(name: "GoldenCases", capability: .buildTool(), dependencies: ["golden-cases"]),
    // Writes Sources/CIQData/tables from the raw files in Data/.
    .executableTarget(name: "build-dataset", dependencies: ["IQDataset"]),
    .testTarget(
      name: "IntegrationQueryTests",
      dependencies: ["IntegrationQuery", "IQWorkbook"],
      exclude: ["Golden", "Plans", "Builtins"],
      plugins: ["GoldenCases"]
    ),
  ],
  swiftLanguageModes: [.v5]
)
