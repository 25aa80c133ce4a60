/* test_prefilter.c - required literals, how far before them a match starts, and the ranges the scan marks. */
#define _GNU_SOURCE /* memmem */
#include "helpers.h"

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "prefilter.h"

struct lits {
	char **s;
	size_t n, pre, *pres;
	char **exact;
	uint64_t stop[4];
};

static struct lits extract(const char *pattern)
{
	struct lits l;
	assert_int_equal(mtpe_prefilter_literals(pattern, &l.s, &l.n, &l.pre, &l.pres, &l.exact, l.stop), 0);
	return l;
}

/* How far before literal s a match may start. */
static size_t pre_of(const struct lits *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i], s))
			return l->pres[i];
	fail_msg("no literal '%s'", s);
	return 0;
}

static bool has(const struct lits *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i], s))
			return true;
	return false;
}

static void drop(struct lits *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->s[i]);
		free(l->exact ? l->exact[i] : NULL);
	}
	free(l->s);
	free(l->pres);
	free(l->exact);
}

/* An automaton of one rule, l's literals, their reach and (if stops) its stops. */
static mtpe_ac *ac_of(const struct lits *l, bool stops)
{
	char **lits[] = { l->s };
	size_t n[] = { l->n };
	const size_t *pre[] = { l->pres };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, NULL, 1), 0);
	if (stops)
		assert_int_equal(mtpe_ac_set_stops(ac, 0, l->stop), 0);
	return ac;
}

static void test_prefilter__literals_and_their_distance(void **state)
{
	/* a list at the start: the match starts at the literal */
	struct lits l = extract("\\b(?!(?i:world war))(?i:(?:Great War|war|Day))\\b(?<!parade)");
	assert_int_equal(l.n, 3);
	assert_true(has(&l, "great war") && has(&l, "war") && has(&l, "day"));
	assert_int_equal(l.pre, 0);
	drop(&l);
	/* bounded text before: the last of at most two digits (characters of up to 4 bytes) is part of the literal */
	l = extract("\\d{1,2} times? (?:more|less)");
	assert_true(has(&l, "0 time") && has(&l, "9 time") && has(&l, "\x80\x80\x80 time"));
	assert_int_equal(l.n, 13);
	assert_int_equal(l.pre, 1); /* characters, not bytes: the reach is walked back in the text */
	drop(&l);
	/* a letter may match more bytes than written when case is ignored (K, the Kelvin sign): still one character */
	l = extract("(?i)k{2}abc");
	assert_true(has(&l, "abc"));
	assert_int_equal(l.pre, 2);
	drop(&l);
	/* unbounded text before, a lookbehind, \K: the line it is on */
	l = extract("\\w+ said");
	assert_true(has(&l, "a said") && has(&l, "0 said") && has(&l, "_ said"));
	assert_int_equal(l.pre, SIZE_MAX);
	drop(&l);
	l = extract("(?<=said )\\p{Lu}\\w+");
	assert_true(has(&l, "said "));
	assert_int_equal(l.pre, SIZE_MAX);
	drop(&l);
	l = extract("said \\Kthat");
	assert_int_equal(l.pre, SIZE_MAX);
	drop(&l);
	/* a literal at a known distance is preferred to a commoner one at an unknown distance */
	l = extract("war\\s+(?:and|or)");
	assert_true(has(&l, "war"));
	assert_int_equal(l.pre, 0);
	drop(&l);
	/* each alternative's literal keeps its own distance; the farthest is the rule's */
	l = extract("\\b(?:abc|\\d{1,2} defg)\\b");
	assert_int_equal(pre_of(&l, "abc"), 0);
	assert_int_equal(pre_of(&l, " defg"), 2);
	assert_int_equal(l.pre, 2);
	drop(&l);
	/* a common word near the start loses to a rare one further on */
	l = extract("\\b[Tt]he ((?:1[89]|20)\\d\\d) year\\b");
	assert_true(l.n > 0 && !has(&l, "the "));
	for (size_t i = 0; i < l.n; i++)
		assert_non_null(strstr(l.s[i], " year"));
	drop(&l);
	/* a lookahead's text follows the match so far: "an" then " " */
	l = extract("\\b([aA])n(?= (?:[bcd]|y(?!tt))\\p{Ll}+\\b)");
	assert_true(has(&l, "an ") && !has(&l, "an"));
	assert_int_equal(l.pre, 0);
	drop(&l);
	/* after it, the match goes on from where it stands: "x" then "yz" is there, "w" is the next character */
	l = extract("qx(?=yz)w");
	assert_true(has(&l, "qxyz"));
	drop(&l);
	/* literals in nearly every line are no use */
	l = extract("(?<![\\p{L}\\d])(?=\\p{Ll}{3,}+ )\\b(\\p{Ll}{3,}) \\1\\b");
	assert_int_equal(l.n, 0);
	drop(&l);
	/* nothing required */
	l = extract("(?:abc)?\\d+");
	assert_int_equal(l.n, 0);
	drop(&l);
}

