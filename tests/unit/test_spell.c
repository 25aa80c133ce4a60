/*
 * test_spell.c - the speller answers ASCII words from its own reading of the
 * hunspell .dic/.aff; these tests show it agrees with hunspell word for word.
 */
#include "helpers.h"

#include <unistd.h>

#include "mtpe/segment.h"
#include "mtpe/spell.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define AFF "/usr/share/hunspell/en_US.aff"
#define DIC "/usr/share/hunspell/en_US.dic"

static size_t compare_words(mtpe_speller *own, mtpe_speller *hun, const char *t, size_t n, size_t *checked)
{
	mtpe_segments s = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment(&s, t, n, NULL), 0);
	size_t bad = 0;
	for (size_t i = 0; i < s.nwords; i++) {
		const char *w = t + s.words[i].start;
		size_t l = s.words[i].end - s.words[i].start;
		bool a = mtpe_speller_check(own, w, l), b = mtpe_speller_check(hun, w, l);
		(*checked)++;
		if (a != b) {
			if (bad < 20)
				print_message("disagree on '%.*s': ours %d, hunspell %d\n", (int)l, w, a, b);
			bad++;
		}
	}
	mtpe_segments_dispose(&s);
	return bad;
}

static void test_spell__own_lookup_agrees_with_hunspell(void **state)
{
	mtpe_speller *own = NULL, *hun = NULL;
	assert_int_equal(mtpe_speller_new(&own, AFF, DIC, NULL), 0);
	assert_int_equal(mtpe_speller_new(&hun, AFF, DIC, NULL), 0);
	mtpe_speller_use_own_affixes(hun, false);
	const char *words =
		"The governments talked and re-elected unhappy ministers; they're walking, walked, walks, "
		"happier, happiest, quickly, unkindness, reopened, misspelled, Government GOVERNMENT "
		"Governments paris Paris PARIS NASA nasa don't Russia's Russians' ministries studied "
		"stopped stopping carried carrying bigger biggest unhappily rewrites colour colours "
		"recieve goverment Lavrov teh adn Moscow's preplanned reusable nonstop overestimated";
	size_t checked = 0;
	assert_int_equal(compare_words(own, hun, words, strlen(words), &checked), 0);
	mtpe_speller_free(own);
	mtpe_speller_free(hun);
}

static void test_spell__own_lookup_agrees_on_corpus(void **state)
{
	static const char *files[] = { "ref.en.txt", "sys-Online-B.en.txt", "sys-AFRL.en.txt" };
	mtpe_speller *own = NULL, *hun = NULL;
	assert_int_equal(mtpe_speller_new(&own, AFF, DIC, NULL), 0);
	assert_int_equal(mtpe_speller_new(&hun, AFF, DIC, NULL), 0);
	mtpe_speller_use_own_affixes(hun, false);
	size_t checked = 0, bad = 0, nfiles = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		size_t n = 0;
		snprintf(path, sizeof(path), "%s/corpus/wmt-ru-en/%s", MTPE_TEST_SHARED_DIR, files[i]);
		char *t = read_all_file(path, &n);
		if (!t)
			continue;
		nfiles++;
		bad += compare_words(own, hun, t, n, &checked);
		free(t);
	}
	mtpe_speller_free(own);
	mtpe_speller_free(hun);
	if (!nfiles)
		skip();
	print_message("compared %zu words\n", checked);
	assert_int_equal(bad, 0);
}

