/* test_segment.c - ICU segmentation, and the ASCII fast path giving ICU's spans. */
#include "helpers.h"

#include "mtpe/segment.h"

static void test_segment__sentences_and_words(void **state)
{
	const char *t = "Mr. Smith met Ms Jones. They talked about 3.5 million don't-care items!\nNew line here";
	mtpe_segments s = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment(&s, t, strlen(t), NULL), 0);
	assert_int_equal(s.nsentences, 3);
	assert_int_equal(s.sentences[1].start, 24);
	size_t k = mtpe_segments_sentence_at(&s, 29);
	assert_int_equal(k, 1);
	/* "3.5" is one number, "don't" one word */
	bool saw_num = false, saw_dont = false;
	for (size_t i = 0; i < s.nwords; i++) {
		size_t n = s.words[i].end - s.words[i].start;
		if (n == 3 && !memcmp(t + s.words[i].start, "3.5", 3)) {
			saw_num = true;
			assert_int_equal(s.words[i].kind, MTPE_WORD_NUMBER);
		}
		if (n == 5 && !memcmp(t + s.words[i].start, "don't", 5))
			saw_dont = true;
	}
	assert_true(saw_num);
	assert_true(saw_dont);
	mtpe_segments_dispose(&s);
}

static void test_segment__abbreviations_do_not_end_sentences(void **state)
{
	const char *t = "He flew to St. Petersburg and met Dr. Ivanova there. Prices rose, etc. The end.\nGen. Smith spoke.";
	mtpe_segments s = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment(&s, t, strlen(t), NULL), 0);
	/* "He flew ... there." | "Prices rose, etc." | "The end.\n" | "Gen. Smith spoke." */
	assert_int_equal(s.nsentences, 4);
	assert_int_equal(s.sentences[1].start, (size_t)(strstr(t, "Prices") - t));
	assert_int_equal(s.sentences[2].start, (size_t)(strstr(t, "The end") - t));
	mtpe_segments_dispose(&s);
}

static void compare_paths(const char *t, size_t n)
{
	mtpe_segments a = MTPE_SEGMENTS_INIT, b = MTPE_SEGMENTS_INIT;
	mtpe_segment_use_fastpath(true);
	assert_int_equal(mtpe_segment(&a, t, n, NULL), 0);
	mtpe_segment_use_fastpath(false);
	assert_int_equal(mtpe_segment(&b, t, n, NULL), 0);
	mtpe_segment_use_fastpath(true);
	assert_int_equal(a.nwords, b.nwords);
	for (size_t i = 0; i < a.nwords; i++) {
		if (a.words[i].start != b.words[i].start || a.words[i].end != b.words[i].end) {
			fail_msg("fast path word %zu [%u,%u) '%.*s' differs from ICU [%u,%u) '%.*s'", i,
				 a.words[i].start, a.words[i].end, (int)(a.words[i].end - a.words[i].start), t + a.words[i].start,
				 b.words[i].start, b.words[i].end, (int)(b.words[i].end - b.words[i].start), t + b.words[i].start);
		}
	}
	mtpe_segments_dispose(&a);
	mtpe_segments_dispose(&b);
}

/* A line of min to min + spread - 1 bytes drawn from al[0, nal) by the xorshift x; returns its length. */
static size_t random_line(unsigned long long *x, char *out, size_t min, size_t spread, const char *al, size_t nal)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	size_t n = min + *x % spread;
	for (size_t k = 0; k < n; k++) {
		*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
		out[k] = al[*x % nal];
	}
	return n;
}

