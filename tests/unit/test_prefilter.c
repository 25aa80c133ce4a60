/* test_prefilter.c - required literals, how far before them a match starts, and the ranges the scan marks. */
#include "helpers.h"

#include <stdint.h>

#include "prefilter.h"

struct lits {
	char **s;
	size_t n, pre;
};

static struct lits extract(const char *pattern)
{
	struct lits l;
	assert_int_equal(mtpe_prefilter_literals(pattern, &l.s, &l.n, &l.pre), 0);
	return l;
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
	for (size_t i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
}

static void test_prefilter__literals_and_their_distance(void **state)
{
	/* a list at the start: the match starts at the literal */
	struct lits l = extract("\\b(?!(?i:world war))(?i:(?:Great War|war|Day))\\b(?<!parade)");
	assert_int_equal(l.n, 3);
	assert_true(has(&l, "great war") && has(&l, "war") && has(&l, "day"));
	assert_int_equal(l.pre, 0);
	drop(&l);
	/* bounded text before: the last of at most two digits, 4 bytes each, is part of the literal */
	l = extract("\\d{1,2} times? (?:more|less)");
	assert_true(has(&l, "0 time") && has(&l, "9 time") && has(&l, "\x80\x80\x80 time"));
	assert_int_equal(l.n, 13);
	assert_int_equal(l.pre, 4);
	drop(&l);
	/* a letter may match more bytes than written when case is ignored (K, the Kelvin sign) */
	l = extract("(?i)k{2}abc");
	assert_true(has(&l, "abc"));
	assert_int_equal(l.pre, 8);
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
	size_t n[] = { 1, 1, 2, 2 }, pre[] = { 0, SIZE_MAX, 2, 0 };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, 4), 0);
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

static void test_prefilter__ranges_start_on_a_character(void **state)
{
	/* "b" with a reach of 1 byte after "é" (2 bytes): the range starts on the é, not inside it */
	char *r0[] = { "b" };
	char **lits[] = { r0 };
	size_t n[] = { 1 }, pre[] = { 1 };
	mtpe_ac *ac = NULL;
	assert_int_equal(mtpe_ac_build(&ac, lits, n, pre, 1), 0);
	const char *t = "x\xC3\xA9" "b\n";
	mtpe_ac_hits h;
	assert_int_equal(mtpe_ac_scan(ac, t, strlen(t), &h), 0);
	assert_int_equal(h.nranges[0], 1);
	assert_int_equal(h.ranges[0][0].start, 1);
	assert_int_equal(h.ranges[0][0].end, 3);
	mtpe_ac_hits_dispose(&h);
	mtpe_ac_free(ac);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefilter__literals_and_their_distance),
		cmocka_unit_test(test_prefilter__a_class_after_a_short_literal),
		cmocka_unit_test(test_prefilter__ranges),
		cmocka_unit_test(test_prefilter__ranges_start_on_a_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
