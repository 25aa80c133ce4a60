/*
 * engine.h - internal structures shared by rules.c (loading) and check.c
 * (running). A checker owns its rules, word lists and speller. Rules are kept
 * in load order (files in name order, rules in file order); ids are unique.
 * Word lists are loaded once per name and shared by every rule that uses them.
 */
#ifndef MTPE_ENGINE_H
#define MTPE_ENGINE_H

#include <pthread.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mtpe/check.h"
#include "mtpe/spell.h"
#include "mtpe/segment.h"
#include "prefilter.h"
#include "strmap.h"

struct wordlist {
	char *name;
	char **entries;
	size_t n;
	strmap lower;  /* lower-cased entry -> 1 */
	strmap exact;  /* entry as written -> 1 */
	char *alt;     /* the list as a regex group, once a pattern used it */
	char *trie;    /* the same with common beginnings factored out (trie_alternation), for matching */
	char *trie_ci; /* ... in lower case, for a (?i:...) that holds the list alone */
	uint64_t sig_exact[64], sig_lower[64]; /* (first byte, last byte, length) of the entries: most misses cost one bit */
};

/* A 64K-bit signature index of a lower-case word of n >= 2 bytes from its first two and last bytes (the variant words). */
static inline unsigned variant_sig(unsigned char a, unsigned char b, unsigned char last, size_t n)
{
	return (((unsigned)a * 131u + (unsigned)b) * 31u + (unsigned)last * 7u + (unsigned)n * 977u) & 65535u;
}

/* The bit of a word in a wordlist signature (the bytes as given: lower-case them first for sig_lower). */
static inline unsigned wordlist_sig(unsigned char first, unsigned char last, size_t n)
{
	return ((unsigned)first * 31u + (unsigned)last * 7u + (unsigned)n) & 4095u;
}

enum cond_kind {
	COND_IN, COND_NOT_IN, COND_IN_CASED, COND_NOT_IN_CASED,
	COND_DICT, COND_CASE, COND_NOT_CASE, COND_SENTENCE_START, COND_DOC_CAPITALIZED
};

enum case_shape { SHAPE_LOWER, SHAPE_UPPER, SHAPE_TITLE, SHAPE_MIXED, SHAPE_NONE, SHAPE_CAPITALIZED /* conditions only */ };

struct cond {
	enum cond_kind kind;
	int group;          /* -1 when group_name is used */
	char *group_name;
	struct wordlist *list;
	bool bval;
	enum case_shape shape;
};

enum builtin {
	BUILTIN_NONE, BUILTIN_SPELLING, BUILTIN_NAME_CASE, BUILTIN_VARIANT_MIX,
	BUILTIN_GLOSSARY, BUILTIN_CYRILLIC, BUILTIN_MIXED_SCRIPT, BUILTIN_NAME_VARIANTS,
	BUILTIN_SRC_NUMBERS, BUILTIN_SRC_UNTRANSLATED, BUILTIN_SRC_PLACEHOLDERS, BUILTIN_SRC_BRACKETS,
	BUILTIN_SRC_NEGATION, BUILTIN_SRC_GLOSSARY
};

/*
 * ASCII character classes for the checks: the same in every locale (ctype's
 * follow the user's, and in a Latin-1 locale call bytes of UTF-8 letters
 * letters), and inline.
 */
static inline int c_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int c_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int c_isalpha(int c) { return c_isupper(c) || c_islower(c); }
static inline int c_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int c_isalnum(int c) { return c_isalpha(c) || c_isdigit(c); }
static inline int c_isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int c_tolower(int c) { return c_isupper(c) ? c + 32 : c; }
static inline int c_toupper(int c) { return c_islower(c) ? c - 32 : c; }

/* How every rule pattern is compiled (rules.c at load, check.c on first use). */
#define MTPE_RULE_PCRE2_OPTIONS (PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT)

struct rule {
	char *id;
	mtpe_category category;
	mtpe_severity severity;
	char *message;
	char *description;
	char *pattern;    /* as written */
	char *expanded;   /* built-in rules: the list-expanded pattern until it is compiled (on first use) */
	char *check;
	enum builtin builtin;
	pcre2_code *re;
	int span_group;
	char *span_name;
	char **repl;
	size_t nrepl;
	bool safe;
	bool enabled;
	struct cond *conds;
	size_t nconds;
	mtpe_example *ex;
	size_t nex;
	char *file;
	int line;
	bool tries_later; /* expanded has the flat lists: compile the lists as tries (mtpe_rules__expand_tries) */
	bool jit_tried;   /* JIT compiled on first use over a long text */
	bool re_borrowed; /* re is the leader's (a parallel check compiles each pattern once): not ours to free */
	bool code_ready;  /* in a parallel check: this thread has taken re (ours or the leader's) under the lock */
	size_t scanned;   /* bytes the pattern ran over, when MTPE_RULE_TIMES is set */
	double seconds;   /* time spent, when MTPE_RULE_TIMES is set */
	char **anchors;   /* prefilter: lower-case literal words one of which must occur, or NULL */
	size_t nanchors;
	size_t anchor_pre;  /* a match starts at most this many characters before its literal (SIZE_MAX: anywhere on its line) */
	size_t *anchor_pres; /* the same for each literal (anchor_pre is the farthest) */
	char **anchor_exact; /* for each literal NULL or its bytes as the text must have them (0: any case) */
	uint64_t anchor_stop[4]; /* bytes a match cannot hold before its literal (mtpe_prefilter_literals' stop) */
	int hint;           /* mtpe_hint (prefilter.h): a built-in scan where the literals cannot narrow the pattern */
};

