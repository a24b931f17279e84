#!/usr/bin/env python3
"""iq --engine on a real PostgreSQL server the test starts itself.

- Every Examples/*.iq script runs with `--engine URL` and must print what
  it prints when iq runs it itself (the results come back as iq tables, so
  formats and later local steps, a save, a chart, are the same); a script
  with a step PostgreSQL can't be given must say which step.
- A server that isn't there fails within 10 seconds, naming host and port,
  and a password in the URL is never printed.
- An error of the server's own is shown as an iq diagnostic.
- Ctrl-C cancels the query on the server, not only in iq.
- On Spark (local[2], through spark-sql, as a user runs it): a pipeline over
  tables loaded from `--export-dataset spark` prints what iq prints, and a
  spark:// master that isn't there is named at once.

    Tests/Engines/test_engines.py [--iq PATH]
"""
import argparse
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Scripts"))
import engines  # noqa: E402

SPARK_ENV = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")


def iq(args, cwd=None, timeout=120):
    return subprocess.run([ARGS.iq, "--format", "csv"] + args, capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def examples(title, engine, failures, cwd=None, timeout=120):
    """Every Examples/*.iq through --engine: what iq prints, or a refusal naming the step."""
    passed = refused = 0
    for script in sorted(glob.glob(os.path.join(ROOT, "Examples", "*.iq"))):
        with tempfile.TemporaryDirectory() as here, tempfile.TemporaryDirectory() as there:
            local = iq([script], cwd=here)
            remote = iq(["--engine", engine, script], cwd=cwd or there, timeout=timeout)
        name = os.path.basename(script)
        if remote.returncode != 0 and f"not translatable to {title}" in remote.stderr:
            refused += 1
            print(f"refused  {name}: {remote.stderr.splitlines()[0]}")
        elif (remote.returncode, remote.stdout) == (local.returncode, local.stdout):
            passed += 1
            print(f"same     {name}")
        else:
            failures.append(name)
            print(f"DIFFERS  {name}\n  iq: {local.stdout[:300]!r} {local.stderr[:300]!r}\n"
                  f"  engine: {remote.stdout[:300]!r} {remote.stderr[:300]!r}")
    return passed, refused


def main():
    failures = []
    if ARGS.spark_examples:
        # Not in CI: the whole dataset on Spark, and each query two spark-sql starts.
        folder = spark_catalog(all_tables=True)
        passed, refused = examples("Spark", "local[2]", failures, cwd=folder, timeout=1800)
        print(f"engines: {passed} examples the same on Spark local[2], {refused} refused naming the step, "
              f"{len(failures)} failed")
        shutil.rmtree(folder, ignore_errors=True)
        return 1 if failures else 0
    pg = engines.start("postgres", ARGS.iq)
    passed, refused = examples("PostgreSQL", pg.url, failures)

    # A port nothing listens on: refused at once, host and port named, password not shown.
    port = engines.free_port()
    r = iq(["--engine", f"postgresql://iq:sekrit-pass@127.0.0.1:{port}/postgres", "-c", "from areas | count"])
    check(r.returncode == 1 and f'"127.0.0.1", port {port}' in r.stderr and "sekrit" not in r.stderr + r.stdout,
          "an unreachable server is named, its password not", r, failures)
    # An address that never answers: given up on within 10 seconds (libpq's connect_timeout).
    start = time.time()
    r = iq(["--engine", "postgresql://iq@10.255.255.1:5432/postgres?sslmode=disable", "-c", "from areas | count"])
    took = time.time() - start
    check(r.returncode == 1 and took < 12 and "10.255.255.1" in r.stderr,
          f"a server that doesn't answer fails in {took:.1f} s", r, failures)
    # The server's own error, as a diagnostic pointing at the query.
    pg.load('ALTER TABLE "areas" RENAME COLUMN "kind" TO "kind2";')
    r = iq(["--engine", pg.url, "-c", "from areas | where region == \"London\" | select kind"])
    pg.load('ALTER TABLE "areas" RENAME COLUMN "kind2" TO "kind";')
    check(r.returncode == 1 and "error:" in r.stderr, "the server's error is an iq diagnostic", r, failures)
    cancel(pg, failures)
    pg.close()
    spark(failures)
    print(f"engines: {passed} examples the same on PostgreSQL, {refused} refused naming the step, "
          f"{len(failures)} failed")
    return 1 if failures else 0


def cancel(pg, failures):
    """A long query (a 15-million-row join, then a sort), interrupted once the server runs it."""
    query = "from delay_reasons | join many delayed_days on area | sort reason, total | derive r = row_number() | take 1"
    active = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND application_name = 'iq'"
    p = subprocess.Popen([ARGS.iq, "--engine", pg.url, "-c", query], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    deadline = time.time() + 60
    while pg.rows(active) != [["1"]] and p.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    running = pg.rows(active) == [["1"]]
    p.send_signal(signal.SIGINT)
    start = time.time()
    out, err = p.communicate(timeout=60)
    took = time.time() - start
    while pg.rows(active) != [["0"]] and time.time() < start + 10:
        time.sleep(0.05)
    left = pg.rows(active)
    r = subprocess.CompletedProcess(p.args, p.returncode, out, err)
    check(running and p.returncode == 1 and "query cancelled" in err and took < 5 and left == [["0"]],
          f"Ctrl-C cancels the query on the server (iq ended {took:.2f} s after it; queries left running: {left})",
          r, failures)


def spark(failures):
    # Three small tables (a catalog of spark-sql's own in a folder of the test's),
    # then one pipeline with a join, money, a window and iq's order.
    folder = spark_catalog(all_tables=False)
    if folder is None:
        failures.append("spark-sql loads the export")
        return
    query = ("from england | summarize days = sum(total) by fy | join left bcf on fy "
             "| derive per_plan = pooled / plans, change = days - lag(days) | select fy, days, change, per_plan")
    local = iq(["-c", query])
    start = time.time()
    r = subprocess.run([ARGS.iq, "--format", "csv", "--engine", "local[2]", "-c", query], cwd=folder, env=SPARK_ENV,
                       capture_output=True, text=True, timeout=600)
    took = time.time() - start
    check(r.returncode == 0 and r.stdout == local.stdout and r.stdout.count("\n") > 3,
          f"a pipeline on Spark local[2] prints what iq prints ({took:.0f} s: two spark-sql starts)", r, failures)
    port = engines.free_port()
    r = iq(["--engine", f"spark://127.0.0.1:{port}", "-c", "from areas | count"])
    check(r.returncode == 1 and f"127.0.0.1, port {port}" in r.stderr, "a Spark master that isn't there is named",
          r, failures)
    shutil.rmtree(folder, ignore_errors=True)


def spark_catalog(all_tables):
    """A folder whose spark-sql catalog holds the built-in tables (or three small ones)."""
    folder = tempfile.mkdtemp(prefix="iq-spark-engine-")
    export = subprocess.run([ARGS.iq, "--export-dataset", "spark"], capture_output=True, text=True, check=True).stdout
    wanted = [s for s in engines.statements(export)
              if all_tables or any(f"`{t}`" in s.split("(")[0] for t in ("areas", "england", "bcf"))]
    with open(os.path.join(folder, "load.sql"), "w") as f:
        f.write(";\n".join(wanted) + ";\n")
    load = subprocess.run(["spark-sql", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                           "--driver-memory", "2g", "-S", "-f", "load.sql"], cwd=folder, env=SPARK_ENV,
                          capture_output=True, text=True)
    if load.returncode != 0:
        print(f"FAILED   spark-sql loads the export\n  {load.stderr[-500:]!r}")
        return None
    return folder


def check(ok, what, r, failures):
    print(("ok       " if ok else "FAILED   ") + what)
    if not ok:
        failures.append(what)
        print(f"  status {r.returncode}\n  stdout {r.stdout[:300]!r}\n  stderr {r.stderr[:500]!r}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iq", default=os.path.join(ROOT, ".build", "debug", "iq"))
    ap.add_argument("--spark-examples", action="store_true",
                    help="only the Examples through --engine local[2], on the whole dataset (slow)")
    ARGS = ap.parse_args()
    sys.exit(main())
