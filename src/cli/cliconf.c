/* cliconf.c - per-file configuration and the checkers built from it. */
#include "cliconf.h"

#include <stdlib.h>
#include <string.h>

int cli_run_init(struct cli_run *r, struct cli_common *c)
{
	memset(r, 0, sizeof(*r));
	r->common = c;
	if (c->config_path) {
		mtpe_config *cfg = NULL;
		mtpe_error err;
		mtpe_error_clear(&err);
		if (mtpe_config_load(&cfg, c->config_path, &err) < 0) {
			cli_report_error(&err);
			return -1;
		}
		r->v = calloc(1, sizeof(*r->v));
		r->forced_path = strdup(c->config_path);
		if (!r->v || !r->forced_path) {
			mtpe_config_free(cfg);
			cli_error("out of memory");
			return -1;
		}
		r->v[0].cfg_path = strdup(c->config_path);
		r->v[0].cfg = cfg;
		r->n = 1;
	}
	return 0;
}

void cli_run_dispose(struct cli_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].cfg_path);
		mtpe_config_free(r->v[i].cfg);
		mtpe_checker_free(r->v[i].chk);
	}
	free(r->v);
	free(r->forced_path);
	memset(r, 0, sizeof(*r));
}

static void report(const struct cli_run *r, const mtpe_error *err)
{
	if (!r->quiet)
		cli_report_error(err);
}

static struct cli_run_entry *entry_for(struct cli_run *r, const char *file)
{
	char *path = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	if (r->forced_path)
		return &r->v[0];
	if (mtpe_config_find(&path, file, &err) < 0) {
		report(r, &err);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++)
		if ((!path && !r->v[i].cfg_path) || (path && r->v[i].cfg_path && !strcmp(path, r->v[i].cfg_path))) {
			free(path);
			return &r->v[i];
		}
	struct cli_run_entry *nv = realloc(r->v, (r->n + 1) * sizeof(*nv));
	if (!nv) {
		free(path);
		cli_error("out of memory");
		return NULL;
	}
	r->v = nv;
	struct cli_run_entry *e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	e->cfg_path = path;
	if (path && mtpe_config_load(&e->cfg, path, &err) < 0) {
		report(r, &err);
		e->failed = true;
	}
	return e;
}

/* Builds the checker for a config; with_cfg_overrides = false is used to locate a bad rule id. */
static mtpe_checker *build(struct cli_run *r, const mtpe_config *cfg, bool with_cfg_overrides, mtpe_error *err)
{
	struct cli_common *c = r->common;
	mtpe_checker_options o = c->copts;
	size_t nr = c->nrule_paths + (cfg ? cfg->nrules : 0);
	size_t nd = c->ndict_paths + (cfg ? cfg->ndicts : 0);
	size_t no = c->noverrides + (cfg ? cfg->ndisable + cfg->nseverity : 0);
	const char **rp = calloc(nr + 1, sizeof(*rp)), **dp = calloc(nd + 1, sizeof(*dp));
	mtpe_rule_override *ov = calloc(no + 1, sizeof(*ov));
	mtpe_checker *chk = NULL;
	if (!rp || !dp || !ov) {
		mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto done;
	}
	nr = nd = no = 0;
	if (cfg) {
		for (size_t i = 0; i < cfg->nrules; i++)
			rp[nr++] = cfg->rules[i].s;
		for (size_t i = 0; i < cfg->ndicts; i++)
			dp[nd++] = cfg->dicts[i].s;
		if (with_cfg_overrides) {
			for (size_t i = 0; i < cfg->ndisable; i++) {
				ov[no].id = cfg->disable[i].s;
				ov[no++].disable = true;
			}
			for (size_t i = 0; i < cfg->nseverity; i++) {
				ov[no].id = cfg->severity[i].rule.s;
				ov[no].has_severity = true;
				ov[no++].severity = cfg->severity[i].severity;
			}
		}
		if (!o.source_lang && cfg->source_lang)
			o.source_lang = cfg->source_lang;
		if (cfg->has_spelling && !cfg->spelling)
			o.no_spelling = true;
	}
	for (size_t i = 0; i < c->nrule_paths; i++)
		rp[nr++] = c->rule_paths[i];
	for (size_t i = 0; i < c->ndict_paths; i++)
		dp[nd++] = c->dict_paths[i];
	for (size_t i = 0; i < c->noverrides; i++)
		ov[no++] = c->overrides[i]; /* the command line comes last and wins */
	o.rule_paths = rp;
	o.nrule_paths = nr;
	o.dict_paths = dp;
	o.ndict_paths = nd;
	o.overrides = ov;
	o.noverrides = no;
#ifdef MTPE_CHECKER_HAS_GLOSSARIES
	const char **gp = cfg ? calloc(cfg->nglossaries + 1, sizeof(*gp)) : NULL;
	if (cfg) {
		for (size_t i = 0; gp && i < cfg->nglossaries; i++)
			gp[i] = cfg->glossaries[i].s;
		o.glossary_paths = gp;
		o.nglossary_paths = gp ? cfg->nglossaries : 0;
	}
#endif
	if (mtpe_checker_new(&chk, &o, err) < 0)
		chk = NULL;
#ifdef MTPE_CHECKER_HAS_GLOSSARIES
	free(gp);
#endif
done:
	free(rp);
	free(dp);
	free(ov);
	return chk;
}

