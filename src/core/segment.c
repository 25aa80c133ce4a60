/*
 * segment.c - the only file that includes ICU. Sentence and word boundaries over
 * UTF-8 through UText (indices are native byte offsets), script and case data.
 */
#include "mtpe/segment.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ucasemap.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#define PUSH(arr, n, cap, val)                                              \
	do {                                                                \
		if ((n) == (cap)) {                                         \
			size_t nc_ = (cap) ? (cap) * 2 : 64;                \
			void *np_ = mtpe_realloc((arr), nc_ * sizeof(*(arr))); \
			if (!np_) { error = MTPE_ENOMEM; goto cleanup; }    \
			(arr) = np_;                                        \
			(cap) = nc_;                                        \
		}                                                           \
		(arr)[(n)++] = (val);                                       \
	} while (0)

/* ASCII fast path for words: letters with inner ' or - and digits; same spans as ICU for ASCII prose. */
/*
 * Text the ASCII fast path segments exactly as ICU does: ASCII without '@'
 * (ICU keeps e-mail addresses whole) or '_' (ICU's words of underscores are
 * its own: "_" is none, "__" is one).
 */
static bool all_ascii(const char *t, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, lo7 = ones * 127;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) { /* 8 bytes at a time: a high bit, or a byte equal to '@' or '_' */
		uint64_t x, a, b;
		memcpy(&x, t + i, 8);
		a = x ^ (ones * '@');
		b = x ^ (ones * '_');
		if ((x | ~(((a & lo7) + lo7) | a | lo7) | ~(((b & lo7) + lo7) | b | lo7)) & (ones * 128))
			return false;
	}
	for (; i < len; i++)
		if ((unsigned char)t[i] >= 0x80 || t[i] == '@' || t[i] == '_')
			return false;
	return true;
}

static inline bool a_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool a_digit(char c) { return c >= '0' && c <= '9'; }

/* ASCII bytes for ascii_words: 1 a letter, 2 a digit, 4 '_' (all join a word), 0 the rest. */
static const unsigned char wclass[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 4,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * ASCII fast path for words, following UAX #29 as ICU applies it to ASCII:
 * letters, digits and '_' join; '.' '\'' join two letters; ',' ';' '.' '\''
 * join two digits. tests/unit/test_segment.c checks it gives ICU's spans.
 */
/* The bytes of 16 equal to c, as a mask. */
#if defined(__SSE2__)
static inline uint64_t eq16(__m128i v, char c)
{
	return (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

static inline uint64_t range16(__m128i v, char lo, char hi)
{
	return (uint64_t)(uint16_t)_mm_movemask_epi8(
		_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))), _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1)))));
}
#endif