static void test_prefilter__a_class_after_a_short_literal(void **state)
{
	/* "," alone is in every line; "," then a letter is rare (0x80 0x80...: a non-ASCII one) */
	struct lits l = extract("(?<![\\p{L}\\d])(?=\\p{L}\\p{Ll}++,\\p{L})\\b(\\p{L}\\p{Ll}+),(\\p{L}\\p{Ll}+)\\b");
	assert_int_equal(l.n, 29);
	assert_true(has(&l, ",a") && has(&l, ",z") && has(&l, ",\x80\x80") && has(&l, ",\x80\x80\x80\x80"));
	assert_false(has(&l, ",") || has(&l, ",A") || has(&l, ", "));
	drop(&l);
	l = extract("\\.[A-Z]\\w");
	assert_true(has(&l, ".a") && has(&l, ".q") && l.n == 26);
	drop(&l);
	/* a class that can match a line end is not spread: the hit would fall on the next line */
	l = extract(",[\\s\\d]x");
	assert_false(has(&l, ",\n") || has(&l, ", "));
	drop(&l);
	l = extract(";[^a]");
	assert_false(has(&l, ";b"));
	drop(&l);
}

static void test_prefilter__ranges(void **state)
{
	char *r0[] = { "war" }, *r1[] = { "abc" }, *r2[] = { "bc", "abcdef" }, *r3[] = { "q", "longqliteral" };
	char **lits[] = { r0, r1, r2, r3 };
	size_t n[] = { 1, 1, 2, 2 }, p0[] = { 0 }, p2[] = { 2, 2 }, p3[] = { 0, 0 };
	const size_t *pre[] = { p0, NULL, p2, p3 };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, NULL, 4), 0);
	const char *t = "x War y\nabc war\nzabcdef\nlongqliteral\n";
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	/* rule 0: the literal's own position (case folded) */
	assert_int_equal(h.nranges[0], 2);
	assert_int_equal(h.ranges[0][0].start, 2);
	assert_int_equal(h.ranges[0][0].end, 2);
	assert_int_equal(h.ranges[0][1].start, 12);
	assert_int_equal(h.ranges[0][1].end, 12);
	/* rule 1: the whole lines, "abc war" and "zabcdef" (touching: one range) */
	assert_int_equal(h.nranges[1], 1);
	assert_int_equal(h.ranges[1][0].start, 8);
	assert_int_equal(h.ranges[1][0].end, 24);
	/*
	 * rule 2, 2 bytes back but not past the line: "bc" at 9 gives [8, 9]; "bc" at
	 * 18 gives [16, 18], then "abcdef" at 17 (found later, starting earlier) [16, 17]
	 */
	assert_int_equal(h.nranges[2], 2);
	assert_int_equal(h.ranges[2][0].start, 8);
	assert_int_equal(h.ranges[2][0].end, 9);
	assert_int_equal(h.ranges[2][1].start, 16);
	assert_int_equal(h.ranges[2][1].end, 18);
	/* rule 3: "q" at 28 first, then "longqliteral" at 24, inserted before it */
	assert_int_equal(h.nranges[3], 2);
	assert_int_equal(h.ranges[3][0].start, 24);
	assert_int_equal(h.ranges[3][0].end, 24);
	assert_int_equal(h.ranges[3][1].start, 28);
	assert_int_equal(h.ranges[3][1].end, 28);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
}

