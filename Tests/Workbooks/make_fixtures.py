#!/usr/bin/env python3
"""Makes the workbooks the golden tests read (Golden/fixtures/workbooks/),
each by another program than iq, so iq is tested on files as others write
them:

- openpyxl: typed cells and number formats, an NHS-style publication
  (title, merged two-row header, suppressed values, notes), the 1904 date
  system, mixed columns, several sheets;
- LibreOffice (headless, Debian's libreoffice-calc-nogui): the same
  workbooks saved again by Calc, with formulas' cached values and error cells;
- msoffcrypto-tool: a password-protected workbook;
- by hand (zipfile): damaged and hostile files (a missing part, a zip bomb,
  XML entity expansion, an .xls renamed .xlsx, text named .xlsx).

The real published workbooks beside them come from tablib's sdist on PyPI
(tests/files, MIT licence): founders.xlsx (LibreOffice 6.1),
xlsx_cell_values.xlsx (Microsoft Excel), bad_dimensions.xlsx.

Run it again after changing it: python3 Tests/Workbooks/make_fixtures.py
(pip install openpyxl msoffcrypto-tool; apt-get install libreoffice-calc-nogui).
The files are committed: the tests themselves need none of these programs.
"""
import datetime, io, os, shutil, subprocess, sys, tempfile, zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "IntegrationQueryTests", "Golden", "fixtures", "workbooks")


def save(wb, name):
    wb.save(os.path.join(OUT, name))


def typed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Regions"
    ws.append(["area", "count", "share", "cost", "month", "ok", "when", "note"])
    rows = [
        ("North", 12, 0.25, 1234.5, datetime.date(2015, 4, 1), True, datetime.datetime(2015, 4, 1, 9, 30), " padded "),
        ("South & East", 7, 0.5, 99.99, datetime.date(2016, 3, 31), False, datetime.datetime(2016, 3, 31), "n/a"),
        ("West", None, 1.125, 0.01, datetime.datetime(2017, 1, 2), True, datetime.datetime(2017, 1, 2, 23, 59, 59), "<tag> & \"q\""),
        ("Ünïcödé 雪", -3, -0.5, -42, datetime.date(1999, 12, 31), None, None, "*"),
    ]
    for r in rows:
        ws.append(list(r))
    for row in ws.iter_rows(min_row=2):
        row[2].number_format = "0.0%"
        row[3].number_format = '"£"#,##0.00'
        row[4].number_format = "dd/mm/yyyy"
        row[6].number_format = "dd/mm/yyyy hh:mm"
    notes = wb.create_sheet("Notes")
    notes["A1"] = "About this workbook"
    notes.sheet_state = "visible"
    hidden = wb.create_sheet("Hidden")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    save(wb, "openpyxl_types.xlsx")


def publication():
    """As NHS England publishes: a title, a header on rows 3-4 with merged
    cells, suppressed counts as *, a note under the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "FFT"
    ws["A1"] = "Friends and Family Test: June 2019"
    ws.merge_cells("A1:G1")
    ws["A3"] = "Org code"
    ws.merge_cells("A3:A4")
    ws["B3"] = "Org name"
    ws.merge_cells("B3:B4")
    ws["C3"] = "Breakdown of Responses"
    ws.merge_cells("C3:F3")
    for i, h in enumerate(["Extremely Likely", "Likely", "Unlikely", "Don't know"]):
        ws.cell(row=4, column=3 + i, value=h)
    ws["G3"] = "Total"
    ws.merge_cells("G3:G4")
    ws.append(["RX1", "Trust one", 10, 5, "*", 1, "=SUM(C5:F5)"])
    ws.append(["RX2", "Trust two", 20, "=C6/0", 2, 3, "=SUM(C6:F6)"])
    ws.append(["00R", "Trust three", 7, 0, 0, 0, "=SUM(C7:F7)"])
    ws.append([])
    ws.append(["Source: NHS England, FFT data collection"])
    ws.append(["* fewer than 5 responses"])
    save(wb, "openpyxl_publication.xlsx")


def group_above():
    """A group label merged across, over sub-headers, with no cell merged down."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Beds"
    ws["A1"] = "Bed availability, Q1 2016-17"
    ws["C3"] = "General and acute"
    ws.merge_cells("C3:D3")
    for i, h in enumerate(["Code", "Name", "Available", "Occupied"]):
        ws.cell(row=4, column=1 + i, value=h)
    ws.append(["RA7", "Bristol", 900, 850])
    ws.append(["RBA", "Taunton", 600, 580])
    save(wb, "openpyxl_group_above.xlsx")