static int ascii_words(mtpe_word **words, size_t *nw, size_t *capw, const char *t, size_t len, size_t base)
{
	int error = 0;
	const unsigned char *u = (const unsigned char *)t;
	size_t i = 0;
#if defined(__SSE2__)
	/*
	 * 64 bytes at a time: the word bytes as a mask - letters, digits, '_',
	 * and the joiners, which depend on their two neighbours only - and the
	 * words are its runs of ones (a word may go on into the next block).
	 */
	bool inw = false, letters = false;
	size_t ws = 0;
	uint64_t pa = 0, pd = 0; /* the last byte of the block before: a letter, a digit */
	for (; i + 64 <= len; i += 64) {
		uint64_t A = 0, D = 0, U = 0, DA = 0, NS = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 16 * k));
			__m128i vl = _mm_or_si128(v, _mm_set1_epi8(0x20));
			uint64_t dot = eq16(v, '.'), ap = eq16(v, '\'');
			A |= range16(vl, 'a', 'z') << (16 * k);
			D |= range16(v, '0', '9') << (16 * k);
			U |= eq16(v, '_') << (16 * k);
			DA |= (dot | ap) << (16 * k);
			NS |= (dot | ap | eq16(v, ',') | eq16(v, ';')) << (16 * k);
		}
		unsigned nx = i + 64 < len ? wclass[u[i + 64]] : 0; /* the byte after the block */
		uint64_t bA = (A << 1) | pa, aA = (A >> 1) | ((uint64_t)(nx == 1) << 63);
		uint64_t bD = (D << 1) | pd, aD = (D >> 1) | ((uint64_t)(nx == 2) << 63);
		uint64_t M = A | D | U | (DA & bA & aA) | (NS & bD & aD);
		pa = A >> 63;
		pd = D >> 63;
		unsigned pos = 0;
		while (pos < 64) {
			uint64_t from = ~0ull << pos;
			if (inw) {
				uint64_t z = ~M & from;
				unsigned e = z ? (unsigned)__builtin_ctzll(z) : 64;
				uint64_t span = (e == 64 ? ~0ull : (1ull << e) - 1) & from;
				letters |= (A & span) != 0;
				if (e == 64)
					break; /* on into the next block */
				mtpe_word w = { (uint32_t)(base + ws), (uint32_t)(base + i + e), letters ? MTPE_WORD_LETTER : MTPE_WORD_NUMBER };
				PUSH(*words, *nw, *capw, w);
				inw = false;
				pos = e;
			} else {
				uint64_t o = M & from;
				if (!o)
					break;
				pos = (unsigned)__builtin_ctzll(o);
				ws = i + pos;
				inw = true;
				letters = false;
			}
		}
	}
	if (inw)
		i = ws; /* the rest of that word and the tail, a byte at a time */
#endif
	while (i < len) {
		while (i < len && !wclass[u[i]])
			i++;
		if (i == len)
			break;
		size_t s = i;
		unsigned seen = 0; /* the classes met: bit 1, a letter */
		for (;;) {
			unsigned k;
			while (i < len && (k = wclass[u[i]]) != 0) {
				seen |= k;
				i++;
			}
			/* a joiner between two letters ('.' '\'') or two digits (',' ';' '.' '\'') */
			if (i + 1 >= len || i == s)
				break;
			char c = t[i];
			unsigned before = wclass[u[i - 1]], after = wclass[u[i + 1]];
			if (((c == '.' || c == '\'') && before == 1 && after == 1) ||
			    ((c == ',' || c == ';' || c == '.' || c == '\'') && before == 2 && after == 2)) {
				i++;
				continue;
			}
			break;
		}
		mtpe_word w = { (uint32_t)(base + s), (uint32_t)(base + i), (seen & 1) ? MTPE_WORD_LETTER : MTPE_WORD_NUMBER };
		PUSH(*words, *nw, *capw, w);
	}
cleanup:
	return error;
}

/* ICU's words of t[0, len), offsets + base, appended to out. ut is reused. */
static int icu_words(mtpe_segments *out, size_t *capw, UText **ut, UBreakIterator *wb, const char *t, size_t len,
		     size_t base)
{
	int error = 0;
	UErrorCode st = U_ZERO_ERROR;
	*ut = utext_openUTF8(*ut, t, (int64_t)len, &st);
	ubrk_setUText(wb, *ut, &st);
	if (U_FAILURE(st))
		return MTPE_EUNSUPPORTED;
	int32_t prev = ubrk_first(wb);
	for (int32_t p = ubrk_next(wb); p != UBRK_DONE; p = ubrk_next(wb)) {
		int32_t status = ubrk_getRuleStatus(wb);
		if (status >= UBRK_WORD_NONE_LIMIT) {
			mtpe_word w = { (uint32_t)(base + (size_t)prev), (uint32_t)(base + (size_t)p),
					status < UBRK_WORD_NUMBER_LIMIT ? MTPE_WORD_NUMBER :
					status < UBRK_WORD_LETTER_LIMIT ? MTPE_WORD_LETTER : MTPE_WORD_OTHER };
			PUSH(out->words, out->nwords, *capw, w);
		}
		prev = p;
	}
cleanup:
	return error;
}

static bool use_fastpath = true;

void mtpe_segment_use_fastpath(bool on)
{
	use_fastpath = on;
}

/*
 * Opening a break iterator costs far more than using one: each thread keeps
 * one sentence and one word iterator (ICU iterators are not thread-safe, so
 * they are per thread), closed when the thread exits.
 */
