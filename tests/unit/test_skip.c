/* test_skip.c - the line test before the skip pattern lets through every line the pattern matches. */
#include "helpers.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "skip.h"

static pcre2_code *skip_re(void)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)MTPE_SKIP_PATTERN, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &eo, NULL);
	assert_non_null(re);
	return re;
}

/* Every line the pattern matches in must be a candidate; returns how many lines matched. */
static size_t check_lines(pcre2_code *re, const char *t, size_t n)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	size_t matched = 0;
	for (const char *p = t, *e; p < t + n; p = e + 1) {
		e = memchr(p, '\n', (size_t)(t + n - p));
		if (!e)
			e = t + n;
		int rc = pcre2_match(re, (PCRE2_SPTR)t, (size_t)(e - t), (size_t)(p - t), 0, md, NULL);
		if (rc >= 0) {
			matched++;
			if (!mtpe_skip_candidate(p, (size_t)(e - p)))
				fail_msg("the pattern matches in \"%.*s\", which is not a candidate", (int)(e - p), p);
		}
	}
	pcre2_match_data_free(md);
	return matched;
}

static void test_skip__candidates_cover_every_match(void **state)
{
	const char *t = "See https://example.org/a?b=c and HTTP://EXAMPLE.COM today.\n"
			"Write to press@kremlin.ru or Press@Kremlin.RU.\n"
			"Follow @mfa_russia and #Moscow2024 on the site.\n"
			"Visit WWW.Example.net or www.example.net/page\n"
			"The portal gosuslugi.ru and president.рф, \xD0\xA0\xD0\xA4.\xD1\x80\xD1\x84 or mail.\xD0\xA0\xD0\xA4\n"
			"A domain with a Kelvin sign: bbc.co.u\xE2\x84\xAA and gov.\xE2\x84\xAAz\n"
			"ftp://files.example.de/x and news.info\n"
			"Plain prose. It ends here. Nothing to skip, e.g. no domain.\n"
			"3.5 million people; U.S. officials; St. Petersburg.\n";
	pcre2_code *re = skip_re();
	assert_int_equal(check_lines(re, t, strlen(t)), 7);
	/* and prose is not a candidate */
	assert_false(mtpe_skip_candidate("Plain prose. It ends here.", 26));
	assert_false(mtpe_skip_candidate("3.5 million people; U.S. officials", 34));
	assert_true(mtpe_skip_candidate("the site RIA.RU said", 20));
	size_t n = 0;
	char *c = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/src.ru.txt", &n);
	if (c) {
		check_lines(re, c, n);
		free(c);
	}
	c = read_all_file(MTPE_TEST_SHARED_DIR "/corpus/wmt-ru-en/ref.en.txt", &n);
	if (c) {
		check_lines(re, c, n);
		free(c);
	}
	pcre2_code_free(re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip__candidates_cover_every_match),
	};
	return cmocka_run_group_tests_name("skip", tests, NULL, NULL);
}
