/*
 * rules.c - loading YAML rule files (libyaml document API, so every node keeps
 * its line and column for error messages) and word lists, compiling patterns
 * with PCRE2 (UTF, UCP, JIT). Grammar: rules/README.md.
 */
#include <stdarg.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "engine.h"
#include "prefilter.h"
#include "mtpe/segment.h"

static int fail_at(mtpe_error *err, const char *file, const yaml_node_t *n, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail_at(mtpe_error *err, const char *file, const yaml_node_t *n, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
		mtpe_error_at(err, file, n ? (int)n->start_mark.line + 1 : 0, n ? (int)n->start_mark.column + 1 : 0);
	}
	return code;
}

void mtpe_rules__free_list(struct wordlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->entries[i]);
	free(l->entries);
	free(l->alt);
	free(l->trie);
	free(l->trie_ci);
	strmap_dispose(&l->lower, NULL);
	strmap_dispose(&l->exact, NULL);
	free(l->name);
	free(l);
}

static bool valid_list_name(const char *s, size_t n)
{
	if (n == 0 || n > 64 || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

struct wordlist *mtpe_rules__list(mtpe_checker *c, const char *name, mtpe_error *err)
{
	for (size_t i = 0; i < c->nlists; i++)
		if (strcmp(c->lists[i]->name, name) == 0)
			return c->lists[i];
	mtpe_buf path = MTPE_BUF_INIT;
	mtpe_buf_printf(&path, "%s/dicts/lists/%s.txt", c->data_dir, name);
	FILE *f = path.oom ? NULL : fopen(path.ptr, "r");
	if (!f) {
		mtpe_error_set(err, MTPE_ENOTFOUND, "unknown word list '{%s}': cannot open '%s'", name,
			       path.ptr ? path.ptr : name);
		mtpe_buf_dispose(&path);
		return NULL;
	}
	struct wordlist *l = mtpe_calloc(1, sizeof(*l));
	struct wordlist **nl = l ? mtpe_realloc(c->lists, (c->nlists + 1) * sizeof(*nl)) : NULL;
	if (!l || !nl) {
		free(l);
		fclose(f);
		mtpe_buf_dispose(&path);
		mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		return NULL;
	}
	c->lists = nl;
	l->name = mtpe_strdup(name);
	c->lists[c->nlists++] = l;
	char line[1024];
	size_t cap = 0;
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = line;
		size_t n = strcspn(s, "\r\n");
		s[n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = '\0';
		if (!n || *s == '#')
			continue;
		if (!mtpe_utf8_valid(s, n, NULL)) {
			mtpe_error_set(err, MTPE_EENCODING, "word list is not valid UTF-8");
			mtpe_error_at(err, path.ptr, lineno, 1);
			fclose(f);
			mtpe_buf_dispose(&path);
			return NULL;
		}
		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			char **ne = mtpe_realloc(l->entries, cap * sizeof(char *));
			if (!ne)
				break;
			l->entries = ne;
		}
		l->entries[l->n++] = mtpe_strdup(s);
		strmap_put(&l->exact, s, n, (void *)1);
		unsigned b = wordlist_sig((unsigned char)s[0], (unsigned char)s[n - 1], n);
		l->sig_exact[b >> 6] |= 1ull << (b & 63);
		size_t ln;
		char *low = mtpe_case_map(s, n, 'l', &ln);
		if (low) {
			strmap_put(&l->lower, low, ln, (void *)1);
			if (ln) {
				b = wordlist_sig((unsigned char)low[0], (unsigned char)low[ln - 1], ln);
				l->sig_lower[b >> 6] |= 1ull << (b & 63);
			}
			free(low);
		}
	}
	fclose(f);
	mtpe_buf_dispose(&path);
	return l;
}

static int cmp_len_desc(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return strcmp(x, y);
}

static void put_escaped(mtpe_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ') {
			mtpe_buf_puts(b, "\\s{1,8}"); /* bounded: the prefilter can then tell how far before a later word a match starts */
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}#", *s))
			mtpe_buf_putc(b, '\\');
		mtpe_buf_putc(b, *s);
	}
}

