#!/usr/bin/env python3
"""Differential testing of iq against real SQL engines.

Generates random, valid, typed iq pipelines over the built-in tables
(seeded, so a run can be repeated), runs each in iq and, through its
`--sql --dialect D` translation, in the engine on the same data (loaded
from `iq --export-dataset D`), and compares the results row by row (iq's
translation keeps iq's row order, so order is compared too).
Floating-point values agree within a relative 1e-9.

    Scripts/difftest.py [--engine sqlite|duckdb|postgres|spark] [--queries N] [--seed S] [--iq PATH]

Prints how many queries agreed; exits 1 on any disagreement. Queries that
use something the dialect can't express are reported as untranslatable
and left out of the comparison (iq says which step).
"""
import argparse
import csv
import io
import math
import os
import random
import subprocess
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = ["areas", "delayed_days", "england", "bcf", "care_home_admissions", "delay_reasons"]


def run_iq(iq, script, dialect="sqlite"):
    p = subprocess.run([iq, "--format", "csv", "--dialect", dialect], input=script, capture_output=True, text=True)
    return p.stdout, p.stderr


def load(iq):
    """Each built-in table's columns and types, and some of each column's values."""
    schemas, values = {}, {}
    for t in TABLES:
        out, _ = run_iq(iq, f".describe {t}\n")
        lines = out[out.index("column,type"):].splitlines()
        schema = [(r[0], r[1]) for r in csv.reader(lines[1:])]
        schemas[t] = schema
        data, _ = run_iq(iq, f"from {t}\n")
        rows = list(csv.reader(io.StringIO(data)))[1:]
        values[t] = {c: sorted({r[i] for r in rows if r[i] != ""})[:50] for i, (c, _) in enumerate(schema)}
    return schemas, values


