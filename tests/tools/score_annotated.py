#!/usr/bin/env python3
"""Score `mtpe check --format json` against hand-annotated articles.

An annotated article is UTF-8 text with inline marks ``[[span]]{cat}``:

  * cat is an artifact category (cap, calque, neg, grammar, punct, locale, term,
    consistency, untranslated, spelling): some finding (any severity) must touch
    the span -- this is what recall counts;
  * ``ok`` marks a trap, correct English that looks like an artifact: no finding of
    severity warning or error may touch it;
  * ``style`` marks something only a human could fix: optional, a finding there is
    neither required nor held against the tool.

The marks are stripped, the clean text is written to a temporary folder under the
same file name, and `MTPE check --format json CLEAN_FILES...` is run once.  Findings
carry `offset`/`length` in bytes of the clean file (DESIGN.md, section 2).  A
finding of severity warning/error that touches no mark at all is a false alarm, and
so is every trap touched by such a finding.

Usage:
  score_annotated.py MTPE PATH... [--min-recall R] [--max-fp-per-kword F]
                                  [--per-rule] [--quiet] [--keep]
PATH is an annotated .txt file or a folder of them (README.md and other non-.txt
files are skipped).  Exit status: 0 when the thresholds hold, 1 when one does not,
2 for bad usage or a malformed annotation, 3 when mtpe itself fails or prints no
valid JSON.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Short names used in annotations -> category names of the JSON contract.
CATEGORIES = {
    "cap": "capitalization",
    "calque": "calque",
    "neg": "negation",
    "grammar": "grammar",
    "punct": "punctuation",
    "locale": "locale",
    "term": "terminology",
    "consistency": "consistency",
    "untranslated": "untranslated",
    "spelling": "spelling",
}
SPECIAL = ("ok", "style")
SERIOUS = ("error", "warning")

OPEN = "[["
MARK_RE = re.compile(r"\[\[(?P<span>.+?)\]\]\{(?P<cat>[A-Za-z_-]*)\}", re.S)


class AnnotationError(Exception):
    pass


class Mark:
    __slots__ = ("start", "end", "cat", "text", "line")

    def __init__(self, start, end, cat, text, line):
        self.start, self.end, self.cat, self.text, self.line = start, end, cat, text, line

    @property
    def required(self):
        return self.cat not in SPECIAL


class Case:
    """One annotated article: the clean bytes and the marks over them."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as e:
            raise AnnotationError(f"{path}: cannot read: {e.strerror}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise AnnotationError(f"{path}: invalid UTF-8 at byte {e.start}")
        self.clean, self.marks = self._parse(text)
        self.words = len(self.clean.split())

    def _parse(self, text):
        clean = bytearray()
        marks = []
        pos = 0
        for m in MARK_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            between = text[pos:m.start()]
            self._check_stray(between, line)
            cat, span = m.group("cat"), m.group("span")
            if cat not in CATEGORIES and cat not in SPECIAL:
                known = ", ".join(list(CATEGORIES) + list(SPECIAL))
                raise AnnotationError(
                    f"{self.path}:{line}: unknown category {{{cat}}} (known: {known})")
            if OPEN in span or "]]" in span:
                raise AnnotationError(f"{self.path}:{line}: nested or unclosed mark near {span[:40]!r}")
            if not span.strip():
                raise AnnotationError(f"{self.path}:{line}: empty mark")
            clean += between.encode("utf-8")
            start = len(clean)
            clean += span.encode("utf-8")
            marks.append(Mark(start, len(clean), cat, span, line))
            pos = m.end()
        tail = text[pos:]
        self._check_stray(tail, text.count("\n", 0, pos) + 1)
        clean += tail.encode("utf-8")
        return bytes(clean), marks

    def _check_stray(self, chunk, line):
        for token in (OPEN, "]]{"):
            i = chunk.find(token)
            if i >= 0:
                raise AnnotationError(
                    f"{self.path}:{line + chunk.count(chr(10), 0, i)}: "
                    f"'{token}' outside a well-formed [[span]]{{cat}} mark")


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                full = os.path.join(p, name)
                if name.endswith(".txt") and os.path.isfile(full):
                    files.append(full)
        elif os.path.isfile(p):
            files.append(p)
        else:
            raise AnnotationError(f"{p}: no such file or folder")
    if not files:
        raise AnnotationError("no annotated .txt files found in " + " ".join(paths))
    seen = {}
    for f in files:
        b = os.path.basename(f)
        if b in seen:
            raise AnnotationError(f"two cases share the file name {b}: {seen[b]} and {f}")
        seen[b] = f
    return [Case(f) for f in files]


def run_mtpe(binary, clean_paths):
    cmd = [binary, "check", "--format", "json"] + clean_paths
    try:
        proc = subprocess.run(cmd, capture_output=True)
    except OSError as e:
        raise RuntimeError(f"cannot run {binary}: {e.strerror}")
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {proc.returncode}\n{err}")
    try:
        doc = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise RuntimeError(f"mtpe check --format json did not print one JSON document: {e}")
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise RuntimeError("JSON document has no 'files' array (see DESIGN.md, section 2)")
    return doc


def findings_by_file(doc, cases, clean_paths):
    """Map each case name to its findings; match on the path as given, then basename."""
    by_path = {os.path.abspath(p): c.name for p, c in zip(clean_paths, cases)}
    names = {c.name for c in cases}
    out = {c.name: [] for c in cases}
    for entry in doc["files"]:
        path = entry.get("path", "")
        name = by_path.get(os.path.abspath(path))
        if name is None and os.path.basename(path) in names:
            name = os.path.basename(path)
        if name is None:
            raise RuntimeError(f"JSON names a file that was not checked: {path!r}")
        for f in entry.get("findings", []):
            for key in ("offset", "length"):
                if not isinstance(f.get(key), int) or f[key] < 0:
                    raise RuntimeError(f"{path}: finding without a valid byte '{key}': {f!r}")
            out[name].append(f)
    return out


def touches(f, mark):
    a = f["offset"]
    b = a + max(1, f["length"])
    return a < mark.end and mark.start < b


def snippet(case, f):
    t = f.get("text")
    if t is None:
        t = case.clean[f["offset"]:f["offset"] + f["length"]].decode("utf-8", "replace")
    return t


def line_of(case, offset):
    return case.clean.count(b"\n", 0, offset) + 1


def score(cases, found):
    r = {
        "hit": 0, "total": 0, "traps": 0, "trap_hits": 0, "fp": 0, "tp_findings": 0,
        "per_cat": {}, "wrong_cat": {}, "misses": [], "alarms": [], "rules": {},
    }
    for case in cases:
        fl = found[case.name]
        serious = [f for f in fl if f.get("severity", "warning") in SERIOUS]
        for m in case.marks:
            if m.cat == "ok":
                r["traps"] += 1
                who = [f for f in serious if touches(f, m)]
                if who:
                    r["trap_hits"] += 1
                    rules = ",".join(sorted({str(f.get("rule")) for f in who}))
                    r["alarms"].append(f"{case.name}:{m.line}: trap flagged by {rules}: {m.text!r}")
            elif m.cat != "style":
                r["total"] += 1
                pc = r["per_cat"].setdefault(m.cat, [0, 0])
                pc[1] += 1
                who = [f for f in fl if touches(f, m)]
                if who:
                    r["hit"] += 1
                    pc[0] += 1
                    if not any(f.get("category") == CATEGORIES[m.cat] for f in who):
                        r["wrong_cat"][m.cat] = r["wrong_cat"].get(m.cat, 0) + 1
                else:
                    r["misses"].append(f"{case.name}:{m.line}: missed {m.cat}: {m.text!r}")
        for f in fl:
            rule = str(f.get("rule", "?"))
            st = r["rules"].setdefault(rule, {"all": 0, "serious": 0, "true": 0, "false": 0})
            st["all"] += 1
            if f.get("severity", "warning") not in SERIOUS:
                continue
            st["serious"] += 1
            marks = [m for m in case.marks if touches(f, m)]
            if any(m.cat != "ok" for m in marks):
                r["tp_findings"] += 1
                st["true"] += 1
            elif marks:
                st["false"] += 1          # on a trap; counted once per trap above
            else:
                r["fp"] += 1
                st["false"] += 1
                r["alarms"].append(
                    f"{case.name}:{line_of(case, f['offset'])}: false alarm {rule}: {snippet(case, f)!r}")
    return r


def main(argv):
    ap = argparse.ArgumentParser(
        description="Score `mtpe check --format json` against [[span]]{cat} annotations.")
    ap.add_argument("binary", help="the mtpe executable")
    ap.add_argument("paths", nargs="+", help="annotated .txt files or folders of them")
    ap.add_argument("--min-recall", type=float, metavar="R",
                    help="exit 1 when recall is below R (0..1)")
    ap.add_argument("--max-fp-per-kword", type=float, metavar="F",
                    help="exit 1 when false alarms per 1000 words exceed F")
    ap.add_argument("--per-rule", action="store_true",
                    help="print findings and false alarms per rule")
    ap.add_argument("--quiet", action="store_true", help="do not list misses and false alarms")
    ap.add_argument("--keep", action="store_true", help="keep the folder of clean files")
    a = ap.parse_args(argv)
    if a.min_recall is not None and not 0.0 <= a.min_recall <= 1.0:
        ap.error("--min-recall must be between 0 and 1")
    if a.max_fp_per_kword is not None and a.max_fp_per_kword < 0:
        ap.error("--max-fp-per-kword must not be negative")

    try:
        cases = collect(a.paths)
    except AnnotationError as e:
        print(f"score_annotated: {e}", file=sys.stderr)
        return 2

    tmp = tempfile.mkdtemp(prefix="mtpe-annotated-")
    try:
        clean_paths = []
        for c in cases:
            p = os.path.join(tmp, c.name)
            with open(p, "wb") as fh:
                fh.write(c.clean)
            clean_paths.append(p)
        try:
            doc = run_mtpe(a.binary, clean_paths)
            found = findings_by_file(doc, cases, clean_paths)
        except RuntimeError as e:
            print(f"score_annotated: {e}", file=sys.stderr)
            return 3
    finally:
        if a.keep:
            print(f"clean files kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    r = score(cases, found)
    words = sum(c.words for c in cases)
    fp_total = r["fp"] + r["trap_hits"]
    recall = r["hit"] / r["total"] if r["total"] else 0.0
    denom = r["tp_findings"] + fp_total
    precision = r["tp_findings"] / denom if denom else 0.0
    per_kword = 1000.0 * fp_total / words if words else 0.0

    if not a.quiet:
        for line in r["misses"] + r["alarms"]:
            print(line)
    cats = []
    for k, (h, t) in sorted(r["per_cat"].items()):
        extra = f" ({r['wrong_cat'][k]} by another category)" if k in r["wrong_cat"] else ""
        cats.append(f"{k} {h}/{t} {h / t:.2f}{extra}")
    print("per category: " + ", ".join(cats))
    if a.per_rule:
        print("per rule (findings, warning/error, on a mark, false alarms):")
        for rule, st in sorted(r["rules"].items(), key=lambda kv: (-kv[1]["false"], kv[0])):
            print(f"  {rule:40s} {st['all']:4d} {st['serious']:4d} {st['true']:4d} {st['false']:4d}")
    print(f"{len(cases)} files, {words} words, {r['traps']} traps")
    print(f"recall {recall:.2f} ({r['hit']}/{r['total']}), precision {precision:.2f}, "
          f"false alarms {fp_total} ({per_kword:.1f} per 1000 words, "
          f"{r['trap_hits']}/{r['traps']} traps)")

    ok = True
    if a.min_recall is not None and recall < a.min_recall:
        print(f"FAIL: recall {recall:.2f} < {a.min_recall}")
        ok = False
    if a.max_fp_per_kword is not None and per_kword > a.max_fp_per_kword:
        print(f"FAIL: {per_kword:.1f} false alarms per 1000 words > {a.max_fp_per_kword}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
