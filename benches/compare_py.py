#!/usr/bin/env python3
"""The Python side of benches/compare.sh: times libtaxii and PyMISP on the given files.

Usage: compare_py.py taxii-parse FILE | taxii-write FILE | misp FILE  [RUNS]
Prints one JSON line: {"median_s": ..., "peak_rss_kib": ...} measured in this process, after
imports and after reading the input (so interpreter start-up is not counted).
"""
import json
import resource
import statistics
import sys
import time


def main():
    op, path = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    data = open(path, "rb").read()
    times = []
    if op in ("taxii-parse", "taxii-write"):
        import libtaxii.messages_11 as tm11
        msg = tm11.get_message_from_xml(data)
        for _ in range(runs):
            t = time.perf_counter()
            if op == "taxii-parse":
                tm11.get_message_from_xml(data)
            else:
                msg.to_xml()
            times.append(time.perf_counter() - t)
    elif op == "misp":
        from pymisp import MISPEvent
        for _ in range(runs):
            t = time.perf_counter()
            event = MISPEvent()
            event.load(data)
            event.to_json()
            times.append(time.perf_counter() - t)
    else:
        raise SystemExit(f"unknown op {op}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"median_s": statistics.median(times), "peak_rss_kib": peak}))


if __name__ == "__main__":
    main()
