/*
 * config.c - `.mtpe.yaml`: discovery, parsing (libyaml document API) and
 * ignore globs. Every node keeps its mark, so every error names the file,
 * line and column of the offending key or value.
 */
#include "mtpe/config.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "oututil.h"

#define CONFIG_MAX_SIZE (1 << 20)

static const char *const default_mqm[MTPE_CAT__COUNT] = {
	[MTPE_CAT_SPELLING] = "Linguistic conventions/Spelling",
	[MTPE_CAT_CAPITALIZATION] = "Linguistic conventions/Spelling (capitalization)",
	[MTPE_CAT_CALQUE] = "Style/Unidiomatic style",
	[MTPE_CAT_NEGATION] = "Accuracy/Mistranslation",
	[MTPE_CAT_GRAMMAR] = "Linguistic conventions/Grammar",
	[MTPE_CAT_PUNCTUATION] = "Linguistic conventions/Punctuation",
	[MTPE_CAT_LOCALE] = "Locale conventions",
	[MTPE_CAT_TERMINOLOGY] = "Terminology/Inconsistent with termbase",
	[MTPE_CAT_CONSISTENCY] = "Terminology/Inconsistent use of terminology",
	[MTPE_CAT_UNTRANSLATED] = "Accuracy/Untranslated",
	[MTPE_CAT_STYLE] = "Style",
};

void mtpe_report_settings_init(mtpe_report_settings *r)
{
	r->threshold = 95.0;
	r->weights[MTPE_SEV_INFO] = 0;
	r->weights[MTPE_SEV_WARNING] = 1;
	r->weights[MTPE_SEV_ERROR] = 5;
	for (int i = 0; i < MTPE_CAT__COUNT; i++)
		r->mqm[i] = default_mqm[i];
}

static void strs_free(mtpe_config_str *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].s);
	free(v);
}

void mtpe_config_free(mtpe_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->source_lang);
	strs_free(c->rules, c->nrules);
	strs_free(c->disable, c->ndisable);
	for (size_t i = 0; i < c->nseverity; i++)
		free(c->severity[i].rule.s);
	free(c->severity);
	strs_free(c->dicts, c->ndicts);
	strs_free(c->glossaries, c->nglossaries);
	strs_free(c->ignore, c->nignore);
	for (int i = 0; i < MTPE_CAT__COUNT; i++)
		free(c->mqm_owned[i]);
	free(c);
}

/* ---- parsing ---------------------------------------------------------------- */

struct ctx {
	mtpe_config *c;
	yaml_document_t *doc;
	mtpe_error *err;
};

