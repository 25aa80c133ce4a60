/*
 * check.c - the checker: finds its data, loads rules and dictionaries, runs
 * pattern rules and built-in checks over each region of a document, and
 * turns matches into findings with file offsets. Also runs rule examples.
 */
#include <stdarg.h>
#include <strings.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "mtpe/formats.h"
#include "source_checks.h"
#include "prefilter.h"
#include "skip.h"
#include "mtpe/segment.h"
#include "mtpe/suppress.h"

#define MATCH_LIMIT 2000000
#define DEPTH_LIMIT 10000
#define MAX_SUGGESTIONS 5

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_data(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/rules/en", dir);
	return is_dir(p);
}

/* Finds the folder holding rules/ and dicts/: option, $MTPE_DATA_DIR, next to the
 * executable (PREFIX/bin/../share/mtpe), the source tree, the install prefix. */
static char *find_data_dir(const char *opt, mtpe_error *err)
{
	char exe[PATH_MAX], cand[PATH_MAX];
	if (opt) {
		if (!has_data(opt)) {
			mtpe_error_set(err, MTPE_ENOTFOUND, "data folder '%s' has no rules/en", opt);
			return NULL;
		}
		return mtpe_strdup(opt);
	}
	const char *env = getenv("MTPE_DATA_DIR");
	if (env && *env) {
		if (!has_data(env)) {
			mtpe_error_set(err, MTPE_ENOTFOUND, "MTPE_DATA_DIR='%s' has no rules/en", env);
			return NULL;
		}
		return mtpe_strdup(env);
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand, sizeof(cand), "%s/../share/mtpe", exe);
			if (has_data(cand)) {
				char *r = realpath(cand, NULL);
				return r ? r : mtpe_strdup(cand);
			}
		}
	}
#ifdef MTPE_SOURCE_DATA_DIR
	if (has_data(MTPE_SOURCE_DATA_DIR))
		return mtpe_strdup(MTPE_SOURCE_DATA_DIR);
#endif
#ifdef MTPE_INSTALL_DATA_DIR
	if (has_data(MTPE_INSTALL_DATA_DIR))
		return mtpe_strdup(MTPE_INSTALL_DATA_DIR);
#endif
	mtpe_error_set(err, MTPE_ENOTFOUND,
		       "cannot find the built-in rules (looked next to the executable and in the build and install folders); set MTPE_DATA_DIR");
	return NULL;
}

static int load_words_dir(mtpe_checker *c, const char *dir, mtpe_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int error = 0;
	while (!error && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || e->d_name[0] == '.' || strcmp(e->d_name + l - 4, ".txt"))
			continue;
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		error = mtpe_speller_add_file(c->speller, p, err);
	}
	closedir(d);
	return error;
}

/* The verdicts of most words carry nothing more than their kind: shared, never freed. */
static struct spell_verdict verdict_ok = { SPELL_OK, 0, NULL }, verdict_skip = { SPELL_SKIP, 0, NULL };

static void free_verdict(void *v)
{
	struct spell_verdict *sv = v;
	if (!sv || sv == &verdict_ok || sv == &verdict_skip)
		return;
	for (size_t i = 0; sv->sugg && sv->sugg[i]; i++)
		free(sv->sugg[i]);
	free(sv->sugg);
	free(sv);
}

void mtpe_checker_free(mtpe_checker *c)
{
	if (!c)
		return;
	if (c->timing) /* a developer's profile, asked for with MTPE_RULE_TIMES=1 */
		for (size_t i = 0; i < c->nrules; i++) {
			size_t jit = 0, sz = 0;
			if (c->rules[i].re) {
				pcre2_pattern_info(c->rules[i].re, PCRE2_INFO_JITSIZE, &jit);
				pcre2_pattern_info(c->rules[i].re, PCRE2_INFO_SIZE, &sz);
			}
			fprintf(stderr, "%10.3f ms %6.1f%% %7zu KiB %5ld %s%s\n", c->rules[i].seconds * 1e3,
				c->rules[i].scanned * 100.0 / (c->text_seen ? c->text_seen : 1), (jit + sz) >> 10,
				c->rules[i].anchor_pre == SIZE_MAX ? -1L : (long)c->rules[i].anchor_pre, c->rules[i].id,
				c->rules[i].re && !c->rules[i].nanchors && !c->rules[i].hint ? "  (no prefilter)" : "");
		}
	for (size_t i = 0; i < c->nrules; i++)
		mtpe_rules__free_rule(&c->rules[i]);
	free(c->rules);
	for (size_t i = 0; i < c->nlists; i++)
		mtpe_rules__free_list(c->lists[i]);
	free(c->lists);
	mtpe_speller_free(c->speller);
	mtpe_source_ctx_free(c->srcctx);
	if (c->md)
		pcre2_match_data_free(c->md);
	if (c->mctx)
		pcre2_match_context_free(c->mctx);
	if (c->jit)
		pcre2_jit_stack_free(c->jit);
	strmap_dispose(&c->us2gb, free);
	strmap_dispose(&c->gb2us, free);
	strmap_dispose(&c->glossary, free);
	for (size_t i = 0; i < c->nglossary_paths; i++)
		free(c->glossary_paths[i]);
	free(c->glossary_paths);
	strmap_dispose(&c->spell_cache, free_verdict);
	free(c->wslot);
	free(c->wkeys);
	free(c->wf);
	free(c->spare_wid);
	if (c->glossary_re)
		pcre2_code_free(c->glossary_re);
	mtpe_ac_free(c->glossary_ac);
	free(c->spare_words);
	if (c->skip_re)
		pcre2_code_free(c->skip_re);
	mtpe_ac_hits_dispose(&c->hits);
	mtpe_ac_free(c->ac);
	free(c->data_dir);
	free(c);
}

static pcre2_code *compile_simple(const char *pat, bool caseless)
{
	int ec;
	PCRE2_SIZE eo;
	/* JIT-compiled with the rules, once the texts are long enough (prepare) */
	return pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
			     PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0), &ec, &eo, NULL);
}

static int open_tsv(mtpe_checker *c, const char *name, FILE **f, char *path, size_t plen, mtpe_error *err)
{
	snprintf(path, plen, "%s/dicts/%s", c->data_dir, name);
	*f = fopen(path, "r");
	if (!*f)
		return mtpe_error_set(err, MTPE_ENOTFOUND, "cannot open '%s': %s", path, strerror(errno));
	return 0;
}

static int load_variants(mtpe_checker *c, mtpe_error *err)
{
	char path[PATH_MAX], line[512];
	FILE *f;
	int error;
	if (c->variants_loaded)
		return 0;
	if ((error = open_tsv(c, "variants-us-gb.tsv", &f, path, sizeof(path), err)) < 0)
		return error;
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			fclose(f);
			mtpe_error_set(err, MTPE_EPARSE, "expected 'us<TAB>gb'");
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EPARSE;
		}
		*tab = '\0';
		char *us = line, *gb = tab + 1;
		gb[strcspn(gb, "\t ")] = '\0';
		/*
		 * -ize is also British (Oxford) spelling: an -ize word is no evidence of
		 * American spelling, while -ise still marks British.
		 */
		char *iz = strstr(us, "iz");
		bool oxford = iz && strlen(us) == strlen(gb) && !strncmp(gb, us, (size_t)(iz - us)) &&
			      gb[iz - us] == 'i' && gb[iz - us + 1] == 's' && !strcmp(gb + (iz - us) + 2, iz + 2);
		if (!oxford)
			strmap_put(&c->us2gb, us, strlen(us), mtpe_strdup(gb));
		strmap_put(&c->gb2us, gb, strlen(gb), mtpe_strdup(us));
		for (int k = 0; k < 2; k++) {
			const char *w = k ? gb : us;
			size_t wl = strlen(w);
			if (wl >= 2) {
				unsigned b = variant_sig((unsigned char)w[0], (unsigned char)w[1], (unsigned char)w[wl - 1], wl);
				c->variant_sig[b >> 6] |= 1ull << (b & 63);
			}
		}
	}
	fclose(f);
	c->variants_loaded = true;
	return 0;
}

/* Lower-cases s into a new string: by hand for ASCII, with ICU otherwise. */
static char *lower_dup(const char *s, size_t n, size_t *outlen)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return mtpe_case_map(s, n, 'l', outlen);
	char *r = mtpe_malloc(n + 1);
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		r[i] = (char)c_tolower((unsigned char)s[i]);
	r[n] = '\0';
	*outlen = n;
	return r;
}

static void put_regex_escaped(mtpe_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ') {
			mtpe_buf_puts(b, "[ \\t]+");
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}#-", s[i]))
			mtpe_buf_putc(b, '\\');
		mtpe_buf_putc(b, s[i]);
	}
}

/* Adds the entries of one glossary file (canonical<TAB>variant...) to the map and the regex. */
static int read_glossary(mtpe_checker *c, const char *path, mtpe_buf *re, bool *first, mtpe_error *err)
{
	char line[2048];
	FILE *f = fopen(path, "r");
	if (!f)
		return mtpe_error_set(err, MTPE_ENOTFOUND, "cannot open glossary '%s': %s", path, strerror(errno));
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!mtpe_utf8_valid(line, strlen(line), NULL)) {
			fclose(f);
			mtpe_error_set(err, MTPE_EENCODING, "glossary is not valid UTF-8");
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EENCODING;
		}
		char *save = NULL;
		char *canon = strtok_r(line, "\t", &save);
		char *v;
		int nv = 0;
		while ((v = strtok_r(NULL, "\t", &save))) {
			if (!*v || !strcmp(v, canon))
				continue;
			size_t vl = strlen(v);
			if (!strmap_get(&c->glossary, v, vl)) { /* the first file that lists a variant wins */
				strmap_put(&c->glossary, v, vl, mtpe_strdup(canon));
				if (!*first)
					mtpe_buf_putc(re, '|');
				*first = false;
				put_regex_escaped(re, v, vl);
			}
			nv++;
		}
		if (!nv) {
			fclose(f);
			mtpe_error_set(err, MTPE_EPARSE, "expected 'canonical<TAB>variant...'");
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EPARSE;
		}
	}
	fclose(f);
	return 0;
}

/*
 * Every match of the glossary pattern holds each space-free piece of its
 * variant as written: an automaton over the longest piece of each (lower-cased;
 * it ignores case, a superset) finds the lines the pattern needs to see. None
 * (out of memory): the pattern sees everything.
 */
