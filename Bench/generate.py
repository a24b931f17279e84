#!/usr/bin/env python3
"""A deterministic episodes CSV for the benchmark: N admitted-patient
episodes across the 152 areas, April 2014 to March 2017.

    Bench/generate.py N OUT.csv [--export]   (fixed seed: the same N gives the same file)

With --export, the same episodes written the way Excel and NHS systems
export them: ids and costs with thousands separators (quoted where they
hold a comma), costs with £, UK dates (01/04/2015), CRLF line ends.

Columns: episode_id, area, admitted, fy, age_band, method, los_days,
delayed_days, cost. Skewed as real extracts are: a few large areas have
most episodes, emergencies are mostly older people and stay longer, most
episodes have no delayed days, and costs follow length of stay.
"""
import csv
import datetime
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    export = "--export" in sys.argv
    argv = [a for a in sys.argv if a != "--export"]
    n = int(argv[1]) if len(argv) > 1 else 10_000_000
    name = f"episodes_{n}_export.csv" if export else f"episodes_{n}.csv"
    out = argv[2] if len(argv) > 2 else os.path.join(ROOT, "Bench", "out", name)
    rng = np.random.default_rng(20170201)
    with open(os.path.join(ROOT, "Data", "areas_2015_16.csv")) as f:
        areas = [r["gss_code"] for r in csv.DictReader(f)]
    # Zipf-like area sizes.
    weights = 1 / np.arange(1, len(areas) + 1) ** 0.8
    rng.shuffle(weights)
    area_idx = rng.choice(len(areas), size=n, p=weights / weights.sum())
    start = datetime.date(2014, 4, 1)
    days = (datetime.date(2017, 4, 1) - start).days
    # More admissions in winter.
    day = rng.integers(0, days, size=n)
    winter = rng.random(n) < 0.15
    day = np.where(winter, (day // 365) * 365 + rng.integers(245, 335, size=n), day) % days
    method = rng.choice(3, size=n, p=[0.55, 0.38, 0.07])  # emergency, elective, maternity
    bands = np.array(["0-17", "18-64", "65-74", "75-84", "85+"])
    age_p = np.array([[0.10, 0.30, 0.18, 0.22, 0.20], [0.08, 0.50, 0.20, 0.15, 0.07], [0.02, 0.98, 0.0, 0.0, 0.0]])
    u = rng.random(n)
    cum = np.cumsum(age_p, axis=1)[method]
    age = (u[:, None] > cum).sum(axis=1)
    base_los = np.array([2.5, 0.8, 1.5])[method] * (1 + age * 0.6)
    los = rng.poisson(base_los)
    delayed = np.where((age >= 3) & (method == 0) & (rng.random(n) < 0.25), rng.geometric(0.2, size=n), 0)
    delayed = np.where(rng.random(n) < 0.02, rng.integers(1, 4, size=n), delayed)
    pence = (np.array([150_000, 120_000, 180_000])[method] + los * 40_000 + delayed * 30_500 + rng.integers(0, 20_000, size=n))
    dates = [start + datetime.timedelta(days=int(d)) for d in range(days)]
    iso = [d.strftime("%d/%m/%Y") if export else d.isoformat() for d in dates]
    fys = [f"{d.year if d.month >= 4 else d.year - 1}-{(d.year + 1 if d.month >= 4 else d.year) % 100:02d}" for d in dates]
    methods = ["emergency", "elective", "maternity"]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    def exported(text):
        # Excel quotes a field only when it holds the delimiter.
        return f'"{text}"' if "," in text else text

    end = "\r\n" if export else "\n"
    with open(out, "w", newline="") as f:
        f.write("episode_id,area,admitted,fy,age_band,method,los_days,delayed_days,cost" + end)
        chunk = 500_000
        for s in range(0, n, chunk):
            e = min(n, s + chunk)
            if export:
                lines = [
                    f"{exported(f'{i + 1:,}')},{areas[a]},{iso[d]},{fys[d]},{bands[g]},{methods[m]},{l},{dl},"
                    + exported(f"£{p // 100:,}.{p % 100:02d}")
                    for i, a, d, g, m, l, dl, p in zip(
                        range(s, e), area_idx[s:e].tolist(), day[s:e].tolist(), age[s:e].tolist(),
                        method[s:e].tolist(), los[s:e].tolist(), delayed[s:e].tolist(), pence[s:e].tolist())
                ]
            else:
                lines = [
                    f"{i + 1},{areas[a]},{iso[d]},{fys[d]},{bands[g]},{methods[m]},{l},{dl},{p // 100}.{p % 100:02d}"
                    for i, a, d, g, m, l, dl, p in zip(
                        range(s, e), area_idx[s:e].tolist(), day[s:e].tolist(), age[s:e].tolist(),
                        method[s:e].tolist(), los[s:e].tolist(), delayed[s:e].tolist(), pence[s:e].tolist())
                ]
            f.write(end.join(lines))
            f.write(end)
    print(out)


if __name__ == "__main__":
    main()