static int at(struct ctx *x, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int at(struct ctx *x, const yaml_node_t *n, const char *fmt, ...)
{
	if (x->err) {
		va_list ap;
		va_start(ap, fmt);
		x->err->code = MTPE_EPARSE;
		vsnprintf(x->err->msg, sizeof(x->err->msg), fmt, ap);
		va_end(ap);
		mtpe_error_at(x->err, x->c->path, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1);
		x->err->offset = (long long)n->start_mark.index;
	}
	return MTPE_EPARSE;
}

static int oom(struct ctx *x)
{
	return mtpe_error_set(x->err, MTPE_ENOMEM, "out of memory");
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_scalar(struct ctx *x, const yaml_node_t *n, const char *key, const char **out)
{
	if (!(*out = scalar(n)) || !**out)
		return at(x, n, "'%s' takes a single non-empty value", key);
	return 0;
}

/* Resolves p against the config folder; returns an owned absolute path. */
static char *resolve(struct ctx *x, const char *p)
{
	if (p[0] == '/')
		return mtpe_strdup(p);
	if (p[0] == '~' && p[1] == '/' && getenv("HOME")) {
		mtpe_buf b = MTPE_BUF_INIT;
		mtpe_buf_printf(&b, "%s/%s", getenv("HOME"), p + 2);
		return b.oom ? (mtpe_buf_dispose(&b), NULL) : mtpe_buf_detach(&b);
	}
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "%s/%s", x->c->dir, p);
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	return mtpe_buf_detach(&b);
}

enum list_kind { L_PATH, L_RULE_ID, L_GLOB };

static bool valid_rule_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A list of strings: a sequence, or a single scalar taken as a one-item list. */
static int parse_list(struct ctx *x, yaml_node_t *n, const char *key, enum list_kind kind, mtpe_config_str **out,
		      size_t *nout)
{
	yaml_node_t *one[1];
	yaml_node_t **items = one;
	size_t count = 0;
	if (n->type == YAML_SCALAR_NODE) {
		one[0] = n;
		count = 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		items = NULL;
	} else {
		return at(x, n, "'%s' takes a list of %s", key,
			  kind == L_PATH ? "paths" : kind == L_RULE_ID ? "rule ids" : "globs");
	}
	mtpe_config_str *v = mtpe_realloc(*out, (*nout + count) * sizeof(*v));
	if (!v)
		return oom(x);
	*out = v;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *it = items ? items[i] : yaml_document_get_node(x->doc, n->data.sequence.items.start[i]);
		const char *s = scalar(it);
		if (!s || !*s)
			return at(x, it, "'%s' takes a list of non-empty strings", key);
		mtpe_config_str *e = &v[*nout];
		e->line = (int)it->start_mark.line + 1;
		e->col = (int)it->start_mark.column + 1;
		if (kind == L_RULE_ID && !valid_rule_id(s))
			return at(x, it, "'%s' is not a rule id (rule ids are UPPER_SNAKE_CASE; see 'mtpe rules list')", s);
		if (kind == L_PATH) {
			if (!(e->s = resolve(x, s)))
				return oom(x);
			if (access(e->s, R_OK) != 0) {
				int en = errno;
				free(e->s);
				return at(x, it, "%s: cannot read '%s': %s", key, s, strerror(en));
			}
		} else if (!(e->s = mtpe_strdup(s))) {
			return oom(x);
		}
		(*nout)++;
	}
	return 0;
}

static int parse_number(struct ctx *x, yaml_node_t *n, const char *key, double lo, double hi, double *out)
{
	const char *s = scalar(n);
	char *end;
	if (!s || !*s)
		return at(x, n, "'%s' takes a number", key);
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return at(x, n, "'%s' takes a number, not '%s'", key, s);
	if (v < lo || v > hi)
		return at(x, n, "'%s' must be between %g and %g, not %s", key, lo, hi, s);
	*out = v;
	return 0;
}

static int parse_bool(struct ctx *x, yaml_node_t *n, const char *key, bool *out)
{
	const char *s = scalar(n);
	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")))
		*out = false;
	else
		return at(x, n, "'%s' takes true or false", key);
	return 0;
}

static int parse_severity(struct ctx *x, yaml_node_t *n, const char *key, bool allow_none, mtpe_severity *out)
{
	const char *s = scalar(n);
	if (!s || mtpe_severity_from_name(s, out) < 0 || (!allow_none && *out == MTPE_SEV_NONE))
		return at(x, n, "'%s' takes %s, not '%s'", key,
			  allow_none ? "error, warning, info or none" : "error, warning or info", s ? s : "(a non-scalar)");
	return 0;
}