/* A long text is scanned as two halves at once: the ranges are those of one scan, in order. */
static void test_prefilter__two_halves(void **state)
{
	char *r0[] = { "war" }, *r1[] = { "peace" };
	char **lits[] = { r0, r1 };
	size_t n[] = { 1, 1 }, p0[] = { 0 };
	const size_t *pre[] = { p0, NULL };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, NULL, 2), 0);
	char t[20000];
	size_t len = 0;
	for (int line = 0; len + 80 < sizeof(t); line++)
		len += (size_t)snprintf(t + len, sizeof(t) - len, "%s line %d of text%s\n", line % 7 == 0 ? "war" : "calm",
					line, line % 5 == 0 ? " and peace" : "");
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, len, &h), 0);
	/* rule 0: every "war", where it starts; rule 1: every line with "peace", whole */
	size_t k0 = 0, k1 = 0;
	for (const char *p = t; (p = strstr(p, "war")) != NULL; p++, k0++) {
		assert_true(k0 < h.nranges[0]);
		assert_int_equal(h.ranges[0][k0].start, (size_t)(p - t));
	}
	assert_int_equal(k0, h.nranges[0]);
	for (const char *p = t, *e; p < t + len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(t + len - p));
		if (memmem(p, (size_t)(e - p), "peace", 5)) {
			assert_true(k1 < h.nranges[1]);
			assert_int_equal(h.ranges[1][k1].start, (size_t)(p - t));
			assert_int_equal(h.ranges[1][k1].end, (size_t)(e - t) + 1);
			k1++;
		}
	}
	assert_int_equal(k1, h.nranges[1]);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
}

/* A reach is in characters: walked back over multi-byte ones, it covers their bytes. */
static void test_prefilter__reach_in_characters(void **state)
{
	struct lits l = extract("\\p{L}{3} ?zq");
	assert_true(has(&l, "zq"));
	assert_int_equal(l.pre, 4);
	mtpe_ac *ac = ac_of(&l, false);
	/* "жжж zq" (2 bytes a letter), "ab 日本語 zq" (3), "zz abc zq" (1): 4 characters back */
	const char *t = "q \xD0\xB6\xD0\xB6\xD0\xB6 zq\nab \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E zq\nzz abc zq\n";
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	assert_int_equal(h.nranges[0], 3);
	assert_int_equal(h.ranges[0][0].start, 2);  /* the first ж */
	assert_int_equal(h.ranges[0][0].end, 9);
	assert_int_equal(h.ranges[0][1].start, 15); /* 日 */
	assert_int_equal(h.ranges[0][1].end, 25);
	assert_int_equal(h.ranges[0][2].start, 31); /* a */
	assert_int_equal(h.ranges[0][2].end, 35);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
	drop(&l);
}

static bool stops(const struct lits *l, unsigned char b)
{
	return l->stop[b >> 6] >> (b & 63) & 1;
}

/*
 * A match of "(?=\p{L}[\p{L}' ]{0,80}? was)..." holds only letters, spaces and
 * apostrophes before its "was": its range starts after the last other byte.
 */