static void build_glossary_ac(mtpe_checker *c)
{
	char **lits = mtpe_calloc(c->glossary.used ? c->glossary.used : 1, sizeof(char *));
	size_t n = 0;
	bool ok = lits != NULL;
	for (size_t i = 0; ok && i < c->glossary.cap; i++) {
		const strmap_slot *sl = &c->glossary.slots[i];
		if (!sl->key)
			continue;
		size_t best = 0, bl = 0;
		for (size_t a = 0, b; a < sl->len; a = b + 1) {
			for (b = a; b < sl->len && sl->key[b] != ' ' && sl->key[b] != '\t'; b++)
				;
			if (b - a > bl)
				best = a, bl = b - a;
		}
		if (!bl || !(lits[n] = mtpe_strndup(sl->key + best, bl))) {
			ok = false;
			break;
		}
		for (char *p = lits[n]; *p; p++)
			*p = (char)c_tolower((unsigned char)*p);
		n++;
	}
	char **const one[1] = { lits };
	if (!ok || !n || mtpe_ac_build(&c->glossary_ac, one, &n, NULL, NULL, 1) < 0) /* whole lines, any case */
		c->glossary_ac = NULL;
	/*
	 * Before its piece a match holds only the bytes of the variants (either
	 * case) and blanks: a hit's range starts after the last other byte on its
	 * line (after "said, " in "said, the foreign ministry") and ends at the hit.
	 */
	uint64_t stop[4] = { ~0ull, ~0ull, ~0ull, ~0ull };
	for (size_t i = 0; ok && c->glossary_ac && i < c->glossary.cap; i++)
		if (c->glossary.slots[i].key)
			mtpe_bytes_may_hold(stop, c->glossary.slots[i].key, c->glossary.slots[i].len);
	mtpe_bytes_may_hold(stop, " \t", 2);
	if (ok && c->glossary_ac && mtpe_ac_set_stops(c->glossary_ac, 0, stop) < 0) {
		mtpe_ac_free(c->glossary_ac);
		c->glossary_ac = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(lits[i]);
	free(lits);
}

/* The user's glossaries (--glossary, .mtpe.yaml) first, so they win, then dicts/glossary.tsv. */
static int load_glossary(mtpe_checker *c, mtpe_error *err)
{
	char path[PATH_MAX];
	int error = 0;
	if (c->glossary_loaded)
		return 0;
	mtpe_buf re = MTPE_BUF_INIT;
	mtpe_buf_puts(&re, "(?<![\\w-])(?:");
	bool first = true;
	for (size_t i = 0; i < c->nglossary_paths && !error; i++)
		error = read_glossary(c, c->glossary_paths[i], &re, &first, err);
	snprintf(path, sizeof(path), "%s/dicts/glossary.tsv", c->data_dir);
	if (!error)
		error = read_glossary(c, path, &re, &first, err);
	if (error < 0) {
		mtpe_buf_dispose(&re);
		return error;
	}
	if (first)
		mtpe_buf_puts(&re, "(*FAIL)");
	mtpe_buf_puts(&re, ")(?![\\w-])");
	if (re.oom) {
		mtpe_buf_dispose(&re);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	c->glossary_re = compile_simple(re.ptr, false);
	mtpe_buf_dispose(&re);
	if (!c->glossary_re)
		return mtpe_error_set(err, MTPE_EPARSE, "the glossaries could not be compiled");
	c->glossary_loaded = true;
	build_glossary_ac(c);
	return 0;
}

static int prepare_builtin(mtpe_checker *c, struct rule *r, mtpe_error *err)
{
	switch (r->builtin) {
	case BUILTIN_VARIANT_MIX:
		return load_variants(c, err);
	case BUILTIN_GLOSSARY:
		return load_glossary(c, err);
	case BUILTIN_SRC_NUMBERS: case BUILTIN_SRC_UNTRANSLATED: case BUILTIN_SRC_PLACEHOLDERS:
	case BUILTIN_SRC_BRACKETS: case BUILTIN_SRC_NEGATION: case BUILTIN_SRC_GLOSSARY:
		return 0; /* the source-check context is made when a text with a source comes (run_source_check) */
	case BUILTIN_NAME_CASE:
		if (!mtpe_rules__list(c, "titles", err) || !mtpe_rules__list(c, "given-names", err) ||
		    !mtpe_rules__list(c, "surnames-english", err))
			return err ? err->code : MTPE_ENOTFOUND;
		return 0;
	default:
		return 0;
	}
}

int mtpe_checker_new(mtpe_checker **out, const mtpe_checker_options *opts, mtpe_error *err)
{
	int error = 0;
	mtpe_checker_options dflt = MTPE_CHECKER_OPTIONS_INIT;
	char path[PATH_MAX];
	*out = NULL;
	if (!opts)
		opts = &dflt;
	mtpe_checker *c = mtpe_calloc(1, sizeof(*c));
	if (!c)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	if (!(c->data_dir = find_data_dir(opts->data_dir, err))) {
		error = err ? err->code : MTPE_ENOTFOUND;
		goto fail;
	}
	/* first the speller: it reads its dictionary in a thread while the rules compile */
	if (!opts->no_spelling) {
		const char *aff = opts->hunspell_aff, *dic = opts->hunspell_dic;
		char affb[PATH_MAX], dicb[PATH_MAX];
		if (!aff) {
			const char *hd = getenv("MTPE_HUNSPELL_DICT"); /* path without .aff/.dic */
			if (hd && *hd) {
				snprintf(affb, sizeof(affb), "%s.aff", hd);
				snprintf(dicb, sizeof(dicb), "%s.dic", hd);
			} else {
				snprintf(affb, sizeof(affb), "/usr/share/hunspell/en_US.aff");
				snprintf(dicb, sizeof(dicb), "/usr/share/hunspell/en_US.dic");
			}
			aff = affb;
			dic = dicb;
		}
		if ((error = mtpe_speller_new(&c->speller, aff, dic, err)) < 0)
			goto fail;
		if (!opts->hunspell_aff) /* the system en_GB, when installed, for the other variety */
			mtpe_speller_set_variety(c->speller, "/usr/share/hunspell/en_GB.aff", "/usr/share/hunspell/en_GB.dic");
	}
	snprintf(path, sizeof(path), "%s/rules/en", c->data_dir);
	c->loading_builtin = !getenv("MTPE_COMPILE_ALL"); /* ours: compiled on first use; user rules at load */
	if ((error = mtpe_rules__load_dir(c, path, true, err)) < 0)
		goto fail;
	const char *lang = opts->source_lang ? opts->source_lang : "ru";
	if (*lang && strcmp(lang, "none") && strcmp(lang, "en")) {
		for (const char *p = lang; *p; p++)
			if (!c_islower((unsigned char)*p) || p - lang > 8) {
				error = mtpe_error_set(err, MTPE_EINVAL, "bad source language '%s' (use a code like 'ru')", lang);
				goto fail;
			}
		snprintf(path, sizeof(path), "%s/rules/%s-en", c->data_dir, lang);
		if (!is_dir(path)) {
			error = mtpe_error_set(err, MTPE_ENOTFOUND, "no rule pack for source language '%s' (no folder %s)", lang, path);
			goto fail;
		}
		if ((error = mtpe_rules__load_dir(c, path, true, err)) < 0)
			goto fail;
	}
	c->loading_builtin = false;
	for (size_t i = 0; i < opts->nrule_paths; i++)
		if ((error = mtpe_rules__load_path(c, opts->rule_paths[i], err)) < 0)
			goto fail;
	for (size_t i = 0; i < opts->noverrides; i++) {
		const mtpe_rule_override *o = &opts->overrides[i];
		long k = mtpe_checker_rule_find(c, o->id);
		if (k < 0) {
			error = mtpe_error_set(err, MTPE_ENOTFOUND, "unknown rule '%s' (see 'mtpe rules list')", o->id);
			goto fail;
		}
		if (o->disable)
			c->rules[k].enabled = false;
		if (o->has_severity)
			c->rules[k].severity = o->severity;
	}
	if (opts->nglossary_paths) {
		c->glossary_paths = mtpe_calloc(opts->nglossary_paths, sizeof(char *));
		if (!c->glossary_paths) {
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < opts->nglossary_paths; i++)
			if (!(c->glossary_paths[c->nglossary_paths++] = mtpe_strdup(opts->glossary_paths[i]))) {
				error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
				goto fail;
			}
	}
	for (size_t i = 0; i < c->nrules; i++)
		if ((error = prepare_builtin(c, &c->rules[i], err)) < 0)
			goto fail;
	if (!opts->no_spelling) {
		snprintf(path, sizeof(path), "%s/dicts/words", c->data_dir);
		if ((error = load_words_dir(c, path, err)) < 0)
			goto fail;
		/* given names are names: the speller accepts them */
		snprintf(path, sizeof(path), "%s/dicts/lists/given-names.txt", c->data_dir);
		if (access(path, R_OK) == 0 && (error = mtpe_speller_add_file(c->speller, path, err)) < 0)
			goto fail;
		for (size_t i = 0; i < opts->ndict_paths; i++) {
			if (is_dir(opts->dict_paths[i]))
				error = load_words_dir(c, opts->dict_paths[i], err);
			else
				error = mtpe_speller_add_file(c->speller, opts->dict_paths[i], err);
			if (error < 0)
				goto fail;
		}
		if (opts->personal) {
			if ((error = mtpe_speller_add_file(c->speller, opts->personal, err)) < 0)
				goto fail;
		} else {
			char *pp = mtpe_personal_default_path();
			if (pp && access(pp, R_OK) == 0)
				mtpe_speller_add_file(c->speller, pp, NULL);
			free(pp);
		}
	}
	c->full_suggest = opts->full_suggest;
	c->timing = getenv("MTPE_RULE_TIMES") != NULL;
	c->md = pcre2_match_data_create(64, NULL);
	c->mctx = pcre2_match_context_create(NULL);
	c->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!c->md || !c->mctx || !c->jit) {
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto fail;
	}
	pcre2_set_match_limit(c->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(c->mctx, DEPTH_LIMIT);
	pcre2_jit_stack_assign(c->mctx, NULL, c->jit);
	c->skip_re = compile_simple(MTPE_SKIP_PATTERN, true);
	*out = c;
	return 0;
fail:
	mtpe_checker_free(c);
	return error;
}

size_t mtpe_checker_rule_count(const mtpe_checker *c)
{
	return c->nrules;
}

long mtpe_checker_rule_find(const mtpe_checker *c, const char *id)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (!strcmp(c->rules[i].id, id))
			return (long)i;
	return -1;
}

void mtpe_checker_rule(const mtpe_checker *c, size_t i, mtpe_rule_info *o)
{
	const struct rule *r = &c->rules[i];
	memset(o, 0, sizeof(*o));
	o->id = r->id;
	o->category = r->category;
	o->severity = r->severity;
	o->message = r->message;
	o->pattern = r->pattern;
	o->check = r->check;
	o->description = r->description;
	o->file = r->file;
	o->line = r->line;
	o->safe = r->safe;
	o->enabled = r->enabled;
	o->examples = r->ex;
	o->nexamples = r->nex;
	o->replacements = (const char *const *)r->repl;
	o->nreplacements = r->nrepl;
}

struct mtpe_speller *mtpe_checker_speller(mtpe_checker *c)
{
	return c->speller;
}

const char *mtpe_checker_data_dir(const mtpe_checker *c)
{
	return c->data_dir;
}

/* ---- running ---------------------------------------------------------- */

/* MTPE_RULE_TIMES: the clock when timing, else 0; rule_timed adds the time since t0 to the rule. */
static double clock_if_timing(const mtpe_checker *c)
{
	struct timespec t;
	if (!c->timing)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void rule_timed(const mtpe_checker *c, struct rule *r, double t0)
{
	if (c->timing)
		r->seconds += clock_if_timing(c) - t0;
}

struct run {
	mtpe_checker *c;
	const mtpe_doc *doc;
	const mtpe_region *reg;
	const char *t;
	size_t from, n;       /* this run covers t[from, n); text before `from` is context only */
	mtpe_segments seg;
	mtpe_span *skip;
	size_t nskip;
	strmap capset;
	bool capset_built;
	mtpe_findings *out;
	int error;
	bool borrowed;        /* seg and skip point into another run's arrays */
	bool lazy_sentences;  /* seg has no sentences: sentence starts are found on demand (sf) */
	mtpe_sentence_finder *sf;
	uint32_t *wid;        /* the form (c->wf) of each word, once a word pass asked (word_forms) */
	size_t widcap;
};

static bool overlaps_skip(const struct run *R, size_t s, size_t e)
{
	for (size_t i = 0; i < R->nskip; i++)
		if (R->skip[i].start < e && s < R->skip[i].end)
			return true;
	return false;
}

/*
 * The matches in [start, le): the subject ends with the line (its '\n'
 * included), where no match can reach, and starts with the text (lookbehinds).
 */
static void find_skips_line(struct run *R, pcre2_match_data *md, size_t *capp, size_t start, size_t le)
{
	size_t cap = *capp;
	while (start < le) {
		int rc = pcre2_match(R->c->skip_re, (PCRE2_SPTR)R->t, le, start, PCRE2_NO_UTF_CHECK, md, R->c->mctx);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (R->nskip == cap) {
			cap = cap ? cap * 2 : 16;
			mtpe_span *ns = mtpe_realloc(R->skip, cap * sizeof(*ns));
			if (!ns) {
				*capp = R->nskip; /* what it holds */
				return;
			}
			R->skip = ns;
		}
		R->skip[R->nskip].start = ov[0];
		R->skip[R->nskip].end = ov[1];
		R->nskip++;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	*capp = cap;
}

/* The spans of MTPE_SKIP_PATTERN in the run's text, a line at a time (no match spans a line). */
static void find_skips(struct run *R)
{
	size_t cap = 0;
	pcre2_match_data *md = R->c->md;
	if (!R->c->skip_re)
		return;
	for (size_t ls = R->from, le; ls < R->n; ls = le) {
		const char *nl = memchr(R->t + ls, '\n', R->n - ls);
		le = nl ? (size_t)(nl - R->t) + 1 : R->n;
		if (mtpe_skip_candidate(R->t + ls, le - ls))
			find_skips_line(R, md, &cap, ls, le);
	}
}


static bool is_opening(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '"' || cp == '\'' ||
	       cp == '(' || cp == '[' || cp == 0x201C || cp == 0x2018 || cp == 0xAB || cp == 0x201E ||
	       cp == 0x2014 || cp == 0x2013 || cp == '-' || cp == 0x2022 || cp == '*' || cp == 0xA0 ||
	       cp == 0x201D || cp == 0x2019 || cp == 0xBB;
}

/* True if pos is the first letter/digit of a sentence or of a line. */
/*
 * sentence_start without the sentences at hand: back from pos over opening
 * characters; at the line start it is one; at another character (q) it is
 * one if a sentence starts after q - ICU is asked only then, around there.
 */
static bool sentence_start_lazy(struct run *R, size_t pos)
{
	size_t i = pos;
	for (;;) {
		if (i <= R->from || R->t[i - 1] == '\n' || R->t[i - 1] == '\r')
			return true;
		size_t b = i - 1;
		while (b > R->from && ((unsigned char)R->t[b] & 0xC0) == 0x80)
			b--;
		size_t l;
		uint32_t cp = mtpe_utf8_decode(R->t + b, i - b, &l);
		if (!is_opening(cp)) {
			/*
			 * A sentence breaks only after a paragraph end or a full
			 * stop, ! or ? (then closing quotes and spaces: UAX #29,
			 * which ICU follows): after a letter, a digit, a comma...
			 * there is none to ask ICU for (most places asked about).
			 */
			if (cp < 0x80 && (c_isalnum((int)cp) || cp == ',' || cp == ';' || cp == ':'))
				return false;
			break;
		}
		i = b;
	}
	if (!R->sf && mtpe_sentence_finder_open(&R->sf, R->t + R->from, R->n - R->from, R->from, NULL) < 0) {
		R->error = MTPE_ENOMEM;
		return false;
	}
	return mtpe_sentence_finder_any(R->sf, i, pos);
}

static bool sentence_start(struct run *R, size_t pos)
{
	if (pos >= R->n)
		return false;
	if (R->lazy_sentences)
		return sentence_start_lazy(R, pos);
	size_t k = mtpe_segments_sentence_at(&R->seg, pos);
	size_t s = k < R->seg.nsentences ? R->seg.sentences[k].start : 0;
	/* a line start also counts (headlines, list items) */
	size_t ls = pos;
	while (ls > 0 && R->t[ls - 1] != '\n' && R->t[ls - 1] != '\r')
		ls--;
	if (ls > s)
		s = ls;
	size_t i = s;
	while (i < pos) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(R->t + i, R->n - i, &l);
		if (!is_opening(cp))
			return false;
		i += l;
	}
	return i == pos;
}

static bool small_word(const char *s, size_t n)
{
	static const char *const w[] = { "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into",
					 "nor", "of", "on", "or", "the", "to", "with", "de", "la", "von", "van", NULL };
	for (int i = 0; w[i]; i++)
		if (strlen(w[i]) == n && !strncmp(w[i], s, n))
			return true;
	return false;
}

/*
 * Letter shape of s: LOWER (no capitals), UPPER (no small letters, 2+ bytes),
 * TITLE (first letter capital and, over several words, every word but the small
 * ones capitalized), MIXED otherwise; NONE without letters.
 */
static enum case_shape shape_of(const char *s, size_t n)
{
	bool any_upper = false, any_lower = false, first_upper = false, first = true;
	bool word_start = true, lower_word = false, inner_upper = false;
	size_t ws = 0;
	for (size_t i = 0; i < n;) {
		size_t l = 1;
		unsigned char b = (unsigned char)s[i];
		bool letter, up, lo;
		if (b < 0x80) { /* ASCII without ICU: most text */
			up = b >= 'A' && b <= 'Z';
			lo = b >= 'a' && b <= 'z';
			letter = up || lo;
		} else {
			uint32_t cp = mtpe_utf8_decode(s + i, n - i, &l);
			letter = mtpe_is_letter(cp);
			up = letter && mtpe_is_upper(cp);
			lo = letter && mtpe_is_lower(cp);
		}
		if (!letter) {
			if (b == ' ')
				word_start = true;
			i += l;
			continue;
		}
		if (up && !word_start)
			inner_upper = true;
		if (word_start) {
			ws = i;
			if (!up && !first) {
				size_t e = i;
				while (e < n && s[e] != ' ')
					e++;
				if (!small_word(s + ws, e - ws))
					lower_word = true;
			}
			word_start = false;
		}
		if (first) {
			first_upper = up;
			first = false;
		}
		any_upper |= up;
		any_lower |= lo;
		i += l;
	}
	if (first)
		return SHAPE_NONE;
	if (!any_upper)
		return SHAPE_LOWER;
	if (!any_lower)
		return first_upper && n > 1 ? SHAPE_UPPER : SHAPE_TITLE;
	if (first_upper && !lower_word && !inner_upper)
		return SHAPE_TITLE;
	return SHAPE_MIXED;
}

/* A condition's case test; `capitalized` = the first letter is a capital, whatever follows. */
static bool shape_matches(const char *s, size_t n, enum case_shape want)
{
	if (want != SHAPE_CAPITALIZED)
		return shape_of(s, n) == want;
	for (size_t i = 0; i < n;) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(s + i, n - i, &l);
		if (mtpe_is_letter(cp))
			return mtpe_is_upper(cp);
		i += l;
	}
	return false;
}

/* The length of the ASCII prefix of s[0, n): eight bytes at a time. */
static size_t ascii_run(const char *s, size_t n)
{
	size_t i = 0;
	for (uint64_t v; i + 8 <= n; i += 8) {
		memcpy(&v, s + i, 8);
		if (v & 0x8080808080808080ull)
			break;
	}
	while (i < n && !((unsigned char)s[i] & 0x80))
		i++;
	return i;
}

static bool in_list(const struct wordlist *l, const char *s, size_t n, bool cased)
{
	if (!n)
		return false;
	if (cased) {
		unsigned b = wordlist_sig((unsigned char)s[0], (unsigned char)s[n - 1], n);
		return (l->sig_exact[b >> 6] >> (b & 63) & 1) && strmap_get(&l->exact, s, n) != NULL;
	}
	char buf[128];
	if (n < sizeof(buf) && ascii_run(s, n) == n) { /* ASCII lower-cases byte by byte: the signature is exact */
		unsigned b = wordlist_sig((unsigned char)c_tolower((unsigned char)s[0]), (unsigned char)c_tolower((unsigned char)s[n - 1]), n);
		if (!(l->sig_lower[b >> 6] >> (b & 63) & 1))
			return false;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)c_tolower((unsigned char)s[i]);
		return strmap_get(&l->lower, buf, n) != NULL;
	}
	size_t ln;
	char *low = lower_dup(s, n, &ln);
	if (!low)
		return false;
	bool r = strmap_get(&l->lower, low, ln) != NULL;
	free(low);
	return r;
}

static void build_capset(struct run *R)
{
	if (R->capset_built)
		return;
	R->capset_built = true;
	for (size_t i = 0; i < R->seg.nwords; i++) {
		const mtpe_word *w = &R->seg.words[i];
		if (w->kind != MTPE_WORD_LETTER)
			continue;
		if (shape_of(R->t + w->start, w->end - w->start) != SHAPE_TITLE)
			continue;
		if (sentence_start(R, w->start))
			continue;
		size_t ln;
		char *low = lower_dup(R->t + w->start, w->end - w->start, &ln);
		if (low) {
			strmap_put(&R->capset, low, ln, (void *)1);
			free(low);
		}
	}
}