class Generator:
    """Random pipelines that resolve: every step keeps track of the columns and their types."""

    def __init__(self, rng, schemas, values):
        self.rng, self.schemas, self.values = rng, schemas, values

    def pick(self, xs):
        return self.rng.choice(xs)

    def cols(self, schema, types):
        return [c for c, t in schema if t in types]

    def literal(self, table, col, ty):
        vals = self.values.get(table, {}).get(col, [])
        if ty == "text":
            return '"' + (self.pick(vals) if vals and self.rng.random() < 0.9 else "nothing") + '"'
        if ty == "int":
            return str(int(self.pick(vals)) if vals and self.rng.random() < 0.7 else self.rng.randint(-5, 500))
        if ty == "number":
            return repr(round(self.rng.uniform(-2, 700), 2))
        if ty == "date":
            return "@" + (self.pick(vals) if vals else "2015-04-01")
        return "1"

    def predicate(self, table, schema, depth=0):
        r = self.rng.random()
        if depth < 2 and r < 0.25:
            op = self.pick(["and", "or"])
            return f"({self.predicate(table, schema, depth + 1)} {op} {self.predicate(table, schema, depth + 1)})"
        if depth < 2 and r < 0.32:
            return f"not ({self.predicate(table, schema, depth + 1)})"
        candidates = [ct for ct in schema if ct[1] in ("int", "number", "text", "date")]
        if not candidates:
            return "true"
        c, t = self.pick(candidates)
        if self.rng.random() < 0.1:
            return f"is_null({c})"
        if t == "text" and self.rng.random() < 0.3:
            items = ", ".join(self.literal(table, c, t) for _ in range(self.rng.randint(1, 3)))
            return f"{c} {'not in' if self.rng.random() < 0.3 else 'in'} ({items})"
        op = self.pick(["==", "!=", "<", "<=", ">", ">="])
        return f"{c} {op} {self.literal(table, c, t)}"

    def numeric(self, schema):
        ints = self.cols(schema, ["int"])
        nums = self.cols(schema, ["int", "number"])
        if not nums:
            return None, None
        r = self.rng.random()
        a, b = self.pick(nums), self.pick(nums)
        ta = dict(schema)[a]
        tb = dict(schema)[b]
        both_int = ta == "int" and tb == "int"
        if r < 0.2:
            return f"{a} + {b}", "int" if both_int else "number"
        if r < 0.35:
            return f"{a} - {self.rng.randint(0, 50)}", ta
        if r < 0.5:
            return f"{a} / {b}", "number"
        if r < 0.6 and ints:
            c = self.pick(ints)
            return f"mod({c}, {self.rng.randint(1, 7)})", "int"
        if r < 0.7:
            return f"round({a} / 3, {self.rng.randint(0, 3)})", "number"
        if r < 0.8:
            return f"coalesce({a}, 0)", ta
        if r < 0.9:
            return f"if({self.predicate('', schema, 2)}, {a}, {b})", "int" if both_int else "number"
        return f"abs({a} - {b})", "int" if both_int else "number"

    def function(self, table, schema):
        """A call of one of iq's functions on columns of the types it takes."""
        texts = self.cols(schema, ["text"])
        dates = self.cols(schema, ["date"])
        money = self.cols(schema, ["money"])
        nums = self.cols(schema, ["number"])
        ints = self.cols(schema, ["int"])
        choices = []
        if texts:
            t = self.pick(texts)
            lit = self.literal(table, t, "text")
            part = '"' + self.pick(["a", "E", "on", " ", "-", "é", "0"]) + '"'
            choices += [
                (f"lower({t})", "text"), (f"upper({t})", "text"), (f"length({t})", "int"),
                (f"trim(concat(\"  \", {t}, \" \"))", "text"),
                (f"concat({t}, \"/\", {self.pick(texts)})", "text"),
                (f"substr({t}, {self.rng.randint(1, 4)}, {self.rng.randint(0, 5)})", "text"),
                (f"left({t}, {self.rng.randint(0, 4)})", "text"), (f"right({t}, {self.rng.randint(0, 4)})", "text"),
                (f"if(contains({t}, {part}), 1, 0)", "int"), (f"if(starts_with({t}, {part}), 1, 0)", "int"),
                (f"if(ends_with({t}, {part}), 1, 0)", "int"), (f"replace({t}, {part}, \"_\")", "text"),
                (f"split_part({t}, {part}, {self.rng.randint(1, 3)})", "text"),
                (f"coalesce({t}, {lit})", "text"), (f"if({t} < {lit}, \"lt\", \"ge\")", "text"),
            ]
        if ints:
            i = self.pick(ints)
            choices += [(f"text({i})", "text"), (f"concat(\"n=\", {i})", "text"), (f"number({i})", "number"),
                        (f"money({i})", "money"), (f"mod({i}, {self.rng.randint(-4, 7)})", "int")]
        if nums:
            x = self.pick(nums)
            choices += [(f"floor({x})", "int"), (f"ceil({x})", "int"), (f"sqrt({x})", "number"),
                        (f"round({x}, {self.rng.randint(-1, 3)})", "number"), (f"money({x})", "money"),
                        (f"pct_change({x}, {self.pick(nums)})", "number")]
        if money:
            m = self.pick(money)
            factor = repr(round(self.rng.uniform(-3, 3), 3))
            choices += [(f"{m} * {factor}", "money"), (f"{m} / {self.rng.choice([3, 7, 0, 1.5])}", "money"),
                        (f"{m} + {self.pick(money)}", "money"), (f"number({m})", "number"),
                        (f"{m} / {self.pick(money)}", "number"), (f"abs({m})", "money")]
        if dates:
            d = self.pick(dates)
            choices += [(f"year({d})", "int"), (f"month({d})", "int"), (f"fy({d})", "text"),
                        (f"{d} + {self.rng.randint(-40, 400)}", "date"), (f"{d} - @2015-04-01", "int"),
                        (f"text({d})", "text"), (f"concat(\"from \", {d})", "text")]
        return self.pick(choices) if choices else None

    def step(self, table, schema, state):
        kinds = ["where", "derive", "summarize", "sort", "take", "top", "select", "distinct", "window", "rename",
                 "function", "function", "spread"]
        if "area" in dict(schema) and not state.get("joined") and table != "areas":
            kinds.append("join")
        if table != "delay_reasons":
            kinds.append("append")
        k = self.pick(kinds)
        names = [c for c, _ in schema]
        if k == "where":
            return f"where {self.predicate(table, schema)}", schema
        if k == "derive":
            e, t = self.numeric(schema)
            if e is None:
                return None, schema
            n = f"d{state.setdefault('n', 0)}"
            state["n"] += 1
            groups = self.cols(schema, ["text"])
            if groups and self.rng.random() < 0.3:
                g = self.pick(groups)
                src = self.pick(self.cols(schema, ["int", "number"]))
                return f"derive {n} = {src} / sum({src}) by {g}", schema + [(n, "number")]
            return f"derive {n} = {e}", schema + [(n, t)]
        if k == "function":
            made = self.function(table, schema)
            if made is None:
                return None, schema
            e, t = made
            n = f"f{state.setdefault('n', 0)}"
            state["n"] += 1
            return f"derive {n} = {e}", schema + [(n, t)]
        if k == "spread":
            # An aggregate repeated on every row, over the whole input or a group.
            nums = self.cols(schema, ["int", "number", "money"])
            if not nums:
                return None, schema
            x = self.pick(nums)
            n = f"g{state.setdefault('n', 0)}"
            state["n"] += 1
            groups = self.cols(schema, ["text"])
            by = f" by {self.pick(groups)}" if groups and self.rng.random() < 0.6 else ""
            f = self.pick(["count_distinct", "median", "stddev", "avg", "min", "max", "sum"])
            tx = dict(schema)[x]
            t = {"count_distinct": "int", "stddev": "number",
                 "median": "money" if tx == "money" else "number",
                 "avg": "money" if tx == "money" else "number"}.get(f, tx)
            return f"derive {n} = {f}({x}){by}", schema + [(n, t)]
        if k == "window":
            nums = self.cols(schema, ["int", "number"])
            if not nums:
                return None, schema
            n = f"w{state.setdefault('n', 0)}"
            state["n"] += 1
            x = self.pick(nums)
            by = ""
            groups = self.cols(schema, ["text"])
            if groups and self.rng.random() < 0.5:
                by = f" by {self.pick(groups)}"
            windows = [(f"lag({x})", dict(schema)[x]), (f"lead({x}, 2)", dict(schema)[x]),
                       ("row_number()", "int"), (f"running_sum({x})", dict(schema)[x])]
            if state.get("ordered"):
                windows += [("rank()", "int")] * 2
            w, t = self.pick(windows)
            return f"derive {n} = {w}{by}", schema + [(n, t)]
        if k == "summarize":
            candidates = [c for c, t in schema if t in ("text", "int", "date")]
            keys = self.rng.sample(candidates, k=min(self.rng.randint(0, 2), len(candidates)))
            aggs, out = [], [(c, t) for c, t in schema if c in keys]
            for i in range(self.rng.randint(1, 3)):
                nums = self.cols(schema, ["int", "number", "money"])
                choice = self.rng.random()
                name = f"a{i}"
                if choice < 0.2 or not nums:
                    aggs.append(f"{name} = count()")
                    out.append((name, "int"))
                elif choice < 0.3:
                    aggs.append(f"{name} = count_distinct({self.pick(names)})")
                    out.append((name, "int"))
                else:
                    x = self.pick(nums)
                    f = self.pick(["sum", "avg", "min", "max", "count", "median", "stddev", "first", "last"])
                    mean = "money" if dict(schema)[x] == "money" else "number"
                    t = {"count": "int", "avg": mean, "median": mean, "stddev": "number"}.get(f, dict(schema)[x])
                    aggs.append(f"{name} = {f}({x})")
                    out.append((name, t))
            by = f" by {', '.join(keys)}" if keys else ""
            state["ordered"] = bool(keys)
            return f"summarize {', '.join(aggs)}{by}", out
        if k == "sort":
            keys = self.rng.sample(names, k=min(len(names), self.rng.randint(1, 2)))
            state["ordered"] = True
            return "sort " + ", ".join(f"{c} {self.pick(['asc', 'desc'])}" for c in keys), schema
        if k == "take":
            return f"take {self.rng.randint(0, 30)}", schema
        if k == "top":
            c = self.pick(names)
            state["ordered"] = True
            return f"top {self.rng.randint(1, 10)} by {c}{self.pick(['', ' asc'])}", schema
        if k == "select":
            keep = self.rng.sample(names, k=self.rng.randint(1, len(names)))
            return f"select {', '.join(keep)}", [(c, t) for c, t in schema if c in keep]
        if k == "distinct":
            keep = self.rng.sample(names, k=self.rng.randint(1, min(2, len(names))))
            state["ordered"] = False
            return f"distinct {', '.join(keep)}", [(c, t) for c, t in schema if c in keep]
        if k == "rename":
            c = self.pick(names)
            return f"rename r_{c} = {c}", [(("r_" + n) if n == c else n, t) for n, t in schema]
        if k == "append":
            # The table the query started from, again: its columns keep their
            # types, and any the steps made are null in its rows.
            state["ordered"] = False
            have = {c for c, _ in schema}
            return f"append {table}", schema + [(c, t) for c, t in self.schemas[table] if c not in have]
        if k == "join":
            state["joined"] = True
            extra = [(c, t) for c, t in self.schemas["areas"] if c != "area"]
            clash = {c for c, _ in schema}
            return "join areas on area", schema + [((f"areas.{c}" if c in clash else c), t) for c, t in extra]
        return None, schema

    def query(self):
        table = self.pick(TABLES[:-1] if self.rng.random() < 0.9 else TABLES)
        schema = list(self.schemas[table])
        steps, state = [f"from {table}"], {}
        for _ in range(self.rng.randint(1, 5)):
            s, new = self.step(table, schema, state)
            if s:
                steps.append(s)
                schema = new
        return " | ".join(steps)


