/*
 * spell.c - the only file that includes hunspell. A speller wraps one hunspell
 * handle plus three open-addressing hash sets of words:
 *  - the stems of the .dic file (as written; those of compound-only entries left
 *    out): a word that is a stem, or the capitalized/upper-case form of a
 *    lower-case stem, is correct without asking hunspell;
 *  - the words added from word lists (hunspell gets them too);
 *  - a cache of hunspell's answers, so each distinct word reaches it once.
 * The hunspell handle itself is created lazily, on the first word the stems and
 * the added words cannot settle (creating it costs ~70 ms): a clean short file
 * never pays for it.
 */
#include "mtpe/spell.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hunspell/hunspell.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "strmap.h"

#define MAX_WORD_BYTES 100
#define MAX_SUGGEST 15

struct cache_entry {
	char *word; /* NULL = empty slot */
	uint32_t hash;
	uint32_t len;
	bool ok;
};

/* One affix entry of the .aff file (single-character flags, as en_US uses). */
struct affix {
	bool pfx, cross;
	char flag;
	char strip[16], add[32];
	size_t sl, al;
	uint8_t cond[16][32]; /* per position: a 256-bit set of allowed bytes */
	size_t nc;
};

/*
 * A set of words as compact slots (offset, hash, length, flags offset) into one
 * byte store: the .dic file read whole (arena), or a growing buffer (added
 * words). Offset 0 marks an empty slot; stores start with a '\0'.
 */
struct wslot {
	uint32_t off, hash;
	uint16_t len, foff;   /* foff: flags at word + foff (0 = none) */
};

struct wordset {
	struct wslot *t;
	size_t cap, used;
	char *arena;          /* the .dic file, when the words live there */
	mtpe_buf store;       /* else: the words, each NUL-terminated */
};

static inline const char *ws_word(const struct wordset *ws, const struct wslot *e)
{
	return (ws->arena ? ws->arena : ws->store.ptr) + e->off;
}

/* A dictionary we read ourselves: the .dic stems and, for simple .aff files, the affixes. */
struct dict {
	struct wordset stems;  /* .dic stems as written */
	struct affix *affixes; /* the .aff's PFX/SFX entries */
	size_t naffixes;
	/*
	 * The entries by the byte their `add` ends (suffixes) or starts (prefixes)
	 * with, bucket 256 for an empty add: a word meets only the entries its last
	 * or first byte allows (an entry is ~600 bytes: walking them all per word
	 * was the cost of a look-up).
	 */
	uint32_t *by_byte;
	uint32_t sfx_at[258], pfx_at[258];
	bool own_affixes;      /* the affixes can be applied exactly as hunspell does */
};

struct mtpe_speller {
	Hunhandle *h;          /* created on first need (ensure_h) */
	char *aff, *dic;
	struct dict *base;     /* en_US: answers ASCII words exactly like hunspell (shared, see dict_acquire) */
	bool base_own;         /* answer from base's affixes (its own_affixes, unless turned off) */
	pthread_t loader;      /* reads `base` while the caller goes on (loading rules...) */
	bool loading;
	struct wordset added;  /* words added from lists, as written */
	struct dict *alt;      /* a second variety (en_GB), read on first use (shared) */
	char *alt_aff, *alt_dic;
	bool alt_tried;
	pthread_t alt_loader;  /* reads `alt` ahead of need (mtpe_speller_prefetch_variety) */
	bool alt_loading;
	struct cache_entry *tab;
	size_t cap, used;
	unsigned gen;          /* changes whenever an answer may have changed (cache_clear) */
};

/* True if some stem entry equal to w has flag (0 = any entry). */
static bool stem_with_flag(const struct wordset *ws, const char *w, size_t n, char flag)
{
	if (!ws->t)
		return false;
	uint32_t h = strmap_hash(w, n);
	size_t j = h & (ws->cap - 1);
	while (ws->t[j].off) {
		const struct wslot *e = &ws->t[j];
		if (e->hash == h && e->len == n) {
			const char *ew = ws_word(ws, e);
			if (!memcmp(ew, w, n) && (!flag || (e->foff && strchr(ew + e->foff, flag))))
				return true;
		}
		j = (j + 1) & (ws->cap - 1);
	}
	return false;
}

static bool set_has(const struct wordset *ws, const char *w, size_t n)
{
	return stem_with_flag(ws, w, n, 0);
}

/* Puts a slot for the word at store offset off, whose hash is h (duplicates allowed). */
static void set_put_hashed(struct wordset *ws, uint32_t off, size_t n, uint16_t foff, uint32_t h)
{
	size_t j = h & (ws->cap - 1);
	while (ws->t[j].off)
		j = (j + 1) & (ws->cap - 1);
	ws->t[j].off = off;
	ws->t[j].hash = h;
	ws->t[j].len = (uint16_t)n;
	ws->t[j].foff = foff;
	ws->used++;
}

/* Puts a slot for the word at store offset off (duplicates allowed). */
static void set_put(struct wordset *ws, uint32_t off, size_t n, uint16_t foff)
{
	const char *w = (ws->arena ? ws->arena : ws->store.ptr) + off;
	set_put_hashed(ws, off, n, foff, strmap_hash(w, n));
}

static int set_grow(struct wordset *ws, size_t min_cap)
{
	size_t ncap = ws->cap ? ws->cap : 1024;
	while (ncap < min_cap)
		ncap *= 2;
	if (ncap == ws->cap)
		return 0;
	struct wslot *nt = mtpe_calloc(ncap, sizeof(*nt));
	mtpe_prefault(nt, ncap * sizeof(*nt)); /* filled at random places: every page is written */
	if (!nt)
		return MTPE_ENOMEM;
	for (size_t i = 0; i < ws->cap; i++) {
		if (!ws->t[i].off)
			continue;
		size_t j = ws->t[i].hash & (ncap - 1);
		while (nt[j].off)
			j = (j + 1) & (ncap - 1);
		nt[j] = ws->t[i];
	}
	free(ws->t);
	ws->t = nt;
	ws->cap = ncap;
	return 0;
}

