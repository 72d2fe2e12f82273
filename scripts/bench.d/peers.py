"""The peers' side of the benchmark: the same work quality does, done the usual way.

  peers.py duckdb-report PANEL     read_csv + per-(region, indicator) aggregation
  peers.py duckdb-diff OLD NEW     full outer join on (indicator, region, year), count differences
  peers.py polars-report PANEL     the same aggregation, lazy
  peers.py polars-diff OLD NEW     the same join, lazy
  peers.py frictionless PANEL      frictionless validate with an equivalent Table Schema
"""
import json, os, sys, tempfile

def duckdb_conn():
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    return con

CSV = "read_csv('{}', header=true, all_varchar=true)"
VALUE = "try_cast(replace(value, '%', '') AS DOUBLE)"

def duckdb_report(panel):
    con = duckdb_conn()
    rows = con.execute(f"""
        SELECT region, indicator, count(*), min(year), max(year), max({VALUE}), arg_max({VALUE}, year)
        FROM {CSV.format(panel)} GROUP BY region, indicator""").fetchall()
    print(len(rows), "series")

def duckdb_diff(old, new):
    con = duckdb_conn()
    n = con.execute(f"""
        SELECT count(*) FROM {CSV.format(old)} o FULL OUTER JOIN {CSV.format(new)} n
        USING (indicator, region, year)
        WHERE o.value IS DISTINCT FROM n.value""").fetchone()[0]
    print(n, "differences")

def polars_scan(path):
    import polars as pl
    return pl.scan_csv(path, infer_schema=False).with_columns(
        pl.col("value").str.replace("%", "", literal=True).cast(pl.Float64, strict=False).alias("v"))

def polars_report(panel):
    import polars as pl
    out = polars_scan(panel).group_by(["region", "indicator"]).agg(
        pl.len().alias("n"), pl.col("year").min().alias("first"), pl.col("year").max().alias("last"),
        pl.col("v").max().alias("max"), pl.col("v").sort_by("year").last().alias("latest")).collect()
    print(out.height, "series")

def polars_diff(old, new):
    import polars as pl
    o = polars_scan(old).select(["indicator", "region", "year", "value"])
    n = polars_scan(new).select(["indicator", "region", "year", "value"])
    j = o.join(n, on=["indicator", "region", "year"], how="full", coalesce=True, suffix="_new")
    out = j.filter(pl.col("value").ne_missing(pl.col("value_new"))).select(pl.len()).collect()
    print(out.item(), "differences")

def frictionless(panel):
    from frictionless import Resource, Schema, validate
    schema = {
        "fields": [
            {"name": "indicator", "type": "string", "constraints": {"required": True}},
            {"name": "region", "type": "string", "constraints": {"required": True, "pattern": "[1-6][0-9]{5}"}},
            {"name": "region_name", "type": "string"},
            {"name": "year", "type": "integer", "constraints": {"minimum": 1949, "maximum": 2100}},
            {"name": "value", "type": "number", "bareNumber": False, "constraints": {"minimum": 0, "maximum": 100}},
            {"name": "unit", "type": "string"},
            {"name": "source", "type": "string"},
        ],
        "primaryKey": ["indicator", "region", "year"],
    }
    report = validate(Resource(path=panel, schema=Schema.from_descriptor(schema)), limit_errors=1000)
    print("valid" if report.valid else f"{len(report.tasks[0].errors)} errors")

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"duckdb-report": duckdb_report, "duckdb-diff": duckdb_diff, "polars-report": polars_report,
     "polars-diff": polars_diff, "frictionless": frictionless}[cmd](*args)