static void test_prefilter__ranges_stop_where_the_match_cannot_reach(void **state)
{
	struct lits l = extract("(?=\\p{L}[\\p{L}' ]{0,80}? was)\\p{L}+ and \\p{L}+ was\\b");
	assert_true(has(&l, " was"));
	assert_int_equal(l.pre, 81);
	assert_true(stops(&l, ','));
	assert_true(stops(&l, '.'));
	assert_true(stops(&l, '"'));
	assert_false(stops(&l, ' '));
	assert_false(stops(&l, 'a'));
	assert_false(stops(&l, 'W'));
	assert_false(stops(&l, '\''));
	assert_false(stops(&l, 0xE2)); /* a letter beyond ASCII: any of its bytes */
	assert_false(stops(&l, 0x99));
	mtpe_ac *ac = ac_of(&l, true);
	const char *t = "One, two and three was here.\n\"Zo\xC3\xAB and Al was\n";
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	assert_int_equal(h.nranges[0], 2);
	assert_int_equal(h.ranges[0][0].start, 4);  /* after the comma */
	assert_int_equal(h.ranges[0][0].end, 18);   /* the " was" */
	assert_int_equal(h.ranges[0][1].start, 30); /* "Zoë": after the quote */
	assert_int_equal(h.ranges[0][1].end, 41);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
	drop(&l);
	/* an unbounded reach stops too; a list entry's space ("\\s{1,8}") is a blank, not any byte */
	l = extract("\\p{Lu}\\p{L}*(?:\\s{1,8}\\p{L}+)* (?:zq|publishing\\s{1,8}house)\\b");
	assert_true(has(&l, "zq"));
	assert_int_equal(l.pre, (size_t)-1);
	assert_true(stops(&l, ','));
	assert_true(stops(&l, '('));
	assert_false(stops(&l, ' '));
	assert_false(stops(&l, '\t'));
	assert_false(stops(&l, 'q'));
	ac = ac_of(&l, true);
	t = "Well, Big  Red\tOne zq. (Ab zq\n";
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	assert_int_equal(h.nranges[0], 2);
	assert_int_equal(h.ranges[0][0].start, 5);  /* after "Well," */
	assert_int_equal(h.ranges[0][0].end, 19);   /* up to the literal, not the line's end */
	assert_int_equal(h.ranges[0][1].start, 24); /* after "(" */
	assert_int_equal(h.ranges[0][1].end, 27);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
	drop(&l);
	/* anything may come before the literal: no stops */
	l = extract(".{0,20}zq");
	assert_true(has(&l, "zq"));
	for (int b = 0; b < 256; b++)
		assert_false(stops(&l, (unsigned char)b));
	drop(&l);
	/* a lookbehind's literal is before the match: no stops either */
	l = extract("(?<=zq, )\\p{L}+");
	for (int b = 0; b < 256; b++)
		assert_false(stops(&l, (unsigned char)b));
	drop(&l);
}

static void test_prefilter__ranges_start_on_a_character(void **state)
{
	/* "b" with a reach of 1 character after "é" (2 bytes): the range starts on the é, not inside it */
	char *r0[] = { "b" };
	char **lits[] = { r0 };
	size_t n[] = { 1 }, p0[] = { 1 };
	const size_t *pre[] = { p0 };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, NULL, 1), 0);
	const char *t = "x\xC3\xA9" "b\n";
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	assert_int_equal(h.nranges[0], 1);
	assert_int_equal(h.ranges[0][0].start, 1);
	assert_int_equal(h.ranges[0][0].end, 3);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
}

/*
 * Every match start of pattern in t lies in a range the hint marks, however
 * the text is cut into windows (a match may start in one and reach into the
 * next). Returns the number of matches.
 */
static size_t hint_covers(mtpe_hint h, const char *pattern, const char *t, size_t n, size_t window)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
	assert_non_null(re);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	mtpe_ac_range *r = NULL;
	size_t nr = 0, cap = 0, found = 0;
	for (size_t ws = 0; ws < n; ws += window) {
		size_t we = ws + window < n ? ws + window : n;
		assert_int_equal(mtpe_hint_scan(h, t, 0, n, ws, we, &r, &nr, &cap), 0);
	}
	for (size_t i = 1; i < nr; i++)
		assert_true(r[i - 1].end < r[i].start || r[i - 1].start <= r[i].start);
	for (size_t start = 0; start < n;) {
		if (pcre2_match(re, (PCRE2_SPTR)t, n, start, 0, md, NULL) < 0)
			break;
		PCRE2_SIZE m = pcre2_get_ovector_pointer(md)[0];
		bool in = false;
		for (size_t i = 0; i < nr && !in; i++)
			in = r[i].start <= m && m <= r[i].end;
		if (!in)
			fail_msg("a match at %zu (\"%.20s\") is in no range of the hint", (size_t)m, t + m);
		found++;
		start = m + 1;
		while (start < n && ((unsigned char)t[start] & 0xC0) == 0x80)
			start++;
	}
	free(r);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return found;
}

/* repeated-word as first written, a space at a time: the ranges the fast scan must give */
static bool ref_lowish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static unsigned ref_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32u : c;
}