static int set_add(struct wordset *ws, const char *w, size_t n)
{
	if (n > 0xFFFF || set_has(ws, w, n))
		return 0;
	if (set_grow(ws, (ws->used + 1) * 2) < 0)
		return MTPE_ENOMEM;
	if (!ws->store.len)
		mtpe_buf_putc(&ws->store, '\0'); /* offset 0 means "empty" */
	uint32_t off = (uint32_t)ws->store.len;
	mtpe_buf_put(&ws->store, w, n);
	mtpe_buf_putc(&ws->store, '\0');
	if (ws->store.oom)
		return MTPE_ENOMEM;
	set_put(ws, off, n, 0);
	return 0;
}

static void set_remove_all(struct wordset *ws)
{
	free(ws->arena);
	free(ws->t);
	mtpe_buf_dispose(&ws->store);
	memset(ws, 0, sizeof(*ws));
}

static bool readable(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Reads the SET line of an .aff file; true when the dictionary is UTF-8. */
static bool aff_is_utf8(const char *aff, char *enc, size_t cap)
{
	FILE *f = fopen(aff, "r");
	char line[256];
	snprintf(enc, cap, "ISO8859-1");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "SET ", 4)) {
			char *v = line + 4;
			v[strcspn(v, " \t\r\n")] = '\0';
			snprintf(enc, cap, "%s", v);
			break;
		}
	}
	fclose(f);
	return !strcasecmp(enc, "UTF-8") || !strcasecmp(enc, "UTF8");
}

/* The ONLYINCOMPOUND flag of an .aff file (single character), or 0. */
static char compound_flag(const char *aff)
{
	FILE *f = fopen(aff, "r");
	char line[256], flag = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "ONLYINCOMPOUND ", 15) && line[15] > ' ') {
			flag = line[15];
			break;
		}
	fclose(f);
	return flag;
}

/*
 * Reads the stems of a .dic file (before '/') into ws, leaving out compound-only
 * entries (flag c). The file is read once into an arena the set points into.
 */
static int load_stems(struct wordset *ws, const char *dic, char compound_only)
{
	FILE *f = fopen(dic, "rb");
	if (!f)
		return MTPE_EIO;
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || st.st_size <= 0 || st.st_size > (64 << 20)) {
		fclose(f);
		return MTPE_EIO;
	}
	size_t len = (size_t)st.st_size;
	char *a = mtpe_malloc(len + 2);
	mtpe_prefault(a, len + 2);
	if (!a || fread(a + 1, 1, len, f) != len) {
		free(a);
		fclose(f);
		return a ? MTPE_EIO : MTPE_ENOMEM;
	}
	fclose(f);
	a[0] = '\0'; /* offset 0 means "empty" */
	a[len + 1] = '\0';
	/* the first line holds the word count (some files start with a BOM); trust the line count more */
	size_t count = 0;
	for (const char *q = a + 1; (q = memchr(q, '\n', len - (size_t)(q - a - 1))) != NULL; q++)
		count++;
	ws->arena = a;
	if (set_grow(ws, count + count / 2 + 2) < 0)
		return MTPE_ENOMEM;
	/* the table is far larger than the cache: each entry's slot is fetched ahead, PEND entries before it is written */
	enum { PEND = 8 };
	struct pend_put { uint32_t off, n; uint16_t foff; uint32_t h; } pend[PEND];
	size_t npend = 0;
	char *p = strchr(a + 1, '\n');
	while (p && *++p) {
		char *line = p;
		p = strchr(line, '\n');
		size_t n = strcspn(line, "/\t\r\n");
		size_t ll = p ? (size_t)(p - line) : strlen(line);
		if (!n || n > 60)
			continue;
		if (compound_only && line[n] == '/' && memchr(line + n, compound_only, ll - n))
			continue; /* valid only inside compounds */
		uint16_t foff = 0;
		if (line[n] == '/') {
			char *fe = line + n + 1;
			fe[strcspn(fe, " \t\r\n")] = '\0';
			foff = (uint16_t)(n + 1);
		}
		line[n] = '\0';
		if ((ws->used + npend + 1) * 3 > ws->cap * 2)
			break; /* never fuller than 2/3 */
		/* duplicates are kept: the same stem may come with different flags */
		uint32_t h = strmap_hash(line, n);
		__builtin_prefetch(&ws->t[h & (ws->cap - 1)], 1);
		if (npend == PEND) { /* the slot asked for PEND entries ago is in cache by now */
			set_put_hashed(ws, pend[0].off, pend[0].n, pend[0].foff, pend[0].h);
			memmove(pend, pend + 1, (PEND - 1) * sizeof(pend[0]));
			npend--;
		}
		pend[npend++] = (struct pend_put){ (uint32_t)(line - a), (uint32_t)n, foff, h };
	}
	for (size_t k = 0; k < npend; k++)
		set_put_hashed(ws, pend[k].off, pend[k].n, pend[k].foff, pend[k].h);
	return 0;
}

static void load_affixes(struct dict *d, const char *aff);
static void wait_loaded(mtpe_speller *sp);

/*
 * Dictionaries read from .dic/.aff are shared by the spellers of a process
 * (one per -j thread) and read-only once read: one copy, one read.
 */
struct dict_entry {
	char *dic;
	int refs;
	struct dict d;
	struct dict_entry *next;
};
static pthread_mutex_t dicts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dict_entry *dicts;

/* The dictionary of dic (read now if no speller has it); a failed read gives an empty one (hunspell answers). */
static struct dict *dict_acquire(const char *aff, const char *dic)
{
	pthread_mutex_lock(&dicts_lock);
	struct dict_entry *e = dicts;
	while (e && strcmp(e->dic, dic))
		e = e->next;
	if (!e && (e = mtpe_calloc(1, sizeof(*e))) != NULL) {
		if (!(e->dic = mtpe_strdup(dic))) {
			free(e);
			e = NULL;
		} else {
			if (load_stems(&e->d.stems, dic, compound_flag(aff)) == 0)
				load_affixes(&e->d, aff);
			else
				set_remove_all(&e->d.stems);
			e->next = dicts;
			dicts = e;
		}
	}
	if (e)
		e->refs++;
	pthread_mutex_unlock(&dicts_lock);
	return e ? &e->d : NULL;
}

static void dict_release(struct dict *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&dicts_lock);
	for (struct dict_entry **pe = &dicts; *pe; pe = &(*pe)->next)
		if (&(*pe)->d == d) {
			struct dict_entry *e = *pe;
			if (--e->refs == 0) {
				*pe = e->next;
				set_remove_all(&e->d.stems);
				free(e->d.affixes);
				free(e->d.by_byte);
				free(e->dic);
				free(e);
			}
			break;
		}
	pthread_mutex_unlock(&dicts_lock);
}