static _Thread_local UBreakIterator *tl_sb, *tl_wb;
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void close_iters(void *unused)
{
	if (tl_sb)
		ubrk_close(tl_sb);
	if (tl_wb)
		ubrk_close(tl_wb);
	tl_sb = tl_wb = NULL;
}

static void make_key(void)
{
	pthread_key_create(&tl_key, close_iters);
}

static UBreakIterator *cached_iter(UBreakIteratorType type, UErrorCode *st)
{
	UBreakIterator **slot = type == UBRK_SENTENCE ? &tl_sb : &tl_wb;
	if (!*slot) {
		*slot = ubrk_open(type, type == UBRK_SENTENCE ? "en_US@ss=standard" : "en_US", NULL, 0, st);
		if (U_FAILURE(*st))
			return NULL;
		pthread_once(&tl_once, make_key);
		pthread_setspecific(tl_key, (void *)1); /* so close_iters runs at thread exit */
	}
	return *slot;
}

/*
 * ICU's English sentence rules still break after some abbreviations that are
 * almost always followed by a name. True if the break at p follows one of them
 * ("St. ", "Dr. "...) on the same line.
 */
static bool after_abbreviation(const char *t, size_t p)
{
	static const char *const abbr[] = {
		"St", "Dr", "Mr", "Mrs", "Ms", "Prof", "Gen", "Lt", "Col", "Capt", "Sgt", "Maj", "Adm", "Gov",
		"Sen", "Rep", "Rev", "Hon", "Mt", "Ft", "No", "Nos", "Art", "vs", "Jr", "Sr", "Co", "Corp", "Inc",
		"Ltd", "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx", "incl",
		"e.g", "i.e", "cf", "etc", NULL
	};
	size_t e = p;
	while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	if (e == p || e == 0 || t[e - 1] != '.')
		return false; /* only "Abbr. X": not at a line end */
	e--;
	size_t b = e;
	while (b > 0 && (isalpha((unsigned char)t[b - 1]) || t[b - 1] == '.'))
		b--;
	if (b > 0 && !(t[b - 1] == ' ' || t[b - 1] == '(' || t[b - 1] == '\n' || t[b - 1] == '"'))
		return false;
	if ((e - b == 3 && !memcmp(t + b, "etc", 3)))
		return isupper((unsigned char)t[p]) ? false : true; /* "etc. The" ends a sentence */
	for (int i = 0; abbr[i]; i++)
		if (strlen(abbr[i]) == e - b && !memcmp(abbr[i], t + b, e - b))
			return true;
	return false;
}