static size_t ref_repeated(const unsigned char *u, size_t n, size_t ws, size_t we, mtpe_ac_range *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = ws; i < n; i++) {
		if (u[i] != ' ')
			continue;
		size_t s = i;
		while (s > 0 && ref_lowish(u[s - 1]))
			s--;
		if (s > we)
			break;
		for (size_t g = 3; g <= i - s && i + 1 + g <= n; g++) {
			bool same = true;
			for (size_t j = 0; j < g && same; j++) {
				unsigned char a = u[i - g + j], b = u[i + 1 + j];
				same = a == b || (a >= 0x80 && b >= 0x80) || ref_fold(a) == ref_fold(b);
			}
			if (same) {
				size_t lo = s < ws ? ws : s, hi = i - 3 > we ? we : i - 3;
				if (lo <= hi && k < cap)
					out[k++] = (mtpe_ac_range){ lo, hi };
				break;
			}
		}
	}
	return k;
}

/* The fast repeated-word scan (64 bytes at a time, spaces that cannot start a group passed over) gives exactly those ranges. */
static void check_repeated_like_reference(const char *t, size_t n, size_t window)
{
	mtpe_ac_range *r = NULL, *want = malloc(4096 * sizeof(*want));
	size_t cap = 0;
	assert_non_null(want);
	for (size_t ws = 0; ws < n; ws += window) {
		size_t we = ws + window < n ? ws + window : n, nr = 0;
		assert_int_equal(mtpe_hint_scan(MTPE_HINT_REPEATED_WORD, t, 0, n, ws, we, &r, &nr, &cap), 0);
		size_t nw = ref_repeated((const unsigned char *)t, n, ws, we, want, 4096);
		assert_int_equal(nr, nw);
		for (size_t i = 0; i < nr; i++) {
			assert_int_equal(r[i].start, want[i].start);
			assert_int_equal(r[i].end, want[i].end);
		}
	}
	free(r);
	free(want);
}

static void test_prefilter__repeated_word_scan_like_reference(void **state)
{
	/* repeats of every length 3..20, either case, beyond ASCII, at every offset of a 64-byte block */
	mtpe_buf b = MTPE_BUF_INIT;
	const char *words[] = { "the", "that", "about", "Caf\xC3\xA9s", "\xD0\xB4\xD0\xB0\xD0\xB2\xD0\xBD\xD0\xBE", "longlonglonglong",
				"abcdefghijklmnopqrst", "pre-war", "xyzzy" };
	for (int pad = 0; pad < 70; pad++)
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			for (int k = 0; k < pad % 7; k++)
				mtpe_buf_puts(&b, "of ");
			mtpe_buf_puts(&b, pad % 3 ? "x" : "");
			mtpe_buf_puts(&b, words[w]);
			mtpe_buf_puts(&b, " ");
			mtpe_buf_puts(&b, pad % 2 ? words[w] : words[(w + 1) % 9]);
			mtpe_buf_puts(&b, pad % 5 ? "s, " : ". ");
			if (pad % 11 == 0)
				mtpe_buf_puts(&b, "\n");
		}
	for (int pad = 0; pad < 64; pad += 5)
		for (size_t len = 3; len <= 20; len++) { /* "abc abc", "abcd abcd", ... "abc...t abc...t" */
			for (int k = 0; k < pad; k++)
				mtpe_buf_putc(&b, k % 4 == 3 ? ' ' : 'q');
			mtpe_buf_put(&b, " abcdefghijklmnopqrst", len + 1);
			mtpe_buf_put(&b, " abcdefghijklmnopqrst", len + 1);
			mtpe_buf_puts(&b, pad % 2 ? ", " : "s ");
		}
	for (size_t w = 1; w <= b.len; w = w * 3 + 1)
		check_repeated_like_reference(b.ptr, b.len, w);
	mtpe_buf_dispose(&b);
	size_t cn = 0;
	char *c = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/sys-NVIDIA-NeMo.en.txt", &cn);
	if (c) {
		check_repeated_like_reference(c, cn, 65536);
		check_repeated_like_reference(c, cn, 1000);
		free(c);
	}
}

