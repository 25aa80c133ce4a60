/*
 * config.h - the project configuration file `.mtpe.yaml`.
 *
 * Found by walking up from a checked file's folder to the filesystem root;
 * the nearest file wins (no merging). `--config FILE` replaces discovery.
 * Relative paths inside the file are resolved against the file's folder.
 * Every key is optional:
 *
 *   source-lang: ru                # rule pack: rules/<lang>-en on top of rules/en; none = generic only
 *   rules: [house.yaml, rules/]    # extra rule files or folders (rule packs)
 *   disable: [SPELLING]            # rules turned off
 *   severity: { CAP_NAME_LOWERCASE: error }   # rules re-graded
 *   dictionaries: [words.txt]      # extra spelling word lists (files or folders)
 *   glossaries: [terms.tsv]        # extra glossaries (canonical<TAB>variant...)
 *   ignore: [vendor/, "*.draft.md"]          # globs, relative to the config folder
 *   fail-on: warning               # error | warning | info | none
 *   spelling: true                 # false = no spelling check
 *   report:
 *     threshold: 95                # pass score of the MQM-style score (0..100)
 *     weights: { error: 5, warning: 1, info: 0 }     # penalty points by severity
 *     mqm: { calque: "Style/Unidiomatic style" }     # our category -> MQM category
 *
 * An unknown key, a duplicate key, a value of the wrong type or a bad value is
 * MTPE_EPARSE with the file, line and column of the offending node.
 */
#ifndef MTPE_CONFIG_H
#define MTPE_CONFIG_H

#include "mtpe/common.h"
#include "mtpe/finding.h"

#define MTPE_CONFIG_NAME ".mtpe.yaml"

/* A string from the file with its location (for later error reports). */
typedef struct mtpe_config_str {
	char *s;      /* owned */
	int line, col;
} mtpe_config_str;

typedef struct mtpe_config_severity {
	mtpe_config_str rule;
	mtpe_severity severity;
} mtpe_config_severity;

/* MQM-style report settings; defaults come from mtpe_report_settings_init. */
typedef struct mtpe_report_settings {
	double threshold;                    /* pass when score >= threshold */
	double weights[3];                   /* by mtpe_severity: info, warning, error */
	const char *mqm[MTPE_CAT__COUNT];    /* MQM category names (borrowed: static or config-owned) */
} mtpe_report_settings;

/* Fills the defaults: threshold 95, weights info 0 / warning 1 / error 5, the default MQM map. */
void mtpe_report_settings_init(mtpe_report_settings *r);

typedef struct mtpe_config {
	char *path;                 /* the file read */
	char *dir;                  /* its folder (absolute) */
	char *source_lang;          /* NULL = not set */
	int source_lang_line, source_lang_col;
	mtpe_config_str *rules; size_t nrules;             /* absolute paths */
	mtpe_config_str *disable; size_t ndisable;
	mtpe_config_severity *severity; size_t nseverity;
	mtpe_config_str *dicts; size_t ndicts;             /* absolute paths */
	mtpe_config_str *glossaries; size_t nglossaries;   /* absolute paths */
	mtpe_config_str *ignore; size_t nignore;           /* globs */
	bool has_fail_on; mtpe_severity fail_on;
	bool has_spelling; bool spelling;
	mtpe_report_settings report;   /* defaults unless the file sets them */
	char *mqm_owned[MTPE_CAT__COUNT];
} mtpe_config;

/* Parses the config file at path. Caller frees *out with mtpe_config_free. */
int mtpe_config_load(mtpe_config **out, const char *path, mtpe_error *err);
/* Parses a config held in memory; path is used for messages and relative paths. */
int mtpe_config_from_buffer(mtpe_config **out, const char *path, const char *data, size_t len, mtpe_error *err);
void mtpe_config_free(mtpe_config *c);

/*
 * Finds the config that applies to the file `path` ("-" = stdin: start in the
 * current folder): walks up from the file's folder. *out (caller frees) is the
 * absolute path of the nearest .mtpe.yaml, or NULL when there is none (returns 0).
 */
int mtpe_config_find(char **out, const char *path, mtpe_error *err);

/*
 * True if `path` matches one of the config's ignore globs. Globs are matched
 * against the path relative to the config folder: '*' and '?' do not cross
 * '/', '**' does; a glob without '/' matches any path component (the basename
 * or a folder on the way); a glob naming a folder ignores everything in it.
 */
bool mtpe_config_ignored(const mtpe_config *c, const char *path);

#endif
