#!/usr/bin/env python3
"""A stand-in for `mtpe check --format json`, used only to test score_annotated.py.

It applies a handful of regex rules and prints the JSON document of DESIGN.md with
byte offsets.  FAKE_MTPE_MODE=crash exits 3, =garbage prints no JSON.
"""
import json
import os
import re
import sys

RULES = [
    ("CAP_INSTITUTION", "capitalization", "warning", r"\b(?:foreign|state) (?:Ministry|Council|Duma)\b"),
    ("CAP_MONTH", "capitalization", "warning", r"\b(?:on|since|in) (?:may|march|june) \d"),
    ("CALQUE_YEAR", "calque", "warning", r"\b\d{4} year\b"),
    ("LOCALE_DECIMAL_COMMA", "locale", "warning", r"\b\d+,\d (?:million|billion)\b"),
    ("UNTRANSLATED_CYRILLIC", "untranslated", "error", r"\w*[\u0400-\u04FF]+\w*"),
    ("GRAMMAR_REPEAT", "grammar", "warning", r"\b(\w+) \1\b"),
    ("NOISY_MAY", "capitalization", "warning", r"\bmay march\b"),
    ("INFO_NAME", "spelling", "info", r"\bZorblax\b"),
]


def main(argv):
    if argv[:3] != ["check", "--format", "json"]:
        print("fake_mtpe: usage: fake_mtpe check --format json FILE...", file=sys.stderr)
        return 2
    mode = os.environ.get("FAKE_MTPE_MODE", "")
    if mode == "crash":
        print("fake_mtpe: simulated runtime error", file=sys.stderr)
        return 3
    if mode == "garbage":
        print("this is not json")
        return 0
    files, total = [], 0
    for path in argv[3:]:
        raw = open(path, "rb").read()
        text = raw.decode("utf-8")
        out = []
        for rule, cat, sev, pat in RULES:
            for m in re.finditer(pat, text):
                off = len(text[:m.start()].encode("utf-8"))
                ln = len(m.group(0).encode("utf-8"))
                out.append({"rule": rule, "category": cat, "severity": sev,
                            "message": rule, "offset": off, "length": ln,
                            "text": m.group(0), "replacements": []})
        out.sort(key=lambda f: f["offset"])
        total += len(out)
        files.append({"path": path, "findings": out})
    print(json.dumps({"version": 1, "files": files,
                      "summary": {"files": len(files), "findings": total}}))
    return 1 if total else 0


sys.exit(main(sys.argv[1:]))