/* Expands {list} references in a pattern; returns a new string or NULL (err set). */
/* A list as a regex group, longest entries first (made once per list, then reused). */
static char *list_alternation(const struct wordlist *l)
{
	mtpe_buf b = MTPE_BUF_INIT;
	char **sorted = mtpe_malloc((l->n ? l->n : 1) * sizeof(char *));
	if (!sorted)
		return NULL;
	memcpy(sorted, l->entries, l->n * sizeof(char *));
	qsort(sorted, l->n, sizeof(char *), cmp_len_desc);
	mtpe_buf_puts(&b, "(?:");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			mtpe_buf_putc(&b, '|');
		put_escaped(&b, sorted[i]);
	}
	if (!l->n)
		mtpe_buf_puts(&b, "(*FAIL)");
	mtpe_buf_putc(&b, ')');
	free(sorted);
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	return mtpe_buf_detach(&b);
}

/*
 * A list as a regex group with common beginnings factored out, a trie:
 * (?:for(?:eign|mer)|state)... The flat group tries ~100 alternatives at each
 * place; this one follows one branch per character. It matches what the flat
 * group matches, in the same order of preference where the text allows two:
 * entries that match at one place are then one the other's beginning, and the
 * longer one comes first in both (here its branch is tried before the end of
 * the shorter: "(?:...)?"). That holds where case counts (a pattern that never
 * ignores case), and in a (?i:...) that holds the list alone, with the entries
 * in lower case (two that differ only in case are one). Units are whole
 * characters, escapes and the \s{1,8} that stands for a space.
 */
struct tnode {
	const char *unit; /* into the escaped entries */
	size_t ulen;
	bool term;        /* an entry ends here */
	struct tnode *kids;
	size_t nk, capk;
};

