#!/usr/bin/env python3
"""Round trips of workbooks iq saves, read back by three programs:

1. iq itself: the saved sheet reads back as the table that was saved;
2. openpyxl: every cell's Python type and number format (int, float, £ money
   as float formatted £#,##0.00, dates as datetimes formatted dd/mm/yyyy,
   booleans, text, empty for null), the header bold and frozen;
3. LibreOffice Calc, headless: each sheet converted to CSV as shown, which
   iq reads back as the same table (money with £, dates day first).

And sheets added to (and replaced in) workbooks made by LibreOffice and by
openpyxl: the workbook's other sheets convert to the same CSV as before.

  python3 Tests/Workbooks/round_trip.py --iq .build/debug/iq
"""
import argparse, csv, datetime, glob, os, shutil, subprocess, sys, tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "IntegrationQueryTests", "Golden", "fixtures", "workbooks")

# Every type: text (coded and plain), date, int, money, number, bool, and nulls in some.
TABLE = (
    'from delayed_days | where area == "E06000001" | take 14'
    " | derive cost = £1.25 * total, share = total / 1000, ok = total > 100,"
    ' note = if(total > 100, concat("high & <b> ", fy), null), gap = if(total > 100, null, nhs)'
    " | select area, month, fy, total, cost, share, ok, note, gap"
)

checks = 0
failures = []


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def iq(args, cwd):
    p = subprocess.run([IQ, *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"iq {args} failed: {p.stderr}")
    return p.stdout


def iq_csv(query, cwd):
    return iq(["--format", "csv", "-c", query], cwd)


def libreoffice_csv(xlsx, outdir):
    """Every sheet of a workbook as CSV, as LibreOffice shows it: {sheet: text}."""
    os.makedirs(outdir, exist_ok=True)
    profile = os.path.join(outdir, "profile")
    # Field separator, quote, UTF-8, from row 1, default column formats,
    # en-GB, quoted text, detect numbers, save as shown, …, every sheet (-1).
    spec = "csv:Text - txt - csv (StarCalc):44,34,76,1,,2057,true,true,true,false,false,-1"
    p = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", spec, "--outdir", outdir, xlsx],
        capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"LibreOffice could not convert {xlsx}: {p.stderr}")
    stem = os.path.splitext(os.path.basename(xlsx))[0]
    out = {}
    for f in glob.glob(os.path.join(outdir, f"{stem}-*.csv")):
        out[os.path.basename(f)[len(stem) + 1 : -4]] = open(f, encoding="utf-8").read()
    check(out, f"LibreOffice opened {os.path.basename(xlsx)} and wrote its sheets")
    return out


def every_type(tmp):
    expected = iq_csv(TABLE, tmp)
    iq(["-c", f'{TABLE} | save "types.xlsx"'], tmp)
    xlsx = os.path.join(tmp, "types.xlsx")

    # 1. iq reads back what it wrote.
    check(iq_csv('from "types.xlsx"', tmp) == expected, "iq reads back the saved table unchanged")

    # 2. openpyxl: types, formats, header.
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    check(wb.sheetnames == ["Sheet1"], "one sheet, Sheet1")
    check(ws.freeze_panes == "A2", f"header frozen (freeze_panes {ws.freeze_panes})")
    header = [c.value for c in ws[1]]
    check(header == expected.splitlines()[0].split(","), f"header row {header}")
    check(all(c.font.b for c in ws[1]), "header bold")
    rows = list(csv.reader(expected.splitlines()))[1:]
    want = {
        "area": (str, "General"), "month": (datetime.datetime, "dd/mm/yyyy"), "fy": (str, "General"),
        "total": (int, "General"), "cost": (float, "£#,##0.00"), "share": (float, "General"),
        "ok": (bool, "General"), "note": (str, "General"), "gap": (int, "General"),
    }
    for r, row in enumerate(ws.iter_rows(min_row=2)):
        for c, cell in enumerate(row):
            name = header[c]
            text = rows[r][c]
            if text == "":
                check(cell.value is None, f"{name} row {r + 2}: null is an empty cell ({cell.value!r})")
                continue
            kind, fmt = want[name]
            value = cell.value
            if kind is float and isinstance(value, int):
                value = float(value)
            check(type(value) is kind, f"{name} row {r + 2}: {type(cell.value).__name__}, expected {kind.__name__}")
            check(cell.number_format == fmt, f"{name} row {r + 2}: format {cell.number_format!r}, expected {fmt!r}")
            if kind is datetime.datetime:
                check(value.date().isoformat() == text, f"{name} row {r + 2}: {value} for {text}")
            elif kind is bool:
                check(str(value).lower() == text, f"{name} row {r + 2}: {value} for {text}")
            elif kind in (int, float):
                check(abs(value - float(text)) < 1e-9, f"{name} row {r + 2}: {value} for {text}")
            else:
                check(value == text, f"{name} row {r + 2}: {value!r} for {text!r}")
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(header))]
    check(all(8 <= w <= 60 for w in widths), f"column widths fitted: {widths}")

    # 3. LibreOffice shows it as iq would read it: money with £, dates day first.
    sheets = libreoffice_csv(xlsx, os.path.join(tmp, "lo_types"))
    with open(os.path.join(tmp, "lo_types.csv"), "w", encoding="utf-8") as f:
        f.write(sheets.get("Sheet1", ""))
    check(iq_csv('from "lo_types.csv"', tmp) == expected, "LibreOffice's CSV of the saved sheet reads back as the table")
    print(f"every type: {checks} checks")


