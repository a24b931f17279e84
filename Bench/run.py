#!/usr/bin/env python3
"""The benchmark: iq against the DuckDB CLI, sqlite3 and Miller on the same
episodes CSV, end to end (read the CSV, answer, print), timed by hyperfine.

    Scripts/bench [--rows N] [--runs R]

Each round runs every query with every tool once, alternating tools, so
machine noise spreads evenly; the medians over the rounds are printed with
iq's ratio to each tool. Every tool's answer is checked against iq's.
Then iq's own phases: CSV load (MB/s), each query on the loaded table, peak
memory; and start-up against `select 1`.
"""
import argparse
import csv
import glob
import io
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from queries import QUERIES  # noqa: E402


def find_duckdb():
    """The native DuckDB binary inside the duckdb-cli package (its `duckdb` command is a Python wrapper)."""
    try:
        import duckdb_cli  # noqa: F401

        path = os.path.join(os.path.dirname(duckdb_cli.__file__), "duckdb")
        if os.access(path, os.X_OK):
            return path
    except ImportError:
        pass
    return None


def commands(q, tools, csv_path, areas, rows, dbs):
    fmt = dict(csv=csv_path, areas=areas, last=rows - 3)
    out = {}
    if "iq" in tools:
        out["iq"] = f"{tools['iq']} --format csv -c {shlex.quote(q['iq'].format(**fmt))}"
    if "duckdb" in tools and "duckdb" in q:
        db = shlex.quote(dbs["duckdb"]) + " -readonly " if q.get("builtin") else ""
        out["duckdb"] = f"{tools['duckdb']} {db}-csv -c {shlex.quote(q['duckdb'].format(**fmt))}"
    if "sqlite3" in tools and "sqlite" in q:
        if q.get("builtin"):
            out["sqlite3"] = f"sqlite3 -readonly -csv -header {shlex.quote(dbs['sqlite3'])} {shlex.quote(q['sqlite'])}"
        else:
            out["sqlite3"] = (
                f"sqlite3 :memory: -cmd '.mode csv' -cmd {shlex.quote('.import ' + csv_path + ' e')} "
                f"-cmd {shlex.quote('.import ' + areas + ' a')} -cmd '.headers on' {shlex.quote(q['sqlite'].format(**fmt))}"
            )
    if "mlr" in tools and "mlr" in q:
        out["mlr"] = f"mlr --icsv --ocsv {q['mlr'].format(**fmt)} {csv_path}"
    return out


def dataset_databases(iq, tools):
    """The built-in tables in a DuckDB and a SQLite database, made once by iq --export-dataset."""
    dbs = {}
    for tool, dialect, ext in [("duckdb", "duckdb", "duckdb"), ("sqlite3", "sqlite", "sqlite")]:
        if tool not in tools:
            continue
        path = os.path.join(ROOT, "Bench", "out", f"dataset.{ext}")
        if not os.path.exists(path):
            sql = subprocess.run([iq, "--export-dataset", dialect], capture_output=True, text=True, check=True).stdout
            subprocess.run([tools[tool], path], input=sql, text=True, check=True, capture_output=True)
        dbs[tool] = path
    return dbs


def normalise(text, null_as_zero=False):
    rows = list(csv.reader(io.StringIO(text)))[1:]
    out = []
    for r in rows:
        cells = []
        for c in r:
            if c == "NULL":
                c = ""
            if c == "" and null_as_zero:
                c = "0"
            try:
                c = f"{round(float(c), 2):.2f}"
            except ValueError:
                pass
            cells.append(c)
        out.append(cells)
    return out


def hyperfine_once(cmd):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run(["hyperfine", "--runs", "1", "--style", "none", "--export-json", f.name, cmd],
                       check=True, capture_output=True)
        return json.load(open(f.name))["results"][0]["times"][0]


def peak_rss_mb(cmd):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c", cmd + " > /dev/null"], capture_output=True, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024


