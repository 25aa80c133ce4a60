#!/usr/bin/env python3
"""Lint the annotated articles before they are used for scoring.

Checks each case (tests/annotated/*.txt): marks well formed (via score_annotated),
250-450 words (traps.txt: 400 or more, only ok marks), at least 4 traps, no sentence
repeated across cases; and, outside the marks, words hunspell en_US does not know,
British spellings, Cyrillic letters and Russian-style punctuation that nobody marked
(each would be a false alarm of a good tool).  Prints the marks per category.

Usage: lint_annotated.py [FOLDER]   (default: tests/annotated next to this script)
Exit 0 when clean, 1 when something needs a look.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_annotated import Case, AnnotationError, CATEGORIES  # noqa: E402

GB = re.compile(r"\b(\w+(?:our|our(?:s|ed|ing|able|ite|ites))|\w*(?:tre|tres)|"
                r"\w+(?:ise|ised|ising|isation|yse|ysed)|\w+(?:ence)|"
                r"\w+(?:elled|elling|ogue|ogues|mme|mmes))\b", re.I)
GB_OK = {"our", "ours", "four", "hour", "hours", "your", "yours", "tour", "tours", "pour",
         "flour", "sour", "detour", "contour", "contours", "devour", "scour", "amateur",
         "entrepreneur", "otherwise", "promise", "promised", "exercise", "exercised",
         "surprise", "surprised", "advise", "advised", "revise", "revised", "raise",
         "raised", "rise", "wise", "noise", "cruise", "franchise", "enterprise", "premise",
         "compromise", "concise", "precise", "expertise", "merchandise", "televise",
         "televised", "supervise", "supervised", "improvise", "despise", "disguise",
         "praise", "praised", "paradise", "arise", "arised", "poise", "bruise", "chemise",
         "appraise", "comprise", "comprised", "demise", "excise", "incise", "treatise",
         "guise", "reprise", "chastise", "surmise", "apprise", "mise", "sunrise",
         "uprise", "clockwise", "likewise", "anticlockwise",
         "evidence", "experience", "science", "conference", "presence", "sentence",
         "audience", "influence", "independence", "difference", "residence",
         "violence", "confidence", "intelligence", "silence", "existence", "absence",
         "reference", "sequence", "consequence", "occurrence", "preference",
         "correspondence", "dependence", "patience", "prudence", "excellence",
         "emergence", "adherence", "coherence", "interference", "competence",
         "convenience", "incidence", "essence", "hence", "whence", "fence", "pence",
         "pretence", "since", "once", "prominence",
         "turbulence", "persistence", "resilience", "abstinence", "ambience",
         "conscience", "obedience", "transparence", "insistence", "subsistence",
         "coexistence", "divergence", "convergence", "emergence", "diligence",
         "negligence", "indulgence", "eminence", "permanence", "innocence",
         "magnificence", "reverence", "deference", "inference", "providence",
         "benevolence", "opulence", "adolescence", "convalescence", "fluorescence",
         "decadence", "coincidence", "impudence", "jurisprudence", "precedence",
         "credence", "sentences", "dialogue"}
# Words outside the GB pattern that are British all the same.
GB_WORDS = {"centre", "centres", "theatre", "theatres", "metre", "metres", "kilometre",
            "kilometres", "litre", "litres", "defence", "offence", "licence", "programme",
            "programmes", "catalogue", "travelled", "travelling", "cancelled",
            "labelled", "modelled", "jewellery", "grey", "aluminium", "tyre", "tyres",
            "cheque", "pyjamas", "manoeuvre", "fulfil", "enrol", "judgement", "ageing"}
CYR = re.compile(r"[\u0400-\u04FF]")
RUPUNCT = re.compile(r"[«»„]| [,.;:!?](?!\d)|[”\"], [–—]|\.[A-Z][a-z]")


def blank_marks(case):
    """The clean text with every marked span blanked (kept the same length)."""
    b = bytearray(case.clean)
    for m in case.marks:
        for i in range(m.start, m.end):
            if b[i] != 0x0A:
                b[i] = 0x20
    return b.decode("utf-8", "replace")


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?”])\s+", text) if len(s.split()) > 5]


def main(argv):
    folder = argv[0] if argv else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "annotated")
    problems = 0
    totals = {}
    seen = {}
    names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
    have_hunspell = shutil.which("hunspell") is not None
    for name in names:
        path = os.path.join(folder, name)
        try:
            case = Case(path)
        except AnnotationError as e:
            print(e)
            problems += 1
            continue
        notes = []
        traps = sum(1 for m in case.marks if m.cat == "ok")
        lo, hi = (400, 10 ** 6) if name == "traps.txt" else (250, 450)
        if not lo <= case.words <= hi:
            notes.append(f"{case.words} words (want {lo}-{hi})")
        if traps < 4:
            notes.append(f"only {traps} traps")
        if name == "traps.txt" and any(m.cat not in ("ok", "style") for m in case.marks):
            notes.append("traps.txt holds an artifact mark")
        for m in case.marks:
            totals.setdefault(m.cat, 0)
            totals[m.cat] += 1
        free = blank_marks(case)
        for s in sentences(case.clean.decode("utf-8")):
            if s in seen and seen[s] != name:
                notes.append(f"sentence also in {seen[s]}: {s[:60]!r}")
            seen.setdefault(s, name)
        for w in sorted({w for w in re.findall(r"[A-Za-z]+", free)}):
            lw = w.lower()
            if (lw in GB_WORDS or (GB.fullmatch(lw) and lw not in GB_OK)) and lw not in GB_OK:
                notes.append(f"British spelling outside a mark: {w}")
        for m in CYR.finditer(free):
            notes.append(f"Cyrillic outside a mark near {free[max(0, m.start()-20):m.end()+20]!r}")
        text = case.clean.decode("utf-8")
        starts = [len(case.clean[:m.start].decode("utf-8")) for m in case.marks]
        ends = [len(case.clean[:m.end].decode("utf-8")) for m in case.marks]
        for m in list(RUPUNCT.finditer(text)) + list(re.finditer(r"(?<=\S)  +(?=\S)", text)):
            if any(a < m.end() and m.start() < b for a, b in zip(starts, ends)):
                continue
            notes.append(f"punctuation/spacing outside a mark: {text[max(0, m.start()-15):m.end()+15]!r}")
        if have_hunspell:
            p = subprocess.run(["hunspell", "-d", "en_US", "-l"], input=free,
                               capture_output=True, text=True)
            unknown = sorted(set(p.stdout.split()))
            lower = [w for w in unknown if w[:1].islower()]
            upper = [w for w in unknown if not w[:1].islower()]
            if lower:
                notes.append("unknown lower-case words outside marks: " + " ".join(lower))
            if upper:
                print(f"{name}: (info) unknown capitalized: " + " ".join(upper))
        print(f"{name}: {case.words} words, {len(case.marks)} marks, {traps} traps")
        for n in notes:
            print(f"  {name}: {n}")
        problems += len(notes)
    print("marks per category: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    missing = [c for c in list(CATEGORIES) if c not in totals]
    if missing:
        print("categories with no mark: " + " ".join(missing))
        problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