/* After a failed build: if a rule id from the config is unknown, point at it. */
static void locate_bad_rule(struct cli_run *r, const mtpe_config *cfg, mtpe_error *err)
{
	mtpe_error err2;
	mtpe_error_clear(&err2);
	mtpe_checker *chk = build(r, cfg, false, &err2);
	if (!chk)
		return;
	const mtpe_config_str *bad = NULL;
	for (size_t i = 0; i < cfg->ndisable && !bad; i++)
		if (mtpe_checker_rule_find(chk, cfg->disable[i].s) < 0)
			bad = &cfg->disable[i];
	for (size_t i = 0; i < cfg->nseverity && !bad; i++)
		if (mtpe_checker_rule_find(chk, cfg->severity[i].rule.s) < 0)
			bad = &cfg->severity[i].rule;
	if (bad) {
		mtpe_error_set(err, MTPE_ENOTFOUND, "unknown rule '%s' (see 'mtpe rules list')", bad->s);
		mtpe_error_at(err, cfg->path, bad->line, bad->col);
	}
	mtpe_checker_free(chk);
}

static mtpe_checker *entry_checker(struct cli_run *r, struct cli_run_entry *e)
{
	if (e->failed)
		return NULL;
	if (!e->chk) {
		mtpe_error err;
		mtpe_error_clear(&err);
		if (e->cfg && e->cfg->nglossaries) {
#ifndef MTPE_CHECKER_HAS_GLOSSARIES
			mtpe_error_set(&err, MTPE_EUNSUPPORTED,
				       "'glossaries' is not supported by this build of mtpe yet; list the terms in dicts/glossary.tsv");
			mtpe_error_at(&err, e->cfg->path, e->cfg->glossaries[0].line, e->cfg->glossaries[0].col);
			report(r, &err);
			e->failed = true;
			return NULL;
#endif
		}
		e->chk = build(r, e->cfg, true, &err);
		if (!e->chk) {
			const mtpe_config *cfg = e->cfg;
			if (cfg && cfg->source_lang && !r->common->copts.source_lang && !err.path[0] &&
			    strstr(err.msg, "source language"))
				mtpe_error_at(&err, cfg->path, cfg->source_lang_line, cfg->source_lang_col);
			else if (cfg && (cfg->ndisable || cfg->nseverity))
				locate_bad_rule(r, cfg, &err);
			report(r, &err);
			e->failed = true;
		}
	}
	return e->chk;
}

int cli_run_for(struct cli_run *r, const char *file, mtpe_checker **chk, const mtpe_config **cfg)
{
	struct cli_run_entry *e = entry_for(r, file);
	*chk = NULL;
	if (cfg)
		*cfg = NULL;
	if (!e || e->failed)
		return -1;
	if (cfg)
		*cfg = e->cfg;
	if (e->cfg && mtpe_config_ignored(e->cfg, file))
		return 1;
	if (!(*chk = entry_checker(r, e)))
		return -1;
	return 0;
}

mtpe_checker *cli_run_checker(struct cli_run *r, const char *file)
{
	struct cli_run_entry *e = entry_for(r, file);
	return e ? entry_checker(r, e) : NULL;
}

mtpe_severity cli_run_fail_on(const mtpe_config *cfg, const char *option)
{
	mtpe_severity s = MTPE_SEV_WARNING;
	if (option && mtpe_severity_from_name(option, &s) == 0)
		return s;
	if (cfg && cfg->has_fail_on)
		return cfg->fail_on;
	return MTPE_SEV_WARNING;
}
