#!/usr/bin/env python3
"""Prints a Markdown table of a JMH JSON result file: score, error, median, p99.9, B/op."""
import json
import sys


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if v != v:  # NaN
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def main(path):
    rows = json.load(open(path))
    print("| benchmark | params | mode | score | ± error (99.9%) | median | p99.9 | unit | gc.alloc.rate.norm (B/op) |")
    print("|---|---|---|---:|---:|---:|---:|---|---:|")
    for r in rows:
        name = r["benchmark"].replace("dev.remit.bench.", "")
        params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
        pm = r["primaryMetric"]
        pct = pm.get("scorePercentiles", {})
        sec = {k.lstrip("·"): v for k, v in (r.get("secondaryMetrics") or {}).items()}
        norm = sec.get("gc.alloc.rate.norm", {}).get("score")
        median = pct.get("50.0") if r["mode"] == "sample" else None
        p999 = pct.get("99.9") if r["mode"] == "sample" else None
        threads = r.get("threads", 1)
        mode = r["mode"] + ("" if threads == 1 else f" ({threads} threads)")
        print(f"| {name} | {params} | {mode} | {fmt(pm['score'])} | {fmt(pm.get('scoreError'))} | "
              f"{fmt(median)} | {fmt(p999)} | {pm['scoreUnit']} | {fmt(norm)} |")


if __name__ == "__main__":
    main(sys.argv[1])
