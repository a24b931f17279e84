#!/usr/bin/env python3
"""Seeds the workbook fuzz target's corpus (Scripts/fuzz): each fixture
workbook whole (first byte 0: the file as it is), and its sheet, shared
strings, styles and workbook parts joined by NUL bytes (first byte 1: the
target zips them), both within the target's 16 KB."""
import glob, os, sys, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
for path in sorted(glob.glob(os.path.join(here, "..", "Tests", "IntegrationQueryTests", "Golden", "fixtures", "workbooks", "*.xlsx"))):
    name = os.path.basename(path)[:-5]
    data = open(path, "rb").read()
    if len(data) < 16000:
        open(os.path.join(out, f"{name}.whole"), "wb").write(b"\x00" + data)
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            def part(suffix):
                found = [n for n in names if n.endswith(suffix)]
                return z.read(found[0]) if found else b""
            parts = [part("worksheets/sheet1.xml"), part("sharedStrings.xml"), part("styles.xml"), part("workbook.xml")]
    except Exception:  # a damaged fixture (the fuzzer's own finds among them) seeds only whole
        continue
    joined = b"\x01" + b"\x00".join(parts)
    if len(joined) < 16000:
        open(os.path.join(out, f"{name}.parts"), "wb").write(joined)
