import IQBuiltins
import IQCore
import IQEngine

extension Help {
  static func t(_ name: String, _ syntax: String, _ text: String, _ example: String? = nil) -> Topic {
    Topic(name: name, syntax: syntax, text: text, example: example)
  }

  static let verbTopics: [Topic] = [
    t(
      "from", "from TABLE  ·  from \"file.csv\"",
      "Starts a pipeline from a built-in table, a table you named with let, or a CSV file (types are inferred).",
      "from areas | take 3"),
    t(
      "where", "where CONDITION",
      "Keeps the rows where the condition is true; a null condition counts as false. Compare with ==, !=, <, <=, >, >=, and join conditions with and, or, not.",
      "from areas | where region == \"North East\" and kind == \"unitary\" | take 4"),
    t(
      "derive", "derive name = EXPR, ... [by key, ...]",
      "Adds columns, or replaces one of the same name. Later names may use earlier ones. An aggregate inside derive is worked out over all rows, or each by group, and repeated on every row; window functions follow the current order.",
      "from england | where fy == \"2015-16\" | derive share = social_care / total | select month, total, share | take 3"
    ),
    t(
      "select", "select col, name = EXPR, ...",
      "Keeps only these columns, in this order; name = EXPR computes a new one.",
      "from areas | select name, region | take 3"),
    t("drop", "drop col, ...", "Removes columns.", "from england | drop nhs, social_care, both | take 3"),
    t("rename", "rename new = old, ...", "Renames columns.", "from areas | rename council = name | take 3"),
    t(
      "summarize", "summarize name = AGG, ... [by key, ...]",
      "One row per group (or a single row without by): the by columns, then the aggregates, sorted by the by columns.",
      "from delayed_days | where fy == \"2015-16\" | join areas on area | summarize days = sum(total) by region"),
    t(
      "sort", "sort EXPR [asc|desc], ...",
      "Sorts the rows, keeping the order of ties. Nulls go last both ways.",
      "from england | where fy == \"2016-17\" | sort total desc | take 3"),
    t("take", "take N", "Keeps the first N rows.", "from areas | take 2"),
    t(
      "top", "top N by EXPR [asc|desc]",
      "The N rows with the largest values (desc is the default): sort EXPR desc | take N.",
      "from delayed_days | where fy == \"2015-16\" | summarize days = sum(total) by area | top 3 by days"),
    t(
      "join", "join [left] [many] TABLE on col, ...  ·  join [left] [many] TABLE on a == b",
      "Adds the columns of another table to each row with matching keys. An inner join drops rows that match nothing; a left join keeps them with nulls. Clashing names get the table's name as prefix (areas.name). A row that matches several rows is repeated once for each, so a sum after the join counts it several times: iq warns with the numbers unless you write 'join many', which says the repeat is intended.",
      "from delayed_days | where month == @2015-04 | join areas on area | select name, region, total | take 3"),
    t(
      "distinct", "distinct [col, ...]",
      "Unique rows, or the unique values of the columns, in order of first appearance.",
      "from areas | distinct region"),
    t(
      "count", "count", "The number of rows: summarize n = count().", "from areas | where region == \"London\" | count"),
    t(
      "append", "append TABLE", "Puts the rows of another table below, matching columns by name.",
      "from care_home_admissions | take 1 | append care_home_admissions | count"),
    t(
      "save", "save \"file.csv\"",
      "Writes the result to a file (.csv, .tsv, .json or .md) and still prints it. The file is replaced whole, never left half written."
    ),
    t(
      "chart", "chart bar LABEL, VALUE · chart line X, Y [by SERIES] · chart spc X, Y  [to \"file.svg\"]",
      "The last step of a pipeline: draws the result in the terminal, and with to \"file.svg\" also as an SVG for a report. bar draws horizontal bars, diverging around zero when there are negatives; line draws a line over time, one per series with by; spc draws an XmR chart as NHS England's Making Data Count does: the mean, process limits at the mean ± 2.66 × the mean moving range, and special causes marked on the points: L beyond a limit, 2 two of three near a limit, S a shift of 7 on one side of the mean, T a trend of 7 rising or falling (the defaults of NHSRplotthedots).",
      "from delayed_days | where fy == \"2015-16\" | join areas on area | summarize days = sum(total) by region | chart bar region, days"
    ),
    t(
      "let", "let name = PIPELINE  ·  let name = EXPR",
      "Names a result for later 'from name', or a value for later expressions. --set name=VALUE on the command line overrides a script's let.",
      nil),
  ]