static void test_spell__variety_agrees_with_hunspell_en_gb(void **state)
{
	const char *gaff = "/usr/share/hunspell/en_GB.aff", *gdic = "/usr/share/hunspell/en_GB.dic";
	mtpe_speller *us = NULL, *gb = NULL;
	assert_int_equal(mtpe_speller_new(&us, AFF, DIC, NULL), 0);
	if (mtpe_speller_set_variety(us, gaff, gdic) < 0 || mtpe_speller_new(&gb, gaff, gdic, NULL) < 0) {
		mtpe_speller_free(us);
		skip(); /* hunspell-en-gb is not installed */
	}
	mtpe_speller_use_own_affixes(gb, false); /* hunspell itself */
	const char *words = "colour honour centre defence travelled organisation judgement amongst occured begining "
			    "recieve realise analysed programme neighbours Colour HONOUR Centre";
	mtpe_segments sg = MTPE_SEGMENTS_INIT;
	assert_int_equal(mtpe_segment(&sg, words, strlen(words), NULL), 0);
	size_t bad = 0;
	for (size_t i = 0; i < sg.nwords; i++) {
		const char *w = words + sg.words[i].start;
		size_t l = sg.words[i].end - sg.words[i].start;
		bool a = mtpe_speller_check_variety(us, w, l), b = mtpe_speller_check(gb, w, l);
		if (a != b) {
			print_message("en_GB disagree on '%.*s': ours %d, hunspell %d\n", (int)l, w, a, b);
			bad++;
		}
	}
	assert_false(mtpe_speller_check_variety(us, "occured", 7));
	assert_true(mtpe_speller_check_variety(us, "colour", 6));
	mtpe_segments_dispose(&sg);
	mtpe_speller_free(us);
	mtpe_speller_free(gb);
	assert_int_equal(bad, 0);
}

/* s with each code point mapped by f (u_toupper, u_tolower), only the first if first_only; into b. */
static void map_case(mtpe_buf *b, const char *s, size_t n, UChar32 (*f)(UChar32), bool first_only)
{
	for (int32_t i = 0, k = 0; i < (int32_t)n; k++) {
		UChar32 c;
		U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
		if (c < 0)
			continue;
		if (!first_only || k == 0)
			c = f(c);
		char u[4];
		int32_t j = 0;
		U8_APPEND_UNSAFE((uint8_t *)u, j, c);
		mtpe_buf_put(b, u, (size_t)j);
	}
}

/*
 * Words with Latin letters beyond ASCII are answered by our lookup too (Unicode
 * case): every such dictionary entry, in every case form, with and without
 * common endings, gets hunspell's answer.
 */
/* word[0, n) + ending as written, lower-cased, upper-cased and capitalized, into b (a line). */
static void put_case_forms(mtpe_buf *b, const char *word, size_t n, const char *ending)
{
	mtpe_buf form = { 0 };
	mtpe_buf_put(&form, word, n);
	mtpe_buf_puts(&form, ending);
	mtpe_buf_put(b, form.ptr, form.len);
	mtpe_buf_puts(b, " ");
	map_case(b, form.ptr, form.len, u_tolower, false);
	mtpe_buf_puts(b, " ");
	map_case(b, form.ptr, form.len, u_toupper, false);
	mtpe_buf_puts(b, " ");
	map_case(b, form.ptr, form.len, u_toupper, true);
	mtpe_buf_puts(b, "\n");
	mtpe_buf_dispose(&form);
}

static size_t compare_beyond_ascii(const char *aff, const char *dic_path, const char *words_dic, size_t *entries)
{
	mtpe_speller *own = NULL, *hun = NULL;
	assert_int_equal(mtpe_speller_new(&own, aff, dic_path, NULL), 0);
	assert_int_equal(mtpe_speller_new(&hun, aff, dic_path, NULL), 0);
	mtpe_speller_use_own_affixes(hun, false);
	size_t n = 0;
	char *dic = read_all_file(words_dic, &n);
	assert_non_null(dic);
	static const char *const endings[] = { "", "s", "'s", "\xE2\x80\x99s", "es", "ed", "ing", "ly", "er", "ness", "ism", NULL };
	mtpe_buf text = { 0 };
	*entries = 0;
	for (char *line = dic, *nl; line < dic + n; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(dic + n - line));
		if (!nl)
			nl = dic + n;
		size_t len = strcspn(line, "/\n");
		if (len > (size_t)(nl - line))
			len = (size_t)(nl - line);
		bool wide = false;
		for (size_t i = 0; i < len; i++)
			wide |= (unsigned char)line[i] >= 0x80;
		if (!wide || (len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)))
			continue;
		(*entries)++;
		for (size_t e = 0; endings[e]; e++)
			put_case_forms(&text, line, len, endings[e]);
	}
	free(dic);
	mtpe_buf_puts(&text, "D\xC3\xBCsseldorf S\xC3\xA1nchez N\xC3\xA4\xC3\xA4s Naus\xC4\x97" "da Le\xC3\xB3n L\xC3\xB5una "
			     "\xC3\x89" "COLE \xC3\xA9" "cole \xC3\x89" "cole Z\xC3\xBCrich na\xC3\xAFve NA\xC3\x8FVE Na\xC3\xAFve "
			     "fa\xC3\xA7" "ade FA\xC3\x87" "ADE Fa\xC3\xA7" "ade caf\xC3\xA9s CAF\xC3\x89S Caf\xC3\xA9's Erdo\xC4\x9F" "an "
			     "\xC5\x81\xC3\xB3" "d\xC5\xBA \xC3\xA9t\xC3\xA9 \xC3\x89t\xC3\xA9 r\xC3\xA9sum\xC3\xA9 R\xC3\xA9sum\xC3\xA9 "
			     "R\xC3\x89SUM\xC3\x89 r\xC3\xA9SUM\xC3\xA9 Stra\xC3\x9F" "e STRASSE \xC3\x86sop \xC5\x92uvre \xC5\x93uvre\n");
	size_t checked = 0;
	size_t bad = compare_words(own, hun, text.ptr, text.len, &checked);
	print_message("%s: compared %zu words from %zu entries\n", dic_path, checked, *entries);
	mtpe_buf_dispose(&text);
	mtpe_speller_free(own);
	mtpe_speller_free(hun);
	return bad;
}

