#!/usr/bin/env python3
"""The workbook benchmark (issue 15): a sheet of N rows x 8 typed columns
(text, int, number, money, date, and a second text, int and number), read by
iq, python-calamine (the fastest reader on PyPI) and openpyxl in read-only
mode, each in its own process, timed end to end with its peak memory; and
iq saving the same table as .xlsx and as .csv.

  Scripts/bench --workbook [--rows N] [--runs R] [--no-openpyxl]

Every reader must give every cell: iq sums or counts each column, calamine
converts the sheet to Python values, openpyxl iterates every row's values.
"""
import argparse, os, random, resource, subprocess, sys, time, zipfile, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IQ = os.path.join(ROOT, ".build", "release", "iq")
OUT = os.path.join(ROOT, "Bench", "out")


def generate(path, rows):
    rnd = random.Random(15)
    areas = [f"E{rnd.randrange(6000000, 9000000):08d}" for _ in range(152)]
    words = ["North", "South", "East", "West", "Midlands", "London", "Coast", "Vale"]
    start = datetime.date(2011, 4, 1).toordinal()
    with open(path, "w") as f:
        f.write("area,episodes,cost_ratio,spend,admitted,ward,beds,occupancy\n")
        for i in range(rows):
            d = datetime.date.fromordinal(start + rnd.randrange(0, 3000))
            f.write(
                f"{rnd.choice(areas)},{rnd.randrange(0, 5000)},{rnd.random() * 100:.4f},"
                f"£{rnd.randrange(0, 10_000_000) / 100:.2f},{d.isoformat()},"
                f"{rnd.choice(words)} {i % 97},{rnd.randrange(-500, 500)},{rnd.random():.6f}\n"
            )


def measure(cmd, label, runs):
    """Median time of `runs`, and the peak memory (a wrapper per run)."""
    times, peaks, out = [], [], ""
    for _ in range(runs):
        wrapped = [sys.executable, "-c", PEAK, *cmd]
        t = time.perf_counter()
        p = subprocess.run(wrapped, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"{label} failed: {p.stderr[-800:]}")
        lines = p.stdout.rstrip("\n").split("\n")
        peaks.append(int(lines[-1]) / 1024)
        out = "\n".join(lines[:-1])
    times.sort()
    return times[len(times) // 2], max(peaks), out


# Runs the command and prints its own peak RSS in KB as the last line.
PEAK = """
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(p.stdout)
sys.stderr.write(p.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(p.returncode)
"""

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(len(rows) - 1)
"""

OPENPYXL = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
print(n - 1)
"""

IQ_READ = (
    'from "{}" | summarize rows = count(), a = count_distinct(area), e = sum(episodes), c = sum(cost_ratio),'
    " s = sum(spend), d = max(admitted), w = count_distinct(ward), b = sum(beds), o = sum(occupancy)"
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-openpyxl", action="store_true")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    csv = os.path.join(OUT, f"workbook_{a.rows}.csv")
    xlsx = os.path.join(OUT, f"workbook_{a.rows}.xlsx")
    if not os.path.exists(csv):
        generate(csv, a.rows)
    print(f"== workbook: {a.rows:,} rows x 8 columns (text, int, number, money, date, text, int, number); "
          f"median of {a.runs} runs, peak memory of the process")
    # Saving: the same table as .xlsx and as .csv, the load counted in both.
    for path in (xlsx, csv.replace(".csv", "_saved.csv")):
        if os.path.exists(path):
            os.remove(path)
    # `| count` after the save: the table is saved, and only its count printed.
    save_x, _, _ = measure([IQ, "-c", f'from "{csv}" | save "{xlsx}" | count'], "iq save xlsx", a.runs)
    save_c, _, _ = measure(
        [IQ, "-c", f'from "{csv}" | save "{csv.replace(".csv", "_saved.csv")}" | count'], "iq save csv", a.runs)
    # Reading every column (count alone would build none).
    load, _, _ = measure([IQ, "-c", IQ_READ.format(csv)], "iq load csv", a.runs)
    with zipfile.ZipFile(xlsx) as z:
        sheet = max(z.infolist(), key=lambda i: i.file_size)
    print(f"sheet XML: {sheet.file_size / 1e6:.1f} MB uncompressed, {sheet.compress_size / 1e6:.1f} MB in the zip "
          f"({os.path.getsize(xlsx) / 1e6:.1f} MB file)")
    print(f"save as .xlsx: {save_x:.3f} s; as .csv: {save_c:.3f} s (reading the CSV first: {load:.3f} s)")
    print(f"  writing alone: xlsx {save_x - load:.3f} s vs csv {save_c - load:.3f} s = {(save_x - load) / max(1e-9, save_c - load):.2f}x")
    print()
    print("| reader | time (s) | peak memory (MB) | rows |")
    print("|---|---|---|---|")
    t, m, out = measure([IQ, "-c", IQ_READ.format(xlsx), "--format", "csv"], "iq", a.runs)
    rows = out.strip().split("\n")[-1].split(",")[0]
    print(f"| iq | {t:.3f} | {m:.0f} | {rows} |")
    t, m, out = measure([sys.executable, "-c", CALAMINE, xlsx], "calamine", a.runs)
    print(f"| python-calamine | {t:.3f} | {m:.0f} | {out.strip()} |")
    if not a.no_openpyxl:
        t, m, out = measure([sys.executable, "-c", OPENPYXL, xlsx], "openpyxl", 1)
        print(f"| openpyxl (read-only, 1 run) | {t:.3f} | {m:.0f} | {out.strip()} |")
    print(f"\n2x the sheet XML: {2 * sheet.file_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