static void *load_base(void *arg)
{
	mtpe_speller *sp = arg;
	mtpe_heap_advise();
	sp->base = dict_acquire(sp->aff, sp->dic);
	sp->base_own = sp->base && sp->base->own_affixes;
	return NULL;
}

int mtpe_speller_new(mtpe_speller **out, const char *aff, const char *dic, mtpe_error *err)
{
	char enc[64];
	*out = NULL;
	/* Hunspell_create cannot report failure: check the files first. */
	if (!readable(aff) || !readable(dic))
		return mtpe_error_set(err, MTPE_ENOTFOUND,
				      "hunspell dictionary '%s' / '%s' not found or unreadable; install the Debian package hunspell-en-us or pass --hunspell-dict PATH.aff",
				      aff ? aff : "(none)", dic ? dic : "(none)");
	if (!aff_is_utf8(aff, enc, sizeof(enc)))
		return mtpe_error_set(err, MTPE_EUNSUPPORTED,
				      "hunspell dictionary '%s' uses encoding %s; mtpe needs a UTF-8 dictionary", dic, enc);
	mtpe_speller *sp = mtpe_calloc(1, sizeof(*sp));
	if (!sp)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	sp->aff = mtpe_strdup(aff);
	sp->dic = mtpe_strdup(dic);
	sp->cap = 4096;
	sp->tab = mtpe_calloc(sp->cap, sizeof(struct cache_entry));
	if (!sp->aff || !sp->dic || !sp->tab) {
		mtpe_speller_free(sp);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	/* the dictionary is read in the background; every entry point waits for it (wait_loaded) */
	if (pthread_create(&sp->loader, NULL, load_base, sp) == 0)
		sp->loading = true;
	else
		load_base(sp);
	*out = sp;
	return 0;
}

/* Waits for the background read of the base dictionary (a failed read leaves hunspell to answer). */
static void wait_loaded(mtpe_speller *sp)
{
	if (sp->loading) {
		pthread_join(sp->loader, NULL);
		sp->loading = false;
	}
}

/* Creates the hunspell handle on first need, with every added word. */
/*
 * hunspell keeps a process-wide table for UTF-8 dictionaries, counted by
 * Hunspell_create and Hunspell_destroy without a lock: the spellers of the
 * -j threads make and free their handles one at a time.
 */
static pthread_mutex_t hunspell_lock = PTHREAD_MUTEX_INITIALIZER;

static Hunhandle *hunspell_create(const char *aff, const char *dic)
{
	pthread_mutex_lock(&hunspell_lock);
	Hunhandle *h = Hunspell_create(aff, dic);
	pthread_mutex_unlock(&hunspell_lock);
	return h;
}

static void hunspell_destroy(Hunhandle *h)
{
	pthread_mutex_lock(&hunspell_lock);
	Hunspell_destroy(h);
	pthread_mutex_unlock(&hunspell_lock);
}

static bool ensure_h(mtpe_speller *sp)
{
	if (sp->h)
		return true;
	sp->h = hunspell_create(sp->aff, sp->dic);
	if (!sp->h)
		return false;
	for (size_t i = 0; i < sp->added.cap; i++)
		if (sp->added.t[i].off)
			Hunspell_add(sp->h, ws_word(&sp->added, &sp->added.t[i]));
	return true;
}

static void cache_clear(mtpe_speller *sp)
{
	for (size_t i = 0; i < sp->cap; i++) {
		free(sp->tab[i].word);
		sp->tab[i].word = NULL;
	}
	sp->used = 0;
	sp->gen++;
}

unsigned mtpe_speller_generation(const mtpe_speller *sp)
{
	return sp->gen;
}

void mtpe_speller_free(mtpe_speller *sp)
{
	if (!sp)
		return;
	wait_loaded(sp);
	if (sp->alt_loading)
		pthread_join(sp->alt_loader, NULL);
	if (sp->tab)
		cache_clear(sp);
	free(sp->tab);
	dict_release(sp->base);
	dict_release(sp->alt);
	set_remove_all(&sp->added);
	if (sp->h)
		hunspell_destroy(sp->h);
	free(sp->aff);
	free(sp->dic);
	free(sp->alt_aff);
	free(sp->alt_dic);
	free(sp);
}

static void cache_clear(mtpe_speller *sp);

static bool checkable(const char *w, size_t len)
{
	if (len == 0 || len >= MAX_WORD_BYTES)
		return false;
	if (len >= 5 && strncasecmp(w, "<?xml", 5) == 0)
		return false;
	return mtpe_utf8_valid(w, len, NULL);
}

int mtpe_speller_set_variety(mtpe_speller *sp, const char *aff, const char *dic)
{
	if (!readable(aff) || !readable(dic))
		return MTPE_ENOTFOUND;
	if (sp->alt_loading) {
		pthread_join(sp->alt_loader, NULL);
		sp->alt_loading = false;
	}
	free(sp->alt_aff);
	free(sp->alt_dic);
	dict_release(sp->alt);
	sp->alt = NULL;
	sp->alt_aff = mtpe_strdup(aff);
	sp->alt_dic = mtpe_strdup(dic);
	sp->alt_tried = false;
	return sp->alt_aff && sp->alt_dic ? 0 : MTPE_ENOMEM;
}

/* The case forms hunspell accepts for a stem: as written, capitalized, all upper-case. */
static bool in_set_cased(const struct wordset *ws, const char *w, size_t len)
{
	char low[MAX_WORD_BYTES + 1];
	if (set_has(ws, w, len))
		return true;
	if (!len || !isupper((unsigned char)w[0]))
		return false;
	bool all_upper = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c >= 0x80)
			return false; /* non-ASCII: let hunspell decide */
		if (islower(c))
			all_upper = false;
	}
	/* "Government" -> "government"; "GOVERNMENT" -> "government" or "Government" */
	for (size_t i = 0; i < len; i++)
		low[i] = (char)((i == 0 || all_upper) ? tolower((unsigned char)w[i]) : w[i]);
	if (set_has(ws, low, len))
		return true;
	if (all_upper && len > 1) {
		low[0] = w[0];
		return set_has(ws, low, len);
	}
	return false;
}

