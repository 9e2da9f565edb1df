#!/usr/bin/env python3
"""Prints the tables of docs/performance.md, "Against the floor", from `samen-bench --floor` runs.

usage: python3 tests/bench/floor_table.py runs.jsonl
(one JSON line per run, as samen-bench prints them; runs of one workload are grouped by mode,
rate and window, and each figure is the median over the group)
"""
import json
import statistics
import sys


def workload(run):
    if run["mode"] == "open":
        return f"open loop, {run['rate']:g} keystrokes/s"
    if run.get("window") == 1:
        return "closed loop, 8 edits in flight (`--window 1`)"
    return f"closed loop, {run['window'] * run['clients']} edits in flight"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits):
    return "" if value is None else f"{value:,.{digits}f}"


def main(path):
    groups = {}
    with open(path) as lines:
        for line in lines:
            if line.strip():
                run = json.loads(line)
                groups.setdefault(workload(run), []).append(run)
    ratios = ["cpu_per_op", "ack_p50", "ack_p99", "e2e_p50", "e2e_p99"]
    print("| samen-server / relay (median of N) | CPU per op | ack p50 | ack p99 | end-to-end p50 | end-to-end p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in groups.items():
        cells = [fmt(median([r["ratios"][k] for r in runs]), 2) for k in ratios]
        print(f"| {name} (N = {len(runs)}) | " + " | ".join(cells) + " |")
    print()
    print("| The floor of a durable edit (median of N) | relay CPU per op | disk sync CPU per sync | edits per commit | floor: relay + sync per commit | samen-server | samen-server / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in groups.items():
        m = lambda f: median([f(r) for r in runs])
        cells = [
            fmt(m(lambda r: r["floor"]["server_cpu_us_per_op_schedstat"]), 0) + " µs",
            fmt(m(lambda r: r.get("fsync_ms", {}).get("cpu_us_per_sync")), 0) + " µs",
            fmt(m(lambda r: r.get("server_metrics", {}).get("jobs_per_commit")), 1),
            fmt(m(lambda r: r["ratios"].get("durable_floor_cpu_us_per_op")), 0) + " µs",
            fmt(m(lambda r: r["server_cpu_us_per_op_schedstat"]), 0) + " µs",
            fmt(m(lambda r: r["ratios"].get("cpu_per_op_durable")), 2),
        ]
        print(f"| {name} (N = {len(runs)}) | " + " | ".join(cells) + " |")
    print()
    print("| The same runs, medians | ops/s | server CPU per op | ack p50 / p99 | end-to-end p50 / p99 | disk sync p50 / p99 | end-to-end p99 − sync p99 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in groups.items():
        for who, pick in (("samen-server", lambda r: r), ("relay", lambda r: r["floor"])):
            m = lambda f: median([f(pick(r)) for r in runs])
            row = [
                fmt(m(lambda r: r["ops_per_second"]), 0),
                fmt(m(lambda r: r["server_cpu_us_per_op_schedstat"]), 0) + " µs",
                f"{fmt(m(lambda r: r['ack_ms']['p50']), 2)} / {fmt(m(lambda r: r['ack_ms']['p99']), 2)} ms",
                f"{fmt(m(lambda r: r['e2e_ms']['p50']), 2)} / {fmt(m(lambda r: r['e2e_ms']['p99']), 2)} ms",
            ]
            if who == "samen-server":
                fsync = lambda k: median([r["fsync_ms"][k] for r in runs if r.get("fsync_ms")])
                minus = median([r.get("e2e_p99_minus_fsync_p99_ms") for r in runs])
                row += [f"{fmt(fsync('p50'), 2)} / {fmt(fsync('p99'), 2)} ms", f"{fmt(minus, 2)} ms"]
            else:
                row += ["", ""]
            print(f"| {name}, {who} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
