/*
 * spell.c - the only file that includes hunspell. A speller wraps one hunspell
 * handle plus a cache: an open-addressing hash table from word bytes to the
 * check result, so each distinct word reaches hunspell once.
 */
#include "mtpe/spell.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hunspell/hunspell.h>

#define MAX_WORD_BYTES 100
#define MAX_SUGGEST 15

struct cache_entry {
	char *word; /* NULL = empty slot */
	uint32_t hash;
	uint32_t len;
	bool ok;
};

struct mtpe_speller {
	Hunhandle *h;
	Hunhandle *alt;        /* second variety (en_GB), opened on first use, or NULL */
	char *alt_aff, *alt_dic;
	bool alt_tried;
	struct cache_entry *tab;
	size_t cap, used;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static bool readable(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

int mtpe_speller_new(mtpe_speller **out, const char *aff, const char *dic, mtpe_error *err)
{
	*out = NULL;
	/* Hunspell_create cannot report failure: check the files first. */
	if (!readable(aff) || !readable(dic))
		return mtpe_error_set(err, MTPE_ENOTFOUND,
				      "hunspell dictionary '%s' / '%s' not found or unreadable; install the Debian package hunspell-en-us or pass --hunspell-dict PATH.aff",
				      aff ? aff : "(none)", dic ? dic : "(none)");
	mtpe_speller *sp = mtpe_calloc(1, sizeof(*sp));
	if (!sp)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	sp->h = Hunspell_create(aff, dic);
	if (!sp->h) {
		free(sp);
		return mtpe_error_set(err, MTPE_EIO, "hunspell could not load '%s'", dic);
	}
	const char *enc = Hunspell_get_dic_encoding(sp->h);
	if (!enc || (strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0)) {
		Hunspell_destroy(sp->h);
		free(sp);
		return mtpe_error_set(err, MTPE_EUNSUPPORTED,
				      "hunspell dictionary '%s' uses encoding %s; mtpe needs a UTF-8 dictionary",
				      dic, enc ? enc : "(unknown)");
	}
	sp->cap = 4096;
	sp->tab = mtpe_calloc(sp->cap, sizeof(struct cache_entry));
	if (!sp->tab) {
		Hunspell_destroy(sp->h);
		free(sp);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	*out = sp;
	return 0;
}

static void cache_clear(mtpe_speller *sp)
{
	for (size_t i = 0; i < sp->cap; i++) {
		free(sp->tab[i].word);
		sp->tab[i].word = NULL;
	}
	sp->used = 0;
}

void mtpe_speller_free(mtpe_speller *sp)
{
	if (!sp)
		return;
	cache_clear(sp);
	free(sp->tab);
	Hunspell_destroy(sp->h);
	if (sp->alt)
		Hunspell_destroy(sp->alt);
	free(sp->alt_aff);
	free(sp->alt_dic);
	free(sp);
}

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
	free(sp->alt_aff);
	free(sp->alt_dic);
	sp->alt_aff = mtpe_strdup(aff);
	sp->alt_dic = mtpe_strdup(dic);
	sp->alt_tried = false;
	return sp->alt_aff && sp->alt_dic ? 0 : MTPE_ENOMEM;
}

bool mtpe_speller_check_variety(mtpe_speller *sp, const char *word, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (!sp->alt_tried) {
		sp->alt_tried = true;
		if (sp->alt_aff)
			sp->alt = Hunspell_create(sp->alt_aff, sp->alt_dic);
	}
	if (!sp->alt || !checkable(word, len))
		return false;
	memcpy(tmp, word, len);
	tmp[len] = '\0';
	return Hunspell_spell(sp->alt, tmp) != 0;
}

/* Hunspell wants NUL-terminated words; words here are short (< 100 bytes). */
static bool raw_spell(mtpe_speller *sp, const char *w, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(w, len))
		return true;
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
	uint32_t h = hash_bytes(word, len);
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

int mtpe_speller_add_word(mtpe_speller *sp, const char *word, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(word, len))
		return MTPE_EINVAL;
	memcpy(tmp, word, len);
	tmp[len] = '\0';
	Hunspell_add(sp->h, tmp);
	cache_clear(sp);
	return 0;
}

int mtpe_speller_remove_word(mtpe_speller *sp, const char *word, size_t len)
{
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(word, len))
		return MTPE_EINVAL;
	memcpy(tmp, word, len);
	tmp[len] = '\0';
	Hunspell_remove(sp->h, tmp);
	cache_clear(sp);
	return 0;
}

int mtpe_speller_add_file(mtpe_speller *sp, const char *path, mtpe_error *err)
{
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
		if (checkable(s, n))
			Hunspell_add(sp->h, s);
	}
	fclose(f);
	cache_clear(sp);
	return 0;
}

int mtpe_speller_suggest(mtpe_speller *sp, char ***out, const char *word, size_t len, int max)
{
	char tmp[MAX_WORD_BYTES + 1];
	*out = NULL;
	if (!checkable(word, len))
		return 0;
	if (max > MAX_SUGGEST)
		max = MAX_SUGGEST;
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
	char tmp[MAX_WORD_BYTES + 1];
	if (!checkable(word, len))
		return false;
	for (size_t i = 0; i < len; i++)
		tmp[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] + 32) : word[i];
	return mtpe_speller_check(sp, tmp, len);
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
	if (!checkable(word, len) || len < 3 || len > 30)
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
		if (raw_spell(sp, c, len) && !visit(c, len, data))
			return true;
	}
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && w[i] == w[i - 1])
			continue;
		memcpy(c, w, i);
		memcpy(c + i, w + i + 1, len - i - 1);
		if (raw_spell(sp, c, len - 1) && !visit(c, len - 1, data))
			return true;
	}
	for (size_t i = 0; i < len; i++) {
		memcpy(c, w, len);
		for (const char *a = alpha; *a; a++) {
			if (*a == w[i])
				continue;
			c[i] = *a;
			if (raw_spell(sp, c, len) && !visit(c, len, data))
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
			if (raw_spell(sp, c, len + 1) && !visit(c, len + 1, data))
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
	if (!edits1(sp, word, len, collect_cand, &c)) {
		free(c.out);
		return mtpe_speller_suggest(sp, out, word, len, max);
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