/* Parses an affix condition ("[^aeiou]y", ".", "e") into per-position byte sets. */
static bool parse_cond(struct affix *a, const char *c)
{
	a->nc = 0;
	if (!strcmp(c, "."))
		return true;
	while (*c) {
		if (a->nc >= 16)
			return false;
		uint8_t *set = a->cond[a->nc++];
		memset(set, 0, 32);
		if (*c == '[') {
			bool neg = c[1] == '^';
			const char *q = c + (neg ? 2 : 1);
			uint8_t tmp[32] = { 0 };
			while (*q && *q != ']') {
				tmp[(unsigned char)*q >> 3] |= (uint8_t)(1u << ((unsigned char)*q & 7));
				q++;
			}
			if (*q != ']')
				return false;
			for (int i = 0; i < 32; i++)
				set[i] = neg ? (uint8_t)~tmp[i] : tmp[i];
			c = q + 1;
		} else if (*c == '.') {
			memset(set, 0xFF, 32);
			c++;
		} else {
			set[(unsigned char)*c >> 3] |= (uint8_t)(1u << ((unsigned char)*c & 7));
			c++;
		}
	}
	return true;
}

static bool cond_ok(const struct affix *a, const char *stem, size_t n)
{
	if (a->nc > n)
		return false;
	const char *base = a->pfx ? stem : stem + n - a->nc;
	for (size_t i = 0; i < a->nc; i++) {
		unsigned char c = (unsigned char)base[i];
		if (!(a->cond[i][c >> 3] & (1u << (c & 7))))
			return false;
	}
	return true;
}

/*
 * Reads the PFX/SFX entries of an .aff file. Our own lookup is used only for
 * simple affix files (single-character flags, no twofold affixes, no FLAG,
 * COMPLEXPREFIXES or circumfixes): otherwise hunspell answers every word.
 */
/* Fills d->by_byte, sfx_at and pfx_at (see struct dict), a counting sort; false when out of memory. */
static bool index_affixes(struct dict *d)
{
	if (!(d->by_byte = mtpe_malloc((d->naffixes ? d->naffixes : 1) * sizeof(uint32_t))))
		return false;
	uint32_t count[2][257] = { { 0 } };
	for (size_t i = 0; i < d->naffixes; i++) {
		const struct affix *a = &d->affixes[i];
		count[a->pfx][!a->al ? 256 : (unsigned char)(a->pfx ? a->add[0] : a->add[a->al - 1])]++;
	}
	uint32_t k = 0, next[2][257];
	for (int pfx = 0; pfx < 2; pfx++) {
		uint32_t *at = pfx ? d->pfx_at : d->sfx_at;
		for (unsigned b = 0; b <= 256; b++) {
			at[b] = next[pfx][b] = k;
			k += count[pfx][b];
		}
		at[257] = k;
	}
	for (size_t i = 0; i < d->naffixes; i++) { /* in file order within a bucket, as before */
		const struct affix *a = &d->affixes[i];
		unsigned b = !a->al ? 256 : (unsigned char)(a->pfx ? a->add[0] : a->add[a->al - 1]);
		d->by_byte[next[a->pfx][b]++] = (uint32_t)i;
	}
	return true;
}

static void load_affixes(struct dict *d, const char *aff)
{
	FILE *f = fopen(aff, "r");
	char line[512];
	size_t cap = 0;
	bool ok = f != NULL;
	char cross[256] = { 0 };
	while (ok && fgets(line, sizeof(line), f)) {
		char kind[8], flag[8], a1[64], a2[64], a3[128];
		if (!strncmp(line, "FLAG", 4) || !strncmp(line, "COMPLEXPREFIXES", 15) || !strncmp(line, "CIRCUMFIX", 9) ||
		    !strncmp(line, "NEEDAFFIX", 9) || !strncmp(line, "FORBIDDENWORD", 13) || !strncmp(line, "KEEPCASE", 8) ||
		    !strncmp(line, "IGNORE", 6) || !strncmp(line, "FULLSTRIP", 9) || !strncmp(line, "CHECKSHARPS", 11)) {
			ok = false;
			break;
		}
		if (strncmp(line, "PFX", 3) && strncmp(line, "SFX", 3))
			continue;
		int k = sscanf(line, "%7s %7s %63s %63s %127s", kind, flag, a1, a2, a3);
		if (k < 4 || strlen(flag) != 1) {
			ok = false;
			break;
		}
		if (k == 4) { /* header: PFX A Y 1 */
			cross[(unsigned char)flag[0]] = a1[0] == 'Y';
			continue;
		}
		if (strchr(a2, '/')) { /* twofold affix */
			ok = false;
			break;
		}
		if (d->naffixes == cap) {
			cap = cap ? cap * 2 : 64;
			struct affix *na = mtpe_realloc(d->affixes, cap * sizeof(*na));
			if (!na) {
				ok = false;
				break;
			}
			d->affixes = na;
		}
		struct affix *a = &d->affixes[d->naffixes];
		memset(a, 0, sizeof(*a));
		a->pfx = kind[0] == 'P';
		a->flag = flag[0];
		a->cross = cross[(unsigned char)flag[0]];
		if (strcmp(a1, "0"))
			snprintf(a->strip, sizeof(a->strip), "%s", a1);
		if (strcmp(a2, "0"))
			snprintf(a->add, sizeof(a->add), "%s", a2);
		a->sl = strlen(a->strip);
		a->al = strlen(a->add);
		if (!parse_cond(a, a3)) {
			ok = false;
			break;
		}
		d->naffixes++;
	}
	if (f)
		fclose(f);
	d->own_affixes = ok && d->naffixes;
	if (d->own_affixes && !index_affixes(d))
		d->own_affixes = false;
}


/* Suffix forms: stem + add; flag2 (0 = none) is a prefix flag the stem must also carry. */
static bool sfx_check(const struct dict *d, const char *w, size_t n, char pflag)
{
	char stem[128];
	unsigned last = n ? (unsigned char)w[n - 1] : 256;
	for (uint32_t j = d->sfx_at[last], je = d->sfx_at[last + 1], k = 0; k < 2; j = d->sfx_at[256], je = d->sfx_at[257], k++)
	for (; j < je; j++) {
		const struct affix *a = &d->affixes[d->by_byte[j]];
		if (a->pfx || (pflag && !a->cross) || a->al > n || memcmp(w + n - a->al, a->add, a->al))
			continue;
		size_t sn = n - a->al;
		if (sn + a->sl == 0 || sn + a->sl >= sizeof(stem))
			continue;
		memcpy(stem, w, sn);
		memcpy(stem + sn, a->strip, a->sl);
		sn += a->sl;
		if (!cond_ok(a, stem, sn) || !stem_with_flag(&d->stems, stem, sn, a->flag))
			continue;
		if (!pflag || stem_with_flag(&d->stems, stem, sn, pflag)) {
			/* both flags on the same entry is what hunspell needs; entries rarely differ */
			return true;
		}
	}
	return false;
}