static size_t unit_len(const char *s)
{
	if (s[0] == '\\') {
		if (s[1] == 's' && s[2] == '{') {
			const char *e = strchr(s, '}');
			return e ? (size_t)(e - s) + 1 : 2;
		}
		return 2;
	}
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

static bool trie_insert(struct tnode *t, const char *s)
{
	while (*s) {
		size_t ul = unit_len(s), k = 0;
		while (k < t->nk && (t->kids[k].ulen != ul || memcmp(t->kids[k].unit, s, ul)))
			k++;
		if (k == t->nk) {
			if (t->nk == t->capk) {
				size_t nc = t->capk ? t->capk * 2 : 4;
				struct tnode *nk = mtpe_realloc(t->kids, nc * sizeof(*nk));
				if (!nk)
					return false;
				t->kids = nk;
				t->capk = nc;
			}
			memset(&t->kids[k], 0, sizeof(t->kids[k]));
			t->kids[k].unit = s;
			t->kids[k].ulen = ul;
			t->nk++;
		}
		t = &t->kids[k];
		s += ul;
	}
	t->term = true;
	return true;
}

/* What may follow node t: nothing if a leaf, else its branches, the end (if an entry ends here) last. */
static void trie_emit(mtpe_buf *b, const struct tnode *t)
{
	if (!t->nk)
		return;
	bool group = t->nk > 1 || t->term;
	if (group)
		mtpe_buf_puts(b, "(?:");
	for (size_t k = 0; k < t->nk; k++) {
		if (k)
			mtpe_buf_putc(b, '|');
		mtpe_buf_put(b, t->kids[k].unit, t->kids[k].ulen);
		trie_emit(b, &t->kids[k]);
	}
	if (group)
		mtpe_buf_puts(b, t->term ? ")?" : ")");
}

static void trie_free(struct tnode *t)
{
	for (size_t k = 0; k < t->nk; k++)
		trie_free(&t->kids[k]);
	free(t->kids);
}

/*
 * fold: for a list that is all a (?i:...) group holds, its entries in lower
 * case (lists of ASCII and caseless punctuation U+2000-207F only: NULL for
 * others): case is ignored there, and two entries differing only in case match
 * the same text, so they are one branch.
 */
static char *trie_alternation(const struct wordlist *l, bool fold)
{
	mtpe_buf esc = MTPE_BUF_INIT, b = MTPE_BUF_INIT;
	size_t *at = mtpe_malloc((l->n ? l->n : 1) * sizeof(size_t));
	struct tnode root;
	memset(&root, 0, sizeof(root));
	bool ok = at != NULL;
	for (size_t i = 0; ok && i < l->n; i++) {
		at[i] = esc.len;
		char low[256];
		const char *e = l->entries[i];
		if (fold) {
			size_t k = 0;
			for (; e[k] && k + 1 < sizeof(low); k++) {
				unsigned char ch = (unsigned char)e[k];
				if (ch >= 0x80 && !(ch == 0xE2 && ((unsigned char)e[k + 1] & 0xFE) == 0x80)) /* U+2000-207F: dashes, quotes, no case */
					ok = false;
				if (ch == 0xE2 && ok) { /* the whole character as it is */
					low[k] = e[k];
					if (e[k + 1] && e[k + 2] && k + 3 < sizeof(low)) {
						low[k + 1] = e[k + 1];
						low[k + 2] = e[k + 2];
						k += 2;
						continue;
					}
					ok = false;
				}
				low[k] = (char)tolower(ch);
			}
			if (e[k])
				ok = false;
			low[k] = '\0';
			e = low;
		}
		put_escaped(&esc, e);
		mtpe_buf_putc(&esc, '\0');
		ok = ok && !esc.oom && e[0];
	}
	for (size_t i = 0; ok && i < l->n; i++)
		ok = trie_insert(&root, esc.ptr + at[i]);
	if (ok) {
		mtpe_buf_puts(&b, "(?:");
		if (l->n)
			trie_emit(&b, &root);
		else
			mtpe_buf_puts(&b, "(*FAIL)");
		mtpe_buf_putc(&b, ')');
	}
	trie_free(&root);
	free(at);
	mtpe_buf_dispose(&esc);
	if (!ok || b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	return mtpe_buf_detach(&b);
}

/* Expands {list} references: as flat groups (trie false), or as tries (trie_alternation) where that is safe. */
static char *expand_lists(mtpe_checker *c, const char *pat, const char *file, const yaml_node_t *node,
			  mtpe_error *err, bool trie)
{
	mtpe_buf b = MTPE_BUF_INIT;
	bool ignores_case = mtpe_pattern_ignores_case(pat);
	const char *p = pat;
	while (*p) {
		if (*p == '\\' && p[1]) {
			/* copy escapes whole, including \p{..} \x{..} \N{..} \g{..} \k{..} \o{..} */
			mtpe_buf_put(&b, p, 2);
			if (strchr("pPxNgko", p[1]) && p[2] == '{') {
				const char *e = strchr(p + 2, '}');
				if (e) {
					mtpe_buf_put(&b, p + 2, (size_t)(e - p - 1));
					p = e + 1;
					continue;
				}
			}
			p += 2;
			continue;
		}
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (e && valid_list_name(p + 1, (size_t)(e - p - 1))) {
				char name[80];
				size_t n = (size_t)(e - p - 1);
				memcpy(name, p + 1, n);
				name[n] = '\0';
				struct wordlist *l = mtpe_rules__list(c, name, err);
				if (!l) {
					char msg[512];
					snprintf(msg, sizeof(msg), "%s", err ? err->msg : "unknown list");
					mtpe_buf_dispose(&b);
					fail_at(err, file, node, MTPE_ENOTFOUND, "%s", msg);
					return NULL;
				}
				if (!l->alt && !(l->alt = list_alternation(l))) {
					mtpe_buf_dispose(&b);
					mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
					return NULL;
				}
				/* as a trie where case counts, or in lower case where a (?i:...) holds the list alone */
				bool alone_ci = b.len >= 4 && !memcmp(b.ptr + b.len - 4, "(?i:", 4) && e[1] == ')';
				const char *t = NULL;
				if (trie && !ignores_case) {
					if (!l->trie)
						l->trie = trie_alternation(l, false); /* NULL: the flat group */
					t = l->trie;
				} else if (trie && alone_ci) {
					if (!l->trie_ci)
						l->trie_ci = trie_alternation(l, true);
					t = l->trie_ci;
				}
				mtpe_buf_puts(&b, t ? t : l->alt);
				p = e + 1;
				continue;
			}
		}
		mtpe_buf_putc(&b, *p++);
	}
	if (b.oom) {
		mtpe_buf_dispose(&b);
		mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		return NULL;
	}
	return mtpe_buf_detach(&b);
}

void mtpe_rules__free_rule(struct rule *r)
{
	free(r->id);
	free(r->message);
	free(r->description);
	free(r->pattern);
	free(r->check);
	free(r->span_name);
	if (r->re)
		pcre2_code_free(r->re);
	free(r->expanded);
	for (size_t i = 0; i < r->nrepl; i++)
		free(r->repl[i]);
	free(r->repl);
	for (size_t i = 0; i < r->nconds; i++)
		free(r->conds[i].group_name);
	free(r->conds);
	for (size_t i = 0; i < r->nex; i++) {
		free(r->ex[i].text);
		free(r->ex[i].fix);
	}
	free(r->ex);
	for (size_t i = 0; i < r->nanchors; i++)
		free(r->anchors[i]);
	free(r->anchors);
	free(r->anchor_pres);
	for (size_t i = 0; r->anchor_exact && i < r->nanchors; i++)
		free(r->anchor_exact[i]);
	free(r->anchor_exact);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_bool(const char *s, bool *out)
{
	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	return -1;
}

struct loader {
	mtpe_checker *c;
	yaml_document_t *doc;
	const char *file;
	mtpe_error *err;
	bool defer;  /* built-in rules: patterns are compiled on first use (check.c), the test suite checks them */
};

static int need_scalar(struct loader *L, const yaml_node_t *v, const char *key, const char **out)
{
	*out = scalar(v);
	if (!*out)
		return fail_at(L->err, L->file, v, MTPE_EPARSE, "'%s' must be a single value", key);
	return 0;
}

static int resolve_group(struct loader *L, struct rule *r, const yaml_node_t *v, const char *s, int *group, char **name)
{
	*name = NULL;
	char *end;
	long g = strtol(s, &end, 10);
	uint32_t ncap = 0;
	if (r->re)
		pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	else if (r->expanded) /* compiled later: trust the group (the rule's own tests use it) */
		ncap = UINT32_MAX;
	if (*s && !*end) {
		if (g < 0 || (uint32_t)g > ncap)
			return fail_at(L->err, L->file, v, MTPE_EPARSE, "group %ld does not exist in the pattern (it has %u)", g, ncap);
		*group = (int)g;
		return 0;
	}
	if (r->re ? pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)s) < 0 : !r->expanded)
		return fail_at(L->err, L->file, v, MTPE_EPARSE, "named group '%s' does not exist in the pattern", s);
	*group = -1;
	*name = mtpe_strdup(s);
	return 0;
}

