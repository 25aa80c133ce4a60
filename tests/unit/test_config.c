/* test_config.c - .mtpe.yaml parsing (values, locations of errors), ignore globs, discovery. */
#include "helpers.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtpe/config.h"

static mtpe_config *parse(const char *yaml, mtpe_error *err)
{
	mtpe_config *c = NULL;
	mtpe_error_clear(err);
	mtpe_config_from_buffer(&c, "/cfg/.mtpe.yaml", yaml, strlen(yaml), err);
	return c;
}

static void expect_error(const char *yaml, int line, int col, const char *needle)
{
	mtpe_error err;
	mtpe_config *c = parse(yaml, &err);
	assert_null(c);
	assert_int_equal(err.code, MTPE_EPARSE);
	if (err.line != line || err.col != col || !strstr(err.msg, needle))
		fail_msg("for %s: got %d:%d %s", yaml, err.line, err.col, err.msg);
	assert_string_equal(err.path, "/cfg/.mtpe.yaml");
}

static void test_config__every_key(void **state)
{
	mtpe_error err;
	mtpe_config *c = parse("source-lang: ru\n"
			       "rules: /etc/hostname\n"
			       "disable: [A_B, C]\n"
			       "severity: { A_B: error, D: info }\n"
			       "dictionaries: [/etc/passwd]\n"
			       "glossaries: /etc/hostname\n"
			       "ignore: [vendor/, '*.md']\n"
			       "fail-on: none\n"
			       "spelling: false\n"
			       "report:\n  threshold: 90.5\n  weights: {error: 10, info: 0.5}\n  mqm: {calque: X/Y}\n",
			       &err);
	if (!c)
		fail_msg("%d:%d %s", err.line, err.col, err.msg);
	assert_string_equal(c->source_lang, "ru");
	assert_int_equal(c->source_lang_line, 1);
	assert_int_equal(c->source_lang_col, 14);
	assert_int_equal(c->nrules, 1);
	assert_string_equal(c->rules[0].s, "/etc/hostname");
	assert_int_equal(c->ndisable, 2);
	assert_string_equal(c->disable[1].s, "C");
	assert_int_equal(c->disable[1].line, 3);
	assert_int_equal(c->disable[1].col, 16);
	assert_int_equal(c->nseverity, 2);
	assert_string_equal(c->severity[1].rule.s, "D");
	assert_int_equal(c->severity[1].severity, MTPE_SEV_INFO);
	assert_int_equal(c->ndicts, 1);
	assert_int_equal(c->nglossaries, 1);
	assert_int_equal(c->nignore, 2);
	assert_true(c->has_fail_on);
	assert_int_equal(c->fail_on, MTPE_SEV_NONE);
	assert_true(c->has_spelling);
	assert_false(c->spelling);
	assert_true(c->report.threshold == 90.5);
	assert_true(c->report.weights[MTPE_SEV_ERROR] == 10);
	assert_true(c->report.weights[MTPE_SEV_WARNING] == 1); /* default kept */
	assert_true(c->report.weights[MTPE_SEV_INFO] == 0.5);
	assert_string_equal(c->report.mqm[MTPE_CAT_CALQUE], "X/Y");
	assert_string_equal(c->report.mqm[MTPE_CAT_SPELLING], "Linguistic conventions/Spelling");
	assert_string_equal(c->dir, "/cfg");
	mtpe_config_free(c);
}

static void test_config__empty_and_defaults(void **state)
{
	mtpe_error err;
	mtpe_config *c = parse("", &err);
	assert_non_null(c);
	assert_null(c->source_lang);
	assert_false(c->has_fail_on);
	assert_true(c->report.threshold == 95);
	mtpe_config_free(c);
	c = parse("# only a comment\n", &err);
	assert_non_null(c);
	mtpe_config_free(c);
}

static void test_config__relative_paths_resolve_against_the_file(void **state)
{
	char dir[] = "/tmp/mtpe-cfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[PATH_MAX], cfg[PATH_MAX], words[PATH_MAX];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(words, sizeof(words), "%s/sub/words.txt", dir);
	FILE *f = fopen(words, "w");
	fputs("word\n", f);
	fclose(f);
	snprintf(cfg, sizeof(cfg), "%s/.mtpe.yaml", dir);
	f = fopen(cfg, "w");
	fputs("dictionaries: [sub/words.txt]\n", f);
	fclose(f);
	mtpe_config *c = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_config_load(&c, cfg, &err), 0);
	assert_string_equal(c->dicts[0].s, words);
	mtpe_config_free(c);
	/* discovery from a file two levels down finds it; from outside it does not */
	char *found = NULL, file[PATH_MAX];
	snprintf(file, sizeof(file), "%s/sub/x.txt", dir);
	assert_int_equal(mtpe_config_find(&found, file, &err), 0);
	assert_non_null(found);
	assert_string_equal(found, cfg);
	free(found);
	unlink(cfg);
	unlink(words);
	rmdir(sub);
	rmdir(dir);
}

