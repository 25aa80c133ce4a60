/*
 * journal.c - the append-only crash journal of review decisions.
 *
 * Format (text, one record per line):
 *   mtpe-journal 1
 *   path <real path of the file>
 *   sha256 <hex of the file's bytes>
 *   D <kind> <k> <offset> <length> <origin> <rule> <hex text or ->
 *   K <kind> <offset> <length> <rule>    (decided before the last save)
 *   U
 *   R
 * A hit is named by (offset, length, origin decision id, rule): replaying the
 * same records on the same bytes recreates the same ids.
 */
#include "mtpe/journal.h"
#include "mtpe/save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mtpe_journal {
	char *dir;
	char *path;
	char *realpath;
	char *pathkey;      /* hex prefix of sha256(realpath) */
	unsigned char sha[32];
	int fd;             /* -1 until the first record */
	mtpe_buf old;       /* records found at open (for replay) */
};

char *mtpe_state_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	mtpe_buf b = MTPE_BUF_INIT;
	if (x && *x == '/')
		mtpe_buf_printf(&b, "%s/mtpe", x);
	else if (home && *home)
		mtpe_buf_printf(&b, "%s/.local/state/mtpe", home);
	else
		return NULL;
	return mtpe_buf_detach(&b);
}

static int mkdirs(const char *path, mode_t mode)
{
	char *d = mtpe_strdup(path);
	if (!d)
		return MTPE_ENOMEM;
	for (char *p = d + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(d, mode) < 0 && errno != EEXIST) {
				free(d);
				return MTPE_EIO;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(d);
	return 0;
}

static int set_path(mtpe_journal *j)
{
	char hex[65];
	mtpe_hex(j->sha, 32, hex);
	free(j->path);
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "%s/%s-%.16s.journal", j->dir, j->pathkey, hex);
	j->path = mtpe_buf_detach(&b);
	return j->path ? 0 : MTPE_ENOMEM;
}

static void load_old(mtpe_journal *j)
{
	j->old.len = 0;
	FILE *f = fopen(j->path, "r");
	if (!f)
		return;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		mtpe_buf_put(&j->old, tmp, n);
	fclose(f);
	/* check the header names our file and bytes */
	char hex[65];
	mtpe_hex(j->sha, 32, hex);
	mtpe_buf want = MTPE_BUF_INIT;
	mtpe_buf_printf(&want, "mtpe-journal 1\npath %s\nsha256 %s\n", j->realpath, hex);
	if (!want.ptr || j->old.len < want.len || memcmp(j->old.ptr, want.ptr, want.len) != 0)
		j->old.len = 0;
	mtpe_buf_dispose(&want);
}

int mtpe_journal_open(mtpe_journal **out, const char *realpath, const unsigned char sha[32],
		      const char *state_dir, mtpe_error *err)
{
	*out = NULL;
	if (strchr(realpath, '\n'))
		return mtpe_error_set(err, MTPE_EINVAL, "file name with a newline cannot be journaled");
	mtpe_journal *j = mtpe_calloc(1, sizeof(*j));
	if (!j)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	j->fd = -1;
	char *sd = state_dir ? mtpe_strdup(state_dir) : mtpe_state_dir();
	if (!sd) {
		free(j);
		return mtpe_error_set(err, MTPE_ENOTFOUND, "no state folder: set HOME or XDG_STATE_HOME");
	}
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "%s/journal", sd);
	free(sd);
	j->dir = mtpe_buf_detach(&b);
	j->realpath = mtpe_strdup(realpath);
	unsigned char ph[32];
	char phex[65];
	mtpe_sha256(realpath, strlen(realpath), ph);
	mtpe_hex(ph, 32, phex);
	phex[16] = '\0';
	j->pathkey = mtpe_strdup(phex);
	memcpy(j->sha, sha, 32);
	if (!j->dir || !j->realpath || !j->pathkey || set_path(j) < 0) {
		mtpe_journal_free(j);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	load_old(j);
	*out = j;
	return 0;
}

void mtpe_journal_free(mtpe_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->dir);
	free(j->path);
	free(j->realpath);
	free(j->pathkey);
	mtpe_buf_dispose(&j->old);
	free(j);
}

const char *mtpe_journal_path(const mtpe_journal *j)
{
	return j->path;
}

/* Calls fn on each complete record line after the header. */
static void each_record(const mtpe_journal *j, void (*fn)(void *, char *), void *data)
{
	if (!j->old.len)
		return;
	char *copy = mtpe_strndup(j->old.ptr, j->old.len);
	if (!copy)
		return;
	char *p = copy;
	int line = 0;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break; /* torn last line */
		*nl = '\0';
		if (++line > 3)
			fn(data, p);
		p = nl + 1;
	}
	free(copy);
}