/*
 * Words with Latin letters beyond ASCII are answered by our lookup too (Unicode
 * case): every such entry of the en_GB dictionary, in every case form, with and
 * without common endings, gets hunspell's answer, with en_US or en_GB as the
 * dictionary.
 */
static void test_spell__own_lookup_agrees_beyond_ascii(void **state)
{
	const char *gaff = "/usr/share/hunspell/en_GB.aff", *gdic = "/usr/share/hunspell/en_GB.dic";
	if (access(gdic, R_OK) != 0)
		skip(); /* hunspell-en-gb is not installed: no word list with such entries */
	size_t entries = 0;
	assert_int_equal(compare_beyond_ascii(AFF, DIC, gdic, &entries), 0);
	assert_true(entries > 100);
	assert_int_equal(compare_beyond_ascii(gaff, gdic, gdic, &entries), 0);
	/* and words added to the speller (lists, the personal dictionary) in their case forms */
	mtpe_speller *own = NULL, *hun = NULL;
	assert_int_equal(mtpe_speller_new(&own, AFF, DIC, NULL), 0);
	assert_int_equal(mtpe_speller_new(&hun, AFF, DIC, NULL), 0);
	mtpe_speller_use_own_affixes(hun, false);
	static const char *const added[] = { "N\xC3\xA4\xC3\xA4s", "d\xC3\xBCsseldorfer", "\xC3\xA9" "cole", "PokéStop", "Erdo\xC4\x9F" "an", NULL };
	for (size_t i = 0; added[i]; i++) {
		assert_int_equal(mtpe_speller_add_word(own, added[i], strlen(added[i])), 0);
		assert_int_equal(mtpe_speller_add_word(hun, added[i], strlen(added[i])), 0);
	}
	mtpe_buf text = { 0 };
	for (size_t i = 0; added[i]; i++)
		for (size_t e = 0; e < 2; e++)
			put_case_forms(&text, added[i], strlen(added[i]), e ? "s" : "");
	size_t checked = 0;
	assert_int_equal(compare_words(own, hun, text.ptr, text.len, &checked), 0);
	assert_true(mtpe_speller_check(own, "N\xC3\xA4\xC3\xA4s", 6));
	assert_false(mtpe_speller_check(own, "N\xC3\xA4\xC3\xA4t", 6));
	mtpe_buf_dispose(&text);
	mtpe_speller_free(own);
	mtpe_speller_free(hun);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spell__own_lookup_agrees_with_hunspell),
		cmocka_unit_test(test_spell__own_lookup_agrees_on_corpus),
		cmocka_unit_test(test_spell__own_lookup_agrees_beyond_ascii),
		cmocka_unit_test(test_spell__variety_agrees_with_hunspell_en_gb),
	};
	return cmocka_run_group_tests_name("spell", tests, NULL, NULL);
}