static int segment_impl(mtpe_segments *out, const char *text, size_t len, size_t base, bool sentences,
			mtpe_error *err)
{
	int error = 0;
	UErrorCode st = U_ZERO_ERROR;
	UText *ut = NULL, *wut = NULL;
	UBreakIterator *sb = NULL, *wb = NULL;
	size_t caps = 0, capw = 0;

	mtpe_word *reuse = out->words;
	size_t reuse_cap = out->capwords;
	memset(out, 0, sizeof(*out));
	out->words = reuse;
	out->capwords = capw = reuse ? reuse_cap : 0;
	if (len == 0)
		return 0;
	if (len > MTPE_SEGMENT_MAX_TEXT || base > MTPE_SEGMENT_MAX_TEXT - len)
		return mtpe_error_set(err, MTPE_ETOOBIG, "text of %zu bytes is too large to segment (1 GiB at most)", len);
	if (sentences) {
		ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
		sb = cached_iter(UBRK_SENTENCE, &st);
		if (U_FAILURE(st)) {
			error = mtpe_error_set(err, MTPE_EUNSUPPORTED, "ICU: cannot open a sentence break iterator: %s",
					       u_errorName(st));
			goto cleanup;
		}
		ubrk_setUText(sb, ut, &st);
		int32_t prev = ubrk_first(sb);
		for (int32_t p = ubrk_next(sb); p != UBRK_DONE; p = ubrk_next(sb)) {
			if (p < (int32_t)len && after_abbreviation(text, (size_t)p))
				continue; /* "St. Petersburg", "Dr. Jones": the sentence goes on */
			mtpe_span sp = { base + (size_t)prev, base + (size_t)p };
			PUSH(out->sentences, out->nsentences, caps, sp);
			prev = p;
		}
	}
	/*
	 * Words never span a line end (UAX #29 WB3a/b), so the text is taken a
	 * line at a time: runs of plain ASCII lines take the fast path, runs of
	 * other lines go to ICU.
	 */
	if (len >= ((size_t)1 << 20) && capw < len / 5) { /* room for prose's words at once (about one per 6 bytes), mapped in one go */
		mtpe_word *nw = mtpe_realloc(out->words, len / 5 * sizeof(*nw));
		if (nw) {
			mtpe_prefault(nw + capw, (len / 5 - capw) * sizeof(*nw));
			out->words = nw;
			capw = len / 5;
		}
	}
	for (size_t i = 0; i < len;) {
		size_t bs = i;
		bool ascii = false;
		while (i < len) {
			const char *nl = memchr(text + i, '\n', len - i);
			size_t le = nl ? (size_t)(nl - text) + 1 : len;
			bool a = use_fastpath && all_ascii(text + i, le - i);
			if (i > bs && a != ascii)
				break;
			ascii = a;
			i = le;
		}
		if (ascii) {
			if ((error = ascii_words(&out->words, &out->nwords, &capw, text + bs, i - bs, base + bs)) < 0)
				goto cleanup;
			continue;
		}
		if (!wb) {
			wb = cached_iter(UBRK_WORD, &st);
			if (U_FAILURE(st)) {
				error = mtpe_error_set(err, MTPE_EUNSUPPORTED, "ICU: cannot open a word break iterator: %s",
						       u_errorName(st));
				goto cleanup;
			}
		}
		if ((error = icu_words(out, &capw, &wut, wb, text + bs, i - bs, base + bs)) < 0) {
			if (error == MTPE_EUNSUPPORTED)
				error = mtpe_error_set(err, error, "ICU: cannot segment words");
			goto cleanup;
		}
	}
cleanup:
	/* the iterators stay cached for this thread; they must not keep pointing at the text */
	{
		static const UChar empty[1] = { 0 };
		UErrorCode st2 = U_ZERO_ERROR;
		if (wb)
			ubrk_setText(wb, empty, 0, &st2);
		if (sb)
			ubrk_setText(sb, empty, 0, &st2);
	}
	if (ut)
		utext_close(ut);
	if (wut)
		utext_close(wut);
	if (error == MTPE_ENOMEM)
		mtpe_error_set(err, error, "out of memory");
	out->capwords = capw;
	if (error < 0)
		mtpe_segments_dispose(out);
	return error;
}

int mtpe_segment_at(mtpe_segments *out, const char *text, size_t len, size_t base, mtpe_error *err)
{
	return segment_impl(out, text, len, base, true, err);
}

int mtpe_segment_words_at(mtpe_segments *out, const char *text, size_t len, size_t base, mtpe_error *err)
{
	return segment_impl(out, text, len, base, false, err);
}

int mtpe_segment(mtpe_segments *out, const char *text, size_t len, mtpe_error *err)
{
	return segment_impl(out, text, len, 0, true, err);
}

struct mtpe_sentence_finder {
	UBreakIterator *bi;
	UText *ut;
	const char *text;
	size_t len, base;
};

int mtpe_sentence_finder_open(mtpe_sentence_finder **out, const char *text, size_t len, size_t base, mtpe_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	mtpe_sentence_finder *f = mtpe_calloc(1, sizeof(*f));
	*out = NULL;
	if (!f)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	f->text = text;
	f->len = len;
	f->base = base;
	f->ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
	if (U_SUCCESS(st))
		f->bi = ubrk_open(UBRK_SENTENCE, "en_US@ss=standard", NULL, 0, &st); /* as cached_iter */
	if (U_SUCCESS(st))
		ubrk_setUText(f->bi, f->ut, &st);
	if (U_FAILURE(st)) {
		mtpe_sentence_finder_close(f);
		return mtpe_error_set(err, MTPE_EUNSUPPORTED, "ICU: cannot open a sentence break iterator: %s", u_errorName(st));
	}
	*out = f;
	return 0;
}