static void test_config__errors_have_locations(void **state)
{
	expect_error("colour: red\n", 1, 1, "unknown key 'colour'");
	expect_error("report:\n  colour: red\n", 2, 3, "unknown key 'report.colour'");
	expect_error("fail-on: error\nfail-on: info\n", 2, 1, "duplicate key");
	expect_error("- a\n- b\n", 1, 1, "must be a mapping");
	expect_error("disable: {A: B}\n", 1, 10, "list of rule ids");
	expect_error("disable: [lower]\n", 1, 11, "not a rule id");
	expect_error("severity: [A]\n", 1, 11, "mapping");
	expect_error("severity: {A: loud}\n", 1, 15, "error, warning or info");
	expect_error("fail-on: [x]\n", 1, 10, "error, warning, info or none");
	expect_error("spelling: 2\n", 1, 11, "true or false");
	expect_error("source-lang: RU\n", 1, 14, "language code");
	expect_error("rules: [/nonexistent/x.yaml]\n", 1, 9, "cannot read");
	expect_error("report:\n  threshold: 101\n", 2, 14, "between 0 and 100");
	expect_error("report:\n  threshold: nan\n", 2, 14, "takes a number");
	expect_error("report:\n  weights: {major: 1}\n", 2, 13, "unknown severity");
	expect_error("report:\n  mqm: {tone: X}\n", 2, 9, "unknown category");
	expect_error("report:\n  mqm: {style: [a]}\n", 2, 16, "non-empty value");
	expect_error("ignore: [\"\"]\n", 1, 10, "non-empty strings");
	expect_error("disable: [A\n", 2, 1, "YAML syntax error");
}

static void test_config__invalid_utf8(void **state)
{
	mtpe_error err;
	mtpe_config *c = parse("# x\nsource-lang: \xC3\n", &err);
	assert_null(c);
	assert_int_equal(err.code, MTPE_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 14);
}

static bool ign(const char *globs, const char *file)
{
	mtpe_error err;
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "ignore: %s\n", globs);
	mtpe_config *c = parse(yaml, &err);
	if (!c)
		fail_msg("%s", err.msg);
	bool r = mtpe_config_ignored(c, file);
	mtpe_config_free(c);
	return r;
}

static void test_config__ignore_globs(void **state)
{
	assert_true(ign("[vendor/]", "/cfg/vendor/a/b.txt"));
	assert_true(ign("[vendor]", "/cfg/x/vendor/b.txt"));   /* no '/': any component */
	assert_false(ign("[vendor/]", "/cfg/vendors/b.txt"));
	assert_true(ign("['*.md']", "/cfg/a/b/c.md"));
	assert_false(ign("['*.md']", "/cfg/a/b/c.mdx"));
	assert_true(ign("['docs/*.txt']", "/cfg/docs/a.txt"));
	assert_false(ign("['docs/*.txt']", "/cfg/docs/sub/a.txt")); /* '*' does not cross '/' */
	assert_true(ign("['docs/**/a.txt']", "/cfg/docs/sub/deep/a.txt"));
	assert_true(ign("['docs/**/a.txt']", "/cfg/docs/a.txt"));   /* '**' matches zero folders */
	assert_true(ign("['**/gen/*']", "/cfg/x/gen/y.txt"));
	assert_true(ign("['a?c.txt']", "/cfg/abc.txt"));
	assert_false(ign("['a?c.txt']", "/cfg/a/c.txt"));
	assert_true(ign("['[ab]*.txt']", "/cfg/b1.txt"));
	assert_false(ign("['[ab]*.txt']", "/cfg/c1.txt"));
	assert_true(ign("[./top.txt]", "/cfg/top.txt"));
	assert_false(ign("[top.txt]", "/elsewhere/top2.txt"));
	assert_false(ign("['*']", "-")); /* stdin is never ignored */
}

static void test_config__alloc_failures_are_clean(void **state)
{
	const char *yaml = "source-lang: ru\ndisable: [A, B]\nseverity: {C: error}\nignore: ['*.md']\n"
			   "report:\n  mqm: {calque: X}\n";
	for (long n = 0; n < 200; n++) {
		mtpe_config *c = NULL;
		mtpe_error err;
		mtpe_error_clear(&err);
		mtpe_alloc_fail_after(n);
		int rc = mtpe_config_from_buffer(&c, "/cfg/.mtpe.yaml", yaml, strlen(yaml), &err);
		mtpe_alloc_fail_after(-1);
		if (rc == 0) {
			assert_non_null(c);
			mtpe_config_free(c);
			return;
		}
		assert_int_equal(rc, MTPE_ENOMEM);
		assert_null(c);
	}
	fail_msg("never succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__every_key),
		cmocka_unit_test(test_config__empty_and_defaults),
		cmocka_unit_test(test_config__relative_paths_resolve_against_the_file),
		cmocka_unit_test(test_config__errors_have_locations),
		cmocka_unit_test(test_config__invalid_utf8),
		cmocka_unit_test(test_config__ignore_globs),
		cmocka_unit_test(test_config__alloc_failures_are_clean),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
