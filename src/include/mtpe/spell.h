/*
 * spell.h - spelling with hunspell plus word lists. Only spell.c sees hunspell.
 * Results are cached per distinct word. Empty words, words of 100+ bytes and
 * words starting with "<?xml" are never passed to hunspell (treated as correct).
 */
#ifndef MTPE_SPELL_H
#define MTPE_SPELL_H

#include "mtpe/common.h"

typedef struct mtpe_speller mtpe_speller;

/*
 * Opens hunspell dictionary aff/dic (checked for readability first: hunspell
 * cannot report failure). Caller frees with mtpe_speller_free.
 */
int mtpe_speller_new(mtpe_speller **out, const char *aff, const char *dic, mtpe_error *err);
void mtpe_speller_free(mtpe_speller *sp);
/* Adds every word of a word list file (one per line, '#' comments). Missing file = MTPE_ENOTFOUND. */
int mtpe_speller_add_file(mtpe_speller *sp, const char *path, mtpe_error *err);
/*
 * Names a second variety of the language (e.g. en_GB for an en_US speller),
 * opened lazily on the first call of mtpe_speller_check_variety.
 */
int mtpe_speller_set_variety(mtpe_speller *sp, const char *aff, const char *dic);
/* True if the word is correct in the second variety (false when there is none). */
bool mtpe_speller_check_variety(mtpe_speller *sp, const char *word, size_t len);
/* Starts reading the second variety in a thread now (a long text is coming); no-op if read or unset. */
void mtpe_speller_prefetch_variety(mtpe_speller *sp);
/* Adds one word for this session. */
int mtpe_speller_add_word(mtpe_speller *sp, const char *word, size_t len);
/* Removes a word added with add_word (undo of a dictionary add). */
int mtpe_speller_remove_word(mtpe_speller *sp, const char *word, size_t len);
/* A number that changes whenever the speller's answers may have changed (words added or removed...): caches key on it. */
unsigned mtpe_speller_generation(const mtpe_speller *sp);
/* True if the word is correct (or not checkable). */
bool mtpe_speller_check(mtpe_speller *sp, const char *word, size_t len);
/*
 * Up to max suggestions (max <= 15), best first, into *out (caller frees each
 * string and the array). Returns the count, or a negative error.
 */
int mtpe_speller_suggest(mtpe_speller *sp, char ***out, const char *word, size_t len, int max);
/*
 * Fast suggestions: the dictionary words one edit away (transposition, deletion,
 * substitution, insertion), in that order, cased like the word; none for
 * non-ASCII words or words under 2 or over 30 letters. Deterministic (hunspell's
 * own suggest() stops on a clock). Same ownership as mtpe_speller_suggest.
 */
int mtpe_speller_suggest_fast(mtpe_speller *sp, char ***out, const char *word, size_t len, int max);
/* True if a word at Damerau-Levenshtein distance 1 (case-insensitive) is correct. */
bool mtpe_speller_near_miss(mtpe_speller *sp, const char *word, size_t len);
/* True if an ASCII word is in the base dictionary itself (not only in the added lists). */
bool mtpe_speller_is_base_word(mtpe_speller *sp, const char *word, size_t len);
/* True if the lower-cased form of word is a plain dictionary word. */
bool mtpe_speller_is_dict_word(mtpe_speller *sp, const char *word, size_t len);

/*
 * Test hook: answer ASCII words from our own reading of the .dic/.aff (the
 * default when the affix file is simple enough), or always ask hunspell.
 */
void mtpe_speller_use_own_affixes(mtpe_speller *sp, bool on);

/* Appends word to the personal dictionary file at path (atomic rewrite, deduplicated). */
int mtpe_personal_add(const char *path, const char *word, mtpe_error *err);
/* Removes word from the personal dictionary file. */
int mtpe_personal_remove(const char *path, const char *word, mtpe_error *err);
/* Default personal dictionary path ($XDG_CONFIG_HOME or ~/.config)/mtpe/words; caller frees. */
char *mtpe_personal_default_path(void);

#endif