static bool dict_words(struct run *R, const char *s, size_t n)
{
	if (!R->c->speller)
		return true;
	size_t i = 0;
	bool any = false;
	while (i < n) {
		while (i < n && !c_isalpha((unsigned char)s[i]) && (unsigned char)s[i] < 0x80)
			i++;
		size_t j = i;
		while (j < n && (c_isalpha((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80 || s[j] == '\''))
			j++;
		if (j > i) {
			any = true;
			if (!mtpe_speller_is_dict_word(R->c->speller, s + i, j - i))
				return false;
		}
		i = j;
	}
	return any;
}

static bool eval_cond(struct run *R, const struct rule *r, const struct cond *cd, const PCRE2_SIZE *ov, uint32_t npairs)
{
	int g = cd->group;
	if (g < 0)
		g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)cd->group_name);
	if (g < 0 || (uint32_t)g >= npairs || ov[2 * g] == PCRE2_UNSET) {
		/* an unset group satisfies only negative tests */
		return cd->kind == COND_NOT_IN || cd->kind == COND_NOT_IN_CASED || cd->kind == COND_NOT_CASE;
	}
	const char *s = R->t + ov[2 * g];
	size_t n = ov[2 * g + 1] - ov[2 * g];
	switch (cd->kind) {
	case COND_IN: return in_list(cd->list, s, n, false);
	case COND_NOT_IN: return !in_list(cd->list, s, n, false);
	case COND_IN_CASED: return in_list(cd->list, s, n, true);
	case COND_NOT_IN_CASED: return !in_list(cd->list, s, n, true);
	case COND_DICT: return dict_words(R, s, n) == cd->bval;
	case COND_CASE: return shape_matches(s, n, cd->shape);
	case COND_NOT_CASE: return !shape_matches(s, n, cd->shape);
	case COND_SENTENCE_START: return sentence_start(R, ov[2 * g]) == cd->bval;
	case COND_DOC_CAPITALIZED: {
		build_capset(R);
		size_t ln;
		char *low = lower_dup(s, n, &ln);
		bool has = low && strmap_get(&R->capset, low, ln) != NULL;
		free(low);
		return has == cd->bval;
	}
	}
	return false;
}

/* Adds a finding for region span [s, e); takes ownership of repl strings. */
static void add_finding(struct run *R, const struct rule *r, mtpe_severity sev, size_t s, size_t e,
			const char *message, char **repl, size_t nrepl)
{
	mtpe_finding f;
	memset(&f, 0, sizeof(f));
	size_t fs = mtpe_region_to_file(R->reg, s), fe = mtpe_region_end_to_file(R->reg, e);
	f.rule = mtpe_strdup(r->id);
	f.category = r->category;
	f.severity = sev;
	f.message = mtpe_strdup(message ? message : r->message);
	f.offset = fs;
	f.length = fe - fs;
	f.text = mtpe_strndup(R->doc->data + fs, fe - fs);
	f.safe = r->safe;
	f.unit = R->reg->unit;
	mtpe_doc_linecol(R->doc, fs, &f.line, &f.column);
	mtpe_doc_linecol(R->doc, fe, &f.end_line, &f.end_column);
	for (size_t i = 0; i < nrepl; i++) {
		if (repl[i] && f.text)
			mtpe_finding_add_replacement(&f, repl[i], strlen(repl[i]));
		free(repl[i]);
	}
	if (!f.rule || !f.message || !f.text) {
		mtpe_finding_dispose(&f);
		R->error = MTPE_ENOMEM;
		return;
	}
	if (mtpe_findings_push(R->out, &f) < 0)
		R->error = MTPE_ENOMEM;
}

/*
 * Until a checker has seen this much text, patterns run in the interpreter and
 * without the prefilter: for a short file, compiling costs more than it saves.
 * (Counted over all regions, so many short units - PO entries, lines with a
 * source - still get the fast path.)
 */
#define JIT_MIN_TEXT 16384

/*
 * Runs a pattern rule on the matches that start in [from, to] of the region
 * text. The whole text stays visible to lookarounds and a match may run past
 * `to`: a prefiltered range finds what a scan of the whole text finds there.
 */
static void run_pattern_range(struct run *R, struct rule *r, size_t from, size_t to, size_t *resume)
{
	pcre2_match_data *md = R->c->md;
	size_t start = from > *resume ? from : *resume;
	bool limited = to < R->n;
	pcre2_set_offset_limit(R->c->mctx, limited ? to : PCRE2_UNSET);
	while (start <= to) {
		int rc = pcre2_match(r->re, (PCRE2_SPTR)R->t, R->n, start, PCRE2_NO_UTF_CHECK, md, R->c->mctx);
		if (rc < 0)
			break; /* no match, or a limit hit: the rule stops on this region */
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		uint32_t npairs = pcre2_get_ovector_count(md);
		size_t ms = ov[0], me = ov[1];
		size_t step = 1;
		if (ms < R->n)
			mtpe_utf8_decode(R->t + ms, R->n - ms, &step);
		bool ok = true;
		for (size_t i = 0; ok && i < r->nconds; i++)
			ok = eval_cond(R, r, &r->conds[i], ov, npairs);
		int g = r->span_group;
		if (g < 0)
			g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)r->span_name);
		size_t s = ms, e = me;
		if (ok && g > 0) {
			if ((uint32_t)g >= npairs || ov[2 * g] == PCRE2_UNSET)
				ok = false;
			else {
				s = ov[2 * g];
				e = ov[2 * g + 1];
			}
		}
		if (ok && e > s && !overlaps_skip(R, s, e)) {
			char *repl[16];
			size_t nr = 0;
			for (size_t i = 0; i < r->nrepl && nr < 16; i++) {
				size_t ol;
				char *x = mtpe_template_expand(r->repl[i], R->t, ov, npairs, r->re, &ol);
				if (x)
					repl[nr++] = x;
			}
			add_finding(R, r, r->severity, s, e, NULL, repl, nr);
			start = me > ms ? me : ms + step;
		} else {
			start = ms + step;
		}
		if (R->error)
			break;
	}
	if (start > *resume)
		*resume = start; /* a later range goes on after the last match, as one scan would */
	if (limited) /* the other patterns sharing the context are compiled without the option */
		pcre2_set_offset_limit(R->c->mctx, PCRE2_UNSET);
}

/*
 * Runs a pattern rule on the matches that start in the window [ws, we]: where
 * the prefilter saw one of its literals, or everywhere in the window when it
 * has none. *resume carries the scan position from one window to the next.
 */
/*
 * Compiles a built-in rule's pattern on its first use (most rules never run on
 * a short text). They compile: the test suite runs every rule's examples.
 */
static bool ensure_compiled(mtpe_checker *owner, struct rule *r, bool long_text)
{
	if (r->re)
		return true;
	if (!r->expanded)
		return false;
	if (r->tries_later && long_text) { /* the tries cost more to build than they save on a short text */
		char *t = mtpe_rules__expand_tries(owner, r);
		if (t) {
			free(r->expanded);
			r->expanded = t;
		}
		r->tries_later = false;
	}
	int ec;
	PCRE2_SIZE eo;
	r->re = pcre2_compile((PCRE2_SPTR)r->expanded, PCRE2_ZERO_TERMINATED, MTPE_RULE_PCRE2_OPTIONS, &ec, &eo, NULL);
	free(r->expanded);
	r->expanded = NULL;
	if (!r->re) {
		fprintf(stderr, "mtpe: warning: rule %s (%s:%d) does not compile; it is skipped\n", r->id, r->file, r->line);
		r->enabled = false;
	}
	return r->re != NULL;
}

/* Compiles r, and JIT-compiles it once the checker has seen a long text; false if it does not compile. */
static bool compile_for(mtpe_checker *owner, const mtpe_checker *c, struct rule *r)
{
	if (!ensure_compiled(owner, r, c->text_seen >= JIT_MIN_TEXT))
		return false;
	if (!r->jit_tried && c->text_seen >= JIT_MIN_TEXT) {
		r->jit_tried = true;
		pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is unavailable */
	}
	return true;
}

/*
 * r's code, ready to match. In a parallel check each pattern is compiled once,
 * by whichever thread needs it first, into the leader's rule, under the lock;
 * a thread takes it once (code_ready) and matches without the lock after.
 */
static bool ensure_code(mtpe_checker *c, struct rule *r)
{
	if (!c->share_lock)
		return compile_for(c, c, r);
	if (r->code_ready)
		return r->re != NULL;
	pthread_mutex_lock(c->share_lock);
	struct rule *L = c->leader ? &c->leader->rules[r - c->rules] : r;
	bool ok = compile_for(c->leader ? c->leader : c, c, L);
	if (L != r && ok) {
		r->re = L->re;
		r->jit_tried = L->jit_tried;
		r->re_borrowed = true;
	}
	r->code_ready = true;
	pthread_mutex_unlock(c->share_lock);
	return ok;
}

static void run_pattern_window(struct run *R, struct rule *r, const mtpe_ac_hits *hits, size_t idx,
			       size_t ws, size_t we, size_t *resume)
{
	bool ranged = r->nanchors || r->hint;
	if (hits && ranged && !hits->nranges[idx])
		return; /* none of its literals here: it need not even compile */
	double t0 = clock_if_timing(R->c);
	if (!ensure_code(R->c, r))
		return;
	if (!hits || !ranged) {
		run_pattern_range(R, r, ws, we, resume);
		r->scanned += we - ws;
	} else {
		for (size_t i = 0; i < hits->nranges[idx] && !R->error; i++) {
			run_pattern_range(R, r, hits->ranges[idx][i].start, hits->ranges[idx][i].end, resume);
			r->scanned += hits->ranges[idx][i].end - hits->ranges[idx][i].start;
		}
	}
	rule_timed(R->c, r, t0);
}

/* Builds the prefilter automaton over the literals of every pattern rule. */
static void build_prefilter(mtpe_checker *c)
{
	c->ac_tried = true;
	char ***lits = mtpe_calloc(c->nrules ? c->nrules : 1, sizeof(char **));
	size_t *n = mtpe_calloc(c->nrules ? c->nrules : 1, sizeof(size_t));
	const size_t **pre = mtpe_calloc(c->nrules ? c->nrules : 1, sizeof(size_t *));
	char ***exact = mtpe_calloc(c->nrules ? c->nrules : 1, sizeof(char **));
	bool lines = getenv("MTPE_PREFILTER_LINES") != NULL; /* line ranges, as before the reach was known */
	if (lits && n && pre && exact) {
		for (size_t i = 0; i < c->nrules; i++) {
			lits[i] = c->rules[i].anchors;
			n[i] = c->rules[i].nanchors;
			pre[i] = lines ? NULL : c->rules[i].anchor_pres; /* NULL: their lines */
			exact[i] = c->rules[i].anchor_exact;
		}
		if (mtpe_ac_build(&c->ac, (char **const *)lits, n, (const size_t *const *)pre, (char **const *)exact,
				  c->nrules) < 0)
			c->ac = NULL; /* no prefilter: every rule runs on the whole text */
		for (size_t i = 0; c->ac && !lines && i < c->nrules; i++)
			if (mtpe_ac_set_stops(c->ac, i, c->rules[i].anchor_stop) < 0) {
				mtpe_ac_free(c->ac);
				c->ac = NULL;
			}
	}
	free(lits);
	free(n);
	free((void *)pre);
	free(exact);
}

/* ---- built-in checks --------------------------------------------------- */

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c_isdigit((unsigned char)s[i]))
			return true;
	return false;
}

static char **suggest(struct run *R, const char *w, size_t n)
{
	char **s = NULL;
	int k = R->c->full_suggest ? mtpe_speller_suggest(R->c->speller, &s, w, n, MAX_SUGGESTIONS)
				   : mtpe_speller_suggest_fast(R->c->speller, &s, w, n, MAX_SUGGESTIONS);
	return k < 0 ? NULL : s;
}

static bool ascii_lower(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)c_tolower((unsigned char)s[i]);
	out[n] = '\0';
	return true;
}

/* True if one of the suggestions is the word with two neighbouring letters swapped. */
static bool is_transposition(const char *w, size_t n, char *const *sugg)
{
	for (size_t k = 0; sugg && sugg[k]; k++) {
		if (strlen(sugg[k]) != n)
			continue;
		size_t d = 0, first = n;
		for (size_t i = 0; i < n; i++)
			if (c_tolower((unsigned char)w[i]) != c_tolower((unsigned char)sugg[k][i])) {
				if (first == n)
					first = i;
				d++;
			}
		if (d == 2 && first + 1 < n && c_tolower((unsigned char)w[first]) == c_tolower((unsigned char)sugg[k][first + 1]) &&
		    c_tolower((unsigned char)w[first + 1]) == c_tolower((unsigned char)sugg[k][first]))
			return true;
	}
	return false;
}

/* Decides once per distinct word: correct, a probable name, or misspelled (with suggestions). */
/* The verdict on a word (not cached here): a shared one (verdict_ok) or a new one; NULL when out of memory. */
static struct spell_verdict *verdict(struct run *R, const char *s, size_t n, enum case_shape sh)
{
	mtpe_speller *sp = R->c->speller;
	struct spell_verdict *sv = mtpe_calloc(1, sizeof(*sv));
	if (!sv)
		return NULL;
	sv->shape = (int)sh;
	char low[128];
	if (mtpe_speller_check(sp, s, n)) {
		sv->kind = SPELL_OK;
	} else if (R->c->variants_loaded && ascii_lower(s, n, low, sizeof(low)) && strmap_get(&R->c->gb2us, low, n)) {
		/* an en-GB variant is the consistency rule's business, not a misspelling */
		sv->kind = SPELL_OK;
	} else if (mtpe_speller_check_variety(sp, s, n)) {
		/* correct in the other variety (en-GB): mixing is the consistency rule's business */
		sv->kind = SPELL_OK;
	} else if (sh == SHAPE_TITLE) {
		/*
		 * A name, unless a common word is one edit away by a transposition,
		 * substitution or a missing letter ("Goverment"), in a word of 6+ letters:
		 * names with an extra letter or short names near words stay names.
		 */
		sv->kind = SPELL_NAME;
		if (n >= 6 && mtpe_speller_near_miss(sp, s, n)) {
			sv->sugg = suggest(R, s, n);
			if (sv->sugg && sv->sugg[0] && strlen(sv->sugg[0]) >= n &&
			    ascii_lower(sv->sugg[0], strlen(sv->sugg[0]), low, sizeof(low)) &&
			    mtpe_speller_check(sp, low, strlen(low)))
				sv->kind = SPELL_MISSPELLED;
		}
	} else {
		/*
		 * With no dictionary word one edit away it is more likely a rare or foreign
		 * word than a typo; so is a short word (4 letters or fewer: most are one
		 * edit from some word) unless two letters are swapped ("teh", "adn").
		 */
		sv->sugg = suggest(R, s, n);
		sv->kind = SPELL_NAME;
		for (size_t k = 0; sv->sugg && sv->sugg[k]; k++)
			if (strlen(sv->sugg[k]) != n || strncasecmp(sv->sugg[k], s, n))
				sv->kind = SPELL_MISSPELLED; /* a near word, not just a case form ("kroshka" -> "Kroshka") */
		if (sv->kind == SPELL_MISSPELLED && n <= 4 && !is_transposition(s, n, sv->sugg))
			sv->kind = SPELL_NAME;
	}
	if (sv->kind == SPELL_OK) { /* the common case: no allocation kept */
		free_verdict(sv);
		sv = &verdict_ok;
	}
	return sv;
}

/* True if [s, e) is joined by hyphens to other parts, one of them capitalized. */
static bool hyphen_compound_with_capital(const struct run *R, size_t s, size_t e)
{
	size_t a = s, b = e;
	while (a > 0 && (c_isalpha((unsigned char)R->t[a - 1]) || R->t[a - 1] == '-'))
		a--;
	while (b < R->n && (c_isalpha((unsigned char)R->t[b]) || R->t[b] == '-'))
		b++;
	if (a == s && b == e)
		return false;
	for (size_t i = a; i < b; i++)
		if (c_isupper((unsigned char)R->t[i]) && (i == a || R->t[i - 1] == '-'))
			return true;
	return false;
}

/* A word as spelling sees it: without a possessive 's / ’s and apostrophes at the end. */
static size_t spell_trim(const char *s, size_t n)
{
	if (n > 3 && s[n - 1] == 's' && s[n - 2] == '\'')
		n -= 2;
	else if (n > 5 && s[n - 1] == 's' && !memcmp(s + n - 4, "\xE2\x80\x99", 3))
		n -= 4;
	while (n && (s[n - 1] == '\''))
		n--;
	return n;
}

/* The spelling verdict on a word (as written; spell_trim'med here), or NULL when out of memory. */
/* The verdict on a word as spelling sees it (spell_trim'med), not cached; NULL when out of memory. */
static struct spell_verdict *make_verdict(struct run *R, const char *s, size_t n)
{
	enum case_shape sh0 = shape_of(s, n);
	bool skip = has_digit(s, n) || memchr(s, '_', n) || memchr(s, '.', n) || /* codes, domain names */
		    sh0 == SHAPE_UPPER || sh0 == SHAPE_MIXED;                      /* acronyms and codes */
	for (size_t k = 0; k < n && !skip;) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(s + k, n - k, &l);
		if (cp >= 0x250 && cp != 0x2019)
			skip = true; /* other scripts: the script checks handle them */
		k += l;
	}
	struct wordlist *abbrev = skip ? NULL : mtpe_rules__list(R->c, "abbrev-ru", NULL);
	if (abbrev && in_list(abbrev, s, n, false))
		skip = true; /* Russian abbreviations: the locale rules propose the fix */
	return skip ? &verdict_skip : verdict(R, s, n, sh0);
}

