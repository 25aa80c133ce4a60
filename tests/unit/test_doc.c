/* test_doc.c - document loading: checks, BOM, line index, line/column. */
#include "helpers.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtpe/doc.h"

static void test_doc__line_index_lf_crlf_cr(void **state)
{
	mtpe_doc *d = NULL;
	const char *t = "ab\ncd\r\nef\rgh";
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", t, strlen(t), NULL, NULL), 0);
	assert_int_equal(d->nlines, 4);
	int l, c;
	mtpe_doc_linecol(d, 3, &l, &c);
	assert_int_equal(l, 2);
	assert_int_equal(c, 1);
	mtpe_doc_linecol(d, 7, &l, &c);
	assert_int_equal(l, 3);
	mtpe_doc_linecol(d, 11, &l, &c);
	assert_int_equal(l, 4);
	assert_int_equal(c, 2);
	size_t s, e;
	mtpe_doc_line_span(d, 2, &s, &e);
	assert_int_equal(s, 3);
	assert_int_equal(e, 5);
	mtpe_doc_free(d);
}

/* A long text is indexed 16 bytes at a time: the same line starts as one byte at a time, a late NUL or CR still seen. */
static void test_doc__long_text_index(void **state)
{
	size_t n = 20000;
	char *t = malloc(n + 1);
	assert_non_null(t);
	for (size_t i = 0; i < n; i++) /* lines of 0 to 36 bytes, some with a two-byte letter */
		t[i] = (i * 7919) % 37 == 0 ? '\n' : (char)('a' + i % 26);
	t[n] = '\0';
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", t, n, NULL, NULL), 0);
	size_t k = 1;
	for (size_t i = 0; i < n; i++)
		if (t[i] == '\n') {
			assert_true(k < d->nlines);
			assert_int_equal(d->line_starts[k], i + 1);
			k++;
		}
	assert_int_equal(k, d->nlines);
	mtpe_doc_free(d);
	/* a NUL late in the text */
	mtpe_error err;
	mtpe_error_clear(&err);
	t[n - 5] = '\0';
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", t, n, NULL, &err), MTPE_EUNSUPPORTED);
	assert_int_equal(err.offset, (long long)(n - 5));
	/* a lone CR late in the text ends a line too */
	t[n - 5] = '\r';
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", t, n, NULL, NULL), 0);
	int l, c;
	mtpe_doc_linecol(d, n - 4, &l, &c);
	assert_int_equal(c, 1);
	mtpe_doc_linecol(d, n - 6, &l, &c);
	assert_true(c > 1 || t[n - 7] == '\n');
	mtpe_doc_free(d);
	free(t);
}

static void test_doc__bom_is_kept_and_skipped(void **state)
{
	mtpe_doc *d = NULL;
	const char *t = "\xEF\xBB\xBFh\xC3\xA9llo world";
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", t, strlen(t), NULL, NULL), 0);
	assert_int_equal(d->bom, 3);
	assert_int_equal(d->len, strlen(t));
	assert_int_equal(d->nregions, 1);
	assert_int_equal(d->regions[0].file_start, 3);
	assert_memory_equal(d->regions[0].text, "h\xC3\xA9llo", 6);
	int l, c;
	mtpe_doc_linecol(d, 10, &l, &c); /* 'w' after "héllo " */
	assert_int_equal(l, 1);
	assert_int_equal(c, 7);
	mtpe_doc_free(d);
}

static void test_doc__invalid_utf8_has_location(void **state)
{
	const char *bad[] = { "ok\nab\xFF", "ab\xC3", "\xE0\x80\x80", "\xED\xA0\x80", "\xF5\x80\x80\x80", "a\xC0\xAF" };
	size_t at[] = { 5, 2, 0, 0, 0, 1 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mtpe_doc *d = NULL;
		mtpe_error err;
		mtpe_error_clear(&err);
		assert_int_equal(mtpe_doc_from_buffer(&d, "x", bad[i], strlen(bad[i]), NULL, &err), MTPE_EENCODING);
		assert_null(d);
		assert_int_equal(err.offset, (long long)at[i]);
		assert_non_null(strstr(err.msg, "invalid UTF-8"));
	}
}

static void test_doc__binary_refused(void **state)
{
	mtpe_doc *d = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", "ab\0cd", 5, NULL, &err), MTPE_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "binary"));
	assert_int_equal(err.offset, 2);
}

static void test_doc__size_cap(void **state)
{
	char path[64];
	write_tmp(path, sizeof(path), "0123456789", 10);
	mtpe_doc_options o = MTPE_DOC_OPTIONS_INIT;
	o.max_size = 5;
	mtpe_doc *d = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_doc_load(&d, path, &o, &err), MTPE_ETOOBIG);
	o.max_size = 10;
	assert_int_equal(mtpe_doc_load(&d, path, &o, &err), 0);
	assert_int_equal(d->len, 10);
	mtpe_doc_free(d);
	unlink(path);
}

