/* finding.c - findings vector, category and severity names. */
#include "mtpe/finding.h"

#include <stdlib.h>
#include <string.h>

static const char *const cat_names[MTPE_CAT__COUNT] = {
	"spelling", "capitalization", "calque", "negation", "grammar", "punctuation",
	"locale", "terminology", "consistency", "untranslated", "style"
};

const char *mtpe_category_name(mtpe_category c)
{
	return (unsigned)c < MTPE_CAT__COUNT ? cat_names[c] : "style";
}

int mtpe_category_from_name(const char *name, mtpe_category *out)
{
	for (int i = 0; i < MTPE_CAT__COUNT; i++)
		if (strcmp(cat_names[i], name) == 0) {
			*out = (mtpe_category)i;
			return 0;
		}
	return MTPE_EINVAL;
}

const char *mtpe_severity_name(mtpe_severity s)
{
	switch (s) {
	case MTPE_SEV_INFO: return "info";
	case MTPE_SEV_WARNING: return "warning";
	case MTPE_SEV_ERROR: return "error";
	default: return "none";
	}
}

int mtpe_severity_from_name(const char *name, mtpe_severity *out)
{
	static const char *const n[] = { "info", "warning", "error", "none" };
	for (int i = 0; i < 4; i++)
		if (strcmp(n[i], name) == 0) {
			*out = (mtpe_severity)i;
			return 0;
		}
	return MTPE_EINVAL;
}

void mtpe_finding_dispose(mtpe_finding *f)
{
	if (!f)
		return;
	free(f->rule);
	free(f->message);
	free(f->text);
	for (size_t i = 0; i < f->nreplacements; i++)
		free(f->replacements[i]);
	free(f->replacements);
	memset(f, 0, sizeof(*f));
}

int mtpe_finding_add_replacement(mtpe_finding *f, const char *s, size_t len)
{
	/* never offer the original text, never offer a duplicate */
	if (f->text && strlen(f->text) == len && memcmp(f->text, s, len) == 0)
		return 0;
	for (size_t i = 0; i < f->nreplacements; i++)
		if (strlen(f->replacements[i]) == len && memcmp(f->replacements[i], s, len) == 0)
			return 0;
	char **r = mtpe_realloc(f->replacements, (f->nreplacements + 1) * sizeof(char *));
	if (!r)
		return MTPE_ENOMEM;
	f->replacements = r;
	if (!(r[f->nreplacements] = mtpe_strndup(s, len)))
		return MTPE_ENOMEM;
	f->nreplacements++;
	return 0;
}

int mtpe_findings_push(mtpe_findings *fs, mtpe_finding *f)
{
	if (fs->len == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		mtpe_finding *n = mtpe_realloc(fs->items, cap * sizeof(*n));
		if (!n) {
			mtpe_finding_dispose(f);
			return MTPE_ENOMEM;
		}
		fs->items = n;
		fs->cap = cap;
	}
	fs->items[fs->len++] = *f;
	memset(f, 0, sizeof(*f));
	return 0;
}

static int cmp_finding(const void *a, const void *b)
{
	const mtpe_finding *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->length != y->length)
		return x->length < y->length ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

void mtpe_findings_sort(mtpe_findings *fs)
{
	if (fs->len < 2)
		return;
	qsort(fs->items, fs->len, sizeof(mtpe_finding), cmp_finding);
	size_t w = 1;
	for (size_t i = 1; i < fs->len; i++) {
		if (cmp_finding(&fs->items[w - 1], &fs->items[i]) == 0) {
			mtpe_finding_dispose(&fs->items[i]);
			continue;
		}
		fs->items[w++] = fs->items[i];
	}
	fs->len = w;
}

void mtpe_findings_dispose(mtpe_findings *fs)
{
	for (size_t i = 0; i < fs->len; i++)
		mtpe_finding_dispose(&fs->items[i]);
	free(fs->items);
	fs->items = NULL;
	fs->len = fs->cap = 0;
}