static void test_prefilter__built_in_scans(void **state)
{
	const char *repeated = "(?<![\\p{L}\\d])(?=\\p{Ll}{3,}+ )\\b(\\p{Ll}{3,}) \\1\\b";
	const char *glued = "(?<![\\p{L}\\d])(?=\\p{Ll}{3,}+[HSITWOABELMNY])\\b(\\p{Ll}{3,})(He|She|It|They|The|In)\\b";
	const char *t = "The submarine submarine sank; said said that; the the; \xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9 and "
			"\xD0\xB4\xD0\xB0\xD0\xB2\xD0\xBD\xD0\xBE \xD0\xB4\xD0\xB0\xD0\xB2\xD0\xBD\xD0\xBE, rock'n'roll roll.\n"
			"It was registeredHe said, yesterdayThe minister, \xC3\xA9t\xC3\xA9In fact; iPhone and YouTube.\n"
			"long word longlonglonglong longlonglonglong end, x-ray ray, abc abcd, Abc abc.";
	size_t n = strlen(t);
	assert_int_equal(mtpe_hint_from_name("repeated-word"), MTPE_HINT_REPEATED_WORD);
	assert_int_equal(mtpe_hint_from_name("glued-capital"), MTPE_HINT_GLUED_CAPITAL);
	assert_int_equal(mtpe_hint_from_name("after-stop"), MTPE_HINT_AFTER_STOP);
	assert_int_equal(mtpe_hint_from_name("no-such-scan"), MTPE_HINT_NONE);
	for (size_t w = 1; w <= n; w = w * 2 + 1) {
		assert_int_equal(hint_covers(MTPE_HINT_REPEATED_WORD, repeated, t, n, w), 8);
		assert_int_equal(hint_covers(MTPE_HINT_GLUED_CAPITAL, glued, t, n, w), 3);
	}
	/* a sentence's first letter, lower-case (the lookbehinds of CAP_SENTENCE_START_LOWERCASE) */
	const char *after = "(?:(?<=[a-z]{2}\\. )|(?<=[a-z]{2}\\. [\xE2\x80\x9C\"])|(?<=[a-z]{2}\\.\\n)|(?<=\\n\\n)|"
			    "(?<=[a-z]{2}\\.[\xE2\x80\x9D\"\xE2\x80\x99)] )|(?<=\\n[\xE2\x80\x9C\"])|(?<=^[\xE2\x80\x9C\"])|"
			    "(?<=[.!?] )|^)\\p{Ll}";
	const char *st = "\xE2\x80\x9Cwhy not? ok. \xE2\x80\x9Cthe end. it was.\n\nnew. \"so\" he said.\xE2\x80\x9D and so.) on\n"
			 "the next. Capital here. \xC3\xA9t\xC3\xA9 was. \xC3\xA9t\xC3\xA9 came.\r\nlast. x";
	for (size_t w = 1; w <= strlen(st); w = w * 2 + 1)
		assert_int_equal(hint_covers(MTPE_HINT_AFTER_STOP, after, st, strlen(st), w), 11);
	/* narrow: plain prose gets no range for repeated words, and one per glued capital */
	const char *prose = "The minister said that the talks were over and the team went home.";
	mtpe_ac_range *r = NULL;
	size_t nr = 0, cap = 0;
	assert_int_equal(mtpe_hint_scan(MTPE_HINT_REPEATED_WORD, prose, 0, strlen(prose), 0, strlen(prose), &r, &nr, &cap), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(mtpe_hint_scan(MTPE_HINT_GLUED_CAPITAL, prose, 0, strlen(prose), 0, strlen(prose), &r, &nr, &cap), 0);
	assert_int_equal(nr, 0);
	free(r);
	size_t cn = 0;
	char *c = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/sys-NVIDIA-NeMo.en.txt", &cn);
	if (c) {
		hint_covers(MTPE_HINT_REPEATED_WORD, repeated, c, cn, 65536);
		hint_covers(MTPE_HINT_GLUED_CAPITAL, glued, c, cn, 65536);
		free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefilter__literals_and_their_distance),
		cmocka_unit_test(test_prefilter__a_class_after_a_short_literal),
		cmocka_unit_test(test_prefilter__ranges),
		cmocka_unit_test(test_prefilter__ranges_start_on_a_character),
		cmocka_unit_test(test_prefilter__reach_in_characters),
		cmocka_unit_test(test_prefilter__ranges_stop_where_the_match_cannot_reach),
		cmocka_unit_test(test_prefilter__two_halves),
		cmocka_unit_test(test_prefilter__built_in_scans),
		cmocka_unit_test(test_prefilter__repeated_word_scan_like_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