/* The spelling verdict for one distinct word (cached per checker). */
enum spell_kind { SPELL_OK, SPELL_NAME, SPELL_MISSPELLED, SPELL_SKIP /* not for the speller: codes, acronyms, other scripts */ };
struct spell_verdict {
	enum spell_kind kind;
	int shape;    /* enum case_shape of the word */
	char **sugg;  /* NULL-terminated, may be NULL */
};

/*
 * What the word passes ask about one distinct word form (its bytes as
 * written), learnt on first need and kept per checker: the passes look a form
 * up once per occurrence, not once per question.
 */
enum {
	WF_SPELL = 1,     /* sv is set */
	WF_VARIANT = 2,   /* other and gb are set */
	WF_TITLE = 4,     /* in the "titles" list, as written */
	WF_GIVEN = 8,     /* in the "given-names" list, as written */
	WF_SURNAME = 16,  /* in the "surnames-english" list, any case */
	WF_DICT = 32      /* dictionary words only (dict_words) */
};
struct wfacts {
	struct spell_verdict *sv; /* the spelling verdict (of the form without a possessive); owned by spell_cache */
	const char *other;        /* the other variety's spelling if a variant word (owned by us2gb/gb2us), else NULL */
	uint16_t known, val;      /* WF_* bits: the facts learnt, and those true */
	uint32_t nv_run, nv_form; /* name-variants: in its run nv_run, the form's index + 1 in that piece (0: no name key) */
	uint32_t hash, klen;      /* the form: strmap_hash of its bytes, their number */
	size_t koff;              /* ... and where they are in the checker's wkeys */
	uint8_t shape;            /* enum case_shape */
	bool gb;                  /* a British variant (other is American) */
};

struct mtpe_checker {
	char *data_dir;
	struct mtpe_source_ctx *srcctx; /* source-aware checks (source_checks.c), made on first use */
	struct rule *rules;
	size_t nrules;
	struct wordlist **lists;
	size_t nlists;
	mtpe_speller *speller;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	/* built-in data, loaded on first use */
	bool variants_loaded;
	strmap us2gb, gb2us;
	uint64_t variant_sig[1024]; /* (first two bytes, last byte, length) of the variant words: most words miss here */
	bool glossary_loaded;
	pcre2_code *glossary_re;
	struct mtpe_ac *glossary_ac; /* the longest piece of each variant: the lines the regex needs to see */
	strmap glossary;          /* variant (as written) -> canonical */
	char **glossary_paths;    /* the user's glossaries, read before dicts/glossary.tsv */
	size_t nglossary_paths;
	size_t text_seen;         /* bytes checked so far (JIT and prefilter start after JIT_MIN_TEXT) */
	bool timing;              /* MTPE_RULE_TIMES: print time per rule at the end */
	strmap spell_cache;       /* word -> struct spell_verdict * */
	uint64_t *wslot;          /* word form -> index in wf: (hash << 32 | index), 0 empty; open addressing */
	size_t wslotcap;          /* 0 or a power of two */
	char *wkeys;              /* the forms' bytes, one after another (wfacts.koff, klen) */
	size_t wkeylen, wkeycap;
	struct wfacts *wf;        /* wf[0] unused */
	size_t nwf, capwf;
	unsigned speller_gen;     /* the speller's generation the two caches above answer for */
	uint32_t nv_runs;         /* name-variants passes so far (wfacts.nv_run) */
	uint32_t *spare_wid;      /* the last piece's word-form array, for the next piece */
	size_t spare_widcap;
	bool full_suggest;
	pcre2_code *skip_re;      /* URLs, e-mail, handles, tags */
	struct mtpe_ac *ac;       /* prefilter over all rules' literals (prefilter.h), built on first long text */
	mtpe_ac_hits hits;        /* the last window's hits: their arrays are reused by the next scan */
	mtpe_word *spare_words;   /* the last piece's words array, for the next piece (its pages are there) */
	size_t spare_cap;
	bool ac_tried;
	/*
	 * During a parallel check of one text (check_region), the threads'
	 * checkers compile each pattern and build the automaton once: the
	 * leader's (cs[0]), under share_lock; the others borrow them until the
	 * check ends.
	 */
	struct mtpe_checker *leader;  /* NULL: this is the leader, or no sharing */
	pthread_mutex_t *share_lock;  /* NULL: no sharing */
	pthread_mutex_t *verdict_lock; /* ... and the leader's spelling verdicts (spell_cache), under this one */
	bool ac_borrowed, ac_ready;
	bool loading_builtin;     /* the rules being loaded are ours: their patterns compile on first use */
	bool aux_jit;             /* skip_re and glossary_re JIT-compiled (after JIT_MIN_TEXT) */
	mtpe_error srcctx_error;  /* why the source-check context could not be made */
};

/* rules.c */
int mtpe_rules__load_path(mtpe_checker *c, const char *path, mtpe_error *err);
int mtpe_rules__load_dir(mtpe_checker *c, const char *dir, bool required, mtpe_error *err);
struct wordlist *mtpe_rules__list(mtpe_checker *c, const char *name, mtpe_error *err);
void mtpe_rules__free_rule(struct rule *r);
char *mtpe_rules__expand_tries(mtpe_checker *c, const struct rule *r);
void mtpe_rules__free_list(struct wordlist *l);

/* template.c */
char *mtpe_template_expand(const char *tmpl, const char *subject, const PCRE2_SIZE *ov,
			   uint32_t npairs, const pcre2_code *re, size_t *outlen);
int mtpe_template_validate(const char *tmpl, const pcre2_code *re, char *why, size_t whylen);

#endif
