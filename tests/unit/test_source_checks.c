/*
 * test_source_checks.c - the source-aware checks on tests/source/segments.tsv:
 * every segment must raise exactly the checks it lists ('-' = none), so each
 * check is shown to fire where it should and nowhere else. Also: XLIFF inline
 * tags compared through the file bytes, and PO sources.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mtpe/doc.h"
#include "mtpe/formats.h"
#include "source_checks.h"

static const char *const check_names[] = { "numbers", "untranslated", "placeholders", "brackets", "negation", "glossary" };
#define NCHECKS 6

struct fired {
	bool hit[NCHECKS];
	int cur;
	char last_msg[NCHECKS][300];
	size_t start[NCHECKS], end[NCHECKS];
};

static void on_emit(void *data, size_t s, size_t e, const char *msg, const char *repl)
{
	(void)repl;
	struct fired *f = data;
	f->hit[f->cur] = true;
	snprintf(f->last_msg[f->cur], sizeof(f->last_msg[0]), "%s", msg);
	f->start[f->cur] = s;
	f->end[f->cur] = e;
}

static void run_all(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r, struct fired *f)
{
	void (*fns[NCHECKS])(mtpe_source_ctx *, const mtpe_doc *, const mtpe_region *, mtpe_source_emit, void *) = {
		mtpe_source_check_numbers, mtpe_source_check_untranslated, mtpe_source_check_placeholders,
		mtpe_source_check_brackets, mtpe_source_check_negation, mtpe_source_check_glossary,
	};
	for (int k = 0; k < NCHECKS; k++) {
		f->cur = k;
		fns[k](ctx, doc, r, on_emit, f);
	}
}

static mtpe_source_ctx *new_ctx(void)
{
	mtpe_source_ctx *ctx = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	int rc = mtpe_source_ctx_new(&ctx, MTPE_TEST_SOURCE_DIR, &err);
	if (rc < 0)
		fail_msg("source ctx: %s", err.msg);
	return ctx;
}

static void test_segments(void **state)
{
	(void)state;
	char path[1024], line[4096];
	snprintf(path, sizeof(path), "%s/tests/source/segments.tsv", MTPE_TEST_SOURCE_DIR);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	mtpe_source_ctx *ctx = new_ctx();
	int lineno = 0, failures = 0, segments = 0;
	int fires[NCHECKS] = { 0 }, expected_fires[NCHECKS] = { 0 };
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2)
			fail_msg("%s:%d: expected 'checks<TAB>source<TAB>target'", path, lineno);
		*t1 = *t2 = '\0';
		const char *expect = line, *src = t1 + 1, *tgt = t2 + 1;
		segments++;
		mtpe_doc *doc = NULL;
		mtpe_doc_options o = MTPE_DOC_OPTIONS_INIT;
		o.format = "text";
		mtpe_error err;
		mtpe_error_clear(&err);
		assert_int_equal(mtpe_doc_from_buffer(&doc, "seg.txt", tgt, strlen(tgt), &o, &err), 0);
		assert_int_equal(doc->nregions, 1);
		doc->regions[0].source = strdup(src);
		struct fired f;
		memset(&f, 0, sizeof(f));
		run_all(ctx, doc, &doc->regions[0], &f);
		for (int k = 0; k < NCHECKS; k++) {
			bool want = false;
			for (const char *p = expect; *p;) {
				size_t l = strcspn(p, ",");
				if (l == strlen(check_names[k]) && !strncmp(p, check_names[k], l))
					want = true;
				p += l;
				if (*p == ',')
					p++;
			}
			fires[k] += f.hit[k];
			expected_fires[k] += want;
			if (want != f.hit[k]) {
				print_error("%s:%d: %s %s: %s\n    source: %s\n    target: %s\n", path, lineno, check_names[k],
					    want ? "did not fire" : "fired", f.hit[k] ? f.last_msg[k] : "", src, tgt);
				failures++;
			}
			/* spans stay inside the text */
			if (f.hit[k])
				assert_true(f.start[k] < f.end[k] && f.end[k] <= doc->regions[0].text_len);
		}
		mtpe_doc_free(doc);
	}
	fclose(fp);
	mtpe_source_ctx_free(ctx);
	print_message("%d segments;", segments);
	for (int k = 0; k < NCHECKS; k++) {
		print_message(" %s %d", check_names[k], fires[k]);
		/* the set exercises every check, positively */
		assert_true(expected_fires[k] >= 3);
	}
	print_message("\n");
	assert_true(segments >= 50);
	assert_int_equal(failures, 0);
}