/* hunspell's lookup of one case form: a stem, a stem + suffix, prefix + stem (+ suffix). */
static bool form_ok(const struct dict *d, const char *w, size_t n)
{
	char stem[128];
	if (stem_with_flag(&d->stems, w, n, 0) || sfx_check(d, w, n, 0))
		return true;
	unsigned first = n ? (unsigned char)w[0] : 256;
	for (uint32_t j = d->pfx_at[first], je = d->pfx_at[first + 1], k = 0; k < 2; j = d->pfx_at[256], je = d->pfx_at[257], k++)
	for (; j < je; j++) {
		const struct affix *a = &d->affixes[d->by_byte[j]];
		if (!a->pfx || a->al > n || memcmp(w, a->add, a->al))
			continue;
		size_t rest = n - a->al;
		if (a->sl + rest == 0 || a->sl + rest >= sizeof(stem))
			continue;
		memcpy(stem, a->strip, a->sl);
		memcpy(stem + a->sl, w + a->al, rest);
		size_t sn = a->sl + rest;
		if (cond_ok(a, stem, sn) && stem_with_flag(&d->stems, stem, sn, a->flag))
			return true;
		if (a->cross && sfx_check(d, stem, sn, a->flag))
			return true;
	}
	return false;
}

/*
 * Our answer for an ASCII word, following hunspell's case rules: a lower-case
 * word as is; a capitalized word as is or lower-cased; an upper-case word as
 * is, capitalized or lower-cased; a mixed-case word as is.
 */
static bool own_check(const struct dict *d, const char *w, size_t n)
{
	char t[128];
	bool upper_first = isupper((unsigned char)w[0]), rest_lower = true, all_upper = true;
	for (size_t i = 0; i < n; i++) {
		if (islower((unsigned char)w[i]))
			all_upper = false;
		if (i && isupper((unsigned char)w[i]))
			rest_lower = false;
	}
	if (form_ok(d, w, n))
		return true;
	if (n >= sizeof(t) || !upper_first)
		return false;
	if (rest_lower || all_upper) {
		for (size_t i = 0; i < n; i++)
			t[i] = (char)tolower((unsigned char)w[i]);
		if (form_ok(d, t, n))
			return true;
		if (all_upper) {
			t[0] = w[0];
			return form_ok(d, t, n);
		}
	}
	return false;
}

bool mtpe_speller_is_base_word(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	if (!sp->base_own || !checkable(word, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)word[i] >= 0x80 || word[i] == '-' || word[i] == '.')
			return false;
	return own_check(sp->base, word, len);
}

void mtpe_speller_use_own_affixes(mtpe_speller *sp, bool on)
{
	wait_loaded(sp);
	sp->base_own = on && sp->base && sp->base->naffixes;
	cache_clear(sp);
}

/* Appends code point c to b (at least 4 bytes free). */
static size_t put_utf8(char *b, size_t k, UChar32 c)
{
	bool err = false;
	int32_t i = (int32_t)k;
	U8_APPEND((uint8_t *)b, i, (int32_t)(k + 4), c, err);
	return err ? k : (size_t)i;
}

/*
 * Our answer for a word with Latin letters beyond ASCII (é, ü, ñ, ő: up to
 * U+024F), with own_check's case rules over Unicode's simple case mappings, as
 * hunspell's: a lower-case word as is; a capitalized word as is or lower-cased;
 * an upper-case word as is, lower-cased or capitalized; a mixed-case word as
 * is; the words added (lists, personal dictionary: no affixes) likewise.
 * The curly apostrophe reads as ' (the .aff's ICONV). *answered is false
 * for words with other characters, starting with a digit, upper-case with an
 * apostrophe (hunspell splits those) or upper-case and not found: hunspell
 * decides them.
 */
static bool own_check_latin(const struct dict *d, const struct wordset *added, const char *w, size_t n, bool *answered)
{
	char as[4 * 100], low[4 * 100], ini[4 * 100];
	size_t an = 0, ln = 0, in = 0;
	bool upper_first = false, rest_lower = true, all_upper = true, apos = false;
	*answered = false;
	if (n >= 100)
		return false;
	for (int32_t i = 0, first = 1; i < (int32_t)n; first = 0) {
		UChar32 c;
		U8_NEXT((const uint8_t *)w, i, (int32_t)n, c);
		bool up, lo;
		if (c == 0x2019 || c == '\'') {
			c = '\'';
			up = lo = false;
			apos = true;
		} else if (c >= 0 && c < 0x80) {
			if (!isalnum(c) || (first && isdigit(c)))
				return false;
			up = c >= 'A' && c <= 'Z';
			lo = c >= 'a' && c <= 'z';
		} else if (c >= 0xC0 && c < 0x250 && u_isalpha(c)) {
			up = u_tolower(c) != c;
			lo = u_toupper(c) != c;
			if (up == lo)
				return false; /* title-case digraphs (ǅ), or no case pair */
		} else {
			return false;
		}
		if (lo)
			all_upper = false;
		if (first)
			upper_first = up;
		else if (up)
			rest_lower = false;
		an = put_utf8(as, an, c);
		ln = put_utf8(low, ln, up ? u_tolower(c) : c);
		in = put_utf8(ini, in, first || !up ? c : u_tolower(c));
	}
	if (all_upper && apos)
		return false;
	*answered = !all_upper; /* hunspell also takes upper-case forms of mixed-case entries ("POKÉSTOP"): a "no" is its to give */
	if (form_ok(d, as, an) || set_has(added, as, an))
		return *answered = true;
	if (!upper_first)
		return false;
	if (rest_lower || all_upper) {
		if (form_ok(d, low, ln) || set_has(added, low, ln) || (all_upper && (form_ok(d, ini, in) || set_has(added, ini, in))))
			return *answered = true;
	}
	return false;
}

