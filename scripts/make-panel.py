#!/usr/bin/env python3
"""Deterministic synthetic county-level panels for the benchmark.

Long layout: indicator (Chinese name from the catalog), region (county code under a
real province prefix), region_name, year, value (rates with '%'), unit, source (some
quoted, with commas). Usage: make-panel.py ROWS OUT.csv [--seed N], or make-panel.py NEW.csv --revise OLD.csv
With --revise, writes a "next edition" of OLD: ~1% of values revised, ~0.5% of rows
dropped and as many added.
"""
import json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
catalog = json.load(open(os.path.join(here, "..", "Data", "catalog", "indicators.json"), encoding="utf-8"))
INDICATORS = [i for i in catalog["indicators"] if i["unit"] in ("%", "score", "index", "count")]
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
SOURCES = ["统计年鉴", "\"市场监管局, 年度通报\"", "生态环境状况公报", "\"农业农村局, 例行监测\""]

def counties(n):
    out = []
    for k in range(n):
        p = PROVINCES[k % len(PROVINCES)]
        city = 1 + (k // len(PROVINCES)) % 20
        county = 1 + (k // (len(PROVINCES) * 20)) % 99
        out.append((f"{p:02d}{city:02d}{county:02d}", f"县{k}"))
    return out

def value(ind, rng):
    if ind["unit"] == "%":
        return f"{rng.uniform(50, 100):.1f}%"
    if ind["unit"] == "count":
        return str(rng.randint(0, 100))
    return f"{rng.uniform(60, 100):.2f}"

def rows(total, rng):
    years = list(range(2011, 2026))
    per_county = len(INDICATORS) * len(years)
    for code, name in counties(max(1, total // per_county + 1)):
        for ind in INDICATORS:
            for y in years:
                if total <= 0:
                    return
                total -= 1
                yield [ind["name"], code, name, str(y), value(ind, rng), ind["unit"], rng.choice(SOURCES)]

def main():
    args = sys.argv[1:]
    seed = 42
    if "--seed" in args:
        i = args.index("--seed"); seed = int(args[i + 1]); del args[i:i + 2]
    rng = random.Random(seed)
    header = "indicator,region,region_name,year,value,unit,source\n"
    if "--revise" in args:
        i = args.index("--revise"); old = args[i + 1]; del args[i:i + 2]
        out = args[0]
        with open(old, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
            w.write(f.readline())
            dropped = 0
            for line in f:
                r = rng.random()
                if r < 0.005:
                    dropped += 1
                    continue
                if r < 0.015:
                    parts = line.rstrip("\n").split(",")
                    v = parts[4]
                    if v.endswith("%"):
                        parts[4] = f"{min(100.0, float(v[:-1]) + 0.3):.1f}%"
                    elif "." in v:
                        parts[4] = f"{min(100.0, float(v) + 0.1):.2f}"
                    else:
                        parts[4] = str(min(100, int(v) + 1))
                    line = ",".join(parts) + "\n"
                w.write(line)
            # as many new rows, for a year the old edition did not have
            for k, (code, name) in enumerate(counties(dropped)):
                ind = INDICATORS[k % len(INDICATORS)]
                w.write(",".join([ind["name"], code, name, "2026", value(ind, rng), ind["unit"], "新发布"]) + "\n")
        return
    total, out = int(args[0]), args[1]
    with open(out, "w", encoding="utf-8") as w:
        w.write(header)
        for r in rows(total, rng):
            w.write(",".join(r) + "\n")

main()