static int parse_cond(struct loader *L, struct rule *r, yaml_node_t *m, struct cond *cd)
{
	int error;
	const char *gs = "0";
	yaml_node_t *gnode = m;
	bool have_test = false;
	memset(cd, 0, sizeof(*cd));
	if (m->type != YAML_MAPPING_NODE)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "a condition must be a mapping like '{group: 1, in: titles}'");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
		const char *key = scalar(k), *val;
		if (!key)
			return fail_at(L->err, L->file, k, MTPE_EPARSE, "condition keys must be plain words");
		if (!strcmp(key, "group")) {
			if ((error = need_scalar(L, v, key, &gs)) < 0)
				return error;
			gnode = v;
			continue;
		}
		if (have_test)
			return fail_at(L->err, L->file, k, MTPE_EPARSE, "one test per condition; add another '- group: ...' item for '%s'", key);
		have_test = true;
		if ((error = need_scalar(L, v, key, &val)) < 0)
			return error;
		if (!strcmp(key, "in") || !strcmp(key, "not-in") || !strcmp(key, "in-cased") || !strcmp(key, "not-in-cased")) {
			cd->kind = !strcmp(key, "in") ? COND_IN : !strcmp(key, "not-in") ? COND_NOT_IN :
				   !strcmp(key, "in-cased") ? COND_IN_CASED : COND_NOT_IN_CASED;
			if (!valid_list_name(val, strlen(val)))
				return fail_at(L->err, L->file, v, MTPE_EPARSE, "bad list name '%s' (lower-case letters, digits, '-')", val);
			cd->list = mtpe_rules__list(L->c, val, L->err);
			if (!cd->list) {
				char msg[512];
				snprintf(msg, sizeof(msg), "%s", L->err ? L->err->msg : "unknown list");
				return fail_at(L->err, L->file, v, MTPE_ENOTFOUND, "%s", msg);
			}
		} else if (!strcmp(key, "dict") || !strcmp(key, "sentence-start") || !strcmp(key, "doc-capitalized")) {
			cd->kind = !strcmp(key, "dict") ? COND_DICT : !strcmp(key, "sentence-start") ? COND_SENTENCE_START : COND_DOC_CAPITALIZED;
			if (parse_bool(val, &cd->bval) < 0)
				return fail_at(L->err, L->file, v, MTPE_EPARSE, "'%s' takes true or false, not '%s'", key, val);
		} else if (!strcmp(key, "case") || !strcmp(key, "not-case")) {
			cd->kind = !strcmp(key, "case") ? COND_CASE : COND_NOT_CASE;
			if (!strcmp(val, "lower")) cd->shape = SHAPE_LOWER;
			else if (!strcmp(val, "upper")) cd->shape = SHAPE_UPPER;
			else if (!strcmp(val, "title")) cd->shape = SHAPE_TITLE;
			else if (!strcmp(val, "mixed")) cd->shape = SHAPE_MIXED;
			else if (!strcmp(val, "capitalized")) cd->shape = SHAPE_CAPITALIZED;
			else
				return fail_at(L->err, L->file, v, MTPE_EPARSE, "'%s' takes lower, upper, title, capitalized or mixed, not '%s'", key, val);
		} else {
			return fail_at(L->err, L->file, k, MTPE_EPARSE,
				       "unknown condition '%s' (known: in, not-in, in-cased, not-in-cased, dict, case, not-case, sentence-start, doc-capitalized)", key);
		}
	}
	if (!have_test)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "a condition needs a test (in, dict, case, sentence-start, ...)");
	return resolve_group(L, r, gnode, gs, &cd->group, &cd->group_name);
}

