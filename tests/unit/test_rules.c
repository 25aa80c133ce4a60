/* test_rules.c - rule loading (errors with locations), templates, conditions, built-ins. */
#include "helpers.h"

#include <unistd.h>

#include "mtpe/check.h"
#include "mtpe/spell.h"

#define FIXTURE MTPE_TEST_SOURCE_DIR "/tests/fixtures/data"

static mtpe_checker *checker_with(const char *yaml, mtpe_error *err, char *path, size_t cap)
{
	mtpe_checker *c = NULL;
	write_tmp(path, cap, yaml, strlen(yaml));
	char ypath[80];
	snprintf(ypath, sizeof(ypath), "%s.yaml", path);
	rename(path, ypath);
	snprintf(path, cap, "%s", ypath);
	mtpe_checker_options o = MTPE_CHECKER_OPTIONS_INIT;
	const char *rp[1] = { ypath };
	o.data_dir = FIXTURE;
	o.rule_paths = rp;
	o.nrule_paths = 1;
	o.source_lang = "none";
	mtpe_error_clear(err);
	if (mtpe_checker_new(&c, &o, err) < 0)
		return NULL;
	return c;
}

static const mtpe_finding *find_rule(const mtpe_findings *fs, const char *id)
{
	for (size_t i = 0; i < fs->len; i++)
		if (!strcmp(fs->items[i].rule, id))
			return &fs->items[i];
	return NULL;
}

static void test_rules__bad_files_report_locations(void **state)
{
	struct { const char *yaml; int line, col; const char *msg; } cases[] = {
		{ "- id: X\n  category: nope\n", 2, 13, "unknown category 'nope'" },
		{ "- id: lower_case\n", 1, 7, "must be UPPER_SNAKE_CASE" },
		{ "- id: A\n  category: style\n  severity: loud\n", 3, 13, "severity must be" },
		{ "- id: A\n  category: style\n  severity: info\n  message: m\n  pattern: 'a'\n  examples:\n    - good: x\n", 7, 0, "needs at least one 'bad' example" },
		{ "- id: A\n  category: style\n  severity: info\n  message: m\n  pattern: '(a)'\n  replace: '$2'\n  examples:\n    - bad: a\n", 6, 12, "group '$2'" },
		{ "- id: A\n  category: style\n  severity: info\n  message: m\n  pattern: '(a)'\n  when:\n    - group: 3\n      case: lower\n  examples:\n    - bad: a\n", 7, 14, "group 3 does not exist" },
		{ "- id: A\n  category: style\n  severity: info\n  message: m\n  check: telepathy\n  examples:\n    - bad: a\n", 5, 10, "unknown check 'telepathy'" },
		{ "key: value\n", 1, 1, "a rule file is a list" },
		{ "- id: A\n  category: [unclosed\n", 0, 0, "YAML:" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[80];
		mtpe_error err;
		mtpe_checker *c = checker_with(cases[i].yaml, &err, path, sizeof(path));
		assert_null(c);
		assert_true(err.code < 0);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, cases[i].msg);
		assert_string_equal(err.path, path);
		if (cases[i].line)
			assert_int_equal(err.line, cases[i].line);
		else
			assert_true(err.line > 0);
		if (cases[i].col)
			assert_int_equal(err.col, cases[i].col);
		unlink(path);
	}
}

static void test_rules__templates_and_conditions(void **state)
{
	const char *yaml =
		"- id: T_TITLE\n  category: capitalization\n  severity: warning\n  message: m\n"
		"  pattern: '“((?i:house|night) of \\w+)”'\n  span: 1\n  when:\n    - group: 1\n      not-case: title\n"
		"  replace: '\\T$1\\E'\n  examples:\n    - bad: 'the “House of peace” pavilion'\n      fix: 'the “House of Peace” pavilion'\n"
		"- id: T_UPPER\n  category: style\n  severity: info\n  message: m\n"
		"  pattern: '\\bmln\\b'\n  replace: ['\\Umillion\\E', 'million']\n  when:\n    - sentence-start: false\n  examples:\n    - bad: 'x mln'\n"
		"- id: T_LIST\n  category: capitalization\n  severity: warning\n  message: m\n"
		"  pattern: '(?i)\\b(?<m>{months})\\b'\n  when:\n    - group: m\n      case: lower\n    - group: m\n      in: months\n  replace: '\\u${m}'\n"
		"  examples:\n    - bad: 'on may 31'\n";
	char path[80];
	mtpe_error err;
	mtpe_checker *c = checker_with(yaml, &err, path, sizeof(path));
	if (!c)
		fail_msg("%s:%d:%d: %s", err.path, err.line, err.col, err.msg);
	const char *text = "The “House of peace” pavilion, 5 mln visitors. Mln people came on june 3 and in May.";
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	assert_int_equal(mtpe_checker_check_text(c, text, strlen(text), &fs, &err), 0);
	const mtpe_finding *f = find_rule(&fs, "T_TITLE");
	assert_non_null(f);
	assert_string_equal(f->text, "House of peace");
	assert_string_equal(f->replacements[0], "House of Peace");
	f = find_rule(&fs, "T_UPPER");
	assert_non_null(f);
	assert_string_equal(f->replacements[0], "MILLION");
	assert_string_equal(f->replacements[1], "million");
	size_t upper = 0, months = 0;
	for (size_t i = 0; i < fs.len; i++) {
		upper += !strcmp(fs.items[i].rule, "T_UPPER");
		if (!strcmp(fs.items[i].rule, "T_LIST")) {
			months++;
			assert_string_equal(fs.items[i].text, "june");
			assert_string_equal(fs.items[i].replacements[0], "June");
		}
	}
	assert_int_equal(upper, 1);  /* "Mln" starts a sentence */
	assert_int_equal(months, 1); /* "May" is already capitalized */
	mtpe_findings_dispose(&fs);
	assert_int_equal(mtpe_checker_test_rules(c, NULL, NULL, NULL), 0);
	mtpe_checker_free(c);
	unlink(path);
}