/*
 * The spelling verdict on a word (as written; spell_trim'med here), from the
 * cache or made and cached; NULL when out of memory. In a parallel check the
 * threads share one cache, the leader's, under verdict_lock: a word is looked
 * up in the dictionaries (and suggestions made) once, not once per thread.
 */
static struct spell_verdict *form_verdict(struct run *R, const char *s, size_t n)
{
	n = spell_trim(s, n);
	if (n < 2)
		return &verdict_skip;
	mtpe_checker *c = R->c, *owner = c->leader ? c->leader : c;
	pthread_mutex_t *lock = c->verdict_lock;
	if (lock)
		pthread_mutex_lock(lock);
	void **v = strmap_get(&owner->spell_cache, s, n);
	struct spell_verdict *sv = v ? *v : NULL;
	if (lock)
		pthread_mutex_unlock(lock);
	if (sv)
		return sv;
	if (!(sv = make_verdict(R, s, n)))
		return NULL;
	if (lock)
		pthread_mutex_lock(lock);
	if ((v = strmap_get(&owner->spell_cache, s, n)) != NULL) { /* another thread was first */
		free_verdict(sv);
		sv = *v;
	} else if (strmap_put(&owner->spell_cache, s, n, sv) < 0) {
		free_verdict(sv);
		sv = NULL;
	}
	if (lock)
		pthread_mutex_unlock(lock);
	return sv;
}

/* ---- word forms: what the word passes learn about each distinct word ---- */

/* The caches of facts and verdicts start again past this many forms (a text of countless distinct "words"). */
#define WF_MAX_FORMS ((size_t)1 << 20)

static void wforms_clear_facts(mtpe_checker *c)
{
	free(c->wslot);
	free(c->wkeys);
	free(c->wf);
	c->wslot = NULL;
	c->wkeys = NULL;
	c->wf = NULL;
	c->wslotcap = c->wkeylen = c->wkeycap = 0;
	c->nwf = c->capwf = 0;
}

/*
 * The index in c->wf of the word form s[0, n), added (facts unknown) if new; 0
 * when out of memory. A compact table: slots of 8 bytes, the bytes of the
 * forms in one array (a first piece learns tens of thousands of forms: fresh
 * pages are dear).
 */
static uint32_t form_index(mtpe_checker *c, const char *s, size_t n)
{
	uint32_t h = strmap_hash(s, n);
	if (c->wslotcap) {
		size_t mask = c->wslotcap - 1;
		for (size_t i = h & mask;; i = (i + 1) & mask) {
			uint64_t e = c->wslot[i];
			if (!e)
				break;
			if ((uint32_t)(e >> 32) == h) {
				const struct wfacts *f = &c->wf[(uint32_t)e];
				if (f->klen == n && !memcmp(c->wkeys + f->koff, s, n))
					return (uint32_t)e;
			}
		}
	}
	if (!c->nwf)
		c->nwf = 1; /* 0 is no form */
	if (c->nwf >= UINT32_MAX - 1 || n > UINT32_MAX)
		return 0;
	if (c->nwf + 1 >= c->capwf) {
		size_t nc = c->capwf ? c->capwf * 2 : 1024;
		struct wfacts *nf = mtpe_realloc(c->wf, nc * sizeof(*nf));
		if (!nf)
			return 0;
		c->wf = nf;
		c->capwf = nc;
	}
	if (c->wkeylen + n > c->wkeycap) {
		size_t nc = c->wkeycap ? c->wkeycap * 2 : 16384;
		while (nc < c->wkeylen + n)
			nc *= 2;
		char *nk = mtpe_realloc(c->wkeys, nc);
		if (!nk)
			return 0;
		c->wkeys = nk;
		c->wkeycap = nc;
	}
	if ((c->nwf + 1) * 2 > c->wslotcap) { /* at most half full */
		size_t nc = c->wslotcap ? c->wslotcap * 2 : 4096;
		uint64_t *ns = mtpe_calloc(nc, sizeof(*ns));
		if (!ns)
			return 0;
		for (size_t k = 1; k < c->nwf; k++) {
			size_t j = c->wf[k].hash & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = (uint64_t)c->wf[k].hash << 32 | k;
		}
		free(c->wslot);
		c->wslot = ns;
		c->wslotcap = nc;
	}
	uint32_t idx = (uint32_t)c->nwf++;
	struct wfacts *f = &c->wf[idx];
	memset(f, 0, sizeof(*f));
	f->shape = (uint8_t)shape_of(s, n);
	f->hash = h;
	f->klen = (uint32_t)n;
	f->koff = c->wkeylen;
	memcpy(c->wkeys + c->wkeylen, s, n);
	c->wkeylen += n;
	size_t j = h & (c->wslotcap - 1);
	while (c->wslot[j])
		j = (j + 1) & (c->wslotcap - 1);
	c->wslot[j] = (uint64_t)h << 32 | idx;
	return idx;
}

static void wforms_clear(mtpe_checker *c)
{
	wforms_clear_facts(c);
	strmap_dispose(&c->spell_cache, free_verdict);
}

/* The form (index in c->wf) of each of the run's words, found once per run; NULL when out of memory. */
static const uint32_t *word_forms(struct run *R)
{
	if (R->wid)
		return R->wid;
	mtpe_checker *c = R->c;
	unsigned gen = c->speller ? mtpe_speller_generation(c->speller) : 0;
	if (!c->verdict_lock && (gen != c->speller_gen || c->nwf > WF_MAX_FORMS || c->spell_cache.used > WF_MAX_FORMS)) {
		wforms_clear(c); /* words were added to the speller (review), or the caches are huge */
		c->speller_gen = gen;
	} else if (c->verdict_lock && c->nwf > WF_MAX_FORMS) {
		wforms_clear_facts(c); /* the verdicts are shared with the other threads until the check ends */
	}
	size_t nw = R->seg.nwords;
	uint32_t *wid = NULL;
	if (c->spare_wid && c->spare_widcap >= nw) {
		wid = c->spare_wid;
		R->widcap = c->spare_widcap;
		c->spare_wid = NULL;
	} else {
		free(c->spare_wid); /* too small: room for as many words as the words array has (the next piece's fit) */
		c->spare_wid = NULL;
		size_t cap = R->seg.capwords > nw ? R->seg.capwords : nw ? nw : 1;
		if ((wid = mtpe_malloc(cap * sizeof(*wid))) != NULL) {
			mtpe_prefault(wid, nw * sizeof(*wid));
			R->widcap = cap;
		}
	}
	if (!wid) {
		R->error = MTPE_ENOMEM;
		return NULL;
	}
	R->wid = wid;
	for (size_t i = 0; i < nw; i++) {
		const mtpe_word *w = &R->seg.words[i];
		if (!(wid[i] = form_index(c, R->t + w->start, w->end - w->start))) {
			R->error = MTPE_ENOMEM;
			return NULL;
		}
	}
	return wid;
}

static inline struct wfacts *form_of(const struct run *R, size_t i)
{
	return &R->c->wf[R->wid[i]];
}

static inline enum case_shape shape_at(const struct run *R, size_t i)
{
	return (enum case_shape)form_of(R, i)->shape;
}

/* Is the fact `bit` (WF_TITLE, WF_GIVEN, WF_SURNAME: in `list`; WF_DICT) true of word i? Learnt on first need. */
static bool form_is(struct run *R, size_t i, unsigned bit, const struct wordlist *list)
{
	struct wfacts *f = form_of(R, i);
	if (!(f->known & bit)) {
		const char *s = R->t + R->seg.words[i].start;
		size_t n = R->seg.words[i].end - R->seg.words[i].start;
		bool v = bit == WF_DICT ? dict_words(R, s, n) : in_list(list, s, n, bit != WF_SURNAME);
		f->known |= (uint16_t)bit;
		if (v)
			f->val |= (uint16_t)bit;
	}
	return f->val & bit;
}

static void run_spelling(struct run *R, const struct rule *r)
{
	mtpe_speller *sp = R->c->speller;
	if (!sp)
		return;
	if (!word_forms(R))
		return;
	for (size_t i = 0; i < R->seg.nwords && !R->error; i++) {
		const mtpe_word *w = &R->seg.words[i];
		if (w->kind != MTPE_WORD_LETTER)
			continue;
		/* one verdict per distinct word, skips included */
		struct wfacts *f = form_of(R, i);
		if (!(f->known & WF_SPELL)) {
			if (!(f->sv = form_verdict(R, R->t + w->start, w->end - w->start))) {
				R->error = MTPE_ENOMEM;
				return;
			}
			f->known |= WF_SPELL;
		}
		struct spell_verdict *sv = f->sv;
		if (!sv || sv == &verdict_ok || sv == &verdict_skip || sv->kind == SPELL_OK)
			continue; /* most words */
		const char *s = R->t + w->start;
		size_t n = spell_trim(s, w->end - w->start);
		enum case_shape sh = (enum case_shape)sv->shape;
		if (overlaps_skip(R, w->start, w->start + n))
			continue;
		/* a word next to '.', '/', '@' or '\\' belongs to a path, domain or code */
		if ((w->start > 0 && strchr("./\\@_", R->t[w->start - 1])) ||
		    (w->start + n < R->n && strchr("/\\@_", R->t[w->start + n])) ||
		    (w->start + n + 1 < R->n && R->t[w->start + n] == '.' && c_isalpha((unsigned char)R->t[w->start + n + 1])))
			continue;
		char msg[256];
		enum spell_kind kind = sv->kind;
		/* a part of a hyphenated compound with a capitalized part ("Ai-yai-yai") reads as a name, not a typo */
		if (kind == SPELL_MISSPELLED && sh == SHAPE_LOWER && hyphen_compound_with_capital(R, w->start, w->start + n))
			kind = SPELL_NAME;
		if (kind == SPELL_NAME) {
			if (sh == SHAPE_TITLE)
				snprintf(msg, sizeof(msg), "Unknown word '%.*s', probably a name; check its spelling or add it to the dictionary",
					 (int)n, s);
			else
				snprintf(msg, sizeof(msg), "Unknown word '%.*s', likely a rare or foreign word; check it or add it to the dictionary",
					 (int)n, s);
			char *irepl[MAX_SUGGESTIONS];
			size_t ni = 0;
			for (size_t k = 0; sh != SHAPE_TITLE && sv->sugg && sv->sugg[k] && ni < MAX_SUGGESTIONS; k++)
				irepl[ni++] = mtpe_strdup(sv->sugg[k]);
			add_finding(R, r, MTPE_SEV_INFO, w->start, w->start + n, msg, irepl, ni);
			continue;
		}
		char *repl[MAX_SUGGESTIONS];
		size_t nr = 0;
		for (size_t k = 0; sv->sugg && sv->sugg[k] && nr < MAX_SUGGESTIONS; k++)
			repl[nr++] = mtpe_strdup(sv->sugg[k]);
		snprintf(msg, sizeof(msg), "Possible misspelling: '%.*s' is not in the dictionary", (int)n, s);
		add_finding(R, r, r->severity, w->start, w->start + n, msg, repl, nr);
	}
}

static struct wordlist *list_or_null(mtpe_checker *c, const char *name)
{
	return mtpe_rules__list(c, name, NULL);
}

static bool only_spaces_between(const struct run *R, size_t a, size_t b)
{
	if (b <= a)
		return false;
	for (size_t i = a; i < b; i++)
		if (R->t[i] != ' ')
			return false;
	return true;
}

static const char *const modal_words[] = { "may", "will", "can", "must", "might", "shall", NULL };
static const char *const determiners[] = {
	"a", "an", "the", "this", "that", "these", "those", "his", "her", "its", "their", "our",
	"my", "your", "no", "any", "some", "every", "each", "full", "new", "half", NULL
};

static bool word_in(const char *s, size_t n, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (strlen(set[i]) == n && strncasecmp(set[i], s, n) == 0)
			return true;
	return false;
}

static void add_case_finding(struct run *R, const struct rule *r, size_t s, size_t e, const char *why)
{
	char msg[300];
	size_t ln;
	char *fix = mtpe_case_map(R->t + s, e - s, 't', &ln);
	snprintf(msg, sizeof(msg), "'%.*s' is a name here (%s); names are capitalized", (int)(e - s), R->t + s, why);
	char *repl[1] = { fix };
	add_finding(R, r, r->severity, s, e, msg, repl, fix ? 1 : 0);
}

/*
 * ---- document-level rules ------------------------------------------------
 *
 * name-case, variant-mix and name-variants judge a word by the whole document.
 * Each piece of the text (check_region) gathers what they need into a
 * struct docstats while its words are at hand; at the end the pieces' stats
 * are merged in text order and the findings decided, so the document's words
 * are never all held at once. The result is what one pass over the whole
 * document gives (tests/scripts/jobs-equivalence.sh splits a file in pieces).
 */

struct vhit { size_t start, end; const char *other; bool gb; };
struct nform { uint32_t start, end; size_t count; bool base; };
struct nocc { uint32_t start, end, form; };  /* region offsets (a region is at most 1 GiB: segment.h); form: index in its piece's nf */
struct ncand {
	size_t start, end, after;  /* after: the first byte after the spaces that follow */
	bool flagged, det_before, base_ok, title_next;
	bool first, last;          /* first / last word of its piece: neighbours decided at the end */
};

struct docstats {
	struct vhit *vh; size_t nvh, capvh, nus, ngb;        /* variant-mix */
	struct nform *nf; size_t nnf, capnf;                 /* name-variants: forms in order of first use */
	struct nocc *occ; size_t nocc, capocc;               /* ... every occurrence of a form */
	strmap names, persons;                               /* name-case: lower-cased surnames shown to be names */
	struct ncand *cand; size_t ncand, capcand;           /* ... lower-case surnames to decide at the end */
	bool has_words;
	size_t fws, fwe, lws, lwe;                           /* the piece's first and last word */
};

static void docstats_dispose(struct docstats *st)
{
	free(st->vh);
	free(st->nf);
	free(st->occ);
	strmap_dispose(&st->names, NULL);
	strmap_dispose(&st->persons, NULL);
	free(st->cand);
	memset(st, 0, sizeof(*st));
}

/* Appends *val to arr (n, cap); 0 or MTPE_ENOMEM. */
static int grow_push(void **arr, size_t *n, size_t *cap, size_t size, const void *val)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *na = mtpe_realloc(*arr, nc * size);
		if (!na)
			return MTPE_ENOMEM;
		*arr = na;
		*cap = nc;
	}
	memcpy((char *)*arr + *n * size, val, size);
	(*n)++;
	return 0;
}
#define PUSH_TO(R, arr, n, cap, val) \
	do { if (grow_push((void **)&(arr), &(n), &(cap), sizeof(*(arr)), &(val)) < 0) (R)->error = MTPE_ENOMEM; } while (0)

static void put_lower(struct run *R, strmap *m, const char *s, size_t n)
{
	size_t ln;
	char *low = lower_dup(s, n, &ln);
	if (!low || strmap_put(m, low, ln, (void *)1) < 0)
		R->error = MTPE_ENOMEM;
	free(low);
}

/* name-case: does the word q after a lower-case surname make it read as a person? */
static void next_word_verdict(const struct run *R, size_t qs0, size_t qe0, size_t after, bool *base_ok, bool *title_next)
{
	const char *qs = R->t + qs0;
	size_t qn = qe0 - qs0;
	if (shape_of(qs, qn) == SHAPE_LOWER && qn > 3 &&
	    (!strncmp(qs + qn - 2, "ed", 2) || (qs[qn - 1] == 's' && qs[qn - 2] != 's') ||
	     word_in(qs, qn, (const char *const[]){ "said", "told", "wrote", "met", "sent", "took", "gave", "made", "spoke", "held", "became", "left", "won", "lost", "will", "would", "has", "had", "was", "is", NULL })))
		*base_ok = true;
	if (shape_of(qs, qn) == SHAPE_TITLE && qs0 == after)
		*title_next = true; /* "trump Tower" is unclear; only with direct evidence */
}