/* Iterates a mapping, rejecting duplicate keys. */
#define FOR_PAIRS(x, n, kname, knode, vnode)                                                                      \
	for (yaml_node_pair_t *knode##_p = (n)->data.mapping.pairs.start; knode##_p < (n)->data.mapping.pairs.top; knode##_p++) \
		for (yaml_node_t *knode = yaml_document_get_node((x)->doc, knode##_p->key),                         \
				 *vnode = yaml_document_get_node((x)->doc, knode##_p->value);                       \
		     knode; knode = NULL)                                                                           \
			for (const char *kname = scalar(knode); kname; kname = NULL)

static int check_mapping(struct ctx *x, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_MAPPING_NODE)
		return at(x, n, "%s must be a mapping (key: value)", what);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
		if (!scalar(k))
			return at(x, k, "keys in %s must be plain strings", what);
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
			if (!strcmp(scalar(yaml_document_get_node(x->doc, q->key)), scalar(k)))
				return at(x, k, "duplicate key '%s' in %s", scalar(k), what);
	}
	return 0;
}

static int parse_report(struct ctx *x, yaml_node_t *n)
{
	int e;
	mtpe_report_settings *r = &x->c->report;
	if ((e = check_mapping(x, n, "'report'")) < 0)
		return e;
	FOR_PAIRS(x, n, key, k, v) {
		if (!strcmp(key, "threshold")) {
			if ((e = parse_number(x, v, "report.threshold", 0, 100, &r->threshold)) < 0)
				return e;
		} else if (!strcmp(key, "weights")) {
			if ((e = check_mapping(x, v, "'report.weights'")) < 0)
				return e;
			FOR_PAIRS(x, v, sev, sk, sv) {
				mtpe_severity s;
				if (mtpe_severity_from_name(sev, &s) < 0 || s == MTPE_SEV_NONE)
					return at(x, sk, "unknown severity '%s' in report.weights (known: error, warning, info)", sev);
				if ((e = parse_number(x, sv, "report.weights", 0, 1000, &r->weights[s])) < 0)
					return e;
			}
		} else if (!strcmp(key, "mqm")) {
			if ((e = check_mapping(x, v, "'report.mqm'")) < 0)
				return e;
			FOR_PAIRS(x, v, cat, ck, cv) {
				mtpe_category c;
				const char *name;
				if (mtpe_category_from_name(cat, &c) < 0)
					return at(x, ck, "unknown category '%s' in report.mqm (see 'mtpe rules list' for the categories)", cat);
				if ((e = want_scalar(x, cv, "report.mqm", &name)) < 0)
					return e;
				free(x->c->mqm_owned[c]);
				if (!(x->c->mqm_owned[c] = mtpe_strdup(name)))
					return oom(x);
				r->mqm[c] = x->c->mqm_owned[c];
			}
		} else {
			return at(x, k, "unknown key 'report.%s' (known: threshold, weights, mqm)", key);
		}
	}
	return 0;
}

static int parse_root(struct ctx *x, yaml_node_t *root)
{
	mtpe_config *c = x->c;
	int e;
	if ((e = check_mapping(x, root, "the configuration")) < 0)
		return e;
	FOR_PAIRS(x, root, key, k, v) {
		if (!strcmp(key, "source-lang")) {
			const char *s;
			if ((e = want_scalar(x, v, key, &s)) < 0)
				return e;
			for (const char *p = s; *p; p++)
				if (!(*p >= 'a' && *p <= 'z') || p - s > 8)
					return at(x, v, "'source-lang' takes a language code like 'ru' or 'none', not '%s'", s);
			free(c->source_lang);
			if (!(c->source_lang = mtpe_strdup(s)))
				return oom(x);
			c->source_lang_line = (int)v->start_mark.line + 1;
			c->source_lang_col = (int)v->start_mark.column + 1;
		} else if (!strcmp(key, "rules")) {
			e = parse_list(x, v, key, L_PATH, &c->rules, &c->nrules);
		} else if (!strcmp(key, "dictionaries")) {
			e = parse_list(x, v, key, L_PATH, &c->dicts, &c->ndicts);
		} else if (!strcmp(key, "glossaries")) {
			e = parse_list(x, v, key, L_PATH, &c->glossaries, &c->nglossaries);
		} else if (!strcmp(key, "disable")) {
			e = parse_list(x, v, key, L_RULE_ID, &c->disable, &c->ndisable);
		} else if (!strcmp(key, "ignore")) {
			e = parse_list(x, v, key, L_GLOB, &c->ignore, &c->nignore);
		} else if (!strcmp(key, "severity")) {
			if ((e = check_mapping(x, v, "'severity'")) < 0)
				return e;
			size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
			if (!(c->severity = mtpe_calloc(n, sizeof(*c->severity))))
				return oom(x);
			FOR_PAIRS(x, v, id, ik, iv) {
				mtpe_config_severity *s = &c->severity[c->nseverity];
				if (!valid_rule_id(id))
					return at(x, ik, "'%s' is not a rule id (rule ids are UPPER_SNAKE_CASE; see 'mtpe rules list')", id);
				if ((e = parse_severity(x, iv, "severity", false, &s->severity)) < 0)
					return e;
				if (!(s->rule.s = mtpe_strdup(id)))
					return oom(x);
				s->rule.line = (int)ik->start_mark.line + 1;
				s->rule.col = (int)ik->start_mark.column + 1;
				c->nseverity++;
			}
		} else if (!strcmp(key, "fail-on")) {
			e = parse_severity(x, v, key, true, &c->fail_on);
			c->has_fail_on = true;
		} else if (!strcmp(key, "spelling")) {
			e = parse_bool(x, v, key, &c->spelling);
			c->has_spelling = true;
		} else if (!strcmp(key, "report")) {
			e = parse_report(x, v);
		} else {
			return at(x, k,
				  "unknown key '%s' (known: source-lang, rules, disable, severity, dictionaries, glossaries, ignore, fail-on, spelling, report)",
				  key);
		}
		if (e < 0)
			return e;
	}
	return 0;
}

static char *dirname_abs(const char *path)
{
	char cwd[PATH_MAX];
	mtpe_buf b = MTPE_BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		mtpe_buf_puts(&b, cwd);
		if (slash) {
			mtpe_buf_putc(&b, '/');
			mtpe_buf_put(&b, path, (size_t)(slash - path));
		}
	} else {
		mtpe_buf_put(&b, path, slash == path ? 1 : (size_t)(slash - path));
	}
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	return mtpe_buf_detach(&b);
}