def date1904():
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["month", "days"])
    ws.append([datetime.date(2015, 4, 1), 31])
    ws.append([datetime.date(1904, 1, 2), 1])
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "mmm-yy"
    save(wb, "openpyxl_1904.xlsx")


def mixed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["numbers_and_text", "numbers_and_dates", "fractional_money", "money_and_plain", "whole_floats", "blank_col", "bools"])
    ws.append([1, 5, 1.005, 2.5, 1.0, None, True])
    ws.append(["n/k", datetime.date(2015, 4, 1), 2.333, 3.25, 2.0, "  ", False])
    ws.append([3, 7, 4.1, 4, 3.0, None, None])
    ws["B3"].number_format = "dd/mm/yyyy"
    for r in range(2, 5):
        ws.cell(row=r, column=3).number_format = '"£"#,##0.00'
    ws["D2"].number_format = '"£"#,##0.00'
    ws["D3"].number_format = '"£"#,##0.00'
    # A stray cell far to the right, and styled empty cells below: trailing
    # columns and rows without values are not the table's.
    ws["A20"].number_format = "0.00"
    save(wb, "openpyxl_mixed.xlsx")


def libreoffice():
    """The openpyxl workbooks saved again by Calc: formulas get cached
    values, =C6/0 a #DIV/0! error; Calc writes shared strings and its own styles."""
    soffice = shutil.which("soffice")
    if not soffice:
        sys.exit("LibreOffice is needed: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["openpyxl_publication.xlsx", "openpyxl_types.xlsx"]:
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "xlsx",
                 "--outdir", tmp, os.path.join(OUT, name)],
                check=True, capture_output=True)
            shutil.copy(os.path.join(tmp, name), os.path.join(OUT, name.replace("openpyxl_", "libreoffice_")))
        # A macro-enabled workbook (.xlsm: its workbook part has the macroEnabled type).
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
             "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", tmp, os.path.join(OUT, "openpyxl_group_above.xlsx")],
            check=True, capture_output=True)
        shutil.copy(os.path.join(tmp, "openpyxl_group_above.xlsm"), os.path.join(OUT, "libreoffice_macros.xlsm"))


def encrypted():
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = io.BytesIO(open(os.path.join(OUT, "openpyxl_types.xlsx"), "rb").read())
    with open(os.path.join(OUT, "password.xlsx"), "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)


def hostile():
    src = os.path.join(OUT, "openpyxl_types.xlsx")
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}

    def write(name, replace=None, drop=()):
        with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
            for k, v in parts.items():
                if k in drop:
                    continue
                z.writestr(k, (replace or {}).get(k, v))

    write("missing_sheet.xlsx", drop=("xl/worksheets/sheet1.xml",))
    # 300 MB of spaces inside the sheet: a few hundred KB zipped.
    sheet = parts["xl/worksheets/sheet1.xml"]
    bomb = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (300 << 20), 1)
    write("zip_bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' + sheet[sheet.index(b"<worksheet"):].replace(b"<sheetData>", b"<sheetData>&lol3;", 1)
    write("entities.xlsx", {"xl/worksheets/sheet1.xml": laughs})
    write("not_xml.xlsx", {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})
    data = open(src, "rb").read()
    open(os.path.join(OUT, "truncated.xlsx"), "wb").write(data[: len(data) // 2])
    # An Excel 97-2003 file's signature and nothing of a zip.
    open(os.path.join(OUT, "old_format.xlsx"), "wb").write(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    open(os.path.join(OUT, "text_named.xlsx"), "w").write("area,count\nNorth,1\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    typed()
    publication()
    group_above()
    date1904()
    mixed()
    libreoffice()
    encrypted()
    hostile()
    print("written:", ", ".join(sorted(os.listdir(OUT))))