struct depth { size_t done, total, carried; };

static void count_rec(void *data, char *rec)
{
	struct depth *d = data;
	if (rec[0] == 'K') {
		d->carried++;
	} else if (rec[0] == 'D') {
		d->done++;
		d->total = d->done;
	} else if (rec[0] == 'U' && d->done) {
		d->done--;
	} else if (rec[0] == 'R' && d->done < d->total) {
		d->done++;
	}
}

size_t mtpe_journal_recoverable(const mtpe_journal *j)
{
	struct depth d = { 0, 0, 0 };
	each_record(j, count_rec, &d);
	return d.done + d.carried;
}

static int unhex(const char *s, char **out)
{
	*out = NULL;
	if (!strcmp(s, "-"))
		return 0;
	if (!strcmp(s, "="))
		s = "";
	size_t n = strlen(s);
	if (n % 2)
		return -1;
	char *o = mtpe_malloc(n / 2 + 1);
	if (!o)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(o);
			return -1;
		}
		o[i] = (char)v;
	}
	o[n / 2] = '\0';
	*out = o;
	return 0;
}

struct replay { mtpe_session *s; size_t skipped, carried; int error; };

static void replay_rec(void *data, char *rec)
{
	struct replay *r = data;
	if (r->error)
		return;
	if (rec[0] == 'U') {
		mtpe_session_undo(r->s, NULL);
		return;
	}
	if (rec[0] == 'R') {
		mtpe_session_redo(r->s, NULL);
		return;
	}
	if (rec[0] == 'K') {
		int kind, used = 0;
		size_t off, len;
		char rule[256];
		if (sscanf(rec, "K %d %zu %zu %255s%n", &kind, &off, &len, rule, &used) == 4 && used) {
			long h = mtpe_session_find_hit(r->s, off, len, 0, rule);
			if (h < 0 || mtpe_session_set_carried(r->s, (size_t)h, (mtpe_decision_kind)kind) < 0)
				r->skipped++;
			else
				r->carried++;
		}
		return;
	}
	if (rec[0] != 'D')
		return;
	int kind, k, used = 0;
	size_t off, len;
	unsigned origin;
	char rule[256];
	if (sscanf(rec, "D %d %d %zu %zu %u %255s %n", &kind, &k, &off, &len, &origin, rule, &used) != 6 || !used)
		return;
	char *text = NULL;
	if (unhex(rec + used, &text) < 0)
		return;
	long h = mtpe_session_find_hit(r->s, off, len, origin, rule);
	if (h < 0 && !strcmp(rule, MTPE_MANUAL_RULE) && kind == MTPE_DECIDE_CUSTOM)
		h = mtpe_session_add_manual(r->s, off, off + len, NULL); /* a hand edit: its hit comes with it */
	mtpe_error e;
	mtpe_error_clear(&e);
	int error = h < 0 ? -1
			  : mtpe_session_decide(r->s, (size_t)h, (mtpe_decision_kind)kind, k,
						kind == MTPE_DECIDE_CUSTOM ? text : NULL, &e);
	if (error < 0) {
		/* keep the undo stack aligned with the journal */
		r->skipped++;
		if (mtpe_session_push_placeholder(r->s, (mtpe_decision_kind)kind,
						  kind == MTPE_DECIDE_DICT_ADD ? text : NULL) < 0)
			r->error = MTPE_ENOMEM;
	}
	free(text);
}

int mtpe_journal_replay(mtpe_journal *j, mtpe_session *s, size_t *applied, size_t *skipped, mtpe_error *err)
{
	struct replay r = { s, 0, 0, 0 };
	mtpe_session_set_journal(s, NULL);
	each_record(j, replay_rec, &r);
	mtpe_session_set_journal(s, j);
	mtpe_session_counts c;
	mtpe_session_counts_get(s, &c);
	if (applied)
		*applied = c.decisions + r.carried;
	if (skipped)
		*skipped = r.skipped;
	if (r.error)
		return mtpe_error_set(err, r.error, "out of memory");
	return 0;
}