/* Hunspell wants NUL-terminated words; words here are short (< 100 bytes). */
static bool raw_spell(mtpe_speller *sp, const char *w, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(w, len))
		return true;
	if (in_set_cased(&sp->added, w, len))
		return true;
	if (sp->base_own && len < 100) {
		/* ASCII words (the curly apostrophe read as ', as the .aff's ICONV says) are answered here */
		char a[MAX_WORD_BYTES + 1];
		size_t k = 0;
		bool ascii = true;
		for (size_t i = 0; i < len && ascii; i++) {
			unsigned char c = (unsigned char)w[i];
			if (c == 0xE2 && i + 2 < len && (unsigned char)w[i + 1] == 0x80 && (unsigned char)w[i + 2] == 0x99) {
				a[k++] = '\'';
				i += 2;
			} else if (c < 0x80 && c != '-' && c != '.') {
				a[k++] = (char)c;
			} else {
				ascii = false;
			}
		}
		bool caps_apos = false; /* "EST'S": hunspell splits an upper-case word at an apostrophe */
		if (ascii && memchr(a, '\'', k)) {
			caps_apos = true;
			for (size_t i = 0; i < k; i++)
				caps_apos &= !(a[i] >= 'a' && a[i] <= 'z');
		}
		if (ascii && k && !isdigit((unsigned char)a[0]) && !caps_apos)
			return own_check(sp->base, a, k) || in_set_cased(&sp->added, a, k);
		bool answered = false;
		if (!ascii && own_check_latin(sp->base, &sp->added, w, len, &answered))
			return true;
		if (answered)
			return false;
	} else if (sp->base && in_set_cased(&sp->base->stems, w, len)) {
		return true;
	}
	if (!ensure_h(sp))
		return true; /* no dictionary: nothing is flagged */
	memcpy(tmp, w, len);
	tmp[len] = '\0';
	return Hunspell_spell(sp->h, tmp) != 0;
}

static int cache_grow(mtpe_speller *sp)
{
	size_t ncap = sp->cap * 2;
	struct cache_entry *nt = mtpe_calloc(ncap, sizeof(*nt));
	if (!nt)
		return MTPE_ENOMEM;
	for (size_t i = 0; i < sp->cap; i++) {
		struct cache_entry *e = &sp->tab[i];
		if (!e->word)
			continue;
		size_t j = e->hash & (ncap - 1);
		while (nt[j].word)
			j = (j + 1) & (ncap - 1);
		nt[j] = *e;
	}
	free(sp->tab);
	sp->tab = nt;
	sp->cap = ncap;
	return 0;
}

bool mtpe_speller_check(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	uint32_t h = strmap_hash(word, len);
	size_t j = h & (sp->cap - 1);
	while (sp->tab[j].word) {
		struct cache_entry *e = &sp->tab[j];
		if (e->hash == h && e->len == len && memcmp(e->word, word, len) == 0)
			return e->ok;
		j = (j + 1) & (sp->cap - 1);
	}
	bool ok = raw_spell(sp, word, len);
	if ((sp->used + 1) * 2 > sp->cap && cache_grow(sp) < 0)
		return ok;
	j = h & (sp->cap - 1);
	while (sp->tab[j].word)
		j = (j + 1) & (sp->cap - 1);
	char *copy = mtpe_strndup(word, len);
	if (!copy)
		return ok;
	sp->tab[j].word = copy;
	sp->tab[j].hash = h;
	sp->tab[j].len = (uint32_t)len;
	sp->tab[j].ok = ok;
	sp->used++;
	return ok;
}

/* Adds a word without clearing the answer cache (the caller does). */
static int add_quiet(mtpe_speller *sp, const char *word, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (set_add(&sp->added, word, len) < 0)
		return MTPE_ENOMEM;
	if (sp->h) {
		memcpy(tmp, word, len);
		tmp[len] = '\0';
		Hunspell_add(sp->h, tmp);
	}
	return 0;
}

int mtpe_speller_add_word(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	if (!checkable(word, len))
		return MTPE_EINVAL;
	if (raw_spell(sp, word, len))
		return 0; /* already correct: nothing to add, nothing to undo later */
	if (add_quiet(sp, word, len) < 0)
		return MTPE_ENOMEM;
	cache_clear(sp);
	return 0;
}

int mtpe_speller_remove_word(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(word, len))
		return MTPE_EINVAL;
	if (!set_has(&sp->added, word, len))
		return 0; /* never added: a dictionary word stays correct */
	/* rebuild the added set without the word */
	struct wordset keep;
	memset(&keep, 0, sizeof(keep));
	for (size_t i = 0; i < sp->added.cap; i++) {
		const struct wslot *e = &sp->added.t[i];
		const char *ew = e->off ? ws_word(&sp->added, e) : NULL;
		if (ew && !(e->len == len && !memcmp(ew, word, len)))
			set_add(&keep, ew, e->len);
	}
	set_remove_all(&sp->added);
	sp->added = keep;
	if (sp->h) {
		memcpy(tmp, word, len);
		tmp[len] = '\0';
		Hunspell_remove(sp->h, tmp);
	}
	cache_clear(sp);
	return 0;
}

int mtpe_speller_add_file(mtpe_speller *sp, const char *path, mtpe_error *err)
{
	wait_loaded(sp);
	FILE *f = fopen(path, "r");
	if (!f)
		return mtpe_error_set(err, MTPE_ENOTFOUND, "cannot open word list '%s': %s", path, strerror(errno));
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = '\0';
		if (!n || *s == '#')
			continue;
		if (!mtpe_utf8_valid(s, n, NULL)) {
			fclose(f);
			mtpe_error_set(err, MTPE_EENCODING, "word list is not valid UTF-8");
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EENCODING;
		}
		if (checkable(s, n) && add_quiet(sp, s, n) < 0) {
			fclose(f);
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		}
	}
	fclose(f);
	cache_clear(sp);
	return 0;
}

int mtpe_speller_suggest(mtpe_speller *sp, char ***out, const char *word, size_t len, int max)
{
	wait_loaded(sp);
	char tmp[MAX_WORD_BYTES + 1];
	*out = NULL;
	if (!checkable(word, len))
		return 0;
	if (max > MAX_SUGGEST)
		max = MAX_SUGGEST;
	if (!ensure_h(sp))
		return 0;
	memcpy(tmp, word, len);
	tmp[len] = '\0';
	char **list = NULL;
	int n = Hunspell_suggest(sp->h, &list, tmp);
	if (n <= 0) {
		if (list)
			Hunspell_free_list(sp->h, &list, n < 0 ? 0 : n);
		return 0;
	}
	int k = n < max ? n : max;
	char **r = mtpe_calloc((size_t)k + 1, sizeof(char *));
	int got = 0;
	for (int i = 0; r && i < k; i++) {
		if (!list[i] || !mtpe_utf8_valid(list[i], strlen(list[i]), NULL))
			continue;
		if (!(r[got] = mtpe_strdup(list[i])))
			break;
		got++;
	}
	Hunspell_free_list(sp->h, &list, n);
	if (!r)
		return MTPE_ENOMEM;
	*out = r;
	return got;
}