/* name-case, direct evidence on word i (lower-case first letter): a finding now; true if it made one. */
static bool name_case_direct(struct run *R, const struct rule *r, struct docstats *st, size_t i, const struct wordlist *titles,
			     const struct wordlist *given, const struct wordlist *sur)
{
	const mtpe_word *w = &R->seg.words[i];
	const char *s = R->t + w->start;
	size_t n = w->end - w->start;
	/* cheap tests first: a capitalized title or given name before, or a hyphenated name part after */
	bool ptitle = false, pgiven = false, next_part = false;
	if (i > 0 && only_spaces_between(R, R->seg.words[i - 1].end, w->start)) {
		if (c_isupper((unsigned char)R->t[R->seg.words[i - 1].start])) {
			ptitle = form_is(R, i - 1, WF_TITLE, titles);
			pgiven = form_is(R, i - 1, WF_GIVEN, given);
		}
	}
	if (i + 1 < R->seg.nwords) {
		const mtpe_word *q = &R->seg.words[i + 1];
		next_part = c_isupper((unsigned char)R->t[q->start]) && (size_t)q->end + 1 < R->n && R->t[q->end] == '-' &&
			    c_isalpha((unsigned char)R->t[q->end + 1]) && only_spaces_between(R, w->end, q->start);
	}
	if (!ptitle && !pgiven && !next_part)
		return false;
	if (shape_at(R, i) != SHAPE_LOWER)
		return false;
	bool surname = form_is(R, i, WF_SURNAME, sur);
	bool known = form_is(R, i, WF_DICT, NULL);
	const char *why = NULL;
	if ((surname || !known) && pgiven)
		why = "after a given name";
	else if ((surname || !known) && ptitle && !word_in(s, n, modal_words))
		why = "after a title";
	if (!why && surname && next_part && !sentence_start(R, w->start)) {
		/* "moon Jae-in", "park Geun-hye": a capitalized, hyphenated name part follows */
		if (shape_at(R, i + 1) == SHAPE_TITLE && !form_is(R, i + 1, WF_DICT, NULL))
			why = "before the rest of a name";
	}
	if (!why)
		return false;
	add_case_finding(R, r, w->start, w->end, why);
	if (surname)
		put_lower(R, &st->names, s, n);
	return true;
}

/* name-case: a lower-case surname at word i is kept, with its surroundings, for the end of the document to decide. */
static void name_case_candidate(struct run *R, struct docstats *st, size_t i, bool flagged, const struct wordlist *sur)
{
	const mtpe_word *w = &R->seg.words[i];
	const char *s = R->t + w->start;
	size_t n = w->end - w->start;
	if (!form_is(R, i, WF_SURNAME, sur) || shape_at(R, i) != SHAPE_LOWER || word_in(s, n, modal_words))
		return;
	struct ncand c;
	memset(&c, 0, sizeof(c));
	c.start = w->start;
	c.end = w->end;
	c.flagged = flagged;
	/* looks like a person in this sentence: no determiner before, a verb or punctuation after */
	if (i > 0) {
		const mtpe_word *p = &R->seg.words[i - 1];
		c.det_before = word_in(R->t + p->start, p->end - p->start, determiners);
	} else {
		c.first = true;
	}
	size_t after = w->end;
	while (after < R->n && R->t[after] == ' ')
		after++;
	c.after = after;
	if (after >= R->n || strchr(",.;:!?)\"'", R->t[after]) || !strncmp(R->t + after, "\xE2\x80\x99", 3) ||
	    !strncmp(R->t + after, "\xE2\x80\x9D", 3))
		c.base_ok = true;
	else if (i + 1 < R->seg.nwords)
		next_word_verdict(R, R->seg.words[i + 1].start, R->seg.words[i + 1].end, after, &c.base_ok, &c.title_next);
	else
		c.last = true;
	PUSH_TO(R, st->cand, st->ncand, st->capcand, c);
}

/*
 * name-case, in a piece, in one pass over the words: the direct evidence
 * (findings now), surnames capitalized after a given name or title elsewhere
 * ("Donald Trump": evidence too), and the lower-case surnames the rest of the
 * document decides.
 */
static void collect_name_case(struct run *R, const struct rule *r, struct docstats *st)
{
	struct wordlist *titles = list_or_null(R->c, "titles"), *given = list_or_null(R->c, "given-names"),
			*sur = list_or_null(R->c, "surnames-english");
	if (!titles || !given || !sur)
		return;
	if (!word_forms(R))
		return;
	for (size_t i = 0; i < R->seg.nwords && !R->error; i++) {
		const mtpe_word *w = &R->seg.words[i];
		const char *s = R->t + w->start;
		if (c_isupper((unsigned char)s[0])) {
			const mtpe_word *p = i ? &R->seg.words[i - 1] : NULL;
			if (p && c_isupper((unsigned char)R->t[p->start]) && only_spaces_between(R, p->end, w->start) &&
			    (form_is(R, i - 1, WF_GIVEN, given) || form_is(R, i - 1, WF_TITLE, titles)) &&
			    shape_at(R, i) == SHAPE_TITLE && form_is(R, i, WF_SURNAME, sur))
				put_lower(R, &st->persons, s, w->end - w->start);
			continue;
		}
		if (w->kind != MTPE_WORD_LETTER)
			continue;
		bool flagged = name_case_direct(R, r, st, i, titles, given, sur);
		if (c_islower((unsigned char)s[0]) && !R->error)
			name_case_candidate(R, st, i, flagged, sur);
	}
}

static void finish_name_case(struct run *G, const struct rule *r, struct docstats *sts, size_t nk)
{
	strmap names = { 0 }, persons = { 0 };
	for (size_t k = 0; k < nk && !G->error; k++) {
		for (size_t j = 0; j < sts[k].names.cap; j++)
			if (sts[k].names.slots[j].key && strmap_put(&names, sts[k].names.slots[j].key, sts[k].names.slots[j].len, (void *)1) < 0)
				G->error = MTPE_ENOMEM;
		for (size_t j = 0; j < sts[k].persons.cap; j++)
			if (sts[k].persons.slots[j].key && strmap_put(&persons, sts[k].persons.slots[j].key, sts[k].persons.slots[j].len, (void *)1) < 0)
				G->error = MTPE_ENOMEM;
	}
	/* pass 2: other lower-case occurrences of a name established in this document */
	for (size_t k = 0; (names.used || persons.used) && k < nk && !G->error; k++) {
		for (size_t i = 0; i < sts[k].ncand && !G->error; i++) {
			struct ncand *c = &sts[k].cand[i];
			const char *s = G->t + c->start;
			size_t n = c->end - c->start;
			if (c->flagged)
				continue;
			bool established = strmap_get(&names, s, n) != NULL;
			bool capped = strmap_get(&persons, s, n) != NULL;
			if (!established && !capped)
				continue;
			size_t pk = k, nx = k;
			if (c->first) { /* the word before is the last of an earlier piece */
				while (pk > 0 && !sts[pk - 1].has_words)
					pk--;
				c->det_before = pk > 0 && word_in(G->t + sts[pk - 1].lws, sts[pk - 1].lwe - sts[pk - 1].lws, determiners);
			}
			if (c->det_before)
				continue;
			if (c->last) { /* the word after is the first of a later piece */
				while (nx + 1 < nk && !sts[nx + 1].has_words)
					nx++;
				if (nx + 1 < nk)
					next_word_verdict(G, sts[nx + 1].fws, sts[nx + 1].fwe, c->after, &c->base_ok, &c->title_next);
			}
			bool ok = c->title_next ? established : c->base_ok;
			if (ok)
				add_case_finding(G, r, c->start, c->end,
						 established ? "written as a name elsewhere in this document" : "written as a person's name elsewhere in this document");
		}
	}
	strmap_dispose(&names, NULL);
	strmap_dispose(&persons, NULL);
}

static char *match_case(const char *model, size_t mn, const char *repl)
{
	enum case_shape sh = shape_of(model, mn);
	size_t ln;
	if (sh == SHAPE_UPPER)
		return mtpe_case_map(repl, strlen(repl), 'u', &ln);
	if (sh == SHAPE_TITLE)
		return mtpe_case_map(repl, strlen(repl), 't', &ln);
	return mtpe_strdup(repl);
}

/* variant-mix, in a piece: the words that have a counterpart in the other variety */
/* Learns whether word form f (s, n bytes) is a variant word: f->other, f->gb. */
static void learn_variant(const mtpe_checker *c, struct wfacts *f, const char *t, size_t n)
{
	f->known |= WF_VARIANT;
	f->other = NULL;
	if (n > 40 || n < 4)
		return;
	char low[64];
	unsigned b = variant_sig((unsigned char)c_tolower((unsigned char)t[0]), (unsigned char)c_tolower((unsigned char)t[1]),
				 (unsigned char)c_tolower((unsigned char)t[n - 1]), n);
	if (!(c->variant_sig[b >> 6] >> (b & 63) & 1))
		return; /* not a variant word (tolower only changes ASCII: the signature is exact) */
	for (size_t k = 0; k < n; k++)
		low[k] = (char)c_tolower((unsigned char)t[k]);
	void **us = strmap_get(&c->gb2us, low, n); /* the word is GB */
	void **gb = us ? NULL : strmap_get(&c->us2gb, low, n); /* the word is US */
	if (!us && !gb)
		return;
	if (us && strmap_get(&c->us2gb, low, n))
		return; /* the same spelling in both varieties */
	f->other = us ? *us : *gb;
	f->gb = us != NULL;
}

static void collect_variant_mix(struct run *R, struct docstats *st)
{
	if (!word_forms(R))
		return;
	for (size_t i = 0; i < R->seg.nwords && !R->error; i++) {
		const mtpe_word *w = &R->seg.words[i];
		if (w->kind != MTPE_WORD_LETTER)
			continue;
		struct wfacts *f = form_of(R, i);
		if (!(f->known & WF_VARIANT))
			learn_variant(R->c, f, R->t + w->start, w->end - w->start);
		if (!f->other)
			continue;
		struct vhit h = { w->start, w->end, f->other, f->gb };
		PUSH_TO(R, st->vh, st->nvh, st->capvh, h);
		if (f->gb)
			st->ngb++;
		else
			st->nus++;
	}
}

/* The findings of pieces [k0, k1) (the counts are the whole document's): a job may take part of the pieces. */
static void finish_variant_mix(struct run *G, const struct rule *r, struct docstats *sts, size_t nk, size_t k0, size_t k1)
{
	size_t nus = 0, ngb = 0;
	for (size_t k = 0; k < nk; k++) {
		nus += sts[k].nus;
		ngb += sts[k].ngb;
	}
	if (!nus || !ngb)
		return;
	bool flag_gb = ngb <= nus, flag_us = nus <= ngb;
	for (size_t k = k0; k < k1; k++)
		for (size_t j = 0; j < sts[k].nvh && !G->error; j++) {
			const struct vhit *h = &sts[k].vh[j];
			size_t n = h->end - h->start;
			char msg[300];
			if (h->gb ? !flag_gb : !flag_us) {
				/* the majority form: shown as info, so the whole mix is visible */
				snprintf(msg, sizeof(msg), "%s spelling '%.*s'; this document mixes American and British spelling (%zu American, %zu British)",
					 h->gb ? "British" : "American", (int)n, G->t + h->start, nus, ngb);
				add_finding(G, r, MTPE_SEV_INFO, h->start, h->end, msg, NULL, 0);
				continue;
			}
			char *fix = match_case(G->t + h->start, n, h->other);
			snprintf(msg, sizeof(msg), "%s spelling '%.*s' in a document that also uses %s spellings (%zu American, %zu British); use '%s'",
				 h->gb ? "British" : "American", (int)n, G->t + h->start, h->gb ? "American" : "British",
				 nus, ngb, h->other);
			char *repl[1] = { fix };
			add_finding(G, r, r->severity, h->start, h->end, msg, repl, fix ? 1 : 0);
		}
}

static size_t name_key(const char *w, size_t n, char *key, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		char c = (char)c_tolower((unsigned char)w[i]);
		char d = i + 1 < n ? (char)c_tolower((unsigned char)w[i + 1]) : 0;
		if (c == 'k' && d == 's') {
			key[k++] = 'x';
			i++;
		} else if (c == 'y' && (d == 'o' || d == 'e') && (i == 0 || strchr("aeiouy", c_tolower((unsigned char)w[i - 1])))) {
			key[k++] = 'e';
			i++;
		} else if (c == 'y' && d == 'o') {
			key[k++] = 'e';
			i++;
		} else {
			key[k++] = c;
		}
	}
	/* endings */
	while (k > 1 && strchr("iy", key[k - 1]))
		k--;
	if (k > 1 && key[k - 1] == 'e' && n > 2 && strchr("iy", c_tolower((unsigned char)w[n - 1])))
		k--; /* -ei / -ey */
	key[k] = '\0';
	return k >= 3 ? k : 0;
}

/* Two spellings of a name count as a mix only this close (bytes): about one news article. */
#define NAME_WINDOW 3000

/* name-variants, in a piece: capitalized words the dictionary lacks, as forms (first use, count) and occurrences */
static void collect_name_variants(struct run *R, struct docstats *st)
{
	if (!word_forms(R))
		return;
	uint32_t run = ++R->c->nv_runs ? R->c->nv_runs : ++R->c->nv_runs; /* marks the forms met in this piece (never 0) */
	for (size_t i = 0; i < R->seg.nwords && !R->error; i++) {
		const mtpe_word *w = &R->seg.words[i];
		const char *s = R->t + w->start;
		size_t n = w->end - w->start;
		if (w->kind != MTPE_WORD_LETTER || n < 4 || n > 40 || !c_isupper((unsigned char)s[0]) || shape_at(R, i) != SHAPE_TITLE)
			continue;
		if (form_is(R, i, WF_DICT, NULL))
			continue; /* a common word, not a name */
		struct wfacts *f = form_of(R, i);
		if (f->nv_run == run) { /* seen in this piece: its form, or no name key */
			if (!f->nv_form)
				continue;
			struct nocc o = { w->start, w->end, f->nv_form - 1 };
			st->nf[o.form].count++;
			PUSH_TO(R, st->occ, st->nocc, st->capocc, o);
			continue;
		}
		f->nv_run = run;
		f->nv_form = 0;
		char key[64];
		if (!name_key(s, n, key, sizeof(key)))
			continue;
		struct nform nf = { w->start, w->end, 1, R->c->speller && mtpe_speller_is_base_word(R->c->speller, s, n) };
		PUSH_TO(R, st->nf, st->nnf, st->capnf, nf);
		if (R->error)
			break;
		f->nv_form = (uint32_t)st->nnf;
		struct nocc o = { w->start, w->end, (uint32_t)(st->nnf - 1) };
		PUSH_TO(R, st->occ, st->nocc, st->capocc, o);
	}
}

struct gform {
	size_t start, end, count;
	char *key;
	bool base;
	uint32_t *at; size_t nat, capat;  /* starts of its occurrences, in text order */
};