int mtpe_config_from_buffer(mtpe_config **out, const char *path, const char *data, size_t len, mtpe_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int error = 0;
	*out = NULL;
	mtpe_config *c = mtpe_calloc(1, sizeof(*c));
	if (!c)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	mtpe_report_settings_init(&c->report);
	c->spelling = true;
	c->fail_on = MTPE_SEV_WARNING;
	if (!(c->path = mtpe_strdup(mtpe__display_path(path))) || !(c->dir = dirname_abs(path))) {
		mtpe_config_free(c);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	size_t bad;
	if (!mtpe_utf8_valid(data, len, &bad)) {
		int line = 1, col = 1;
		for (size_t i = 0; i < bad; i++) {
			if (data[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)data[i] & 0xC0) != 0x80)
				col++;
		}
		mtpe_error_set(err, MTPE_EENCODING, "invalid UTF-8 at byte offset %zu; save the file as UTF-8", bad);
		mtpe_error_at(err, c->path, line, col);
		if (err)
			err->offset = (long long)bad;
		mtpe_config_free(c);
		return MTPE_EENCODING;
	}
	if (!yaml_parser_initialize(&parser)) {
		mtpe_config_free(c);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;
		mtpe_error_set(err, MTPE_EPARSE, "YAML syntax error: %s%s%s", parser.problem ? parser.problem : "cannot parse",
			       parser.context ? " " : "", parser.context ? parser.context : "");
		mtpe_error_at(err, c->path, (int)m->line + 1, (int)m->column + 1);
		yaml_parser_delete(&parser);
		mtpe_config_free(c);
		return MTPE_EPARSE;
	}
	struct ctx x = { c, &doc, err };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
		error = parse_root(&x, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (error < 0) {
		mtpe_config_free(c);
		return error;
	}
	*out = c;
	return 0;
}

int mtpe_config_load(mtpe_config **out, const char *path, mtpe_error *err)
{
	struct stat st;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		mtpe_error_set(err, MTPE_EIO, "cannot read config file: %s", strerror(errno));
		mtpe_error_at(err, path, 0, 0);
		return MTPE_EIO;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_SIZE) {
		fclose(f);
		mtpe_error_set(err, MTPE_EIO, "not a regular file of at most 1 MiB");
		mtpe_error_at(err, path, 0, 0);
		return MTPE_EIO;
	}
	char *data = mtpe_malloc((size_t)st.st_size + 1);
	if (!data) {
		fclose(f);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	size_t n = fread(data, 1, (size_t)st.st_size, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		mtpe_error_set(err, MTPE_EIO, "cannot read config file");
		mtpe_error_at(err, path, 0, 0);
		return MTPE_EIO;
	}
	data[n] = '\0';
	int error = mtpe_config_from_buffer(out, path, data, n, err);
	free(data);
	return error;
}

/* ---- discovery ------------------------------------------------------------ */

int mtpe_config_find(char **out, const char *path, mtpe_error *err)
{
	*out = NULL;
	char *dir;
	if (!strcmp(path, "-")) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return mtpe_error_set(err, MTPE_EIO, "cannot get the current folder: %s", strerror(errno));
		dir = mtpe_strdup(cwd);
	} else {
		dir = dirname_abs(path);
	}
	if (!dir)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	mtpe_buf b = MTPE_BUF_INIT;
	for (;;) {
		struct stat st;
		b.len = 0;
		mtpe_buf_printf(&b, "%s%s" MTPE_CONFIG_NAME, dir, strcmp(dir, "/") ? "/" : "");
		if (b.oom) {
			mtpe_buf_dispose(&b);
			free(dir);
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		}
		if (stat(b.ptr, &st) == 0) {
			*out = mtpe_buf_detach(&b);
			free(dir);
			return 0;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || !strcmp(dir, "/"))
			break;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	mtpe_buf_dispose(&b);
	free(dir);
	return 0;
}

/* ---- ignore globs ----------------------------------------------------------- */

/* Glob match where '*' and '?' stay within a component and '**' crosses '/'. */
static bool glob(const char *p, const char *s)
{
	for (;;) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/')
				p++; /* "**\/x" also matches "x" */
			for (const char *t = s;; t++) {
				if (glob(p, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (glob(p, t))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*p)
			return !*s;
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
		} else if (*p == '[') {
			const char *q = strchr(p + 1, ']');
			if (!q)
				return false;
			char set[256];
			size_t n = (size_t)(q - p) + 1 < sizeof(set) ? (size_t)(q - p) + 1 : sizeof(set) - 1;
			memcpy(set, p, n);
			set[n] = '\0';
			char one[2] = { *s, '\0' };
			if (*s == '/' || fnmatch(set, one, 0) != 0)
				return false;
			p = q;
		} else if (*p != *s) {
			return false;
		}
		p++;
		s++;
	}
}

bool mtpe_config_ignored(const mtpe_config *c, const char *path)
{
	if (!c->nignore || !strcmp(path, "-"))
		return false;
	char *dir = dirname_abs(path);
	if (!dir)
		return false;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	mtpe_buf abs = MTPE_BUF_INIT;
	mtpe_buf_printf(&abs, "%s/%s", dir, base);
	free(dir);
	if (abs.oom) {
		mtpe_buf_dispose(&abs);
		return false;
	}
	const char *rel = abs.ptr;
	size_t dl = strlen(c->dir);
	if (!strncmp(rel, c->dir, dl) && rel[dl] == '/')
		rel += dl + 1;
	else if (!strcmp(c->dir, "/"))
		rel++;
	bool hit = false;
	for (size_t i = 0; i < c->nignore && !hit; i++) {
		const char *g = c->ignore[i].s;
		if (g[0] == '.' && g[1] == '/')
			g += 2;
		else if (g[0] == '/')
			g++;
		size_t gl = strlen(g);
		char *pat = mtpe_strndup(g, gl && g[gl - 1] == '/' ? gl - 1 : gl);
		if (!pat)
			break;
		bool anchored = strchr(pat, '/') != NULL;
		/* anchored: the path or a folder prefix of it; else: any one component */
		for (const char *start = rel, *end = rel; !hit; end++) {
			if (*end != '/' && *end)
				continue;
			const char *from = anchored ? rel : start;
			char *part = mtpe_strndup(from, (size_t)(end - from));
			if (part && glob(pat, part))
				hit = true;
			free(part);
			if (!*end)
				break;
			start = end + 1;
		}
		free(pat);
	}
	mtpe_buf_dispose(&abs);
	return hit;
}
