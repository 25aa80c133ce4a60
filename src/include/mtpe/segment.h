/*
 * segment.h - sentence and word segmentation (ICU) over UTF-8 text, as byte
 * spans. Only segment.c sees ICU.
 */
#ifndef MTPE_SEGMENT_H
#define MTPE_SEGMENT_H

#include "mtpe/common.h"

typedef struct mtpe_span {
	size_t start, end; /* [start, end) bytes */
} mtpe_span;

typedef enum mtpe_word_kind {
	MTPE_WORD_LETTER = 1, /* letters, maybe with apostrophes/hyphens inside */
	MTPE_WORD_NUMBER = 2,
	MTPE_WORD_OTHER = 3   /* kana, ideographs */
} mtpe_word_kind;

/*
 * Words are many (a sixth of the text's bytes): 8 bytes each, so a text to
 * segment is at most MTPE_SEGMENT_MAX_TEXT bytes (offsets of 30 bits).
 */
typedef struct mtpe_word {
	uint32_t start;
	uint32_t end : 30;
	uint32_t kind : 2;  /* mtpe_word_kind */
} mtpe_word;
#define MTPE_SEGMENT_MAX_TEXT (((size_t)1 << 30) - 1)

typedef struct mtpe_segments {
	mtpe_span *sentences; size_t nsentences;
	mtpe_word *words; size_t nwords;
	size_t capwords; /* room in words */
} mtpe_segments;
#define MTPE_SEGMENTS_INIT { NULL, 0, NULL, 0, 0 }

/*
 * Splits text[0..len) (valid UTF-8) into sentences and words. Sentences also
 * break at blank lines and at line ends that are not inside running prose
 * (headlines, captions). Texts of 4 GiB or more are refused (MTPE_ETOOBIG).
 * Caller disposes with mtpe_segments_dispose.
 */
int mtpe_segment(mtpe_segments *out, const char *text, size_t len, mtpe_error *err);
/*
 * The same with every offset plus base (text is base bytes into a larger one);
 * base + len < 1 GiB. out may hold a words array (words, capwords, nothing
 * else) from an earlier call: it is reused, its pages already there.
 */
int mtpe_segment_at(mtpe_segments *out, const char *text, size_t len, size_t base, mtpe_error *err);
void mtpe_segments_dispose(mtpe_segments *s);
/* Words only (sentences left NULL): see mtpe_sentence_finder for them. */
int mtpe_segment_words_at(mtpe_segments *out, const char *text, size_t len, size_t base, mtpe_error *err);

/*
 * Sentence starts on demand, for a text where only a few are asked about: the
 * same sentences as mtpe_segment's (ICU's, none after "St.", "Dr." ...), found
 * around each question. text must outlive the finder; one thread at a time.
 */
typedef struct mtpe_sentence_finder mtpe_sentence_finder;
int mtpe_sentence_finder_open(mtpe_sentence_finder **out, const char *text, size_t len, size_t base, mtpe_error *err);
/* Does a sentence start in [a, b] (offsets with base)? */
bool mtpe_sentence_finder_any(mtpe_sentence_finder *f, size_t a, size_t b);
void mtpe_sentence_finder_close(mtpe_sentence_finder *f);

/* Test hook: turn the ASCII word fast path off (ICU for all text) or back on. */
void mtpe_segment_use_fastpath(bool on);
/* Index of the sentence containing offset, or nsentences if none. */
size_t mtpe_segments_sentence_at(const mtpe_segments *s, size_t offset);

/* Unicode helpers backed by ICU. */
/* ISO 15924 short name of the script of code point cp ("Latn", "Cyrl", "Zyyy"...). */
const char *mtpe_script_of(uint32_t cp);
bool mtpe_is_cyrillic(uint32_t cp);
bool mtpe_is_letter(uint32_t cp);
bool mtpe_is_upper(uint32_t cp);
bool mtpe_is_lower(uint32_t cp);
/* Case-maps UTF-8 s into a new string (caller frees). mode: 'u' upper, 'l' lower, 't' title (first letter). */
char *mtpe_case_map(const char *s, size_t len, char mode, size_t *outlen);

#endif
