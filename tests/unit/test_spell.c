/*
 * test_spell.c - the speller answers ASCII words from its own reading of the
 * hunspell .dic/.aff; these tests show it agrees with hunspell word for word.
 */
#include "helpers.h"

#include "mtpe/segment.h"
#include "mtpe/spell.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spell__own_lookup_agrees_with_hunspell),
		cmocka_unit_test(test_spell__own_lookup_agrees_on_corpus),
		cmocka_unit_test(test_spell__variety_agrees_with_hunspell_en_gb),
	};
	return cmocka_run_group_tests_name("spell", tests, NULL, NULL);
}
