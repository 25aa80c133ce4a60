#!/usr/bin/env python3
"""Per-rule quality report for an mtpe binary.

For every rule, count the findings it raises on the WMT21 ru-en professional reference
translation (shared/corpus/wmt-ru-en/ref.en.txt: correct English, so every warning or
error there is a false alarm) and on the eight machine-translation outputs of the same
articles (sys-*.en.txt: where MT artifacts are).  Rules are sorted by their warnings and
errors on the reference; for each rule that fires there, up to N example hits are shown
with their context.  Then recall and false alarms on the annotated articles of
tests/annotated are printed (tests/tools/score_annotated.py, else shared's
tools/score-annotated.py).

Usage:
  python3 scripts/rule-quality.py build/mtpe [--shared DIR] [--only REGEX]
                                  [--examples N] [--no-annotated] [--all] [--times]
                                  [--max-ref-per-kword F]

The shared folder defaults to ../shared next to the repository (or $MTPE_SHARED).  When it
is absent the script says so and exits 0.  The rule set is whatever the binary loads
(MTPE_DATA_DIR and --data-dir are honoured through the environment / --data-dir).

Exit status: 0 on success (and when skipped), 1 when --max-ref-per-kword is exceeded,
2 for bad usage, 3 when mtpe fails or prints no valid JSON.
"""
import argparse
import json
import os
import re
import subprocess
import sys

SERIOUS = ("error", "warning")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg, code):
    print(f"rule-quality: {msg}", file=sys.stderr)
    sys.exit(code)


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True)
    except OSError as e:
        die(f"cannot run {cmd[0]}: {e.strerror}", 3)


def list_rules(binary, extra):
    """Rule id -> (category, severity) from `mtpe rules list`."""
    p = run([binary, "rules", "list"] + extra)
    if p.returncode != 0:
        die(f"'{binary} rules list' exited {p.returncode}:\n"
            + p.stderr.decode("utf-8", "replace")[-2000:], 3)
    rules = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 3 and re.fullmatch(r"[A-Z][A-Z0-9_]*", parts[0]):
            rules[parts[0]] = (parts[1], parts[2])
    return rules


def rule_times(binary, paths, extra):
    """Rule id -> milliseconds spent on all of paths (MTPE_RULE_TIMES=1 profile), or {}."""
    env = dict(os.environ, MTPE_RULE_TIMES="1")
    try:
        p = subprocess.run([binary, "check", "--format", "json", "--fail-on", "none"] + extra + paths,
                           capture_output=True, env=env)
    except OSError:
        return {}
    out = {}
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"\s*([\d.]+) ms\s+([A-Z][A-Z0-9_]*)", line)
        if m:
            out[m.group(2)] = float(m.group(1))
    return out


def check(binary, paths, extra):
    p = run([binary, "check", "--format", "json", "--fail-on", "none"] + extra + paths)
    if p.returncode not in (0, 1):
        die(f"'{binary} check' exited {p.returncode}:\n"
            + p.stderr.decode("utf-8", "replace")[-2000:], 3)
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        die(f"mtpe check --format json printed no JSON document: {e}", 3)
    out = {os.path.abspath(x): [] for x in paths}
    for entry in doc.get("files", []):
        key = os.path.abspath(entry.get("path", ""))
        if key not in out:
            # match on the base name when the binary rewrote the path
            cand = [k for k in out if os.path.basename(k) == os.path.basename(key)]
            if len(cand) != 1:
                die(f"JSON names a file that was not checked: {entry.get('path')!r}", 3)
            key = cand[0]
        out[key].extend(entry.get("findings", []))
    return out


def context(data, f, width=60):
    a = f.get("offset", 0)
    b = a + f.get("length", 0)
    left = data[max(0, a - width):a].decode("utf-8", "replace")
    mid = data[a:b].decode("utf-8", "replace")
    right = data[b:b + width].decode("utf-8", "replace")
    s = f"{left}[{mid}]{right}"
    return " ".join(s.split())


