#!/usr/bin/env python3
"""How long Ctrl-C takes to stop a query in the shell, phase by phase, on
the benchmark's 10M-row episodes file (LANGUAGE.md section 11, issue 13).

    Scripts/bench --ctrl-c [--rows N] [--runs R]     (default 10,000,000 rows, 5 runs)

For each phase a query that spends its time there is first run to the end
(its full time, T); then, R times, it is started again, Ctrl-C is sent
at 40% of T, and the time from the signal to "query cancelled" on
the screen is the latency. The shell must then answer the next query.
A figure, not a test: this prints medians and never fails on a slow machine.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROMPT = "iq> "


def phases(csv_path, out_path):
    # (name, setup statements, the query)
    loaded = [f'let e = from "{csv_path}"']
    return [
        ("reading a file", [], f'from "{csv_path}" | count'),
        ("join: build", loaded, "from areas | join many e on area | count"),
        ("join: probe", loaded, "from e | join areas on area | count"),
        ("sort", loaded, "from e | sort area, cost | derive r = row_number() | count"),
        ("summarize", loaded, "from e | summarize n = count(), ids = count_distinct(episode_id) by area, fy | count"),
        ("window", loaded, "from e | derive r = running_sum(cost) by area | take 1"),
        ("writing the output", loaded + [".mode csv", f".output {out_path}"], "from e"),
    ]


class Shell:
    def __init__(self, iq, home):
        env = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
        self.p = pexpect.spawn(iq, env=env, encoding="utf-8", dimensions=(40, 160), timeout=900)
        self.p.expect_exact(PROMPT)

    def run(self, line):
        self.p.send(line + "\r")
        self.p.expect_exact(PROMPT)
        return self.p.before

    def start(self, line):
        """Sends a statement and returns once the shell has taken it (Enter echoed)."""
        self.p.send(line + "\r")
        self.p.expect_exact(line[-12:] + "\r\n")
        return time.monotonic()

    def close(self):
        self.p.sendcontrol("d")
        self.p.expect(pexpect.EOF)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--iq", default=os.path.join(ROOT, ".build", "release", "iq"))
    args = ap.parse_args()
    csv_path = os.path.join(ROOT, "Bench", "out", f"episodes_{args.rows}.csv")
    if not os.path.exists(csv_path):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(args.rows), csv_path], check=True)
    home = tempfile.mkdtemp(prefix="iq-ctrlc-")
    out_path = os.path.join(home, "out.csv")
    print(f"Ctrl-C latency: {args.rows:,} rows ({os.path.getsize(csv_path) / 1e6:.0f} MB), "
          f"median of {args.runs}; machine: {os.cpu_count()} cores; {args.iq}")
    print(f"{'phase':<20} {'full run':>9} {'Ctrl-C at':>9} {'latency (median)':>17}  runs (ms; 'done': it ended first)")
    for name, setup, query in phases(csv_path, out_path):
        sh = Shell(args.iq, home)
        for s in setup:
            sh.run(s)
        # The full time: the faster of two runs (the first may read the file cold).
        full = None
        for _ in range(2):
            t0 = sh.start(query)
            sh.p.expect_exact(PROMPT)
            took = time.monotonic() - t0
            full = took if full is None else min(full, took)
            if "error" in sh.p.before:
                print(f"{name}: {sh.p.before.strip()}")
                break
        latencies = []
        for _ in range(args.runs):
            sh.start(query)
            time.sleep(full * 0.4)
            sent = time.monotonic()
            sh.p.sendcontrol("c")
            i = sh.p.expect_exact(["query cancelled", PROMPT])
            if i == 1:
                latencies.append(None)  # finished before the signal came
                continue
            latencies.append(time.monotonic() - sent)
            sh.p.expect_exact(PROMPT)
            # The shell takes the next statement (to the screen unless .output
            # sends results to a file).
            answer = sh.run(".tables" if ".output" in " ".join(setup) else "from areas | count")
            assert "error" not in answer and (".output" in " ".join(setup) or "152" in answer), answer
        done = [x for x in latencies if x is not None]
        median = f"{statistics.median(done) * 1000:.0f} ms" if done else "n/a"
        runs = ", ".join("done" if x is None else f"{x * 1000:.0f}" for x in latencies)
        print(f"{name:<20} {full:>8.2f}s {full * 0.4:>8.2f}s {median:>17}  {runs}", flush=True)
        sh.close()


if __name__ == "__main__":
    main()