static void test_doc__directory_and_missing(void **state)
{
	mtpe_doc *d = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_doc_load(&d, "/tmp", NULL, &err), MTPE_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(mtpe_doc_load(&d, "/nonexistent/file.txt", NULL, &err), MTPE_ENOTFOUND);
	assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_doc__fifo_refused(void **state)
{
	char path[] = "/tmp/mtpe-fifo-XXXXXX";
	assert_non_null(mkdtemp(path));
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/f", path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	mtpe_doc *d = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_doc_load(&d, fifo, NULL, &err), MTPE_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "not a regular file"));
	unlink(fifo);
	rmdir(path);
}

static void test_doc__bytes_kept_as_read(void **state)
{
	const char t[] = "\xEF\xBB\xBF" "a\r\nb\rc\n\n";
	char path[64];
	write_tmp(path, sizeof(path), t, sizeof(t) - 1);
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_load(&d, path, NULL, NULL), 0);
	assert_int_equal(d->len, sizeof(t) - 1);
	assert_memory_equal(d->data, t, sizeof(t) - 1);
	mtpe_doc_free(d);
	unlink(path);
}

static void test_doc__alloc_failures_are_clean(void **state)
{
	const char *t = "line one\nline two\n";
	for (long n = 0; n < 20; n++) {
		mtpe_doc *d = NULL;
		mtpe_alloc_fail_after(n);
		int rc = mtpe_doc_from_buffer(&d, "x", t, strlen(t), NULL, NULL);
		mtpe_alloc_fail_after(-1);
		if (rc == 0) {
			mtpe_doc_free(d);
			break;
		}
		assert_int_equal(rc, MTPE_ENOMEM);
		assert_null(d);
	}
}

/* True if the mapping holding p has VmFlags flag (e.g. "hg": MADV_HUGEPAGE). */
static bool vma_has_flag(const void *p, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return false;
	char line[512];
	bool in = false, found = false;
	uintptr_t a = (uintptr_t)p;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = a >= lo && a < hi;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			char want[8];
			snprintf(want, sizeof(want), " %s", flag);
			for (char *q = line + 8; (q = strstr(q, want)) != NULL; q += 3)
				if (q[3] == ' ' || q[3] == '\n')
					found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Huge pages can be asked for here (THP in "madvise" or "always" mode), and malloc is glibc's own. */
static bool huge_pages_askable(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
	return false;
#else
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char mode[128] = "";
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	return strstr(mode, "[madvise]") || strstr(mode, "[always]");
#endif
}

static void *thread_block(void *arg)
{
	(void)arg;
	mtpe_heap_advise();
	char *b = malloc((size_t)4 << 20);
	if (b)
		memset(b, 1, (size_t)4 << 20);
	return b;
}

/* A large input: the main heap's and a new thread's blocks lie where huge pages were asked for. */
static void test_doc__large_input_heaps_ask_for_huge_pages(void **state)
{
	if (!huge_pages_askable())
		skip();
	mtpe_heap_large();
	char *m = malloc((size_t)4 << 20);
	assert_non_null(m);
	memset(m, 1, (size_t)4 << 20);
	assert_true(vma_has_flag(m + (2 << 20), "hg"));
	pthread_t th;
	void *t = NULL;
	assert_int_equal(pthread_create(&th, NULL, thread_block, NULL), 0);
	pthread_join(th, &t);
	assert_non_null(t);
	assert_true(vma_has_flag((char *)t + (2 << 20), "hg"));
	free(t);
	free(m);
	/* a large text's buffer: 2 MiB-aligned and advised, read byte for byte */
	size_t n = (size_t)9 << 20;
	char *text = malloc(n);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		text[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
	char path[64];
	write_tmp(path, sizeof(path), text, n);
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_load(&d, path, NULL, NULL), 0);
	assert_int_equal(d->len, n);
	assert_memory_equal(d->data, text, n);
	assert_int_equal((uintptr_t)d->data & (((uintptr_t)2 << 20) - 1), 0);
	assert_true(vma_has_flag(d->data, "hg"));
	mtpe_doc_free(d);
	unlink(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc__line_index_lf_crlf_cr),
		cmocka_unit_test(test_doc__long_text_index),
		cmocka_unit_test(test_doc__bom_is_kept_and_skipped),
		cmocka_unit_test(test_doc__invalid_utf8_has_location),
		cmocka_unit_test(test_doc__binary_refused),
		cmocka_unit_test(test_doc__size_cap),
		cmocka_unit_test(test_doc__directory_and_missing),
		cmocka_unit_test(test_doc__fifo_refused),
		cmocka_unit_test(test_doc__bytes_kept_as_read),
		cmocka_unit_test(test_doc__alloc_failures_are_clean),
		cmocka_unit_test(test_doc__large_input_heaps_ask_for_huge_pages),
	};
	return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