static const struct { const char *name; enum builtin b; } builtins[] = {
	{ "spelling", BUILTIN_SPELLING },
	{ "name-case", BUILTIN_NAME_CASE },
	{ "variant-mix", BUILTIN_VARIANT_MIX },
	{ "glossary", BUILTIN_GLOSSARY },
	{ "cyrillic", BUILTIN_CYRILLIC },
	{ "mixed-script", BUILTIN_MIXED_SCRIPT },
	{ "name-variants", BUILTIN_NAME_VARIANTS },
	{ "source-numbers", BUILTIN_SRC_NUMBERS },
	{ "source-untranslated", BUILTIN_SRC_UNTRANSLATED },
	{ "source-placeholders", BUILTIN_SRC_PLACEHOLDERS },
	{ "source-brackets", BUILTIN_SRC_BRACKETS },
	{ "source-negation", BUILTIN_SRC_NEGATION },
	{ "source-glossary", BUILTIN_SRC_GLOSSARY },
};

static bool valid_id(const char *s)
{
	if (!isupper((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static int parse_examples(struct loader *L, struct rule *r, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(L->err, L->file, v, MTPE_EPARSE, "'examples' must be a list of '- bad: ...' / '- good: ...' items");
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	r->ex = mtpe_calloc(n ? n : 1, sizeof(mtpe_example));
	if (!r->ex)
		return mtpe_error_set(L->err, MTPE_ENOMEM, "out of memory");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(L->doc, *it);
		mtpe_example *ex = &r->ex[r->nex++];
		ex->line = (int)e->start_mark.line + 1;
		if (e->type != YAML_MAPPING_NODE)
			return fail_at(L->err, L->file, e, MTPE_EPARSE, "an example is a mapping: '- bad: \"...\"' (with 'fix') or '- good: \"...\"'");
		bool have = false;
		for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
			yaml_node_t *ev = yaml_document_get_node(L->doc, p->value);
			const char *key = scalar(k), *val = scalar(ev);
			if (!key || !val)
				return fail_at(L->err, L->file, ev, MTPE_EPARSE, "example values must be strings");
			if (!strcmp(key, "bad") || !strcmp(key, "good")) {
				if (have)
					return fail_at(L->err, L->file, k, MTPE_EPARSE, "one 'bad' or 'good' per example item");
				have = true;
				ex->kind = key[0] == 'b' ? MTPE_EXAMPLE_BAD : MTPE_EXAMPLE_GOOD;
				ex->text = mtpe_strdup(val);
			} else if (!strcmp(key, "fix")) {
				ex->fix = mtpe_strdup(val);
			} else {
				return fail_at(L->err, L->file, k, MTPE_EPARSE, "unknown example key '%s' (bad, fix, good)", key);
			}
		}
		if (!have)
			return fail_at(L->err, L->file, e, MTPE_EPARSE, "example without 'bad' or 'good'");
		if (ex->fix && ex->kind == MTPE_EXAMPLE_GOOD)
			return fail_at(L->err, L->file, e, MTPE_EPARSE, "'fix' belongs to a 'bad' example");
	}
	bool any_bad = false;
	for (size_t i = 0; i < r->nex; i++)
		any_bad |= r->ex[i].kind == MTPE_EXAMPLE_BAD;
	if (!any_bad)
		return fail_at(L->err, L->file, v, MTPE_EPARSE, "rule %s needs at least one 'bad' example", r->id);
	return 0;
}

/* r's pattern with its lists as tries, for compiling (NULL: out of memory; the flat form serves). */
char *mtpe_rules__expand_tries(mtpe_checker *c, const struct rule *r)
{
	return expand_lists(c, r->pattern, r->file, NULL, NULL, true);
}

static int compile_pattern(struct loader *L, struct rule *r, yaml_node_t *pn)
{
	char *expanded = expand_lists(L->c, r->pattern, L->file, pn, L->err, false);
	if (!expanded)
		return L->err ? L->err->code : MTPE_EPARSE;
	int ec;
	PCRE2_SIZE eo;
	if (!L->defer)
		r->re = pcre2_compile((PCRE2_SPTR)expanded, PCRE2_ZERO_TERMINATED, MTPE_RULE_PCRE2_OPTIONS, &ec, &eo, NULL);
	if (!L->defer && !r->re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		bool same = strcmp(expanded, r->pattern) == 0;
		free(expanded);
		fail_at(L->err, L->file, pn, MTPE_EPARSE, "bad pattern in rule %s: %s%s%zu", r->id, (char *)msg,
			same ? " at pattern offset " : " at offset (after list expansion) ", (size_t)eo);
		if (L->err && same)
			L->err->col += (int)eo + (pn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1);
		return MTPE_EPARSE;
	}
	if (!getenv("MTPE_NO_PREFILTER") && mtpe_prefilter_literals(expanded, &r->anchors, &r->nanchors, &r->anchor_pre, &r->anchor_pres, &r->anchor_exact, r->anchor_stop) < 0) {
		free(expanded);
		return mtpe_error_set(L->err, MTPE_ENOMEM, "out of memory");
	}
	/* ours, compiled on first use: with its lists as tries then (the literals come from the flat form) */
	r->tries_later = L->defer && strchr(r->pattern, '{') && !getenv("MTPE_FLAT_LISTS");
	if (L->defer)
		r->expanded = expanded;
	else
		free(expanded);
	/* JIT compilation waits for the first long text (check.c): short files start faster without it */
	return 0;
}

static int parse_rule(struct loader *L, yaml_node_t *m, struct rule *r)
{
	int error;
	yaml_node_t *pattern_node = NULL, *replace_node = NULL, *when_node = NULL, *examples_node = NULL, *span_node = NULL;
	const char *cat = NULL, *sev = NULL;
	yaml_node_t *cat_node = NULL, *sev_node = NULL;
	r->enabled = true;
	r->line = (int)m->start_mark.line + 1;
	r->file = mtpe_strdup(L->file);
	if (m->type != YAML_MAPPING_NODE)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "a rule must be a mapping (id, category, severity, message, pattern, examples)");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
		const char *key = scalar(k), *val = NULL;
		if (!key)
			return fail_at(L->err, L->file, k, MTPE_EPARSE, "rule keys must be plain words");
		if (!strcmp(key, "id")) {
			if ((error = need_scalar(L, v, key, &val)) < 0)
				return error;
			if (!valid_id(val))
				return fail_at(L->err, L->file, v, MTPE_EPARSE, "rule id '%s' must be UPPER_SNAKE_CASE", val);
			r->id = mtpe_strdup(val);
		} else if (!strcmp(key, "category")) {
			if ((error = need_scalar(L, v, key, &cat)) < 0)
				return error;
			cat_node = v;
		} else if (!strcmp(key, "severity")) {
			if ((error = need_scalar(L, v, key, &sev)) < 0)
				return error;
			sev_node = v;
		} else if (!strcmp(key, "message") || !strcmp(key, "description") || !strcmp(key, "pattern") || !strcmp(key, "check")) {
			if ((error = need_scalar(L, v, key, &val)) < 0)
				return error;
			char **dst = key[0] == 'm' ? &r->message : key[0] == 'd' ? &r->description : key[0] == 'p' ? &r->pattern : &r->check;
			*dst = mtpe_strdup(val);
			if (key[0] == 'p')
				pattern_node = v;
			if (key[0] == 'c') {
				for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
					if (!strcmp(builtins[i].name, val))
						r->builtin = builtins[i].b;
				if (r->builtin == BUILTIN_NONE)
					return fail_at(L->err, L->file, v, MTPE_EPARSE,
						       "unknown check '%s' (known: spelling, name-case, variant-mix, glossary, cyrillic, mixed-script, name-variants, source-numbers, source-untranslated, source-placeholders, source-brackets, source-negation, source-glossary)", val);
			}
		} else if (!strcmp(key, "replace")) {
			replace_node = v;
		} else if (!strcmp(key, "when")) {
			when_node = v;
		} else if (!strcmp(key, "examples")) {
			examples_node = v;
		} else if (!strcmp(key, "span")) {
			span_node = v;
		} else if (!strcmp(key, "prefilter")) {
			if ((error = need_scalar(L, v, key, &val)) < 0)
				return error;
			if ((r->hint = (int)mtpe_hint_from_name(val)) == MTPE_HINT_NONE)
				return fail_at(L->err, L->file, v, MTPE_EPARSE,
					       "unknown prefilter '%s' (known: repeated-word, glued-capital, after-stop)", val);
		} else if (!strcmp(key, "safe")) {
			if (parse_bool(scalar(v), &r->safe) < 0)
				return fail_at(L->err, L->file, v, MTPE_EPARSE, "'safe' takes true or false");
		} else {
			return fail_at(L->err, L->file, k, MTPE_EPARSE,
				       "unknown rule key '%s' (known: id, category, severity, message, description, pattern, check, prefilter, span, replace, safe, when, examples)", key);
		}
	}
	if (!r->id)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule without 'id'");
	if (!cat)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s has no 'category'", r->id);
	if (mtpe_category_from_name(cat, &r->category) < 0)
		return fail_at(L->err, L->file, cat_node, MTPE_EPARSE, "unknown category '%s' in rule %s", cat, r->id);
	if (!sev)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s has no 'severity'", r->id);
	if (mtpe_severity_from_name(sev, &r->severity) < 0 || r->severity == MTPE_SEV_NONE)
		return fail_at(L->err, L->file, sev_node, MTPE_EPARSE, "severity must be error, warning or info, not '%s'", sev);
	if (!r->message || !*r->message)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s has no 'message'", r->id);
	if (!!r->pattern == !!r->check)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s needs exactly one of 'pattern' or 'check'", r->id);
	if (!examples_node)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s has no 'examples'", r->id);
	if (r->pattern && (error = compile_pattern(L, r, pattern_node)) < 0)
		return error;
	if (r->hint && !r->pattern)
		return fail_at(L->err, L->file, m, MTPE_EPARSE, "rule %s: 'prefilter' goes with a 'pattern'", r->id);
	if (span_node) {
		const char *s = scalar(span_node);
		if (!s || (!r->re && !r->expanded))
			return fail_at(L->err, L->file, span_node, MTPE_EPARSE, "'span' names a group of the pattern");
		if ((error = resolve_group(L, r, span_node, s, &r->span_group, &r->span_name)) < 0)
			return error;
	}
	if (replace_node) {
		size_t n = replace_node->type == YAML_SEQUENCE_NODE
				   ? (size_t)(replace_node->data.sequence.items.top - replace_node->data.sequence.items.start) : 1;
		r->repl = mtpe_calloc(n, sizeof(char *));
		if (!r->repl)
			return mtpe_error_set(L->err, MTPE_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *t = replace_node->type == YAML_SEQUENCE_NODE
						 ? yaml_document_get_node(L->doc, replace_node->data.sequence.items.start[i]) : replace_node;
			const char *s = scalar(t);
			char why[256];
			if (!s)
				return fail_at(L->err, L->file, t, MTPE_EPARSE, "'replace' is a string or a list of strings");
			if (r->re && mtpe_template_validate(s, r->re, why, sizeof(why)) < 0)
				return fail_at(L->err, L->file, t, MTPE_EPARSE, "%s", why);
			r->repl[r->nrepl++] = mtpe_strdup(s);
		}
	}
	if (when_node) {
		if (when_node->type != YAML_SEQUENCE_NODE || (!r->re && !r->expanded))
			return fail_at(L->err, L->file, when_node, MTPE_EPARSE, "'when' is a list of conditions on a pattern's groups");
		size_t n = (size_t)(when_node->data.sequence.items.top - when_node->data.sequence.items.start);
		r->conds = mtpe_calloc(n ? n : 1, sizeof(struct cond));
		if (!r->conds)
			return mtpe_error_set(L->err, MTPE_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *cn = yaml_document_get_node(L->doc, when_node->data.sequence.items.start[i]);
			if ((error = parse_cond(L, r, cn, &r->conds[r->nconds])) < 0)
				return error;
			r->nconds++;
		}
	}
	return parse_examples(L, r, examples_node);
}

