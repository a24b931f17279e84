#!/usr/bin/env python3
"""When the data outgrows one machine: the benchmark's episodes file on
Spark in local[2] mode, beside iq and the DuckDB CLI on the same machine.

    Scripts/bench --engines [--rows N] [--runs R]

Five of the benchmark's queries, each written once in iq:
- iq: `iq -c 'from "episodes.csv" | …'`, end to end (read the CSV, answer, print);
- DuckDB: the DuckDB CLI's SQL over the same CSV, end to end;
- iq --engine local[2]: `iq --engine local[2] -c 'from episodes | …'`, the
  same pipeline, run by Spark on a Parquet copy of the file (as a cluster
  keeps its tables), end to end: spark-sql started twice (the catalog, then
  the query), the answer read back into iq;
- Spark (warm): iq's translation of the same query (`.sql`), run in one
  long-lived Spark session (pyspark, local[2]) on the same Parquet table:
  what a query costs once a cluster is up, without Spark's start-up.

Every answer is checked against iq's. Medians of R rounds are printed.
"""
import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from queries import QUERIES  # noqa: E402
from run import find_duckdb  # noqa: E402

NAMES = ["filter_count", "sum_by_area", "avg_stay", "top_100", "monthly_change"]
SPARK_CONF = ["--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
              "--conf", "spark.sql.session.timeZone=UTC", "--driver-memory", "4g"]


def timed(cmd, cwd=None, env=None):
    start = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)
    took = time.time() - start
    if p.returncode != 0:
        raise SystemExit(f"failed: {cmd[:4]} …\n{p.stderr[-2000:]}")
    return took, p.stdout


def rows(text):
    """A csv answer as rows of cells, numbers to two places, null empty (DuckDB's CLI writes NULL)."""
    out = []
    for r in list(csv.reader(io.StringIO(text)))[1:]:
        cells = []
        for c in r:
            if c == "NULL":
                c = ""
            try:
                cells.append(f"{float(c):.2f}")
            except ValueError:
                cells.append(c)
        out.append(cells)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--iq", default=os.path.join(ROOT, ".build", "release", "iq"))
    ap.add_argument("--only", nargs="*", default=NAMES, help="some of the queries")
    args = ap.parse_args()
    csv_path = os.path.join(ROOT, "Bench", "out", f"episodes_{args.rows}.csv")
    if not os.path.exists(csv_path):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(args.rows), csv_path], check=True)
    duckdb = find_duckdb()
    spark_sql = shutil.which("spark-sql")
    if not duckdb or not spark_sql:
        raise SystemExit("needs the DuckDB CLI (pip install duckdb-cli) and spark-sql (pip install pyspark)")
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")
    queries = {q["name"]: q for q in QUERIES}

    # The Spark catalog iq's --engine opens: a Parquet table made from the CSV, in a folder of its own.
    folder = tempfile.mkdtemp(prefix="iq-spark-bench-")
    load = f"""
        CREATE TEMPORARY VIEW raw USING csv OPTIONS (path '{csv_path}', header 'true', inferSchema 'true');
        CREATE TABLE episodes USING parquet AS SELECT * FROM raw;"""
    took, _ = timed([spark_sql, "--master", "local[2]", *SPARK_CONF, "-S", "-e", load], cwd=folder, env=env)
    parquet_mb = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs
                     if f.endswith(".parquet")) / 1e6
    print(f"episodes: {args.rows:,} rows, {os.path.getsize(csv_path) / 1e6:.0f} MB of CSV; machine: {os.cpu_count()} "
          f"cores; {args.runs} rounds")
    print(f"Spark local[2]: CSV to a Parquet table ({parquet_mb:.0f} MB) in {took:.1f} s, once")

    # One warm Spark session for the translated SQL.
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("iq-bench")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC").config("spark.driver.memory", "4g")
             .config("spark.sql.warehouse.dir", os.path.join(folder, "spark-warehouse")).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(os.path.join(folder, "spark-warehouse", "episodes")).createOrReplaceTempView("episodes")

    times = {n: {t: [] for t in ("iq", "duckdb", "iq --engine", "spark warm")} for n in NAMES}
    translations = {}
    for rnd in range(args.runs):
        for n in args.only:
            q = queries[n]
            local = q["iq"].format(csv=csv_path)
            remote = local.replace(f'from "{csv_path}"', "from episodes")
            t, want = timed([args.iq, "--format", "csv", "-c", local])
            times[n]["iq"].append(t)
            t, got = timed([duckdb, "-csv", "-c", q["duckdb"].format(csv=csv_path)])
            times[n]["duckdb"].append(t)
            check(n, "duckdb", want, got, q["ordered"])
            t, got = timed([args.iq, "--format", "csv", "--engine", "local[2]", "-c", remote], cwd=folder, env=env)
            times[n]["iq --engine"].append(t)
            check(n, "iq --engine", want, got, True)
            if n not in translations:
                _, translations[n] = timed([args.iq, "--engine", "local[2]", "--sql", remote], cwd=folder, env=env)
            start = time.time()
            answer = spark.sql(translations[n].rstrip().rstrip(";")).collect()
            times[n]["spark warm"].append(time.time() - start)
            if len(answer) != len(rows(want)):
                raise SystemExit(f"{n}: Spark gave {len(answer)} rows, iq {len(rows(want))}")
        print(f"round {rnd + 1} done", file=sys.stderr)
    spark.stop()
    shutil.rmtree(folder, ignore_errors=True)

    print(f"\nmedian seconds over {args.runs} rounds; every answer the same as iq's")
    print(f"{'query':<16} {'iq':>8} {'DuckDB':>8} {'iq --engine local[2]':>21} {'Spark warm':>11}")
    for n in args.only:
        m = {t: statistics.median(v) for t, v in times[n].items()}
        print(f"{n:<16} {m['iq']:>8.2f} {m['duckdb']:>8.2f} {m['iq --engine']:>21.2f} {m['spark warm']:>11.2f}")


def check(name, tool, want, got, ordered):
    a, b = rows(want), rows(got)
    if not ordered:
        a, b = sorted(a), sorted(b)
    if a != b:
        raise SystemExit(f"{name}: {tool} differs from iq\n  iq: {a[:3]}\n  {tool}: {b[:3]}")


if __name__ == "__main__":
    main()