  /// Each function's, aggregate's and window's help is declared with it (IQBuiltins).
  static let functionTopics: [Topic] =
    Builtin.functions.map { t($0.name, $0.usage, $0.summary, $0.example) }
    + (Aggregate.allCases.compactMap(\.help) + Window.allCases.compactMap(\.help)).map {
      t($0.topic, $0.usage, $0.summary, $0.example)
    }

  static let generalTopics: [Topic] = [
    t(
      "money", "£311m · £5.3bn · £1_611.40 · GBP 311m",
      "Money is exact to the penny. money ± money is money; money × or ÷ a number is money rounded to the penny (halves away from zero); money ÷ money is a plain number. Adding a plain number to money is an error: write £3, or money(3).",
      "from bcf | select per_day = dtoc_cost_vs_plan / (dtoc_actual_change - dtoc_planned_change)"),
    t(
      "percent", "90% · 3.07%", "A percentage is a number: 90% is 0.9. There is no modulo operator; use mod(a, b).",
      "from bcf | select agreed = joint_working_agree, above_80 = joint_working_agree > 80%"),
    t(
      "dates", "@2015-04-01 · @2015-04",
      "A date literal starts with @; @2015-04 is the first of the month. fy(d) gives the UK financial year; date ± int adds days.",
      "from england | where month >= @2016-01 and month < @2016-04 | select month, total"),
    t(
      "types", "bool int number money text date",
      "int ÷ int gives a number; int with number gives a number. Text compares by code point. Integer overflow is an error; division by zero gives null and a warning with the count of rows.",
      nil),
    t(
      "null", "null",
      "A missing value. Arithmetic and comparisons with null give null; and/or use three-valued logic; aggregates skip nulls; count() counts rows. Find missing values with is_null(x): x == null is an error, since it would never be true.",
      "from delay_reasons | where is_null(days) | count"),
    t(
      "scripts", "iq report.iq · iq -c '…' · --set name=VALUE",
      "A script is statements one after another: pipelines, lets and dot-commands; a pipeline may run over several lines when the next line starts with |. ';' also ends a statement. A script stops at its first error. --set gives a value to a script's 'let': --set year=2016-17 (text unless it is an iq literal such as 12, £2.5m or @2015-04); naming a value no script has is an error, as is a 'let' named like a column it is compared with.",
      nil),
    t(
      "habits", "coming from SQL, PRQL, dplyr or pandas",
      "WHERE / filter → where · SELECT a, b → select a, b · SELECT * → (no step: every column is kept) · GROUP BY r with SUM(x) → summarize s = sum(x) by r · ORDER BY x DESC → sort x desc · LIMIT 10 / head → take 10 · COUNT(*) → count() · COUNT(DISTINCT x) → count_distinct(x) · x IS NULL → is_null(x) · x <> y → x != y · x LIKE '%a%' → contains(x, \"a\") · x BETWEEN a AND b → x >= a and x <= b · JOIN … USING (k) → join T on k · LEFT JOIN → join left · CASE WHEN → if(c, a, b). Written the other way, each gets an error that shows the line in iq.",
      "from areas | where region != \"London\" | summarize n = count() by region | sort n desc | take 3"),
    t(
      "files",
      "from \"export.csv\" [with skip = 2, header = 1, delimiter = \";\", nulls = (\"n/k\"), types = (code: text)]",
      "iq reads .csv, .tsv and .txt files as Excel and NHS systems export them (cat f.csv | iq -c 'from stdin | …' reads a pipe). Found from the first lines: the delimiter (, ; tab |; a .tsv is tab), the title rows above the header (one filled cell each) and the header, the first row of labels as wide as the table. Blank lines are skipped; notes under the table (one filled cell after a blank line, e.g. Source: NHS England) are left out, with a warning. Each column gets one type. Numbers: 1,234 · (1,234.56) is negative · +5 · spaces around. Money: a column where every value has £ (£1,234.56 · -£5 · £-5 · (£500.00)). Percentages: 12.5% is 0.125. Dates, always day first: 01/04/2015 · 1/4/2015 · 01-04-2015 · 1 Apr 2015 · 01-Apr-2015 · 1 April 2015; a month alone (Apr-15, April 2015) is its first day; 2015-04-01T00:00:00 is a date; 2011-12 stays text (a financial year). Missing, in any column: empty · NA · N/A · n/a · #N/A · NULL · null · - · .. · * · : · [c] [x] [z] [u] [w] [low]. A code with a leading zero (00123) keeps the column text, so joins on it work. Options: skip = lines above the header (blank ones count); header = 0 (none: column1, column2 …), 1, or 2 (two rows joined); delimiter; nulls = more words for missing; types = (column: type, …) to override. When a column stays text, .describe \"FILE\" shows the first cell that kept it text; then say it is missing (nulls = …), or clean it: try_number, try_money, try_date, replace, trim, substr, left, right, split_part, if. Workbooks: .help workbooks. Other formats (.xls, .parquet, .json) are refused by name.",
      nil),
    t(
      "workbooks",
      "from \"returns.xlsx\" [with sheet = \"Q1\", range = \"A3:K200\", skip = 2, header = 2] · save \"out.xlsx\" [with sheet = \"Regions\"]",
      "iq reads .xlsx and .xlsm workbooks: the first visible sheet, or sheet = \"Name\" (any case) or a number (hidden sheets count); range = \"A3:K200\" reads part of a sheet. .describe \"FILE.xlsx\" lists the sheets and their sizes, and Tab after sheet = \" offers their names. The header is found as in a CSV: past blank and title rows, the first row of labels as wide as the table. A header cell merged across columns names each of them, joined with the sub-header below (Breakdown of Responses Likely); a cell merged down names its column once. Cells keep their types: numbers (int where all are whole), money where the format has £, dates where the format is a date (both Excel date systems; a time other than midnight keeps the column text), true/false, text, a formula's last calculated value. Error cells (#N/A, #DIV/0!, #REF! …) are null, counted in a warning; the missing-value words (* n/a [c] …) and the note rule of .help files apply too. Options: sheet, range, skip (rows above the header, blank ones count), header = 0 (columns named A, B, C …), 1 or 2, nulls, types. save \"out.xlsx\" writes a new workbook (sheet Sheet1); with sheet = \"Regions\" it adds that sheet to an existing workbook, or replaces it, keeping the others. The header row is bold and frozen, money is formatted £#,##0.00 and dates dd/mm/yyyy, widths fit. .output FILE.xlsx saves each result as a sheet. Refused with the reason: a password-protected workbook, an .xls (save it as .xlsx), a damaged file (naming the part), a zip bomb.",
      nil),
    t(
      "errors", "file:line:col: error: …",
      "Every error shows where it is, underlines the mistake, and suggests a fix (did you mean …?, the columns in scope). Words from SQL, PRQL, dplyr and pandas (filter, group by, order by, limit, head, is null, <>, like, between, count(*), select *) get the iq way to say them. Warnings (a join that repeats rows, a where that keeps nothing because of a capital letter, division by zero) come after the result, and the table footer counts them.",
      nil),
  ]
}