/* A checker over the test fixture's data (its rules and dictionaries). */
static mtpe_checker *fixture_checker(void)
{
	mtpe_checker *c = NULL;
	mtpe_checker_options o = MTPE_CHECKER_OPTIONS_INIT;
	o.data_dir = FIXTURE;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_checker_new(&c, &o, &err), 0);
	return c;
}

static void test_rules__builtins(void **state)
{
	mtpe_checker *c = fixture_checker();
	mtpe_error err;
	mtpe_error_clear(&err);
	const char *text = "See https://example.org/goverment and mail goverment@example.com, @goverment #goverment.\n"
			   "President Donald trump met Kim Jong-UN. The colour of the centre and the color.\n";
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	assert_int_equal(mtpe_checker_check_text(c, text, strlen(text), &fs, &err), 0);
	for (size_t i = 0; i < fs.len; i++)
		if (!strcmp(fs.items[i].rule, "SPELLING"))
			assert_string_not_equal(fs.items[i].text, "goverment");
	const mtpe_finding *f = find_rule(&fs, "CAP_NAME_LOWERCASE");
	assert_non_null(f);
	assert_string_equal(f->text, "trump");
	f = find_rule(&fs, "TERM_GLOSSARY");
	assert_non_null(f);
	assert_string_equal(f->replacements[0], "Kim Jong Un");
	size_t warned = 0, infos = 0;
	for (size_t i = 0; i < fs.len; i++) {
		if (strcmp(fs.items[i].rule, "CONSISTENCY_US_GB_MIX"))
			continue;
		if (fs.items[i].severity == MTPE_SEV_WARNING) {
			warned++;
			assert_string_equal(fs.items[i].text, "color"); /* the minority variety */
			assert_string_equal(fs.items[i].replacements[0], "colour");
		} else {
			infos++; /* the majority forms, shown as info without a fix */
			assert_int_equal(fs.items[i].nreplacements, 0);
		}
	}
	assert_int_equal(warned, 1);
	assert_int_equal(infos, 2);
	mtpe_findings_dispose(&fs);
	mtpe_checker_free(c);
}

/* A word added to the speller (review's "add to dictionary") is not flagged by the next check: the checker's caches follow the speller. */
static void test_rules__added_word_forgets_cached_verdict(void **state)
{
	mtpe_checker *c = fixture_checker();
	mtpe_error err;
	mtpe_error_clear(&err);
	const char *text = "The zorblatt was seen near the zorblatt's house.\n";
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	assert_int_equal(mtpe_checker_check_text(c, text, strlen(text), &fs, &err), 0);
	size_t flagged = 0;
	for (size_t i = 0; i < fs.len; i++)
		flagged += !strcmp(fs.items[i].rule, "SPELLING") && !strcmp(fs.items[i].text, "zorblatt");
	assert_int_equal(flagged, 2);
	mtpe_findings_dispose(&fs);
	assert_int_equal(mtpe_speller_add_word(mtpe_checker_speller(c), "zorblatt", 8), 0);
	assert_int_equal(mtpe_checker_check_text(c, text, strlen(text), &fs, &err), 0);
	for (size_t i = 0; i < fs.len; i++)
		assert_string_not_equal(fs.items[i].rule, "SPELLING");
	mtpe_findings_dispose(&fs);
	/* and undone: flagged again */
	assert_int_equal(mtpe_speller_remove_word(mtpe_checker_speller(c), "zorblatt", 8), 0);
	assert_int_equal(mtpe_checker_check_text(c, text, strlen(text), &fs, &err), 0);
	flagged = 0;
	for (size_t i = 0; i < fs.len; i++)
		flagged += !strcmp(fs.items[i].rule, "SPELLING");
	assert_int_equal(flagged, 2);
	mtpe_findings_dispose(&fs);
	mtpe_checker_free(c);
}