static mtpe_doc *load(const char *name, const char *text)
{
	mtpe_doc *doc = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	if (mtpe_doc_from_buffer(&doc, name, text, strlen(text), NULL, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	return doc;
}

static void test_xliff_tags(void **state)
{
	(void)state;
	const char *x =
		"<?xml version=\"1.0\"?>\n"
		"<xliff version=\"1.2\"><file source-language=\"ru\" target-language=\"en\" datatype=\"plaintext\" original=\"a\"><body>\n"
		"<trans-unit id=\"ok\"><source>Нажмите <g id=\"1\">здесь</g> &amp; <x id=\"2\"/></source>"
		"<target>Click <g id=\"1\">here</g> &amp; <x id=\"2\"/></target></trans-unit>\n"
		"<trans-unit id=\"lost\"><source>Нажмите <g id=\"1\">здесь</g></source><target>Click here</target></trans-unit>\n"
		"<trans-unit id=\"lt\"><source>Тег &lt;b&gt; жирный</source><target>The &lt;b&gt; tag is bold</target></trans-unit>\n"
		"</body></file></xliff>\n";
	mtpe_doc *doc = load("t.xlf", x);
	mtpe_source_ctx *ctx = new_ctx();
	assert_int_equal(doc->nregions, 3);
	struct fired f;
	memset(&f, 0, sizeof(f));
	run_all(ctx, doc, &doc->regions[0], &f);
	for (int k = 0; k < NCHECKS; k++)
		assert_false(f.hit[k]);
	memset(&f, 0, sizeof(f));
	run_all(ctx, doc, &doc->regions[1], &f);
	assert_true(f.hit[2]);
	assert_non_null(strstr(f.last_msg[2], "<g id=\"1\">"));
	memset(&f, 0, sizeof(f));
	run_all(ctx, doc, &doc->regions[2], &f);
	assert_false(f.hit[2]); /* escaped markup is text, not a tag */
	mtpe_source_ctx_free(ctx);
	mtpe_doc_free(doc);
}

static void test_po_source(void **state)
{
	(void)state;
	mtpe_doc *doc = load("t.po", "msgid \"Удалить %d файлов?\"\nmsgstr \"Delete files?\"\n\n"
				     "msgid \"Цена: %s\"\nmsgstr \"Price: %s\"\n");
	mtpe_source_ctx *ctx = new_ctx();
	assert_int_equal(doc->nregions, 2);
	struct fired f;
	memset(&f, 0, sizeof(f));
	run_all(ctx, doc, &doc->regions[0], &f);
	assert_true(f.hit[2]);
	memset(&f, 0, sizeof(f));
	run_all(ctx, doc, &doc->regions[1], &f);
	assert_false(f.hit[2]);
	/* no source: nothing fires */
	mtpe_doc *plain = load("t.txt", "Delete files?");
	memset(&f, 0, sizeof(f));
	run_all(ctx, plain, &plain->regions[0], &f);
	for (int k = 0; k < NCHECKS; k++)
		assert_false(f.hit[k]);
	mtpe_doc_free(plain);
	mtpe_source_ctx_free(ctx);
	mtpe_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_xliff_tags),
		cmocka_unit_test(test_po_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