def same(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="sqlite", choices=["sqlite", "duckdb", "postgres", "spark", "tsql"])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iq", default=os.path.join(ROOT, ".build", "debug", "iq"))
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--show-failures", type=int, default=5)
    args = ap.parse_args()

    engine = engines.start(args.engine, args.iq)
    schemas, values = load(args.iq)
    gen = Generator(random.Random(args.seed), schemas, values)
    queries = [gen.query() for _ in range(args.queries)]

    agreed = disagreed = untranslatable = iq_errors = 0
    failures = []
    for start in range(0, len(queries), args.batch):
        batch = queries[start:start + args.batch]
        script = ""
        for i, q in enumerate(batch):
            script += f'.sql {q}\n"@@SQL {i}@@"\n{q}\n"@@END {i}@@"\n'
        out, err = run_iq(args.iq, script, engines.DIALECT[args.engine])
        parts = out.split("\n")
        # Split stdout into each query's SQL and result by the markers.
        i, mode, sql, result = 0, "sql", [], []
        results = {}
        for line in parts:
            if line == f"@@SQL {i}@@":
                mode = "result"
                continue
            if line == f"@@END {i}@@":
                results[i] = ("\n".join(sql), "\n".join(result))
                i, mode, sql, result = i + 1, "sql", [], []
                continue
            if line == "value":
                continue
            (sql if mode == "sql" else result).append(line)
        for i, q in enumerate(batch):
            sql_text, result = results.get(i, ("", ""))
            if not sql_text.strip().startswith("WITH"):
                untranslatable += 1
                continue
            rows = list(csv.reader(io.StringIO(result)))
            if not rows:
                iq_errors += 1
                failures.append((q, sql_text, "iq gave no result", ""))
                continue
            try:
                expected = engine.rows(sql_text)
            except engine.error as e:
                disagreed += 1
                failures.append((q, sql_text, f"{args.engine} error: {str(e).splitlines()[0] if str(e) else e}", ""))
                continue
            got = rows[1:]
            if expected is None:  # compile-only (T-SQL): parsed, not run
                agreed += 1
                continue
            ok = len(got) == len(expected) and all(
                len(r) == len(s) and all(same(a, b) for a, b in zip(r, s)) for r, s in zip(got, expected)
            )
            if ok:
                agreed += 1
            else:
                disagreed += 1
                failures.append((q, sql_text, f"iq: {got[:3]} …", f"{args.engine}: {expected[:3]} …"))
    for q, sql_text, a, b in failures[: args.show_failures]:
        print(f"DISAGREE: {q}\n  {a}\n  {b}\n")
    compared = agreed + disagreed + iq_errors
    engine.close()
    print(f"difftest [{args.engine}]: {args.queries} queries (seed {args.seed}): {agreed} agreed, {disagreed} disagreed, "
          f"{iq_errors} iq errors, {untranslatable} not translatable")
    print(f"difftest [{args.engine}]: {agreed} passed, {disagreed + iq_errors} failed")
    return 0 if disagreed + iq_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