def version(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (IndexError, OSError):
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--iq", default=os.path.join(ROOT, ".build", "release", "iq"))
    ap.add_argument("--only", nargs="*", help="query names")
    ap.add_argument("--tools", default="iq,duckdb,sqlite3,mlr", help="which tools, comma-separated")
    ap.add_argument("--memory-rows", type=int, nargs="*", default=[10_000_000, 20_000_000],
                    help="row counts at which a group-by's peak memory is measured")
    args = ap.parse_args()

    csv_path = os.path.join(ROOT, "Bench", "out", f"episodes_{args.rows}.csv")
    if not os.path.exists(csv_path):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(args.rows), csv_path], check=True)
    areas = os.path.join(ROOT, "Data", "areas_2015_16.csv")
    size_mb = os.path.getsize(csv_path) / 1e6

    tools = {"iq": args.iq}
    duck = find_duckdb()
    if duck:
        tools["duckdb"] = duck
    for t in ["sqlite3", "mlr"]:
        if subprocess.run(["sh", "-c", f"command -v {t}"], capture_output=True).returncode == 0:
            tools[t] = t
    wanted = args.tools.split(",")
    tools = {t: p for t, p in tools.items() if t in wanted or t == "iq"}
    dbs = dataset_databases(args.iq, tools)
    print(f"episodes: {args.rows:,} rows, {size_mb:.0f} MB; {args.runs} rounds; machine: {os.cpu_count()} cores")
    print("tools: " + "; ".join([
        f"iq {version(args.iq + ' --version')}",
        f"duckdb {version(duck + ' --version') if duck else 'missing'}",
        f"sqlite3 {version('sqlite3 --version').split()[0] if 'sqlite3' in tools else 'missing'}",
        f"{version('mlr --version') if 'mlr' in tools else 'mlr missing'}",
    ]))

    queries = [q for q in QUERIES if not args.only or q["name"] in args.only]
    # Answers first: every tool must agree with iq.
    agree = True
    for q in queries:
        cmds = commands(q, tools, csv_path, areas, args.rows, dbs)
        outs = {t: subprocess.run(c, shell=True, capture_output=True, text=True) for t, c in cmds.items()}
        mine = normalise(outs["iq"].stdout, null_as_zero=False)
        for t, p in outs.items():
            if t == "iq":
                continue
            theirs = normalise(p.stdout, null_as_zero=(t == "mlr"))
            ref = normalise(outs["iq"].stdout, null_as_zero=(t == "mlr"))
            if theirs != ref:
                agree = False
                print(f"  answers differ: {q['name']} iq vs {t}: {ref[:2]} … / {theirs[:2]} … {p.stderr[:200]}")
        if not mine:
            agree = False
            print(f"  iq gave no answer for {q['name']}: {outs['iq'].stderr[:300]}")
    print("answers: all tools agree" if agree else "answers: DISAGREE (see above)")

    times = {q["name"]: {t: [] for t in tools} for q in queries}
    for _ in range(args.runs):
        for q in queries:
            for t, c in commands(q, tools, csv_path, areas, args.rows, dbs).items():
                times[q["name"]][t].append(hyperfine_once(c))
    names = [t for t in ["iq", "duckdb", "sqlite3", "mlr"] if t in tools]
    header = f"{'query':<16}" + "".join(f"{n:>10}" for n in names) + "".join(f"{'iq/' + n:>12}" for n in names[1:])
    print("\nmedian seconds, end to end\n" + header)
    for q in queries:
        med = {t: statistics.median(v) for t, v in times[q["name"]].items() if v}
        line = f"{q['name']:<16}" + "".join(f"{med[n]:>10.3f}" if n in med else f"{'-':>10}" for n in names)
        line += "".join(f"{med['iq'] / med[n]:>12.2f}" if n in med else f"{'-':>12}" for n in names[1:])
        print(line)

    # A group-by's peak memory as the file grows: streaming keeps it flat.
    print("\npeak memory of sum_by_area, MB (median of 3 runs)")
    sq = next(q for q in QUERIES if q["name"] == "sum_by_area")
    peaks = {}
    for rows in args.memory_rows:
        path = os.path.join(ROOT, "Bench", "out", f"episodes_{rows}.csv")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(rows), path], check=True)
        for t, c in commands(sq, {k: v for k, v in tools.items() if k in ("iq", "duckdb")}, path, areas, rows, dbs).items():
            peaks[(t, rows)] = statistics.median(peak_rss_mb(c) for _ in range(3))
    mem_tools = [t for t in ("iq", "duckdb") if (t, args.memory_rows[0]) in peaks]
    print(f"  {'rows':>12}" + "".join(f"{t:>10}" for t in mem_tools) + ("      iq/duckdb" if "duckdb" in mem_tools else ""))
    for rows in args.memory_rows:
        line = f"  {rows:>12,}" + "".join(f"{peaks[(t, rows)]:>10.0f}" for t in mem_tools)
        if "duckdb" in mem_tools:
            line += f"{peaks[('iq', rows)] / peaks[('duckdb', rows)]:>15.2f}"
        print(line)
    if len(args.memory_rows) > 1:
        a, b = args.memory_rows[0], args.memory_rows[-1]
        print(f"  iq at {b:,} / at {a:,} rows: {peaks[('iq', b)] / peaks[('iq', a)]:.2f}x")

    # iq's phases: load once, then each query on the loaded table.
    script = f'.timer on\nlet e = from "{csv_path}"\n'
    on_file = [q for q in queries if not q.get("builtin")]
    for q in on_file:
        script += q["iq"].format(csv=csv_path, areas=areas, last=args.rows - 3).replace(f'from "{csv_path}"', "from e") + "\n"
    p = subprocess.run([args.iq, "--format", "csv"], input=script, capture_output=True, text=True)
    ms = [float(m) for m in re.findall(r"time: ([0-9.]+) ms", p.stderr)]
    print("\niq phases")
    if ms:
        print(f"  load: {ms[0] / 1000:.3f} s ({size_mb / (ms[0] / 1000):.0f} MB/s)")
        for q, t in zip(on_file, ms[1:]):
            print(f"  {q['name']:<16} {t / 1000:.3f} s")

    # Reading a file as exports write it, against the plain one.
    export_path = os.path.join(ROOT, "Bench", "out", f"episodes_{args.rows}_export.csv")
    if not os.path.exists(export_path):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(args.rows), export_path, "--export"],
                       check=True)
    print(f"\nreading, median of {args.runs} runs (.timer of let e = from FILE)")
    loads = {}
    for label, path in [("plain", csv_path), ("export", export_path)]:
        runs = []
        for _ in range(args.runs):
            p = subprocess.run([args.iq, "--format", "csv"], input=f'.timer on\nlet e = from "{path}"\nfrom e | count\n',
                               capture_output=True, text=True)
            ms = [float(m) for m in re.findall(r"time: ([0-9.]+) ms", p.stderr)]
            runs.append(ms[0] / 1000 if ms else float("nan"))
        loads[label] = statistics.median(runs)
        print(f"  {label:<8} {loads[label]:.3f} s  ({os.path.getsize(path) / 1e6:.0f} MB; {p.stdout.split()[-1]} rows)")
    print(f"  export / plain: {loads['export'] / loads['plain']:.2f}x")

    print("\nstart-up, median of 20 runs")
    for label, c in [("iq -c 'from areas | count'", f"{args.iq} -c 'from areas | count'"),
                     ("duckdb select 1", f"{duck} -c 'select 1'" if duck else None),
                     ("sqlite3 select 1", "sqlite3 :memory: 'select 1'")]:
        if not c:
            continue
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", "20", "--style", "none", "--export-json", f.name, c],
                           check=True, capture_output=True)
            r = json.load(open(f.name))["results"][0]
            print(f"  {label:<32} {r['median'] * 1000:7.1f} ms")
    prompt = first_prompt_ms(args.iq)
    if prompt is not None:
        print(f"  {'iq shell, to its first prompt':<32} {prompt:7.1f} ms")
    return 0 if agree else 1


def first_prompt_ms(iq, runs=20):
    """Median time from starting the shell on a pseudo-terminal to its prompt."""
    try:
        import pexpect
    except ImportError:
        return None
    times = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, IQ_HISTORY=os.path.join(home, "history"), TERM="xterm")
        for _ in range(runs + 2):
            start = time.perf_counter()
            child = pexpect.spawn(iq, env=env, dimensions=(24, 80))
            child.expect_exact("iq> ", timeout=10)
            times.append((time.perf_counter() - start) * 1000)
            child.sendeof()
            child.close()
    return statistics.median(times[2:])


if __name__ == "__main__":
    sys.exit(main())