bool mtpe_speller_is_dict_word(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(word, len))
		return false;
	for (size_t i = 0; i < len; i++)
		tmp[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] + 32) : word[i];
	return mtpe_speller_check(sp, tmp, len);
}

static bool set_maybe_word(const struct wordset *ws, const char *c, size_t n);

static bool maybe_word(const mtpe_speller *sp, const char *c, size_t n)
{
	return sp->base && set_maybe_word(&sp->base->stems, c, n);
}

/* True if cand (lower-case ASCII) might be a word of ws: a stem, or a stem under a common suffix. */
static bool set_maybe_word(const struct wordset *ws, const char *c, size_t n)
{
	static const char *const suf[] = { "s", "es", "ed", "d", "ing", "er", "ers", "ly", "'s", "ment", "ments",
					   "ion", "ions", "ies", "ied", "ier", "iest", "est", NULL };
	char e[72];
	if (set_has(ws, c, n))
		return true;
	for (int i = 0; suf[i]; i++) {
		size_t k = strlen(suf[i]);
		if (n <= k + 2 || n - k + 1 >= sizeof(e) || memcmp(c + n - k, suf[i], k))
			continue;
		if (set_has(ws, c, n - k))
			return true;
		/* make -> making, marry -> married */
		memcpy(e, c, n - k);
		e[n - k] = suf[i][0] == 'i' ? 'y' : 'e';
		if (set_has(ws, e, n - k + 1))
			return true;
		/* stop -> stopped */
		if (n - k >= 3 && c[n - k - 1] == c[n - k - 2] && set_has(ws, c, n - k - 1))
			return true;
	}
	return false;
}

/*
 * The second variety is answered by our own reading of its .dic/.aff, like
 * the base dictionary (no second hunspell handle).
 */
static void *load_alt(void *arg)
{
	mtpe_speller *sp = arg;
	mtpe_heap_advise();
	sp->alt = dict_acquire(sp->alt_aff, sp->alt_dic);
	return NULL;
}

void mtpe_speller_prefetch_variety(mtpe_speller *sp)
{
	if (sp->alt_tried || !sp->alt_dic)
		return;
	sp->alt_tried = true;
	if (pthread_create(&sp->alt_loader, NULL, load_alt, sp) == 0)
		sp->alt_loading = true;
	else
		sp->alt_tried = false; /* read on first use instead */
}

bool mtpe_speller_check_variety(mtpe_speller *sp, const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)word[i] >= 0x80 || word[i] == '-' || word[i] == '.')
			return false; /* the second variety only answers plain ASCII words: no need to read it for these */
	wait_loaded(sp);
	if (sp->alt_loading) {
		pthread_join(sp->alt_loader, NULL);
		sp->alt_loading = false;
	}
	if (!sp->alt_tried) {
		sp->alt_tried = true;
		if (sp->alt_dic)
			sp->alt = dict_acquire(sp->alt_aff, sp->alt_dic);
	}
	if (!sp->alt || !sp->alt->own_affixes || !checkable(word, len))
		return false;
	return own_check(sp->alt, word, len);
}

/*
 * Visits the Damerau-Levenshtein distance-1 edits of the lower-cased ASCII word w
 * (transpositions, deletions, substitutions, insertions) that hunspell accepts;
 * stops when visit returns false. Returns false for words it cannot handle.
 */
static bool edits1(mtpe_speller *sp, const char *word, size_t len,
		   bool (*visit)(const char *cand, size_t n, void *data), void *data)
{
	char w[MAX_WORD_BYTES + 2], c[MAX_WORD_BYTES + 2];
	if (!checkable(word, len) || len < 2 || len > 30)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)word[i];
		if (ch >= 0x80)
			return false;
		w[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
	}
	w[len] = '\0';
	static const char alpha[] = "esiarntolcdugmphbyfvkwzxqj";
	for (size_t i = 0; i + 1 < len; i++) {
		if (w[i] == w[i + 1])
			continue;
		memcpy(c, w, len);
		c[i] = w[i + 1];
		c[i + 1] = w[i];
		if (maybe_word(sp, c, len) && raw_spell(sp, c, len) && !visit(c, len, data))
			return true;
	}
	for (size_t i = 0; len > 2 && i < len; i++) { /* deletions, never down to one letter */
		if (i > 0 && w[i] == w[i - 1])
			continue;
		memcpy(c, w, i);
		memcpy(c + i, w + i + 1, len - i - 1);
		if (maybe_word(sp, c, len - 1) && raw_spell(sp, c, len - 1) && !visit(c, len - 1, data))
			return true;
	}
	for (size_t i = 0; i < len; i++) {
		memcpy(c, w, len);
		for (const char *a = alpha; *a; a++) {
			if (*a == w[i])
				continue;
			c[i] = *a;
			if (maybe_word(sp, c, len) && raw_spell(sp, c, len) && !visit(c, len, data))
				return true;
		}
	}
	for (size_t i = 0; i <= len; i++) {
		memcpy(c, w, i);
		memcpy(c + i + 1, w + i, len - i);
		for (const char *a = alpha; *a; a++) {
			if (i > 0 && *a == w[i - 1])
				continue;
			c[i] = *a;
			if (maybe_word(sp, c, len + 1) && raw_spell(sp, c, len + 1) && !visit(c, len + 1, data))
				return true;
		}
	}
	return true;
}

static bool stop_at_first(const char *cand, size_t n, void *data)
{
	*(bool *)data = true;
	return false;
}

/* True if a word at Damerau-Levenshtein distance 1 (case-insensitive) is correct. */
bool mtpe_speller_near_miss(mtpe_speller *sp, const char *word, size_t len)
{
	wait_loaded(sp);
	bool found = false;
	if (len < 4)
		return false;
	edits1(sp, word, len, stop_at_first, &found);
	return found;
}