def annotated_report(binary, extra_env):
    tests = os.path.join(REPO, "tests", "annotated")
    if not os.path.isdir(tests):
        print("annotated: tests/annotated not found, skipped")
        return
    local = os.path.join(REPO, "tests", "tools", "score_annotated.py")
    shared = os.path.join(extra_env["shared"], "tools", "score-annotated.py")
    if os.path.isfile(local):
        cmd = [sys.executable, local, binary, tests, "--per-rule", "--quiet"]
    elif os.path.isfile(shared):
        cmd = [sys.executable, shared, binary, tests]
    else:
        print("annotated: no scorer found (tests/tools/score_annotated.py, shared tools), skipped")
        return
    p = run(cmd)
    print(f"== annotated articles ({os.path.relpath(tests, REPO)}, scorer {os.path.relpath(cmd[1], REPO) if cmd[1].startswith(REPO) else cmd[1]})")
    text = p.stdout.decode("utf-8", "replace").rstrip()
    if text:
        print(text)
    if p.returncode not in (0, 1):
        print(p.stderr.decode("utf-8", "replace")[-2000:].rstrip())
        print(f"(scorer exited {p.returncode})")


def main(argv):
    ap = argparse.ArgumentParser(description="Per-rule hits on the WMT21 reference and MT outputs.")
    ap.add_argument("binary", help="the mtpe executable")
    ap.add_argument("--shared", help="the shared folder (default: ../shared beside the repo, or $MTPE_SHARED)")
    ap.add_argument("--only", metavar="REGEX", help="report only rules whose id matches REGEX")
    ap.add_argument("--examples", type=int, default=3, metavar="N",
                    help="example hits from the reference per rule (default 3)")
    ap.add_argument("--all", action="store_true", help="also list rules that never fire")
    ap.add_argument("--no-annotated", action="store_true", help="skip the annotated-article score")
    ap.add_argument("--times", action="store_true",
                    help="add a column: milliseconds per MB of MT output spent in each rule (MTPE_RULE_TIMES)")
    ap.add_argument("--data-dir", help="passed to mtpe (folder with rules/ and dicts/)")
    ap.add_argument("--max-ref-per-kword", type=float, metavar="F",
                    help="exit 1 when warnings+errors on the reference exceed F per 1000 words")
    a = ap.parse_args(argv)
    if a.examples < 0:
        ap.error("--examples must not be negative")
    try:
        only = re.compile(a.only) if a.only else None
    except re.error as e:
        ap.error(f"--only: {e}")

    shared = a.shared or os.environ.get("MTPE_SHARED") or os.path.join(os.path.dirname(REPO), "shared")
    corpus = os.path.join(shared, "corpus", "wmt-ru-en")
    ref = os.path.join(corpus, "ref.en.txt")
    if not os.path.isfile(ref):
        print(f"rule-quality: {corpus} not found (shared folder absent); nothing to measure, skipped")
        return 0
    binary = a.binary
    if os.sep in binary and not os.path.isfile(binary):
        die(f"{binary}: no such file", 2)
    extra = ["--data-dir", a.data_dir] if a.data_dir else []

    systems = sorted(f for f in os.listdir(corpus) if f.startswith("sys-") and f.endswith(".en.txt"))
    paths = [ref] + [os.path.join(corpus, f) for f in systems]
    rules = list_rules(binary, extra)
    found = check(binary, paths, extra)
    times = rule_times(binary, paths[1:], extra) if a.times else {}
    data = {}
    words = {}
    for p in paths:
        with open(p, "rb") as fh:
            data[p] = fh.read()
        words[p] = len(data[p].split())

    # counts[rule][path] = [serious, info]
    counts = {}
    for p in paths:
        for f in found[os.path.abspath(p)]:
            r = str(f.get("rule", "?"))
            c = counts.setdefault(r, {}).setdefault(p, [0, 0])
            c[0 if f.get("severity", "warning") in SERIOUS else 1] += 1
    ids = set(counts) | (set(rules) if a.all else set())
    if only:
        ids = {r for r in ids if only.search(r)}

    def cnt(r, p, k):
        return counts.get(r, {}).get(p, [0, 0])[k]

    def key(r):
        return (-cnt(r, ref, 0), -cnt(r, ref, 1), -sum(cnt(r, p, 0) for p in paths[1:]), r)

    short = [s[len("sys-"):-len(".en.txt")] for s in systems]
    abbrev = [s[:8] for s in short]
    print(f"mtpe rule quality: {binary}; reference {os.path.relpath(ref, shared)} "
          f"({words[ref]} words), {len(systems)} MT systems")
    print("columns: ref = warnings+errors/infos on the professional reference (false alarms);")
    print("         MT systems = warnings+errors/infos on each MT output; sys avg = warnings+errors per system")
    print("systems: " + ", ".join(f"{ab}={s}" for ab, s in zip(abbrev, short)))
    mb = sum(len(data[p]) for p in paths[1:]) / 1e6 or 1.0
    head = f"{'rule':36s} {'cat':14s} {'sev':7s} {'ref':>7s} " + " ".join(f"{ab:>8s}" for ab in abbrev) + f" {'sys avg':>7s}"
    if a.times:
        head += f" {'ms/MB':>7s}"
        if not times:
            print("(--times: the binary printed no MTPE_RULE_TIMES profile)")
    print(head)
    print("-" * len(head))
    tot_ref = [0, 0]
    tot_sys = [0, 0]
    for r in sorted(ids, key=key):
        cat, sev = rules.get(r, ("?", "?"))
        cells = []
        s_sum = 0
        for p in paths[1:]:
            s, i = cnt(r, p, 0), cnt(r, p, 1)
            s_sum += s
            tot_sys[0] += s
            tot_sys[1] += i
            cells.append(f"{s}/{i}" if s or i else ".")
        rs, ri = cnt(r, ref, 0), cnt(r, ref, 1)
        tot_ref[0] += rs
        tot_ref[1] += ri
        refcell = f"{rs}/{ri}" if rs or ri else "."
        avg = s_sum / len(systems) if systems else 0.0
        row = f"{r:36s} {cat:14s} {sev:7s} {refcell:>7s} " + " ".join(f"{c:>8s}" for c in cells) + f" {avg:7.1f}"
        if a.times:
            row += f" {times[r] / mb:7.1f}" if r in times else f" {'-':>7s}"
        print(row)
    print("-" * len(head))
    per_kword = 1000.0 * tot_ref[0] / words[ref] if words[ref] else 0.0
    sys_words = sum(words[p] for p in paths[1:])
    sys_per_kword = 1000.0 * tot_sys[0] / sys_words if sys_words else 0.0
    print(f"reference: {tot_ref[0]} warnings+errors ({per_kword:.2f} per 1000 words), {tot_ref[1]} infos")
    print(f"MT systems: {tot_sys[0]} warnings+errors ({sys_per_kword:.2f} per 1000 words), {tot_sys[1]} infos")

    if a.examples:
        shown = False
        for r in sorted(ids, key=key):
            hits = [f for f in found[os.path.abspath(ref)] if str(f.get("rule")) == r]
            if not hits:
                continue
            hits.sort(key=lambda f: (f.get("severity") not in SERIOUS, f.get("offset", 0)))
            if not shown:
                print()
                print(f"== reference hits (up to {a.examples} per rule; [..] marks the span)")
                shown = True
            print(f"{r} ({sum(1 for f in hits if f.get('severity') in SERIOUS)} warnings+errors, "
                  f"{sum(1 for f in hits if f.get('severity') not in SERIOUS)} infos)")
            for f in hits[:a.examples]:
                print(f"   {f.get('line', '?')}:{f.get('column', '?')} {f.get('severity', '?')}: {context(data[ref], f)}")

    if not a.no_annotated:
        print()
        annotated_report(binary, {"shared": shared})

    if a.max_ref_per_kword is not None and per_kword > a.max_ref_per_kword:
        print(f"FAIL: {per_kword:.2f} warnings+errors per 1000 words on the reference > {a.max_ref_per_kword}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
