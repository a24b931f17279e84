/// How results are printed: section 5 of LANGUAGE.md.
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, csv, tsv, json, markdown

  public init?(fileExtension ext: String) {
    switch ext.lowercased() {
    case "csv": self = .csv
    case "tsv", "tab": self = .tsv
    case "json": self = .json
    case "md", "markdown": self = .markdown
    default: return nil
    }
  }
}