bool mtpe_sentence_finder_any(mtpe_sentence_finder *f, size_t a, size_t b)
{
	if (a < f->base || b < a)
		return false;
	a -= f->base;
	b -= f->base;
	if (b >= f->len)
		b = f->len;
	/* the first of ICU's breaks at or after a, then on while they are before b; not after "St." ... */
	int32_t p = a ? ubrk_following(f->bi, (int32_t)a - 1) : ubrk_first(f->bi);
	for (; p != UBRK_DONE && (size_t)p <= b; p = ubrk_next(f->bi))
		if (p > 0 && (size_t)p < f->len && !after_abbreviation(f->text, (size_t)p))
			return true; /* (neither the text's start nor its end starts a sentence here) */
	return false;
}

void mtpe_sentence_finder_close(mtpe_sentence_finder *f)
{
	if (!f)
		return;
	if (f->bi)
		ubrk_close(f->bi);
	if (f->ut)
		utext_close(f->ut);
	free(f);
}

void mtpe_segments_dispose(mtpe_segments *s)
{
	free(s->sentences);
	free(s->words);
	memset(s, 0, sizeof(*s));
}

size_t mtpe_segments_sentence_at(const mtpe_segments *s, size_t offset)
{
	size_t lo = 0, hi = s->nsentences;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->sentences[mid].end <= offset)
			lo = mid + 1;
		else if (s->sentences[mid].start > offset)
			hi = mid;
		else
			return mid;
	}
	return s->nsentences;
}

const char *mtpe_script_of(uint32_t cp)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript((UChar32)cp, &st);
	if (U_FAILURE(st))
		return "Zzzz";
	return uscript_getShortName(sc);
}

bool mtpe_is_cyrillic(uint32_t cp)
{
	UErrorCode st = U_ZERO_ERROR;
	return uscript_getScript((UChar32)cp, &st) == USCRIPT_CYRILLIC;
}

bool mtpe_is_letter(uint32_t cp) { return u_isalpha((UChar32)cp); }
bool mtpe_is_upper(uint32_t cp) { return u_isupper((UChar32)cp) || u_istitle((UChar32)cp); }
bool mtpe_is_lower(uint32_t cp) { return u_islower((UChar32)cp); }

char *mtpe_case_map(const char *s, size_t len, char mode, size_t *outlen)
{
	if (mode == 't') {
		/* upper-case the first letter only */
		size_t k;
		uint32_t cp = mtpe_utf8_decode(s, len, &k);
		char enc[4];
		size_t kn = mtpe_utf8_encode((uint32_t)u_totitle((UChar32)cp), enc);
		char *r = mtpe_malloc(len - k + kn + 1);
		if (!r)
			return NULL;
		memcpy(r, enc, kn);
		memcpy(r + kn, s + k, len - k);
		r[kn + len - k] = '\0';
		if (outlen)
			*outlen = kn + len - k;
		return r;
	}
	UErrorCode st = U_ZERO_ERROR;
	UCaseMap *cm = ucasemap_open("en", 0, &st);
	if (U_FAILURE(st))
		return NULL;
	size_t cap = len * 3 + 4;
	char *r = mtpe_malloc(cap);
	if (!r) {
		ucasemap_close(cm);
		return NULL;
	}
	int32_t n = mode == 'u' ? ucasemap_utf8ToUpper(cm, r, (int32_t)cap, s, (int32_t)len, &st)
				: ucasemap_utf8ToLower(cm, r, (int32_t)cap, s, (int32_t)len, &st);
	ucasemap_close(cm);
	if (U_FAILURE(st)) {
		free(r);
		return NULL;
	}
	r[n] = '\0';
	if (outlen)
		*outlen = (size_t)n;
	return r;
}
