/* common.c - reporters and the options shared by check, fix, review and report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "mtpe/formats.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("mtpe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("mtpe: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_report_error(const mtpe_error *err)
{
	fputs("mtpe: ", stderr);
	if (err->path[0]) {
		fputs(err->path, stderr);
		if (err->line > 0) {
			fprintf(stderr, ":%d", err->line);
			if (err->col > 0)
				fprintf(stderr, ":%d", err->col);
		}
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", err->msg[0] ? err->msg : "error");
}

void cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	mtpe_checker_options o = MTPE_CHECKER_OPTIONS_INIT;
	mtpe_doc_options d = MTPE_DOC_OPTIONS_INIT;
	c->copts = o;
	c->dopts = d;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	else if (*end == 'g' || *end == 'G')
		v <<= 30, end++;
	if (*end || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

int cli_common_opt(struct cli_common *c, struct opt_iter *it)
{
	const char *v;
	if (opt_match(it, "rules", &v)) {
		if (!v || c->nrule_paths >= 64)
			return opt_missing(it);
		c->rule_paths[c->nrule_paths++] = v;
	} else if (opt_match(it, "dict", &v)) {
		if (!v || c->ndict_paths >= 64)
			return opt_missing(it);
		c->dict_paths[c->ndict_paths++] = v;
	} else if (opt_match(it, "personal", &v)) {
		if (!v)
			return opt_missing(it);
		c->copts.personal = v;
	} else if (opt_match(it, "source-lang", &v)) {
		if (!v)
			return opt_missing(it);
		c->copts.source_lang = v;
	} else if (opt_match(it, "data-dir", &v)) {
		if (!v)
			return opt_missing(it);
		c->copts.data_dir = v;
	} else if (opt_flag(it, "no-spelling")) {
		c->copts.no_spelling = true;
	} else if (opt_match(it, "disable", &v)) {
		if (!v || c->noverrides >= 256)
			return opt_missing(it);
		c->overrides[c->noverrides].id = v;
		c->overrides[c->noverrides++].disable = true;
	} else if (opt_match(it, "severity", &v)) {
		if (!v || c->noverrides >= 256)
			return opt_missing(it);
		const char *eq = strchr(v, '=');
		mtpe_severity s;
		if (!eq || mtpe_severity_from_name(eq + 1, &s) < 0 || s == MTPE_SEV_NONE) {
			cli_error("--severity takes RULE=error|warning|info, not '%s'", v);
			return -1;
		}
		/* the rule id is the text before '=': cut the argument there (argv strings are ours) */
		((char *)v)[eq - v] = '\0';
		c->overrides[c->noverrides].id = v;
		c->overrides[c->noverrides].has_severity = true;
		c->overrides[c->noverrides++].severity = s;
	} else if (opt_match(it, "max-size", &v)) {
		if (!v)
			return opt_missing(it);
		if (parse_size(v, &c->dopts.max_size) < 0) {
			cli_error("--max-size takes a size like 64M, not '%s'", v);
			return -1;
		}
	} else if (opt_match(it, "hunspell-dict", &v)) {
		if (!v)
			return opt_missing(it);
		size_t n = strlen(v);
		if (n > 4 && (!strcmp(v + n - 4, ".aff") || !strcmp(v + n - 4, ".dic")))
			n -= 4;
		if (n + 5 > sizeof(c->hunspell_aff)) {
			cli_error("--hunspell-dict: path too long");
			return -1;
		}
		memcpy(c->hunspell_aff, v, n);
		memcpy(c->hunspell_aff + n, ".aff", 5);
		memcpy(c->hunspell_dic, v, n);
		memcpy(c->hunspell_dic + n, ".dic", 5);
		c->copts.hunspell_aff = c->hunspell_aff;
		c->copts.hunspell_dic = c->hunspell_dic;
	} else if (opt_match(it, "config", &v)) {
		if (!v)
			return opt_missing(it);
		c->config_path = v;
	} else if (opt_match(it, "input-format", &v)) {
		if (!v)
			return opt_missing(it);
		if (!mtpe_formats_known(v)) {
			cli_error("--input-format: unknown format '%s' (known: %s)", v, mtpe_formats_names());
			return -1;
		}
		c->input_format = v;
		c->dopts.format = v;
	} else if (opt_match(it, "source", &v)) {
		if (!v)
			return opt_missing(it);
		c->source_path = v;
	} else {
		return 0;
	}
	return 1;
}

const char *cli_common_help =
	"  --source-lang LANG     source language rule pack (default ru; 'none' for generic rules only)\n"
	"  --rules PATH           extra rule file or folder (repeatable)\n"
	"  --dict FILE            extra spelling word list (repeatable)\n"
	"  --personal FILE        personal dictionary (default ~/.config/mtpe/words)\n"
	"  --hunspell-dict PATH   hunspell dictionary (PATH.aff/PATH.dic; default en_US)\n"
	"  --no-spelling          skip the spelling check\n"
	"  --disable RULE         turn a rule off (repeatable)\n"
	"  --severity RULE=SEV    re-grade a rule (error, warning, info)\n"
	"  --max-size SIZE        refuse files larger than SIZE (default 64M)\n"
	"  --data-dir DIR         folder with the built-in rules/ and dicts/\n"
	"  --config FILE          use FILE instead of the nearest .mtpe.yaml\n";

mtpe_checker *cli_checker_new(struct cli_common *c)
{
	mtpe_error err;
	mtpe_checker *chk = NULL;
	mtpe_error_clear(&err);
	c->copts.rule_paths = c->rule_paths;
	c->copts.nrule_paths = c->nrule_paths;
	c->copts.dict_paths = c->dict_paths;
	c->copts.ndict_paths = c->ndict_paths;
	c->copts.overrides = c->overrides;
	c->copts.noverrides = c->noverrides;
	if (mtpe_checker_new(&chk, &c->copts, &err) < 0) {
		cli_report_error(&err);
		return NULL;
	}
	return chk;
}
