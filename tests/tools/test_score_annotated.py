#!/usr/bin/env python3
"""Tests of score_annotated.py against fake_mtpe.py (no real engine needed).

Run: python3 tests/tools/test_score_annotated.py
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.join(HERE, "score_annotated.py")
FAKE = os.path.join(HERE, "fake_mtpe.py")

# Cyrillic and curly quotes before the marks: a scorer that counted characters
# instead of bytes would put every later mark in the wrong place.
CASE = (
    "«[[Привет]]{untranslated}» – the word stayed. The [[foreign Ministry]]{cap} said "
    "on Monday that exports reached [[3,5 million]]{locale} tonnes "
    "[[in 2019 year]]{calque}. The talks began [[on may 31]]{cap}. "
    "The talks go on [[until the court will not decide]]{neg} the case. "
    "Otherwise [[the army may march]]{ok} north, and the the envoy "
    "Zorblax will stay. [[The Agency]]{style} declined to comment.\n"
)


def run(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([sys.executable, SCORER] + args, capture_output=True, text=True, env=e)
    return p.returncode, p.stdout, p.stderr


class ScorerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="score-test-")
        self.write("01-case.txt", CASE)
        self.write("README.md", "not a case [[x]]{nonsense}\n")

    def write(self, name, text, folder=None):
        path = os.path.join(folder or self.dir, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def test_counts(self):
        rc, out, err = run([FAKE, self.dir])
        self.assertEqual(rc, 0, err)
        # 6 required marks, the neg one missed; 1 trap flagged; "the the" unmarked.
        self.assertIn("recall 0.83 (5/6)", out)
        self.assertIn("false alarms 2", out)
        self.assertIn("1/1 traps", out)
        self.assertIn("precision 0.71", out)   # 5 true findings, 2 false
        self.assertIn("missed neg: 'until the court will not decide'", out)
        self.assertIn("trap flagged by NOISY_MAY: 'the army may march'", out)
        self.assertIn("false alarm GRAMMAR_REPEAT: 'the the'", out)
        self.assertNotIn("Zorblax", out)       # info findings are never false alarms
        self.assertIn("cap 2/2 1.00", out)
        self.assertIn("neg 0/1 0.00", out)
        words = len(re.sub(r"\[\[(.+?)\]\]\{[a-z]+\}", r"\1", CASE).split())
        self.assertIn(f"{words} words", out)
        self.assertIn(f"({2000.0 / words:.1f} per 1000 words", out)

    def test_thresholds(self):
        rc, out, _ = run([FAKE, self.dir, "--min-recall", "0.9"])
        self.assertEqual(rc, 1)
        self.assertIn("FAIL: recall", out)
        rc, _, _ = run([FAKE, self.dir, "--min-recall", "0.8"])
        self.assertEqual(rc, 0)
        rc, out, _ = run([FAKE, self.dir, "--max-fp-per-kword", "1"])
        self.assertEqual(rc, 1)
        self.assertIn("false alarms per 1000 words", out)
        rc, _, _ = run([FAKE, self.dir, "--min-recall", "0.8", "--max-fp-per-kword", "100"])
        self.assertEqual(rc, 0)

    def test_per_rule(self):
        rc, out, _ = run([FAKE, self.dir, "--per-rule"])
        self.assertEqual(rc, 0)
        rows = {l.split()[0]: l.split()[1:] for l in out.splitlines() if l.startswith("  ")}
        self.assertEqual(rows["NOISY_MAY"], ["1", "1", "0", "1"])
        self.assertEqual(rows["GRAMMAR_REPEAT"], ["1", "1", "0", "1"])
        self.assertEqual(rows["CAP_INSTITUTION"], ["1", "1", "1", "0"])
        self.assertEqual(rows["INFO_NAME"], ["1", "0", "0", "0"])

    def test_byte_offsets_matter(self):
        # 21 Cyrillic letters (two bytes each) before a 7-byte mark: a scorer that
        # counted characters instead of bytes would miss "the the" and report a
        # false alarm instead.
        text = "[[Привет мир всем друзьям]]{untranslated}. [[the the]]{grammar} cat\n"
        d = tempfile.mkdtemp()
        self.write("a.txt", text, d)
        rc, out, _ = run([FAKE, d])
        self.assertIn("recall 1.00 (2/2)", out)
        self.assertIn("false alarms 0", out)

    def test_engine_failures(self):
        rc, _, err = run([FAKE, self.dir], {"FAKE_MTPE_MODE": "crash"})
        self.assertEqual(rc, 3)
        self.assertIn("exited 3", err)
        self.assertIn("simulated runtime error", err)
        rc, _, err = run([FAKE, self.dir], {"FAKE_MTPE_MODE": "garbage"})
        self.assertEqual(rc, 3)
        self.assertIn("JSON", err)
        rc, _, err = run(["/nonexistent/mtpe", self.dir])
        self.assertEqual(rc, 3)

    def test_bad_annotations(self):
        d = tempfile.mkdtemp()
        self.write("bad.txt", "one\ntwo [[span]]{capitals} three\n", d)
        rc, _, err = run([FAKE, d])
        self.assertEqual(rc, 2)
        self.assertIn("bad.txt:2: unknown category {capitals}", err)
        d = tempfile.mkdtemp()
        self.write("bad.txt", "an [[unclosed mark and text\n", d)
        rc, _, err = run([FAKE, d])
        self.assertEqual(rc, 2)
        self.assertIn("outside a well-formed", err)
        rc, _, err = run([FAKE, "/nonexistent/dir"])
        self.assertEqual(rc, 2)
        rc, _, err = run([FAKE, self.dir, "--min-recall", "7"])
        self.assertEqual(rc, 2)
        self.assertIn("--min-recall", err)


if __name__ == "__main__":
    unittest.main()
