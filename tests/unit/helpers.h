/* helpers.h - shared bits for the cmocka unit tests. */
#ifndef MTPE_TEST_HELPERS_H
#define MTPE_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mtpe/finding.h"

/* A finding on the nth (0-based) occurrence of needle in doc, with up to two replacements. */
static inline mtpe_finding finding_at(const char *doc, const char *rule, mtpe_category cat, const char *message,
				      const char *needle, int nth, const char *r1, const char *r2)
{
	const char *p = doc;
	for (int i = 0; i <= nth; i++) {
		p = strstr(i ? p + 1 : p, needle);
		assert_non_null(p);
	}
	mtpe_finding f;
	memset(&f, 0, sizeof(f));
	f.rule = strdup(rule);
	f.message = strdup(message);
	f.category = cat;
	f.offset = (size_t)(p - doc);
	f.length = strlen(needle);
	f.text = strndup(p, f.length);
	if (r1)
		mtpe_finding_add_replacement(&f, r1, strlen(r1));
	if (r2)
		mtpe_finding_add_replacement(&f, r2, strlen(r2));
	return f;
}

/* Writes data to a fresh temporary file and returns its path (static buffer per call site). */
static inline void write_tmp(char *path, size_t cap, const char *data, size_t len)
{
	snprintf(path, cap, "/tmp/mtpe-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static inline char *read_all_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	b[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return b;
}

#endif