struct collect {
	char **out;
	int n, max;
	bool title, upper;
};

static bool collect_cand(const char *cand, size_t n, void *data)
{
	struct collect *c = data;
	for (int i = 0; i < c->n; i++)
		if (strlen(c->out[i]) == n && strncasecmp(c->out[i], cand, n) == 0)
			return true;
	char *s = mtpe_strndup(cand, n);
	if (!s)
		return false;
	for (size_t i = 0; i < n; i++)
		if (c->upper || (c->title && i == 0))
			s[i] = (char)toupper((unsigned char)s[i]);
	c->out[c->n++] = s;
	return c->n < c->max;
}

int mtpe_speller_suggest_fast(mtpe_speller *sp, char ***out, const char *word, size_t len, int max)
{
	wait_loaded(sp);
	*out = NULL;
	if (max > MAX_SUGGEST)
		max = MAX_SUGGEST;
	if (max <= 0)
		return 0;
	struct collect c = { mtpe_calloc((size_t)max + 1, sizeof(char *)), 0, max, false, false };
	if (!c.out)
		return MTPE_ENOMEM;
	c.title = len && isupper((unsigned char)word[0]);
	c.upper = c.title && len > 1 && isupper((unsigned char)word[1]);
	/* a case form first: "ok" -> "OK", "paris" -> "Paris" */
	if (len < MAX_WORD_BYTES) {
		char v[MAX_WORD_BYTES + 1];
		bool ascii = true;
		for (size_t i = 0; i < len; i++)
			ascii &= (unsigned char)word[i] < 0x80;
		for (int form = 0; ascii && form < 2 && !c.n; form++) { /* capitalized first, else all capitals */
			for (size_t i = 0; i < len; i++)
				v[i] = (char)(form == 1 || i == 0 ? toupper((unsigned char)word[i]) : word[i]);
			if (memcmp(v, word, len) && raw_spell(sp, v, len) && (c.out[c.n] = mtpe_strndup(v, len)))
				c.n++;
		}
	}
	if (!edits1(sp, word, len, collect_cand, &c)) {
		/* no hunspell fallback: its suggest() has a wall-clock limit, and output must not depend on load */
		free(c.out);
		return 0;
	}
	*out = c.out;
	return c.n;
}

char *mtpe_personal_default_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	mtpe_buf b = MTPE_BUF_INIT;
	if (x && *x)
		mtpe_buf_printf(&b, "%s/mtpe/words", x);
	else if (home && *home)
		mtpe_buf_printf(&b, "%s/.config/mtpe/words", home);
	else
		return NULL;
	return mtpe_buf_detach(&b);
}

/* Reads a word list into a buffer; a missing file is an empty list. */
static int read_all(const char *path, mtpe_buf *b)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : MTPE_EIO;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		mtpe_buf_put(b, tmp, n);
	fclose(f);
	return b->oom ? MTPE_ENOMEM : 0;
}

static int mkdir_p_parent(const char *path)
{
	char *d = mtpe_strdup(path);
	if (!d)
		return MTPE_ENOMEM;
	for (char *p = d + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0700);
			*p = '/';
		}
	}
	free(d);
	return 0;
}

/* Atomically replaces path with data (temp file in the same folder, fsync, rename). */
static int write_atomic(const char *path, const char *data, size_t len, mtpe_error *err)
{
	mtpe_buf tmp = MTPE_BUF_INIT;
	mtpe_buf_printf(&tmp, "%s.XXXXXX", path);
	if (tmp.oom)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	int fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		mtpe_buf_dispose(&tmp);
		return mtpe_error_set(err, MTPE_EIO, "cannot write '%s': %s", path, strerror(errno));
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < len || fsync(fd) < 0 || close(fd) < 0 || rename(tmp.ptr, path) < 0) {
		int e = errno;
		unlink(tmp.ptr);
		mtpe_buf_dispose(&tmp);
		return mtpe_error_set(err, MTPE_EIO, "cannot write '%s': %s", path, strerror(e));
	}
	mtpe_buf_dispose(&tmp);
	return 0;
}

static bool has_line(const char *data, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l && p[l - 1] == '\r')
			l--;
		if (l == wl && memcmp(p, word, wl) == 0)
			return true;
		p += l + 1;
		if (!nl)
			break;
	}
	return false;
}

int mtpe_personal_add(const char *path, const char *word, mtpe_error *err)
{
	mtpe_buf b = MTPE_BUF_INIT;
	int error;
	if (!word || !*word || strchr(word, '\n'))
		return mtpe_error_set(err, MTPE_EINVAL, "not a word");
	if ((error = read_all(path, &b)) < 0) {
		mtpe_buf_dispose(&b);
		return mtpe_error_set(err, error, "cannot read personal dictionary '%s'", path);
	}
	if (b.ptr && has_line(b.ptr, b.len, word)) {
		mtpe_buf_dispose(&b);
		return 0;
	}
	if (b.len && b.ptr[b.len - 1] != '\n')
		mtpe_buf_putc(&b, '\n');
	mtpe_buf_puts(&b, word);
	mtpe_buf_putc(&b, '\n');
	mkdir_p_parent(path);
	error = b.oom ? mtpe_error_set(err, MTPE_ENOMEM, "out of memory") : write_atomic(path, b.ptr, b.len, err);
	mtpe_buf_dispose(&b);
	return error;
}

int mtpe_personal_remove(const char *path, const char *word, mtpe_error *err)
{
	mtpe_buf b = MTPE_BUF_INIT, o = MTPE_BUF_INIT;
	int error;
	if ((error = read_all(path, &b)) < 0) {
		mtpe_buf_dispose(&b);
		return mtpe_error_set(err, error, "cannot read personal dictionary '%s'", path);
	}
	size_t wl = strlen(word);
	const char *p = b.ptr ? b.ptr : "", *end = p + b.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		size_t wlen = l;
		while (wlen && (p[wlen - 1] == '\n' || p[wlen - 1] == '\r'))
			wlen--;
		if (!(wlen == wl && memcmp(p, word, wl) == 0))
			mtpe_buf_put(&o, p, l);
		p += l;
	}
	error = o.oom ? mtpe_error_set(err, MTPE_ENOMEM, "out of memory")
		      : write_atomic(path, o.ptr ? o.ptr : "", o.len, err);
	mtpe_buf_dispose(&b);
	mtpe_buf_dispose(&o);
	return error;
}