int mtpe_rules__load_path(mtpe_checker *c, const char *path, mtpe_error *err)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return mtpe_rules__load_dir(c, path, true, err);
	FILE *f = fopen(path, "rb");
	if (!f) {
		mtpe_error_set(err, MTPE_ENOTFOUND, "cannot open rule file: %s", strerror(errno));
		mtpe_error_at(err, path, 0, 0);
		return MTPE_ENOTFOUND;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	int error = 0;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		mtpe_error_set(err, MTPE_EPARSE, "YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
			       parser.context ? " " : "", parser.context ? parser.context : "");
		mtpe_error_at(err, path, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1);
		yaml_parser_delete(&parser);
		fclose(f);
		return MTPE_EPARSE;
	}
	struct loader L = { c, &doc, path, err, c->loading_builtin };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		goto done; /* empty file */
	}
	if (root->type != YAML_SEQUENCE_NODE) {
		error = fail_at(err, path, root, MTPE_EPARSE, "a rule file is a list of rules ('- id: ...')");
		goto done;
	}
	for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&doc, *it);
		struct rule r;
		memset(&r, 0, sizeof(r));
		if ((error = parse_rule(&L, m, &r)) < 0) {
			mtpe_rules__free_rule(&r);
			goto done;
		}
		for (size_t i = 0; i < c->nrules; i++) {
			if (!strcmp(c->rules[i].id, r.id)) {
				error = fail_at(err, path, m, MTPE_EPARSE, "duplicate rule id %s (first defined at %s:%d)",
						r.id, c->rules[i].file, c->rules[i].line);
				mtpe_rules__free_rule(&r);
				goto done;
			}
		}
		/* room doubles (16, 32, 64, ... rules): one realloc per rule copied the whole array each time */
		size_t n = c->nrules;
		struct rule *nr = c->rules;
		if (n == 0 || (n >= 16 && !(n & (n - 1))))
			nr = mtpe_realloc(c->rules, (n ? n * 2 : 16) * sizeof(*nr));
		if (!nr) {
			mtpe_rules__free_rule(&r);
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			goto done;
		}
		c->rules = nr;
		c->rules[c->nrules++] = r;
	}
done:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return error;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int mtpe_rules__load_dir(mtpe_checker *c, const char *dir, bool required, mtpe_error *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (!required && errno == ENOENT)
			return 0;
		mtpe_error_set(err, MTPE_ENOTFOUND, "cannot open rule folder: %s", strerror(errno));
		mtpe_error_at(err, dir, 0, 0);
		return MTPE_ENOTFOUND;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || e->d_name[0] == '.' || (strcmp(e->d_name + l - 5, ".yaml") && strcmp(e->d_name + l - 4, ".yml")))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = mtpe_realloc(names, cap * sizeof(char *));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = mtpe_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	int error = 0;
	for (size_t i = 0; i < n; i++) {
		if (!error) {
			mtpe_buf p = MTPE_BUF_INIT;
			mtpe_buf_printf(&p, "%s/%s", dir, names[i]);
			error = mtpe_rules__load_path(c, p.ptr, err);
			mtpe_buf_dispose(&p);
		}
		free(names[i]);
	}
	free(names);
	return error;
}