/* Is there an occurrence of g starting within NAME_WINDOW bytes of pos? */
static bool occurs_near(const struct gform *g, size_t pos)
{
	size_t lo = 0, hi = g->nat, from = pos > NAME_WINDOW ? pos - NAME_WINDOW : 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (g->at[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nat && g->at[lo] <= pos + NAME_WINDOW;
}

static void finish_name_variants(struct run *G, const struct rule *r, struct docstats *sts, size_t nk)
{
	strmap forms = { 0 };   /* spelling -> index + 1 into all */
	strmap best = { 0 };    /* key -> struct gform * (the majority spelling) */
	struct gform *all = NULL;
	size_t nall = 0, capall = 0;
	uint32_t **gix = mtpe_calloc(nk ? nk : 1, sizeof(*gix)); /* piece k's form j is all[gix[k][j]] */
	if (!gix)
		G->error = MTPE_ENOMEM;
	/* the forms in order of first use in the document, with their counts */
	for (size_t k = 0; k < nk && !G->error; k++) {
		if (!(gix[k] = mtpe_malloc((sts[k].nnf ? sts[k].nnf : 1) * sizeof(uint32_t)))) {
			G->error = MTPE_ENOMEM;
			break;
		}
		for (size_t j = 0; j < sts[k].nnf && !G->error; j++) {
			const struct nform *nf = &sts[k].nf[j];
			void **f = strmap_get(&forms, G->t + nf->start, nf->end - nf->start);
			if (f) {
				gix[k][j] = (uint32_t)((uintptr_t)*f - 1);
				all[gix[k][j]].count += nf->count;
				continue;
			}
			char key[64];
			name_key(G->t + nf->start, nf->end - nf->start, key, sizeof(key)); /* as when it was gathered */
			struct gform g = { nf->start, nf->end, nf->count, mtpe_strdup(key), nf->base, NULL, 0, 0 };
			if (!g.key) {
				G->error = MTPE_ENOMEM;
				break;
			}
			PUSH_TO(G, all, nall, capall, g);
			if (G->error) {
				free(g.key);
				break;
			}
			if (!G->error && strmap_put(&forms, G->t + nf->start, nf->end - nf->start, (void *)(uintptr_t)nall) < 0)
				G->error = MTPE_ENOMEM;
			gix[k][j] = (uint32_t)(nall - 1);
		}
	}
	for (size_t k = 0; k < nall && !G->error; k++)
		if (!strmap_get(&best, all[k].key, strlen(all[k].key)) &&
		    strmap_put(&best, all[k].key, strlen(all[k].key), (void *)(uintptr_t)(k + 1)) < 0)
			G->error = MTPE_ENOMEM;
	/* the majority spelling of each key (the first one on a tie) */
	for (size_t k = 0; k < nall && !G->error; k++) {
		void **b = strmap_get(&best, all[k].key, strlen(all[k].key));
		if (b && all[k].count > all[(size_t)(uintptr_t)*b - 1].count)
			*b = (void *)(uintptr_t)(k + 1);
	}
	uint32_t *best_of = G->error ? NULL : mtpe_malloc((nall ? nall : 1) * sizeof(uint32_t)); /* index + 1, 0: none */
	if (!best_of)
		G->error = MTPE_ENOMEM;
	for (size_t k = 0; k < nall && !G->error; k++) {
		void **b = strmap_get(&best, all[k].key, strlen(all[k].key));
		best_of[k] = b ? (uint32_t)(uintptr_t)*b : 0;
	}
	/* where each form occurs */
	for (size_t k = 0; k < nk && !G->error; k++)
		for (size_t j = 0; j < sts[k].nocc && !G->error; j++) {
			const struct nocc *o = &sts[k].occ[j];
			struct gform *g = &all[gix[k][o->form]];
			PUSH_TO(G, g->at, g->nat, g->capat, o->start);
		}
	for (size_t k = 0; k < nk && !G->error; k++)
		for (size_t j = 0; j < sts[k].nocc && !G->error; j++) {
			const struct nocc *o = &sts[k].occ[j];
			size_t n = o->end - o->start;
			struct gform *nf = &all[gix[k][o->form]];
			uint32_t b = best_of[gix[k][o->form]];
			struct gform *bf = b ? &all[b - 1] : NULL;
			if (!bf || bf == nf || (nf->base && bf->base))
				continue; /* two spellings the dictionary knows are two words (Israel, Israeli) */
			/* only within one article's reach: the other spelling within NAME_WINDOW bytes */
			if (!occurs_near(bf, o->start))
				continue;
			char msg[300];
			snprintf(msg, sizeof(msg), "'%.*s' is spelled '%.*s' elsewhere in this document; use one spelling",
				 (int)n, G->t + o->start, (int)(bf->end - bf->start), G->t + bf->start);
			char *repl[1] = { mtpe_strndup(G->t + bf->start, bf->end - bf->start) };
			add_finding(G, r, r->severity, o->start, o->end, msg, repl, 1);
		}
	for (size_t k = 0; k < nall; k++) {
		free(all[k].at);
		free(all[k].key);
	}
	free(all);
	for (size_t k = 0; gix && k < nk; k++)
		free(gix[k]);
	free(gix);
	free(best_of);
	strmap_dispose(&forms, NULL);
	strmap_dispose(&best, NULL);
}

/*
 * The glossary matches in [start, end): the lines there are whole and no match
 * spans a line, so the subject may end at end.
 */
static void run_glossary_lines(struct run *R, const struct rule *r, size_t start, size_t end)
{
	pcre2_match_data *md = R->c->md;
	while (start < end && !R->error) {
		int rc = pcre2_match(R->c->glossary_re, (PCRE2_SPTR)R->t, end, start, PCRE2_NO_UTF_CHECK, md, R->c->mctx);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t s = ov[0], e = ov[1];
		start = e > s ? e : s + 1;
		/* normalise runs of blanks to one space for the lookup */
		char key[512];
		size_t w = 0;
		for (size_t i = s; i < e && w < sizeof(key); i++)
			if (!(R->t[i] == ' ' || R->t[i] == '\t') || (w && key[w - 1] != ' '))
				key[w++] = (R->t[i] == '\t') ? ' ' : R->t[i];
		void **canon = strmap_get(&R->c->glossary, key, w);
		if (!canon || overlaps_skip(R, s, e))
			continue;
		if (strlen(*canon) == e - s && !memcmp(*canon, R->t + s, e - s))
			continue;
		char msg[300];
		snprintf(msg, sizeof(msg), "Use the canonical form '%s' instead of '%.*s'", (char *)*canon, (int)(e - s), R->t + s);
		char *repl[1] = { mtpe_strdup(*canon) };
		add_finding(R, r, r->severity, s, e, msg, repl, 1);
	}
}

static void run_glossary(struct run *R, const struct rule *r)
{
	mtpe_ac_hits hits;
	if (!R->c->glossary_ac || R->n - R->from < JIT_MIN_TEXT ||
	    mtpe_ac_scan(R->c->glossary_ac, R->t + R->from, R->n - R->from, &hits) < 0) {
		run_glossary_lines(R, r, R->from, R->n);
		return;
	}
	/*
	 * A match starts in a range (where it may start: see build_glossary_ac) and
	 * ends on its line: each line is searched from its first range on, once.
	 */
	size_t done = R->from;
	for (size_t i = 0; i < hits.nranges[0] && !R->error; i++) {
		size_t a = R->from + hits.ranges[0][i].start, b = R->from + hits.ranges[0][i].end;
		const char *nl = memchr(R->t + b, '\n', R->n - b);
		size_t le = nl ? (size_t)(nl - R->t) + 1 : R->n; /* the line's end included, as before */
		if (a < done)
			a = done;
		if (a >= le)
			continue;
		run_glossary_lines(R, r, a, le);
		done = le;
	}
	mtpe_ac_hits_dispose(&hits);
}

static void run_cyrillic(struct run *R, const struct rule *r)
{
	size_t i = R->from;
	while (i < R->n && !R->error) {
		if (!((unsigned char)R->t[i] & 0x80)) {
			i += ascii_run(R->t + i, R->n - i); /* no Cyrillic there */
			continue;
		}
		size_t l;
		uint32_t cp = mtpe_utf8_decode(R->t + i, R->n - i, &l);
		if (cp < 0x400 || !mtpe_is_cyrillic(cp)) {
			i += l;
			continue;
		}
		/* the word around it: a Latin word with Cyrillic letters is mixed-script's */
		size_t ws = i;
		while (ws > 0) {
			size_t k = ws - 1;
			while (k > 0 && ((unsigned char)R->t[k] & 0xC0) == 0x80)
				k--;
			size_t kl;
			uint32_t pc = mtpe_utf8_decode(R->t + k, R->n - k, &kl);
			if (!mtpe_is_letter(pc))
				break;
			ws = k;
		}
		size_t e = i;
		bool latin = false;
		for (size_t k = ws; k < i;) {
			size_t kl;
			uint32_t pc = mtpe_utf8_decode(R->t + k, R->n - k, &kl);
			if (pc < 0x250)
				latin = true;
			k += kl;
		}
		/* extend over Cyrillic words and the spaces/punctuation between them */
		size_t last_end = i;
		while (e < R->n) {
			uint32_t c2 = mtpe_utf8_decode(R->t + e, R->n - e, &l);
			if (mtpe_is_letter(c2)) {
				if (c2 < 0x250 && c2 >= 'A')
					latin = true;
				e += l;
				last_end = e;
			} else if (c2 == ' ' || c2 == '-' || c2 == ',') {
				/* continue only if a Cyrillic letter follows */
				size_t k = e + l, kl;
				while (k < R->n && R->t[k] == ' ')
					k++;
				if (k < R->n && mtpe_is_cyrillic(mtpe_utf8_decode(R->t + k, R->n - k, &kl)) && c2 != ',')
					e = k;
				else
					break;
			} else {
				break;
			}
		}
		if (!latin && !overlaps_skip(R, ws, last_end))
			add_finding(R, r, r->severity, ws, last_end, NULL, NULL, 0);
		i = last_end > i ? last_end : i + 1;
	}
}

static uint32_t latin_lookalike(uint32_t cp)
{
	static const uint32_t map[][2] = {
		{ 0x430, 'a' }, { 0x435, 'e' }, { 0x43E, 'o' }, { 0x440, 'p' }, { 0x441, 'c' }, { 0x443, 'y' },
		{ 0x445, 'x' }, { 0x410, 'A' }, { 0x412, 'B' }, { 0x415, 'E' }, { 0x41A, 'K' }, { 0x41C, 'M' },
		{ 0x41D, 'H' }, { 0x41E, 'O' }, { 0x420, 'P' }, { 0x421, 'C' }, { 0x422, 'T' }, { 0x425, 'X' },
		{ 0x456, 'i' }, { 0x406, 'I' }, { 0x458, 'j' }, { 0x455, 's' }, { 0x405, 'S' }, { 0x4BB, 'h' },
		{ 0x3BF, 'o' }, { 0x39F, 'O' }, { 0x391, 'A' }, { 0x392, 'B' }, { 0x395, 'E' }, { 0x397, 'H' },
		{ 0x399, 'I' }, { 0x39A, 'K' }, { 0x39C, 'M' }, { 0x39D, 'N' }, { 0x3A1, 'P' }, { 0x3A4, 'T' },
		{ 0x3A7, 'X' }, { 0x3A5, 'Y' }, { 0x396, 'Z' }, { 0x3B1, 'a' },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == cp)
			return map[i][1];
	return 0;
}

/* The first word ending after pos (words are in text order), or nwords. */
static size_t word_after(const struct run *R, size_t pos)
{
	size_t lo = 0, hi = R->seg.nwords;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (R->seg.words[mid].end <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void run_mixed_script(struct run *R, const struct rule *r)
{
	/* only a word with a non-ASCII byte can mix scripts: from one such byte to the next */
	for (size_t at = R->from; !R->error;) {
		at += ascii_run(R->t + at, R->n - at);
		size_t i = at < R->n ? word_after(R, at) : R->seg.nwords;
		if (i >= R->seg.nwords)
			break;
		const mtpe_word *w = &R->seg.words[i];
		if (w->start > at) { /* not in a word ("“", "—"): the next byte */
			at++;
			continue;
		}
		at = w->end;
		const char *s = R->t + w->start;
		size_t n = w->end - w->start;
		bool latin = false, other = false, fixable = true;
		for (size_t k = 0; k < n;) {
			size_t l;
			uint32_t cp = mtpe_utf8_decode(s + k, n - k, &l);
			k += l;
			if (!mtpe_is_letter(cp))
				continue;
			if (cp < 0x250)
				latin = true;
			else if ((cp >= 0x370 && cp < 0x530)) {
				other = true;
				if (!latin_lookalike(cp))
					fixable = false;
			}
		}
		if (!latin || !other)
			continue;
		mtpe_buf fix = MTPE_BUF_INIT;
		for (size_t k = 0; k < n;) {
			size_t l;
			uint32_t cp = mtpe_utf8_decode(s + k, n - k, &l);
			uint32_t lk = (cp >= 0x370 && cp < 0x530) ? latin_lookalike(cp) : 0;
			if (lk)
				mtpe_buf_putc(&fix, (char)lk);
			else
				mtpe_buf_put(&fix, s + k, l);
			k += l;
		}
		char msg[300];
		snprintf(msg, sizeof(msg), "'%.*s' mixes Latin letters with Cyrillic or Greek look-alikes", (int)n, s);
		char *repl[1] = { fixable ? mtpe_buf_detach(&fix) : NULL };
		mtpe_buf_dispose(&fix);
		add_finding(R, r, r->severity, w->start, w->end, msg, repl, repl[0] ? 1 : 0);
	}
}

/* Source-aware checks (source_checks.c) report through this. */
struct src_run {
	struct run *R;
	const struct rule *r;
};

static void src_emit(void *data, size_t s, size_t e, const char *message, const char *replacement)
{
	struct src_run *x = data;
	char *repl[1] = { replacement ? mtpe_strdup(replacement) : NULL };
	add_finding(x->R, x->r, x->r->severity, s, e, message, repl, repl[0] ? 1 : 0);
}

static void run_source_check(struct run *R, const struct rule *r)
{
	struct src_run x = { R, r };
	if (!R->reg->source)
		return;
	if (!R->c->srcctx && !R->c->srcctx_error.code && mtpe_source_ctx_new(&R->c->srcctx, R->c->data_dir, &R->c->srcctx_error) < 0)
		R->c->srcctx_error.code = R->c->srcctx_error.code ? R->c->srcctx_error.code : MTPE_ENOMEM;
	if (!R->c->srcctx) {
		R->error = R->c->srcctx_error.code;
		return;
	}
	switch (r->builtin) {
	case BUILTIN_SRC_NUMBERS: mtpe_source_check_numbers(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	case BUILTIN_SRC_UNTRANSLATED: mtpe_source_check_untranslated(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	case BUILTIN_SRC_PLACEHOLDERS: mtpe_source_check_placeholders(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	case BUILTIN_SRC_BRACKETS: mtpe_source_check_brackets(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	case BUILTIN_SRC_NEGATION: mtpe_source_check_negation(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	case BUILTIN_SRC_GLOSSARY: mtpe_source_check_glossary(R->c->srcctx, R->doc, R->reg, src_emit, &x); break;
	default: break;
	}
}

/* Document-level rules need the whole region: names and spellings established elsewhere in it. */
static bool rule_is_global(const struct rule *r)
{
	if (r->builtin == BUILTIN_NAME_CASE || r->builtin == BUILTIN_VARIANT_MIX || r->builtin == BUILTIN_NAME_VARIANTS)
		return true;
	for (size_t i = 0; i < r->nconds; i++)
		if (r->conds[i].kind == COND_DOC_CAPITALIZED)
			return true;
	return false;
}

static void run_builtin(struct run *R, size_t i)
{
	mtpe_checker *c = R->c;
	struct rule *r = &c->rules[i];
	double t0 = clock_if_timing(c);
	switch (r->builtin) {
	case BUILTIN_NONE: break; /* run_pattern_window */
	case BUILTIN_SPELLING: run_spelling(R, r); break;
	case BUILTIN_NAME_CASE: case BUILTIN_VARIANT_MIX: case BUILTIN_NAME_VARIANTS:
		break; /* document-level: gathered per piece, decided in check_region */
	case BUILTIN_GLOSSARY: run_glossary(R, r); break;
	case BUILTIN_CYRILLIC: run_cyrillic(R, r); break;
	case BUILTIN_MIXED_SCRIPT: run_mixed_script(R, r); break;
	case BUILTIN_SRC_NUMBERS: case BUILTIN_SRC_UNTRANSLATED: case BUILTIN_SRC_PLACEHOLDERS:
	case BUILTIN_SRC_BRACKETS: case BUILTIN_SRC_NEGATION: case BUILTIN_SRC_GLOSSARY:
		run_source_check(R, r);
		break;
	}
	rule_timed(c, r, t0);
}

/* Segments t[from, to) into R->seg with region offsets, and finds the URL-like spans there. */
static int prepare(struct run *R, mtpe_error *err)
{
	mtpe_checker *c = R->c;
	if (!c->aux_jit && c->text_seen + (R->n - R->from) >= JIT_MIN_TEXT) {
		c->aux_jit = true;
		if (c->speller) /* a long text will meet words of the other variety: read it meanwhile */
			mtpe_speller_prefetch_variety(c->speller);
		if (c->skip_re)
			pcre2_jit_compile(c->skip_re, PCRE2_JIT_COMPLETE);
		if (c->glossary_re)
			pcre2_jit_compile(c->glossary_re, PCRE2_JIT_COMPLETE);
	}
	if (c->spare_words && !R->seg.words) {
		R->seg.words = c->spare_words;
		R->seg.capwords = c->spare_cap;
		c->spare_words = NULL;
	}
	int error = R->lazy_sentences ? mtpe_segment_words_at(&R->seg, R->t + R->from, R->n - R->from, R->from, err)
				      : mtpe_segment_at(&R->seg, R->t + R->from, R->n - R->from, R->from, err);
	if (error < 0)
		return error;
	find_skips(R);
	return 0;
}

/* Pattern rules run window by window: the prefilter's ranges stay small and the text stays in cache. */
#define RULE_WINDOW ((size_t)256 << 10)

/* Texts up to this long are searched for each rule's literals directly. */
#define SHORT_TEXT 2048

/* Does one of r's literals (lower-case) occur in the lower-cased text? Rules without literals: yes. */
static bool literal_in(const struct rule *r, const char *low, size_t n)
{
	if (!r->nanchors)
		return true;
	for (size_t i = 0; i < r->nanchors; i++) {
		const char *a = r->anchors[i];
		size_t an = strlen(a);
		for (const char *p = low; an && (size_t)(low + n - p) >= an && (p = memchr(p, a[0], (size_t)(low + n - p - an + 1)));
		     p++)
			if (!memcmp(p, a, an))
				return true;
	}
	return false;
}

static bool wanted(const struct rule *r, int which)
{
	return r->enabled && (!which || rule_is_global(r) == (which == 2));
}

/* Runs the rules (`which`: 0 all, 1 local only, 2 document-level only) over R's range. */
static void run_builtins(struct run *R, int which)
{
	for (size_t i = 0; i < R->c->nrules && !R->error; i++)
		if (R->c->rules[i].builtin != BUILTIN_NONE && wanted(&R->c->rules[i], which))
			run_builtin(R, i);
}

static void run_rules(struct run *R, int which)
{
	mtpe_checker *c = R->c;
	c->text_seen += R->n - R->from;
	bool allowed = !getenv("MTPE_NO_PREFILTER"); /* tests compare with and without */
	bool prefilter = c->text_seen >= JIT_MIN_TEXT && allowed;
	if (prefilter && c->share_lock && !c->ac_ready) { /* a parallel check: one automaton, the leader's */
		pthread_mutex_lock(c->share_lock);
		mtpe_checker *L = c->leader ? c->leader : c;
		if (!L->ac_tried)
			build_prefilter(L);
		if (L != c) {
			c->ac = L->ac;
			c->ac_tried = true;
			c->ac_borrowed = true;
		}
		c->ac_ready = true;
		pthread_mutex_unlock(c->share_lock);
	}
	if (prefilter && !c->ac_tried)
		build_prefilter(c);
	/*
	 * In a parallel check the other threads run the built-in checks (spelling
	 * first of all) before the patterns: meanwhile the leader compiles the
	 * patterns they will borrow, and learns no word they are learning. The
	 * order makes no difference to the findings (they are sorted; no rule
	 * reads another's).
	 */
	bool builtins_first = c->leader != NULL;
	if (builtins_first)
		run_builtins(R, which);
	size_t *resume = mtpe_calloc(c->nrules ? c->nrules : 1, sizeof(size_t));
	if (!resume) {
		R->error = MTPE_ENOMEM;
		return;
	}
	/*
	 * A short text gets no automaton; still, a rule none of whose literals is in
	 * it cannot match (what the prefilter relies on): it is not even compiled.
	 */
	char *low = NULL;
	size_t nlow = R->n - R->from;
	if (!prefilter && nlow <= SHORT_TEXT && allowed && (low = mtpe_malloc(nlow + 1)) != NULL) {
		for (size_t i = 0; i < nlow; i++)
			low[i] = (char)c_tolower((unsigned char)R->t[R->from + i]);
		low[nlow] = '\0';
	}
	for (size_t ws = R->from, we; ws < R->n && !R->error; ws = we) {
		we = R->n;
		if (R->n - ws > RULE_WINDOW + RULE_WINDOW / 2) { /* windows end at a line end */
			const char *nl = memchr(R->t + ws + RULE_WINDOW, '\n', R->n - ws - RULE_WINDOW);
			if (nl)
				we = (size_t)(nl - R->t) + 1;
		}
		/* the last window's arrays are reused: fresh pages cost more than the work here */
		bool have_hits = prefilter && c->ac && mtpe_ac_scan_again(c->ac, R->t + ws, we - ws, &c->hits) == 0;
		mtpe_ac_hits hits = c->hits; /* the same arrays */
		for (size_t r = 0; have_hits && ws && r < hits.nrules; r++)
			for (size_t k = 0; k < hits.nranges[r]; k++) {
				hits.ranges[r][k].start += ws;
				hits.ranges[r][k].end += ws;
			}
		/* rules with a built-in scan instead of literals */
		for (size_t i = 0; have_hits && i < c->nrules && !R->error; i++)
			if (c->rules[i].hint && wanted(&c->rules[i], which)) {
				hits.nranges[i] = 0;
				if (mtpe_hint_scan((mtpe_hint)c->rules[i].hint, R->t, R->from, R->n, ws, we, &hits.ranges[i],
						   &hits.nranges[i], &hits.caps[i]) < 0)
					R->error = MTPE_ENOMEM;
			}
		for (size_t i = 0; i < c->nrules && !R->error; i++)
			if (c->rules[i].builtin == BUILTIN_NONE && wanted(&c->rules[i], which) &&
			    (!low || literal_in(&c->rules[i], low, nlow)))
				run_pattern_window(R, &c->rules[i], have_hits ? &hits : NULL, i, ws, we, &resume[i]);
	}
	free(resume);
	free(low);
	if (!builtins_first)
		run_builtins(R, which);
}

static void run_dispose(struct run *R)
{
	if (!R->borrowed) {
		mtpe_segments_dispose(&R->seg);
		free(R->skip);
	}
	mtpe_sentence_finder_close(R->sf);
	R->sf = NULL;
	strmap_dispose(&R->capset, NULL);
	free(R->wid);
	R->wid = NULL;
}

static void run_init(struct run *R, mtpe_checker *c, const mtpe_doc *doc, const mtpe_region *reg,
		     size_t from, size_t to, mtpe_findings *out)
{
	memset(R, 0, sizeof(*R));
	R->c = c;
	R->doc = doc;
	R->reg = reg;
	R->t = reg->text;
	R->from = from;
	R->n = to;
	R->out = out;
}

/* The error of a run: the source checks' context that could not be made, or out of memory. */
static int run_error(mtpe_checker *c, mtpe_error *err, int error)
{
	if (c->srcctx_error.code && error == c->srcctx_error.code) {
		if (err)
			*err = c->srcctx_error;
		return error;
	}
	return mtpe_error_set(err, error, "out of memory");
}

/* ---- one region, in pieces, in one or several threads ------------------- */

/* Regions shorter than this are checked by one thread. */
#define PARALLEL_MIN_TEXT MTPE_PARALLEL_MIN_TEXT
/* A region is cut at line ends into pieces of about this size (at least one per thread when split). */
#define PIECE_SIZE ((size_t)2 << 20)
#define MAX_PIECES 4096
#define MAX_THREADS 256

struct piece {
	struct run R;
	mtpe_findings fs;
	mtpe_error err;
	int error;
	size_t nwords;
	struct docstats *st;   /* one per document-level rule */
};

/*
 * The pieces of one region shared by the threads: a thread claims the next
 * piece and, with its own checker (a checker is never shared), segments it,
 * runs the local rules, gathers what the document-level rules need and lets
 * the piece's words go. The document-level rules are then decided from the
 * gathered stats, in text order.
 */
struct par {
	struct piece *k;
	size_t nk;
	const size_t *global;     /* indexes of the document-level rules */
	size_t nglobal;
	bool keep_sentences;      /* document-level pattern rules run at the end (sentence-start conditions) */
};

/*
 * Runs job(arg, j, c) for each j < njobs, the jobs taken in turn by up to n
 * threads (this one included), thread t with checker cs[t].
 */
typedef void pool_job(void *arg, size_t j, mtpe_checker *c);

struct pool {
	pthread_mutex_t lock;
	size_t next, njobs;
	pool_job *job;
	void *arg;
};

struct pool_thread {
	struct pool *pool;
	mtpe_checker *c;
};

static void *pool_worker(void *arg)
{
	struct pool_thread *T = arg;
	struct pool *Q = T->pool;
	mtpe_heap_advise();
	for (;;) {
		pthread_mutex_lock(&Q->lock);
		size_t j = Q->next < Q->njobs ? Q->next++ : Q->njobs;
		pthread_mutex_unlock(&Q->lock);
		if (j >= Q->njobs)
			break;
		Q->job(Q->arg, j, T->c);
	}
	return NULL;
}

static void run_pool(mtpe_checker *const *cs, size_t n, size_t njobs, pool_job *job, void *arg)
{
	struct pool Q = { .next = 0, .njobs = njobs, .job = job, .arg = arg };
	struct pool_thread T[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	if (n > njobs)
		n = njobs;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (!n)
		return;
	pthread_mutex_init(&Q.lock, NULL);
	for (size_t i = 0; i < n; i++) {
		T[i].pool = &Q;
		T[i].c = cs[i];
	}
	for (size_t i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, pool_worker, &T[i]) == 0;
	pool_worker(&T[0]);
	for (size_t i = 1; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	pthread_mutex_destroy(&Q.lock);
}

static void run_piece(struct par *P, struct piece *k, mtpe_checker *c)
{
	k->R.c = c;
	k->R.lazy_sentences = !P->keep_sentences; /* else the document-level rules need them all, later */
	if ((k->error = prepare(&k->R, &k->err)) < 0)
		return;
	k->nwords = k->R.seg.nwords;
	run_rules(&k->R, 1);
	for (size_t g = 0; g < P->nglobal && !k->R.error; g++) {
		const struct rule *r = &c->rules[P->global[g]];
		struct docstats *st = &k->st[g];
		double t0 = clock_if_timing(c);
		switch (r->builtin) {
		case BUILTIN_NAME_CASE: collect_name_case(&k->R, r, st); break;
		case BUILTIN_VARIANT_MIX: collect_variant_mix(&k->R, st); break;
		case BUILTIN_NAME_VARIANTS: collect_name_variants(&k->R, st); break;
		case BUILTIN_NONE: build_capset(&k->R); break;
		default: break;
		}
		rule_timed(c, &c->rules[P->global[g]], t0);
		if (k->R.seg.nwords) {
			st->has_words = true;
			st->fws = k->R.seg.words[0].start;
			st->fwe = k->R.seg.words[0].end;
			st->lws = k->R.seg.words[k->R.seg.nwords - 1].start;
			st->lwe = k->R.seg.words[k->R.seg.nwords - 1].end;
		}
	}
	if (k->R.error)
		k->error = run_error(c, &k->err, k->R.error);
	/* the piece's words and sentence finder are done with: the array goes to the thread's next piece */
	mtpe_sentence_finder_close(k->R.sf);
	k->R.sf = NULL;
	free(c->spare_words);
	c->spare_words = k->R.seg.words;
	c->spare_cap = k->R.seg.capwords;
	k->R.seg.words = NULL;
	k->R.seg.nwords = 0;
	k->R.seg.capwords = 0;
	if (k->R.wid) {
		free(c->spare_wid);
		c->spare_wid = k->R.wid;
		c->spare_widcap = k->R.widcap;
		k->R.wid = NULL;
	}
	if (!P->keep_sentences) {
		free(k->R.seg.sentences);
		k->R.seg.sentences = NULL;
		k->R.seg.nsentences = 0;
	}
}

static void piece_job(void *arg, size_t j, mtpe_checker *c)
{
	struct par *P = arg;
	mtpe_heap_advise(); /* the main heap may have grown */
	run_piece(P, &P->k[j], c);
}

/* Room in fs for total findings at once, its new pages mapped at once (findings are moved in whole arrays). */
static int findings_reserve(mtpe_findings *fs, size_t total)
{
	if (total <= fs->cap)
		return 0;
	mtpe_finding *items = mtpe_realloc(fs->items, total * sizeof(*items));
	if (!items)
		return MTPE_ENOMEM;
	mtpe_prefault(items + fs->len, (total - fs->len) * sizeof(*items));
	fs->items = items;
	fs->cap = total;
	return 0;
}

/* Appends all of from's findings to to (one copy of the array; from keeps none); 0 or MTPE_ENOMEM (from untouched). */
static int findings_move(mtpe_findings *to, mtpe_findings *from)
{
	if (!from->len)
		return 0;
	if (to->len + from->len > to->cap) {
		size_t cap = to->len + from->len;
		if (cap < to->cap * 2)
			cap = to->cap * 2;
		mtpe_finding *items = mtpe_realloc(to->items, cap * sizeof(*items));
		if (!items)
			return MTPE_ENOMEM;
		to->items = items;
		to->cap = cap;
	}
	memcpy(to->items + to->len, from->items, from->len * sizeof(*from->items));
	to->len += from->len;
	from->len = 0;
	return 0;
}

/* The document-level rules' decisions: one job per rule, in up to n threads (one checker each). */
struct gjob {
	struct run G;
	mtpe_findings fs;
	size_t g;         /* which of P->global */
	size_t k0, k1;    /* the pieces whose findings it makes (variant-mix: in several jobs, its findings are many) */
	struct docstats *sts;
};

static void finish_one(struct gjob *j, mtpe_checker *c, const struct par *P, size_t nk)
{
	const struct rule *r = &c->rules[P->global[j->g]];
	j->G.c = c;
	double t0 = clock_if_timing(c);
	for (size_t i = 0; i < nk; i++)
		j->sts[i] = P->k[i].st[j->g];
	switch (r->builtin) {
	case BUILTIN_NAME_CASE: finish_name_case(&j->G, r, j->sts, nk); break;
	case BUILTIN_VARIANT_MIX: finish_variant_mix(&j->G, r, j->sts, nk, j->k0, j->k1); break;
	case BUILTIN_NAME_VARIANTS: finish_name_variants(&j->G, r, j->sts, nk); break;
	default: break;
	}
	rule_timed(c, &c->rules[P->global[j->g]], t0);
}

struct gjobs {
	struct gjob *jobs;
	const struct par *P;
	size_t *order; /* the order the threads take the jobs in: the whole rules first (the longest), then the parts */
};

static void finish_job(void *arg, size_t j, mtpe_checker *c)
{
	struct gjobs *G = arg;
	finish_one(&G->jobs[G->order[j]], c, G->P, G->P->nk);
}

/*
 * Decides the document-level rules (P->global) from the pieces' stats, each
 * rule in a job of its own (variant-mix, with many findings, in 2n: each
 * makes those of a run of pieces), the jobs shared by up to n threads;
 * their findings go to gfs in the rules' order, as from one thread.
 */
static int finish_globals(mtpe_checker *const *cs, size_t n, const mtpe_doc *doc, const mtpe_region *reg, size_t len,
			  const struct par *P, mtpe_findings *gfs)
{
	size_t nk = P->nk, njobs = 0;
	size_t parts = n > 1 ? 2 * n : 1; /* variant-mix's findings in this many jobs, by pieces */
	if (parts > nk)
		parts = nk ? nk : 1;
	struct gjobs G = { mtpe_calloc(parts * P->nglobal + 1, sizeof(struct gjob)), P,
			   mtpe_calloc(parts * P->nglobal + 1, sizeof(size_t)) };
	int error = G.jobs && G.order ? 0 : MTPE_ENOMEM;
	for (size_t g = 0; g < P->nglobal && !error; g++) {
		size_t np = cs[0]->rules[P->global[g]].builtin == BUILTIN_VARIANT_MIX ? parts : 1;
		for (size_t h = 0; h < np && !error; h++) {
			struct gjob *j = &G.jobs[njobs++];
			j->g = g;
			j->k0 = nk * h / np;
			j->k1 = nk * (h + 1) / np;
			j->fs = (mtpe_findings)MTPE_FINDINGS_INIT;
			run_init(&j->G, cs[0], doc, reg, 0, len, &j->fs);
			if (!(j->sts = mtpe_calloc(nk ? nk : 1, sizeof(*j->sts))))
				error = MTPE_ENOMEM;
		}
	}
	size_t no = 0;
	for (int whole = 1; whole >= 0 && !error; whole--)
		for (size_t g = 0; g < njobs; g++)
			if ((G.jobs[g].k0 == 0 && G.jobs[g].k1 == nk) == (bool)whole)
				G.order[no++] = g;
	if (!error)
		run_pool(cs, n, njobs, finish_job, &G);
	size_t total = gfs->len;
	for (size_t g = 0; g < njobs && G.jobs; g++)
		total += G.jobs[g].fs.len;
	if (!error)
		error = findings_reserve(gfs, total);
	for (size_t g = 0; g < njobs && G.jobs; g++) {
		struct gjob *j = &G.jobs[g];
		if (j->G.error && !error)
			error = j->G.error;
		if (!error && findings_move(gfs, &j->fs) < 0)
			error = MTPE_ENOMEM;
		mtpe_findings_dispose(&j->fs);
		run_dispose(&j->G);
		free(j->sts);
	}
	free(G.jobs);
	free(G.order);
	return error < 0 ? error : 0;
}

/* Can cs[1..n) use cs[0]'s compiled patterns and automaton? (The same rules, in the same order.) */
static bool same_rules(mtpe_checker *const *cs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (cs[i]->nrules != cs[0]->nrules)
			return false;
		for (size_t r = 0; r < cs[0]->nrules; r++) {
			const struct rule *a = &cs[0]->rules[r], *b = &cs[i]->rules[r];
			if (strcmp(a->id, b->id) || (a->pattern == NULL) != (b->pattern == NULL) ||
			    (a->pattern && strcmp(a->pattern, b->pattern)))
				return false;
		}
	}
	return true;
}

static void share(mtpe_checker *const *cs, size_t n, pthread_mutex_t *lock, pthread_mutex_t *vlock)
{
	unsigned gen = cs[0]->speller ? mtpe_speller_generation(cs[0]->speller) : 0;
	if (gen != cs[0]->speller_gen) { /* as word_forms would, before the verdicts are shared */
		wforms_clear(cs[0]);
		cs[0]->speller_gen = gen;
	}
	for (size_t i = 0; i < n; i++) {
		/* the leader's verdicts answer for the same speller state as each thread's (same options, same words) */
		if (i)
			wforms_clear(cs[i]);
		cs[i]->share_lock = lock;
		cs[i]->verdict_lock = vlock;
		cs[i]->leader = i ? cs[0] : NULL;
	}
}

/* The end of a parallel check: each checker gives back what it borrowed. */
static void unshare(mtpe_checker *const *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mtpe_checker *c = cs[i];
		for (size_t r = 0; r < c->nrules; r++) {
			struct rule *ru = &c->rules[r];
			if (ru->re_borrowed) {
				ru->re = NULL;
				ru->jit_tried = false;
				ru->re_borrowed = false;
			}
			ru->code_ready = false;
		}
		if (c->ac_borrowed) {
			c->ac = NULL;
			c->ac_tried = false;
			c->ac_borrowed = false;
		}
		c->ac_ready = false;
		c->share_lock = NULL;
		c->verdict_lock = NULL;
		c->leader = NULL;
		if (i)
			wforms_clear(c); /* its facts point at the leader's verdicts */
	}
}

/*
 * Checks one region: pieces in n threads (n checkers built from the same
 * options), then the document-level rules over the gathered stats. The
 * findings do not depend on n (tests/scripts/jobs-equivalence.sh).
 */
static int check_region(mtpe_checker *const *cs, size_t n, const mtpe_doc *doc, const mtpe_region *reg,
			mtpe_findings *out, size_t *words, mtpe_error *err)
{
	mtpe_checker *c0 = cs[0];
	size_t len = reg->text_len;
	if (len > MTPE_SEGMENT_MAX_TEXT) /* word offsets in the region are 30-bit (segment.h) */
		return mtpe_error_set(err, MTPE_ETOOBIG, "text of %zu bytes is too large to check (1 GiB at most); split the file", len);
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (len < PARALLEL_MIN_TEXT)
		n = 1;
	size_t piece = PIECE_SIZE;
	const char *ps = getenv("MTPE_PIECE_SIZE"); /* tests: 0 = one piece, or small pieces to try the seams */
	if (ps && *ps) {
		unsigned long long v = strtoull(ps, NULL, 10);
		piece = v ? (size_t)v : SIZE_MAX;
		if (!v)
			n = 1;
	}
	size_t nk = len / piece + (len % piece > piece / 2);
	if (nk < n)
		nk = n;
	if (nk < 1)
		nk = 1;
	if (nk > MAX_PIECES)
		nk = MAX_PIECES;
	/*
	 * Where the pieces end (after a line end). Equal pieces; with threads,
	 * the last few smaller (down to a quarter), so the threads finish close
	 * together: a core that is slower for a while (a shared machine) leaves
	 * less for the other to wait for.
	 */
	size_t *ends = mtpe_malloc(((nk + 16) < MAX_PIECES ? nk + 16 : MAX_PIECES) * sizeof(size_t));
	if (!ends)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	bool guided = n > 1 && !(ps && *ps);
	size_t base = len / nk, nends = 0;
	for (size_t from = 0, cap = (nk + 16) < MAX_PIECES ? nk + 16 : MAX_PIECES; from < len || !nends;) {
		size_t rem = len - from, size = base;
		if (guided && rem < (n + 1) * base) {
			size = rem / (2 * n);
			if (size < base / 4)
				size = base / 4;
		}
		size_t to = nends + 1 >= cap || rem <= size + size / 2 || (!guided && nends + 1 == nk) ? len : from + size;
		if (to < len) {
			const char *nl = memchr(reg->text + to, '\n', len - to);
			to = nl ? (size_t)(nl - reg->text) + 1 : len;
		}
		ends[nends++] = to;
		from = to;
	}
	nk = nends;
	struct par P;
	memset(&P, 0, sizeof(P));
	size_t *global = mtpe_calloc(c0->nrules ? c0->nrules : 1, sizeof(size_t));
	P.k = mtpe_calloc(nk, sizeof(*P.k));
	if (!global || !P.k) {
		free(global);
		free(P.k);
		free(ends);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < c0->nrules; i++)
		if (wanted(&c0->rules[i], 2)) {
			global[P.nglobal++] = i;
			P.keep_sentences |= c0->rules[i].builtin == BUILTIN_NONE;
		}
	P.global = global;
	int error = 0;
	size_t from = 0;
	for (size_t i = 0; i < nk; i++) {
		size_t to = ends[i];
		run_init(&P.k[i].R, c0, doc, reg, from, to, &P.k[i].fs);
		mtpe_error_clear(&P.k[i].err);
		P.k[i].st = mtpe_calloc(P.nglobal ? P.nglobal : 1, sizeof(struct docstats));
		if (!P.k[i].st)
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		from = to;
	}
	P.nk = nk;
	free(ends);
	pthread_mutex_t share_lock, verdict_lock;
	bool sharing = !error && n > 1 && same_rules(cs, n);
	if (sharing) {
		pthread_mutex_init(&share_lock, NULL);
		pthread_mutex_init(&verdict_lock, NULL);
		share(cs, n, &share_lock, &verdict_lock);
	}
	if (!error) {
		run_pool(cs, n, nk, piece_job, &P);
		/* a large text's words arrays are not needed again soon: they go before the findings are gathered */
		for (size_t i = 0; i < n; i++)
			if (cs[i]->spare_cap >= ((size_t)64 << 10)) {
				free(cs[i]->spare_words);
				cs[i]->spare_words = NULL;
				cs[i]->spare_cap = 0;
				free(cs[i]->spare_wid);
				cs[i]->spare_wid = NULL;
				cs[i]->spare_widcap = 0;
			}
	}
	for (size_t i = 0; i < nk && !error; i++)
		if (P.k[i].error) {
			error = P.k[i].error;
			if (err)
				*err = P.k[i].err;
		}
	/* the document-level rules, from the pieces' stats, in text order */
	mtpe_findings gfs = MTPE_FINDINGS_INIT;
	struct run G;
	run_init(&G, c0, doc, reg, 0, len, &gfs);
	if (!error) {
		strmap capset = { 0 };
		if (finish_globals(cs, n, doc, reg, len, &P, &gfs) < 0)
			G.error = MTPE_ENOMEM;
		if (P.keep_sentences && !error && !G.error) {
			/* document-level pattern rules: each piece again, with the document's capitalized words */
			for (size_t i = 0; i < nk && !G.error; i++)
				for (size_t j = 0; j < P.k[i].R.capset.cap && !G.error; j++) {
					const strmap_slot *sl = &P.k[i].R.capset.slots[j];
					if (sl->key && strmap_put(&capset, sl->key, sl->len, (void *)1) < 0)
						G.error = MTPE_ENOMEM;
				}
			for (size_t i = 0; i < nk && !G.error; i++) {
				struct run *R = &P.k[i].R;
				strmap own = R->capset;
				R->c = c0;
				R->capset = capset;
				R->capset_built = true;
				run_rules(R, 2);
				R->capset = own;
				if (R->error)
					G.error = R->error;
			}
		}
		if (G.error && !error)
			error = run_error(c0, err, G.error);
		strmap_dispose(&capset, NULL);
	}
	if (sharing) {
		unshare(cs, n);
		pthread_mutex_destroy(&share_lock);
		pthread_mutex_destroy(&verdict_lock);
	}
	/* all findings into out, which grows once to the exact size */
	size_t total = out->len + gfs.len;
	for (size_t i = 0; i < nk; i++)
		total += P.k[i].fs.len;
	if (!error && findings_reserve(out, total) < 0)
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	if (!error && findings_move(out, &gfs) < 0)
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	mtpe_findings_dispose(&gfs);
	for (size_t i = 0; i < nk; i++) {
		struct piece *k = &P.k[i];
		if (words)
			*words += k->nwords;
		if (!error && findings_move(out, &k->fs) < 0)
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		mtpe_findings_dispose(&k->fs);
		run_dispose(&k->R);
		for (size_t g = 0; k->st && g < P.nglobal; g++)
			docstats_dispose(&k->st[g]);
		free(k->st);
	}
	run_dispose(&G);
	free(P.k);
	free(global);
	return error;
}

/* A spelling finding on exactly the span of another rule's finding adds nothing: drop it. */
static void drop_spelling_duplicates(mtpe_findings *fs)
{
	size_t w = 0;
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_finding *f = &fs->items[i];
		bool dup = false;
		if (f->category == MTPE_CAT_SPELLING)
			for (size_t j = i > 3 ? i - 3 : 0; j < fs->len && j < i + 4 && !dup; j++)
				dup = j != i && fs->items[j].category != MTPE_CAT_SPELLING && fs->items[j].offset == f->offset &&
				      fs->items[j].length == f->length;
		if (dup)
			mtpe_finding_dispose(f);
		else
			fs->items[w++] = *f;
	}
	fs->len = w;
}

/* Sorts, de-duplicates and applies inline suppressions to the findings from `first` on. */
static int finish_findings(const mtpe_doc *doc, mtpe_findings *out, size_t first, mtpe_error *err)
{
	mtpe_findings tail = { out->items + first, out->len - first, out->len - first };
	mtpe_findings_sort(&tail);
	drop_spelling_duplicates(&tail);
	int error = mtpe_suppress_apply(doc, &tail, err); /* inline mtpe-disable comments */
	out->len = first + tail.len;
	return error;
}

int mtpe_checker_check_parallel(mtpe_checker *const *cs, size_t n, const mtpe_doc *doc, mtpe_findings *out,
				size_t *words, mtpe_error *err)
{
	int error;
	if (words)
		*words = 0;
	size_t first = out->len;
	for (size_t i = 0; i < doc->nregions; i++) {
		const mtpe_region *reg = &doc->regions[i];
		error = check_region(cs, n, doc, reg, out, words, err);
		if (error < 0)
			return error;
	}
	return finish_findings(doc, out, first, err);
}

int mtpe_checker_check(mtpe_checker *c, const mtpe_doc *doc, mtpe_findings *out, size_t *words, mtpe_error *err)
{
	return mtpe_checker_check_parallel(&c, 1, doc, out, words, err);
}

int mtpe_checker_check_text(mtpe_checker *c, const char *text, size_t len, mtpe_findings *out, mtpe_error *err)
{
	mtpe_doc *doc = NULL;
	int error = mtpe_doc_from_buffer(&doc, "<text>", text, len, NULL, err);
	if (error < 0)
		return error;
	error = mtpe_checker_check(c, doc, out, NULL, err);
	/* findings borrow the region unit pointer; plain text has none */
	mtpe_doc_free(doc);
	return error;
}

char *mtpe_apply_fixes(const char *text, size_t len, const mtpe_finding *const *fs, size_t n, size_t *outlen)
{
	mtpe_buf b = MTPE_BUF_INIT;
	size_t pos = 0;
	mtpe_buf_put(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		const mtpe_finding *f = fs[i];
		if (!f->nreplacements || f->offset < pos || f->offset + f->length > len)
			continue; /* overlapping or out of range: skipped */
		mtpe_buf_put(&b, text + pos, f->offset - pos);
		mtpe_buf_puts(&b, f->replacements[0]);
		pos = f->offset + f->length;
	}
	mtpe_buf_put(&b, text + pos, len - pos);
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	if (outlen)
		*outlen = b.len;
	return mtpe_buf_detach(&b);
}

/* ---- rule examples -------------------------------------------------------- */

static void report(mtpe_rule_test_cb cb, void *data, const struct rule *r, const mtpe_example *ex, bool ok,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report(mtpe_rule_test_cb cb, void *data, const struct rule *r, const mtpe_example *ex, bool ok,
		   const char *fmt, ...)
{
	mtpe_rule_test_result res;
	memset(&res, 0, sizeof(res));
	res.rule = r->id;
	res.example = ex;
	res.ok = ok;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res.msg, sizeof(res.msg), fmt, ap);
	va_end(ap);
	if (cb)
		cb(&res, data);
}

int mtpe_checker_test_rules(mtpe_checker *c, const char *only, mtpe_rule_test_cb cb, void *data)
{
	int failures = 0;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		if (only && strcmp(only, r->id))
			continue;
		for (size_t k = 0; k < r->nex; k++) {
			const mtpe_example *ex = &r->ex[k];
			mtpe_findings fs = MTPE_FINDINGS_INIT;
			mtpe_error err;
			mtpe_error_clear(&err);
			if (mtpe_checker_check_text(c, ex->text, strlen(ex->text), &fs, &err) < 0) {
				report(cb, data, r, ex, false, "cannot check example: %s", err.msg);
				failures++;
				continue;
			}
			const mtpe_finding **mine = mtpe_calloc(fs.len + 1, sizeof(*mine));
			size_t nm = 0;
			const mtpe_finding *other_serious = NULL;
			for (size_t j = 0; j < fs.len; j++) {
				if (!strcmp(fs.items[j].rule, r->id))
					mine[nm++] = &fs.items[j];
				else if (fs.items[j].severity >= MTPE_SEV_WARNING && !other_serious)
					other_serious = &fs.items[j];
			}
			if (ex->kind == MTPE_EXAMPLE_GOOD) {
				if (nm) {
					report(cb, data, r, ex, false, "good example raised %s on '%s'", r->id, mine[0]->text);
					failures++;
				} else if (other_serious) {
					report(cb, data, r, ex, false, "good example raised %s on '%s'", other_serious->rule,
					       other_serious->text);
					failures++;
				} else {
					report(cb, data, r, ex, true, "ok");
				}
			} else if (!nm) {
				report(cb, data, r, ex, false, "bad example did not raise %s", r->id);
				failures++;
			} else if (ex->fix) {
				/* apply the first replacement of each non-overlapping finding of this rule */
				size_t ol;
				char *fixed = mtpe_apply_fixes(ex->text, strlen(ex->text), mine, nm, &ol);
				if (!fixed || strcmp(fixed, ex->fix)) {
					report(cb, data, r, ex, false, "fix gives \"%s\", expected \"%s\"", fixed ? fixed : "(none)", ex->fix);
					failures++;
				} else {
					mtpe_findings again = MTPE_FINDINGS_INIT;
					bool re_raised = false;
					if (mtpe_checker_check_text(c, fixed, ol, &again, &err) == 0)
						for (size_t j = 0; j < again.len; j++)
							if (!strcmp(again.items[j].rule, r->id))
								re_raised = true;
					mtpe_findings_dispose(&again);
					if (re_raised) {
						report(cb, data, r, ex, false, "the fixed text \"%s\" raises %s again", fixed, r->id);
						failures++;
					} else {
						report(cb, data, r, ex, true, "ok");
					}
				}
				free(fixed);
			} else {
				report(cb, data, r, ex, true, "ok");
			}
			free(mine);
			mtpe_findings_dispose(&fs);
		}
	}
	return failures;
}
