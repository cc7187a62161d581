#!/usr/bin/env python3
"""Compare PyMISP's load of each original MISP document with its load of what our `misp check`
wrote for it (to_dict() equality, element by element).

Usage: pymisp_compare.py SHARED_DIR OURS_DIR ORIGINAL.json [ORIGINAL.json ...]

For ORIGINAL `SHARED_DIR/a/b/name.json`, OURS_DIR holds `a__b__name.json.out` (our stdout: one
JSON document per line) and `a__b__name.json.rc` (our exit code).  Documents are split into elements the way MISP uses
them: events (a wrapped or bare event, every element of a `response` list or an index array),
attributes (`{"response": {"Attribute": [...]}}`) and objects (`{"response": [{"Object": ...}]}`);
each element is loaded with PyMISP (MISPEvent.load / MISPAttribute.from_dict / MISPObject.from_dict).

Outcome per file: passed when every element compares equal, or when PyMISP and we both refuse
the original; skipped (not failed) when only PyMISP refuses the original (a PyMISP limitation,
e.g. the legacy `"orgc": "<name>"` key); failed otherwise.  One normalisation: PyMISP gives an
element without a UUID a random uuid4 on every load, so uuid4 is made deterministic (a counter
reset before each load) to let both loads of such an element get the same UUIDs.  Otherwise the
comparison is of PyMISP's own JSON output (to_json), which writes integers as strings as we do.
Prints one line per file and closes with "N passed, M failed, K skipped".
"""
from __future__ import annotations

import copy
import itertools
import json
import logging
import os
import sys
import uuid

logging.disable(logging.CRITICAL)

from pymisp import MISPAttribute, MISPEvent, MISPObject  # noqa: E402


def elements(doc):
    if isinstance(doc, list):
        return [("event", e) for e in doc]
    if isinstance(doc, dict) and len(doc) == 1 and "response" in doc:
        r = doc["response"]
        if isinstance(r, dict) and "Attribute" in r:
            return [("attribute", a) for a in r["Attribute"]]
        if isinstance(r, list):
            if r and isinstance(r[0], dict) and set(r[0]) == {"Object"}:
                return [("object", e["Object"]) for e in r]
            return [("event", e) for e in r]
    return [("event", doc)]


_counter = itertools.count(1)


def _deterministic_uuid4():
    return uuid.UUID(int=next(_counter), version=4)


uuid.uuid4 = _deterministic_uuid4


def load(kind, element):
    global _counter
    _counter = itertools.count(1)
    element = copy.deepcopy(element)
    if kind == "event":
        item = MISPEvent()
        item.load(element)
    elif kind == "attribute":
        item = MISPAttribute()
        item.from_dict(**element)
    else:
        item = MISPObject(element.get("name", "unnamed"), standalone=False)
        item.from_dict(**element)
    return json.loads(item.to_json())


def first_diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                return f"{path}.{k}: only in original"
            d = first_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        for k in b:
            if k not in a:
                return f"{path}.{k}: only in ours"
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {str(a)[:80]!r} vs {str(b)[:80]!r}"


def compare(path, shared_dir, ours_dir):
    name = os.path.relpath(path, shared_dir).replace(os.sep, "__")
    with open(path, "rb") as f:
        original = json.load(f)
    with open(os.path.join(ours_dir, name + ".out"), "rb") as f:
        lines = [line for line in f.read().decode("utf-8").splitlines() if line.strip()]
    originals = elements(original)
    try:
        theirs = [load(kind, e) for kind, e in originals]
    except Exception as err:  # PyMISP refuses the original
        if not lines:
            return "passed", f"both refuse ({type(err).__name__})"
        return "skipped", f"PyMISP cannot load the original ({type(err).__name__}: {str(err)[:80]})"
    if not lines:
        return "failed", "we refused a document PyMISP loads"
    ours_elements = [el for line in lines for el in elements(json.loads(line))]
    if len(ours_elements) != len(originals):
        return "failed", f"{len(originals)} elements in the original, {len(ours_elements)} in ours"
    for i, ((kind, _), (_, ours_el), t) in enumerate(zip(originals, ours_elements, theirs)):
        try:
            o = load(kind, ours_el)
        except Exception as err:
            return "failed", f"element {i}: PyMISP cannot load ours ({type(err).__name__}: {err})"
        if o != t:
            return "failed", f"element {i}: {first_diff(t, o)}"
    return "passed", f"{len(originals)} {'element' if len(originals) == 1 else 'elements'} equal"


def main() -> int:
    shared_dir, ours_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for path in files:
        try:
            outcome, detail = compare(path, shared_dir, ours_dir)
        except Exception as err:
            outcome, detail = "failed", f"{type(err).__name__}: {err}"
        counts[outcome] += 1
        print(f"{outcome:7} {os.path.relpath(path)}: {detail}")
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