static void test_rules__hostile_input_does_not_hang(void **state)
{
	/* catastrophic backtracking pattern: the match limit stops it */
	const char *yaml = "- id: SLOW\n  category: style\n  severity: info\n  message: m\n  pattern: '(a+)+$'\n  examples:\n    - bad: 'aa'\n";
	char path[80];
	mtpe_error err;
	mtpe_checker *c = checker_with(yaml, &err, path, sizeof(path));
	assert_non_null(c);
	char *text = malloc(20001);
	memset(text, 'a', 20000);
	text[19999] = 'b';
	text[20000] = '\0';
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	assert_int_equal(mtpe_checker_check_text(c, text, 20000, &fs, &err), 0);
	mtpe_findings_dispose(&fs);
	free(text);
	mtpe_checker_free(c);
	unlink(path);
}

static void test_rules__speller_guards(void **state)
{
	mtpe_speller *sp = NULL;
	assert_int_equal(mtpe_speller_new(&sp, "/usr/share/hunspell/en_US.aff", "/usr/share/hunspell/en_US.dic", NULL), 0);
	assert_true(mtpe_speller_check(sp, "", 0));
	char longw[400];
	memset(longw, 'x', sizeof(longw));
	assert_true(mtpe_speller_check(sp, longw, sizeof(longw)));
	assert_true(mtpe_speller_check(sp, "<?xml version", 13));
	char **sug = NULL;
	assert_int_equal(mtpe_speller_suggest(sp, &sug, "<?xml?><query type=\"analyze\">", 29, 5), 0);
	assert_false(mtpe_speller_check(sp, "goverment", 9));
	assert_true(mtpe_speller_check(sp, "government", 10));
	int n = mtpe_speller_suggest(sp, &sug, "goverment", 9, 5);
	assert_true(n >= 1 && n <= 5);
	assert_string_equal(sug[0], "government");
	for (int i = 0; i < n; i++)
		free(sug[i]);
	free(sug);
	assert_true(mtpe_speller_near_miss(sp, "Goverment", 9));
	assert_false(mtpe_speller_near_miss(sp, "Pyongyang", 9));
	assert_false(mtpe_speller_check(sp, "Pakhlavon", 9));
	assert_int_equal(mtpe_speller_add_word(sp, "Pakhlavon", 9), 0);
	assert_true(mtpe_speller_check(sp, "Pakhlavon", 9));
	assert_true(mtpe_speller_check(sp, "PAKHLAVON", 9));
	assert_false(mtpe_speller_check(sp, "pakhlavon", 9));
	assert_int_equal(mtpe_speller_remove_word(sp, "Pakhlavon", 9), 0);
	assert_false(mtpe_speller_check(sp, "Pakhlavon", 9));
	/* removing an added word never forbids a dictionary word */
	assert_int_equal(mtpe_speller_add_word(sp, "Pyongyang", 9), 0);
	assert_int_equal(mtpe_speller_remove_word(sp, "Pyongyang", 9), 0);
	assert_true(mtpe_speller_check(sp, "Pyongyang", 9));
	/* stems answer without hunspell: case forms */
	assert_true(mtpe_speller_check(sp, "GOVERNMENT", 10));
	assert_true(mtpe_speller_check(sp, "Government", 10));
	assert_false(mtpe_speller_check(sp, "paris", 5));
	assert_true(mtpe_speller_check(sp, "talked", 6));
	mtpe_speller_free(sp);
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_speller_new(&sp, "/nonexistent.aff", "/nonexistent.dic", &err), MTPE_ENOTFOUND);
	assert_non_null(strstr(err.msg, "hunspell-en-us"));
}

static void test_rules__personal_dictionary(void **state)
{
	char dir[] = "/tmp/mtpe-pd-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/sub/words", dir);
	assert_int_equal(mtpe_personal_add(path, "Pakhlavon", NULL), 0);
	assert_int_equal(mtpe_personal_add(path, "Pakhlavon", NULL), 0);
	assert_int_equal(mtpe_personal_add(path, "Selenga", NULL), 0);
	char *t = read_all_file(path, NULL);
	assert_string_equal(t, "Pakhlavon\nSelenga\n");
	free(t);
	assert_int_equal(mtpe_personal_remove(path, "Pakhlavon", NULL), 0);
	t = read_all_file(path, NULL);
	assert_string_equal(t, "Selenga\n");
	free(t);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules__bad_files_report_locations),
		cmocka_unit_test(test_rules__templates_and_conditions),
		cmocka_unit_test(test_rules__builtins),
		cmocka_unit_test(test_rules__added_word_forgets_cached_verdict),
		cmocka_unit_test(test_rules__hostile_input_does_not_hang),
		cmocka_unit_test(test_rules__speller_guards),
		cmocka_unit_test(test_rules__personal_dictionary),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