/* Opens the file for appending; writes the header when it is new or stale. */
static int ensure_open(mtpe_journal *j, mtpe_error *err)
{
	if (j->fd >= 0)
		return 0;
	if (mkdirs(j->dir, 0700) < 0)
		return mtpe_error_set(err, MTPE_EIO, "cannot create '%s': %s", j->dir, strerror(errno));
	bool keep = j->old.len > 0;
	int fd = open(j->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (keep ? 0 : O_TRUNC), 0600);
	if (fd < 0)
		return mtpe_error_set(err, MTPE_EIO, "cannot open journal '%s': %s", j->path, strerror(errno));
	fchmod(fd, 0600);
	if (keep && j->old.ptr[j->old.len - 1] != '\n') {
		/* a torn record from a crash: cut it off so the next record starts clean */
		size_t good = j->old.len;
		while (good && j->old.ptr[good - 1] != '\n')
			good--;
		if (ftruncate(fd, (off_t)good) < 0) {
			close(fd);
			return mtpe_error_set(err, MTPE_EIO, "cannot repair journal '%s': %s", j->path, strerror(errno));
		}
		j->old.len = good;
	}
	j->fd = fd;
	if (!keep) {
		char hex[65];
		mtpe_hex(j->sha, 32, hex);
		mtpe_buf b = MTPE_BUF_INIT;
		mtpe_buf_printf(&b, "mtpe-journal 1\npath %s\nsha256 %s\n", j->realpath, hex);
		if (b.oom)
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		ssize_t w = write(fd, b.ptr, b.len);
		mtpe_buf_dispose(&b);
		if (w < 0)
			return mtpe_error_set(err, MTPE_EIO, "cannot write journal '%s': %s", j->path, strerror(errno));
	}
	return 0;
}

static int append(mtpe_journal *j, const char *rec, size_t n, mtpe_error *err)
{
	int error = ensure_open(j, err);
	if (error < 0)
		return error;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(j->fd, rec + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return mtpe_error_set(err, MTPE_EIO, "cannot write journal '%s': %s", j->path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (fsync(j->fd) < 0)
		return mtpe_error_set(err, MTPE_EIO, "cannot sync journal '%s': %s", j->path, strerror(errno));
	return 0;
}

int mtpe_journal_record_decide(mtpe_journal *j, const mtpe_session *s, const mtpe_decision *d, mtpe_error *err)
{
	const mtpe_hit *h = d->hit != (size_t)-1 ? mtpe_session_hit(s, d->hit) : NULL;
	if (!h)
		return 0;
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "D %d %d %zu %zu %u %s ", (int)d->kind, d->k, h->f.offset, h->f.length, h->origin,
			h->f.rule);
	if ((d->kind == MTPE_DECIDE_CUSTOM || d->kind == MTPE_DECIDE_DICT_ADD) && d->text && *d->text) {
		size_t n = strlen(d->text);
		if (mtpe_buf_grow(&b, 2 * n + 2) == 0) {
			mtpe_hex((const unsigned char *)d->text, n, b.ptr + b.len);
			b.len += 2 * n;
		}
	} else if (d->kind == MTPE_DECIDE_CUSTOM) {
		mtpe_buf_puts(&b, "="); /* empty custom text: a deletion */
	} else {
		mtpe_buf_putc(&b, '-');
	}
	mtpe_buf_putc(&b, '\n');
	int error = b.oom ? mtpe_error_set(err, MTPE_ENOMEM, "out of memory") : append(j, b.ptr, b.len, err);
	mtpe_buf_dispose(&b);
	return error;
}

int mtpe_journal_record_carried(mtpe_journal *j, const mtpe_session *s, mtpe_error *err)
{
	mtpe_buf b = MTPE_BUF_INIT;
	for (size_t i = 0; i < mtpe_session_hit_count(s); i++) {
		const mtpe_hit *h = mtpe_session_hit(s, i);
		if (h->alive && h->carried && h->origin == 0)
			mtpe_buf_printf(&b, "K %d %zu %zu %s\n", (int)h->carried, h->f.offset, h->f.length, h->f.rule);
	}
	if (!b.len) {
		mtpe_buf_dispose(&b);
		return 0;
	}
	int error = b.oom ? mtpe_error_set(err, MTPE_ENOMEM, "out of memory") : append(j, b.ptr, b.len, err);
	mtpe_buf_dispose(&b);
	return error;
}

int mtpe_journal_record_undo(mtpe_journal *j, mtpe_error *err)
{
	return append(j, "U\n", 2, err);
}

int mtpe_journal_record_redo(mtpe_journal *j, mtpe_error *err)
{
	return append(j, "R\n", 2, err);
}

int mtpe_journal_discard(mtpe_journal *j)
{
	if (j->fd >= 0) {
		close(j->fd);
		j->fd = -1;
	}
	j->old.len = 0;
	if (unlink(j->path) < 0 && errno != ENOENT)
		return MTPE_EIO;
	return 0;
}

int mtpe_journal_rekey(mtpe_journal *j, const unsigned char sha[32], mtpe_error *err)
{
	mtpe_journal_discard(j);
	memcpy(j->sha, sha, 32);
	if (set_path(j) < 0)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	load_old(j);
	j->old.len = 0; /* a fresh start: never append to an old journal */
	return 0;
}