static void test_segment__ascii_fastpath_matches_icu(void **state)
{
	const char *cases[] = {
		"The U.S. economy grew 3.5% in 2019, e.g. by 1,500,000 dollars; see www.example.com/a_b.",
		"It's the workers' day: 10:30 a.m. at gate 4B, room 12-14, tel. +7 (495) 123-45-67.",
		"snake_case and CamelCase, x.y.z and 1.2.3, a''b, 'quoted' words, end.",
		"__init__ ___ _x x_ 3_000 3,a a,3 3;4 a;b a:b 3:4 a.3 3.a",
		"Write to str@kd.ru or str @ krd.ru, not to @handle.",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		compare_paths(cases[i], strlen(cases[i]));
	/* short random lines over the characters the fast path decides on (a seam of a piece can start anywhere) */
	const char al[] = "aZb19 .,;:'\"-_#$%&*()/\\+=<>?!~`^|[]{}@\t";
	unsigned long long x = 88172645463325252ull;
	char line[16];
	for (int i = 0; i < 100000; i++)
		compare_paths(line, random_line(&x, line, 1, 12, al, sizeof(al) - 1));
	/* long lines too (the fast path takes 64 bytes at a time): joiners and words across every seam */
	const char dense[] = "aZb19 .,;'x7 .'q";
	char big[400];
	for (int i = 0; i < 3000; i++)
		compare_paths(big, random_line(&x, big, 60, 330, dense, sizeof(dense) - 1));
}

/* Plain ASCII lines take the fast path, the others ICU: a text mixing both gives ICU's words. */
static void test_segment__mixed_lines_match_icu(void **state)
{
	const char *t = "Plain line, e.g. 3.5 and don't.\r\n"
			"\xE2\x80\x9CQuoted\xE2\x80\x9D \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 it's\n"
			"caf\xC3\xA9 na\xC3\xAFve\n"
			"\n"
			"back to ASCII: x.y 1,000\n"
			"mail a@b.cd and snake_case\n"
			"\vlast line no newline \xE2\x80\x94 dash";
	compare_paths(t, strlen(t));
	mtpe_segments s = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment(&s, t, strlen(t), NULL), 0);
	const char *want[] = { "Plain", "line", "e.g", "3.5", "and", "don't", "Quoted", "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
			       "it's", "caf\xC3\xA9", "na\xC3\xAFve", "back", "to", "ASCII", "x.y", "1,000", "mail", "a@b.cd",
			       "and", "snake_case", "last", "line", "no", "newline", "dash" };
	assert_int_equal(s.nwords, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s.nwords; i++) {
		size_t n = s.words[i].end - s.words[i].start;
		if (n != strlen(want[i]) || memcmp(t + s.words[i].start, want[i], n))
			fail_msg("word %zu is '%.*s', want '%s'", i, (int)n, t + s.words[i].start, want[i]);
	}
	mtpe_segments_dispose(&s);
}

static void test_segment__ascii_fastpath_matches_icu_on_corpus(void **state)
{
	size_t n = 0;
	char *t = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/sys-NVIDIA-NeMo.en.txt", &n);
	if (!t)
		skip();
	compare_paths(t, n);
	/* line by line too: most lines are plain ASCII and take the fast path */
	for (char *p = t, *e; p < t + n; p = e + 1) {
		e = memchr(p, '\n', (size_t)(t + n - p));
		if (!e)
			e = t + n;
		compare_paths(p, (size_t)(e - p));
	}
	free(t);
}

/* Sentence starts found on demand are the sentences' starts, for any question in any order. */
static void check_finder(const char *t, size_t n, size_t base)
{
	mtpe_segments s = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment_at(&s, t, n, base, NULL), 0);
	mtpe_sentence_finder *f = NULL;
	assert_int_equal(mtpe_sentence_finder_open(&f, t, n, base, NULL), 0);
	unsigned long long x = 0x9E3779B97F4A7C15ull;
	for (int q = 0; q < 20000; q++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t a = 1 + x % n, b = a + (x >> 32) % 200;
		bool want = false;
		for (size_t k = 0; k < s.nsentences && !want; k++)
			want = s.sentences[k].start >= base + a && s.sentences[k].start <= base + b && s.sentences[k].start > base;
		if (mtpe_sentence_finder_any(f, base + a, base + b) != want)
			fail_msg("sentence start in [%zu, %zu]: the finder says %d, the sentences %d", a, b, !want, want);
	}
	mtpe_sentence_finder_close(f);
	mtpe_segments_dispose(&s);
}

static void test_segment__sentence_finder(void **state)
{
	const char *t = "He flew to St. Petersburg and met Dr. Ivanova there. Prices rose, etc. The end.\n"
			"Gen. Smith spoke. \xE2\x80\x9CWhy?\xE2\x80\x9D he asked. (Yes.) No! The U.S. agreed; e.g. this.\n\n"
			"New paragraph\nHeadline without a stop\n";
	check_finder(t, strlen(t), 0);
	check_finder(t, strlen(t), 1000);
	size_t n = 0;
	char *c = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/sys-NVIDIA-NeMo.en.txt", &n);
	if (c) {
		check_finder(c, n, 0);
		free(c);
	}
}

static void test_segment__scripts_and_case(void **state)
{
	assert_string_equal(mtpe_script_of(0x43E), "Cyrl");
	assert_string_equal(mtpe_script_of('o'), "Latn");
	assert_true(mtpe_is_cyrillic(0x416));
	size_t n;
	char *u = mtpe_case_map("stra\xC3\x9F" "e", 7, 'u', &n);
	assert_string_equal(u, "STRASSE");
	free(u);
	char *t = mtpe_case_map("\xC3\xA9t\xC3\xA9", 6, 't', &n);
	assert_string_equal(t, "\xC3\x89t\xC3\xA9");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment__sentences_and_words),
		cmocka_unit_test(test_segment__abbreviations_do_not_end_sentences),
		cmocka_unit_test(test_segment__ascii_fastpath_matches_icu),
		cmocka_unit_test(test_segment__mixed_lines_match_icu),
		cmocka_unit_test(test_segment__ascii_fastpath_matches_icu_on_corpus),
		cmocka_unit_test(test_segment__sentence_finder),
		cmocka_unit_test(test_segment__scripts_and_case),
	};
	return cmocka_run_group_tests_name("segment", tests, NULL, NULL);
}