def added_sheet(tmp, fixture, label):
    """A sheet added to a workbook another program made, then one replaced:
    the other sheets are what they were."""
    book = os.path.join(tmp, f"{label}.xlsx")
    shutil.copy(os.path.join(FIXTURES, fixture), book)
    before = libreoffice_csv(book, os.path.join(tmp, f"{label}_before"))
    expected = iq_csv("from areas | take 3", tmp)
    iq(["-c", f'from areas | take 3 | save "{label}.xlsx" with sheet = "Areas"'], tmp)
    after = libreoffice_csv(book, os.path.join(tmp, f"{label}_after"))
    check(set(after) == set(before) | {"Areas"}, f"{label}: sheets {sorted(after)} after adding Areas")
    for name, text in before.items():
        check(after.get(name) == text, f"{label}: sheet {name} unchanged by adding Areas")
    check(iq_csv(f'from "{label}.xlsx" with sheet = "Areas"', tmp) == expected, f"{label}: iq reads the added sheet")
    wb = openpyxl.load_workbook(book)
    check(wb.sheetnames == list(openpyxl.load_workbook(os.path.join(FIXTURES, fixture)).sheetnames) + ["Areas"],
          f"{label}: openpyxl lists {wb.sheetnames}")
    check(all(c.font.b for c in wb["Areas"][1]), f"{label}: the added sheet's header is bold")
    # Replace the first sheet; the rest stay.
    first = wb.sheetnames[0]
    iq(["-c", f'from england | take 2 | save "{label}.xlsx" with sheet = "{first}"'], tmp)
    replaced = libreoffice_csv(book, os.path.join(tmp, f"{label}_replaced"))
    for name, text in after.items():
        if name != first:
            check(replaced.get(name) == text, f"{label}: sheet {name} unchanged by replacing {first}")
    check(iq_csv(f'from "{label}.xlsx" with sheet = "{first}"', tmp) == iq_csv("from england | take 2", tmp),
          f"{label}: iq reads the replaced sheet")
    check(openpyxl.load_workbook(book).sheetnames == wb.sheetnames, f"{label}: the sheets keep their order")
    print(f"{label}: {checks} checks")


def main():
    global IQ, SOFFICE
    ap = argparse.ArgumentParser()
    ap.add_argument("--iq", required=True)
    a = ap.parse_args()
    IQ = os.path.abspath(a.iq)
    SOFFICE = shutil.which("soffice") or sys.exit("LibreOffice (soffice) is needed: Scripts/setup --tests")
    with tempfile.TemporaryDirectory() as tmp:
        every_type(tmp)
        added_sheet(tmp, "libreoffice_types.xlsx", "libreoffice")
        added_sheet(tmp, "openpyxl_publication.xlsx", "openpyxl")
    print(f"workbook round trips: {checks - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
