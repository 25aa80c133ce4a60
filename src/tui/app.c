/* app.c - the review controller: files, UI state and the key map (no curses). */
#include "app.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 9

static void msg(tui_app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void msg(tui_app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->msg_error = error;
}

tui_file *tui_app_file(const tui_app *a)
{
	return a->nfiles ? &a->files[a->cur] : NULL;
}

long tui_app_hit(const tui_app *a)
{
	tui_file *f = tui_app_file(a);
	return f ? f->cur : -1;
}

const char *tui_category_label(int cat)
{
	switch (cat) {
	case MTPE_CAT_SPELLING: return "SPELLING";
	case MTPE_CAT_CAPITALIZATION: return "CAPITALS";
	case MTPE_CAT_CALQUE: return "CALQUE";
	case MTPE_CAT_NEGATION: return "NEGATION";
	case MTPE_CAT_GRAMMAR: return "GRAMMAR";
	case MTPE_CAT_PUNCTUATION: return "PUNCT";
	case MTPE_CAT_LOCALE: return "LOCALE";
	case MTPE_CAT_TERMINOLOGY: return "TERM";
	case MTPE_CAT_CONSISTENCY: return "CONSISTENCY";
	case MTPE_CAT_UNTRANSLATED: return "UNTRANSLATED";
	default: return "STYLE";
	}
}

const char *tui_decision_label(const mtpe_session *s, size_t hit, char *buf, size_t n)
{
	const mtpe_hit *h = mtpe_session_hit(s, hit);
	const mtpe_decision *d = mtpe_session_hit_decision(s, hit);
	mtpe_decision_kind k = d ? d->kind : (h ? h->carried : MTPE_DECIDE_NONE);
	mtpe_hit_state st = mtpe_session_hit_state(s, hit);
	buf[0] = '\0';
	switch (k) {
	case MTPE_DECIDE_ACCEPT:
	case MTPE_DECIDE_CUSTOM:
		snprintf(buf, n, "was: %s \"%s\"", k == MTPE_DECIDE_ACCEPT ? "accepted" : "edited", d->text);
		return buf;
	case MTPE_DECIDE_KEEP: snprintf(buf, n, "was: kept"); return buf;
	case MTPE_DECIDE_IGNORE: snprintf(buf, n, "was: ignored"); return buf;
	case MTPE_DECIDE_IGNORE_RULE: snprintf(buf, n, "was: rule ignored"); return buf;
	case MTPE_DECIDE_DICT_ADD: snprintf(buf, n, "was: added to dictionary"); return buf;
	default: break;
	}
	if (st == MTPE_HIT_OBSOLETE)
		snprintf(buf, n, "overlaps an accepted fix");
	else if (st == MTPE_HIT_FILTERED)
		snprintf(buf, n, "was: ignored");
	return buf;
}

/* ---- files ---------------------------------------------------------------- */

/*
 * A lock file per reviewed file ($state/locks/<hash of the real path>.lock,
 * O_EXCL, holding our pid) warns when a second review opens the same file.
 * A lock whose process is gone is taken over.
 */
static void take_lock(tui_app *a, tui_file *f)
{
	char *sd = a->o.state_dir ? mtpe_strdup(a->o.state_dir) : mtpe_state_dir();
	if (!sd)
		return;
	unsigned char h[32];
	char hex[65];
	mtpe_sha256(f->realpath, strlen(f->realpath), h);
	mtpe_hex(h, 32, hex);
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "%s/locks", sd);
	free(sd);
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return;
	}
	for (char *p = b.ptr + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(b.ptr, 0700);
			*p = '/';
		}
	mkdir(b.ptr, 0700);
	mtpe_buf_printf(&b, "/%.16s.lock", hex);
	char *path = mtpe_buf_detach(&b);
	if (!path)
		return;
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			char pid[32];
			int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
			if (write(fd, pid, (size_t)n) != n) {
				/* an empty lock still warns the next instance */
			}
			close(fd);
			f->lock_path = path;
			return;
		}
		if (errno != EEXIST)
			break;
		long other = 0;
		FILE *lf = fopen(path, "r");
		if (lf) {
			if (fscanf(lf, "%ld", &other) != 1)
				other = 0;
			fclose(lf);
		}
		if (other > 0 && other != (long)getpid() && (kill((pid_t)other, 0) == 0 || errno == EPERM)) {
			snprintf(f->lock_warning, sizeof(f->lock_warning),
				 "another mtpe review (pid %ld) has %s open; saving here can clash with it", other, f->path);
			break;
		}
		unlink(path); /* stale: its process is gone */
	}
	free(path);
}

static int open_file(tui_app *a, tui_file *f, const char *path, mtpe_checker *chk, mtpe_checker *bg_chk,
		     mtpe_error *err)
{
	mtpe_doc *doc = NULL;
	int error;
	memset(f, 0, sizeof(*f));
	f->cur = -1;
	f->chk = chk;
	f->bg_chk = bg_chk;
	if (!strcmp(path, "-"))
		return mtpe_error_set(err, MTPE_EINVAL, "review needs a file to write back to; it cannot read stdin");
	if (!(f->path = mtpe_strdup(path)))
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	if ((error = mtpe_doc_load(&doc, path, &a->o.dopts, err)) < 0)
		return error;
	if (!(f->realpath = realpath(path, NULL))) {
		mtpe_doc_free(doc);
		return mtpe_error_set(err, MTPE_EIO, "cannot resolve '%s': %s", path, strerror(errno));
	}
	if (access(f->realpath, W_OK) < 0) {
		int e = errno;
		mtpe_doc_free(doc);
		return mtpe_error_set(err, MTPE_EIO, "'%s' is not writable (%s); review writes the file back, "
				      "so fix its permissions first", path, strerror(e));
	}
	char *slash = strrchr(f->realpath, '/');
	if (slash) {
		*slash = '\0';
		int ok = access(slash == f->realpath ? "/" : f->realpath, W_OK | X_OK);
		int e = errno;
		*slash = '/';
		if (ok < 0) {
			mtpe_doc_free(doc);
			return mtpe_error_set(err, MTPE_EIO, "the folder of '%s' is not writable (%s); a safe save "
					      "writes a temporary file next to it", path, strerror(e));
		}
	}
	if ((error = mtpe_file_id_get(&f->id, f->realpath, doc->data, doc->len, err)) < 0) {
		mtpe_doc_free(doc);
		return error;
	}
	if ((long long)f->id.size != (long long)doc->len) {
		mtpe_doc_free(doc);
		return mtpe_error_set(err, MTPE_ECHANGED, "'%s' changed while it was being read", path);
	}
	if (!a->o.no_journal) {
		if ((error = mtpe_journal_open(&f->j, f->realpath, f->id.sha, a->o.state_dir, err)) < 0) {
			mtpe_doc_free(doc);
			return error;
		}
		f->recoverable = mtpe_journal_recoverable(f->j);
	}
	mtpe_session_options so = MTPE_SESSION_OPTIONS_INIT;
	so.personal_path = a->o.personal_path;
	mtpe_findings quick = MTPE_FINDINGS_INIT;
	bool use_quick = false;
	size_t qb = a->o.quick_bytes ? a->o.quick_bytes : (size_t)64 << 10;
	/* a big plain-text file opens on a quick check of its start; a worker checks it all */
	if (f->bg_chk && f->chk && !f->recoverable && doc->nregions == 1 && !doc->regions[0].map && doc->len > 2 * qb) {
		const mtpe_region *r = &doc->regions[0];
		size_t L = qb < r->text_len ? qb : r->text_len;
		while (L > 0 && r->text[L - 1] != '\n')
			L--;
		if (L > 0 && mtpe_checker_check_text(f->chk, r->text, L, &quick, NULL) == 0) {
			size_t keep = 0;
			for (size_t i = 0; i < quick.len; i++) {
				mtpe_finding *q = &quick.items[i];
				/* findings near the cut may depend on what follows: the full check brings them */
				if (q->offset + q->length + 256 > L) {
					mtpe_finding_dispose(q);
					continue;
				}
				q->offset += r->file_start;
				q->unit = NULL;
				mtpe_doc_linecol(doc, q->offset, &q->line, &q->column);
				mtpe_doc_linecol(doc, q->offset + q->length, &q->end_line, &q->end_column);
				quick.items[keep++] = *q;
			}
			quick.len = keep;
			use_quick = true;
		} else {
			mtpe_findings_dispose(&quick);
		}
	}
	if ((error = mtpe_session_new(&f->s, doc, f->chk, use_quick ? &quick : NULL, &so, err)) < 0) {
		mtpe_findings_dispose(&quick);
		if (!err->path[0])
			snprintf(err->path, sizeof(err->path), "%s", path);
		return error;
	}
	if (use_quick)
		atomic_store(&f->bg_state, TUI_BG_PENDING);
	if (f->j)
		mtpe_session_set_journal(f->s, f->j);
	f->resume_done = f->recoverable == 0;
	f->cur = mtpe_session_first(f->s);
	if (!a->o.no_journal)
		take_lock(a, f);
	return 0;
}

void tui_app_release_locks(tui_app *a)
{
	for (size_t i = 0; i < a->nfiles; i++)
		if (a->files[i].lock_path) {
			unlink(a->files[i].lock_path);
			free(a->files[i].lock_path);
			a->files[i].lock_path = NULL;
		}
}

static void close_file(tui_file *f)
{
	if (f->lock_path)
		unlink(f->lock_path);
	free(f->lock_path);
	mtpe_session_free(f->s);
	mtpe_journal_free(f->j);
	free(f->path);
	free(f->realpath);
	memset(f, 0, sizeof(*f));
}

/* The worker: checks every pending file with its own checker; touches nothing else. */
static void *worker(void *arg)
{
	tui_app *a = arg;
	for (size_t i = 0; i < a->nfiles; i++) {
		tui_file *f = &a->files[i];
		if (atomic_load(&f->bg_state) != TUI_BG_PENDING)
			continue;
		mtpe_error_clear(&f->bg_err);
		if (mtpe_checker_check(f->bg_chk, mtpe_session_doc(f->s), &f->bg, NULL, &f->bg_err) < 0 &&
		    !f->bg_err.code)
			f->bg_err.code = MTPE_EIO;
		atomic_store(&f->bg_state, TUI_BG_DONE);
	}
	return NULL;
}

int tui_app_poll(tui_app *a)
{
	int r = 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		tui_file *f = &a->files[i];
		if (atomic_load(&f->bg_state) != TUI_BG_DONE)
			continue;
		atomic_store(&f->bg_state, TUI_BG_MERGED);
		mtpe_error err;
		mtpe_error_clear(&err);
		if (f->bg_err.code) {
			msg(a, true, "checking %s failed: %s; only its start was checked", f->path, f->bg_err.msg);
			mtpe_findings_dispose(&f->bg);
		} else if (mtpe_session_merge(f->s, &f->bg, &err) < 0) {
			msg(a, true, "%s", err.msg);
		}
		if (f->cur < 0)
			f->cur = mtpe_session_first(f->s);
		r = TUI_R_REDRAW;
	}
	if (a->worker_started && !tui_app_busy(a)) {
		pthread_join(a->worker, NULL); /* done: it returns at once */
		a->worker_started = false;
	}
	return r;
}

bool tui_app_busy(const tui_app *a)
{
	for (size_t i = 0; i < a->nfiles; i++)
		if (atomic_load(&a->files[i].bg_state) == TUI_BG_PENDING)
			return true;
	return false;
}

void tui_app_wait(tui_app *a)
{
	if (a->worker_started && tui_app_busy(a) && a->notify) {
		msg(a, false, "finishing the check of the whole file first...");
		a->notify(a);
	}
	if (a->worker_started) {
		pthread_join(a->worker, NULL);
		a->worker_started = false;
	}
	tui_app_poll(a);
}

int tui_app_init(tui_app *a, const tui_app_options *o, const char *const *paths, size_t n,
		 mtpe_checker *const *chks, mtpe_checker *const *bg_chks, mtpe_error *err)
{
	memset(a, 0, sizeof(*a));
	a->o = *o;
	a->files = mtpe_calloc(n ? n : 1, sizeof(tui_file));
	if (!a->files)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int error = open_file(a, &a->files[i], paths[i], chks ? chks[i] : o->chk, bg_chks ? bg_chks[i] : o->bg_chk,
				      err);
		a->nfiles = i + 1;
		if (error < 0) {
			if (!err->path[0])
				snprintf(err->path, sizeof(err->path), "%s", paths[i]);
			return error;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(a->files[k].realpath, a->files[i].realpath))
				return mtpe_error_set(err, MTPE_EINVAL, "'%s' is the same file as '%s'; give it once",
						      paths[i], paths[k]);
	}
	if (tui_app_busy(a)) {
		if (pthread_create(&a->worker, NULL, worker, a) == 0) {
			a->worker_started = true;
		} else {
			/* no thread: check now */
			a->worker_started = false;
			worker(a);
			tui_app_poll(a);
		}
	}
	return 0;
}

void tui_app_dispose(tui_app *a)
{
	if (a->worker_started) {
		pthread_join(a->worker, NULL);
		a->worker_started = false;
	}
	for (size_t i = 0; i < a->nfiles; i++)
		mtpe_findings_dispose(&a->files[i].bg);
	for (size_t i = 0; i < a->nfiles; i++)
		close_file(&a->files[i]);
	free(a->files);
	free(a->edit);
	memset(a, 0, sizeof(*a));
}

static void reset_hit_ui(tui_app *a)
{
	a->hl = 0;
	a->page = 0;
	a->scroll = 0;
}

/* Opens the resume question for the first file that has one, else normal mode. */
static void next_resume(tui_app *a)
{
	for (size_t i = 0; i < a->nfiles; i++) {
		if (!a->files[i].resume_done) {
			a->cur = i;
			a->mode = TUI_MODE_RESUME;
			return;
		}
	}
	a->mode = TUI_MODE_NORMAL;
}

void tui_app_start(tui_app *a)
{
	a->cur = 0;
	reset_hit_ui(a);
	next_resume(a);
	for (size_t i = 0; i < a->nfiles; i++)
		if (a->files[i].lock_warning[0]) {
			msg(a, true, "%s", a->files[i].lock_warning);
			if (a->mode == TUI_MODE_NORMAL)
				return;
		}
	if (a->mode == TUI_MODE_NORMAL) {
		tui_file *f = tui_app_file(a);
		mtpe_session_counts c;
		mtpe_session_counts_get(f->s, &c);
		if (!c.total)
			msg(a, false, "no findings in %s%s", f->path, a->nfiles > 1 ? "; > for the next file" : "");
	}
}

size_t tui_app_unsaved(const tui_app *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		mtpe_session_counts c;
		mtpe_session_counts_get(a->files[i].s, &c);
		n += c.changes;
	}
	return n;
}

/* Writes one file; 0 = written or nothing to write. */
static int write_file(tui_app *a, tui_file *f, bool *wrote)
{
	mtpe_session_counts c;
	mtpe_session_counts_get(f->s, &c);
	*wrote = false;
	if (!c.changes)
		return 0;
	char *data = NULL;
	size_t len = 0;
	mtpe_error err;
	mtpe_error_clear(&err);
	int error = mtpe_session_splice(f->s, &data, &len);
	if (error < 0) {
		msg(a, true, "cannot write %s: out of memory", f->path);
		return error;
	}
	/* the fixes must leave the file's format intact (a quote typed into a PO
	 * string, a tag into XLIFF...): parse the new bytes before writing them */
	mtpe_doc *check = NULL;
	mtpe_doc_options dopts = a->o.dopts;
	dopts.max_size = len + 1;
	dopts.format = mtpe_session_doc(f->s)->format;
	if (mtpe_doc_from_buffer(&check, f->path, data, len, &dopts, &err) < 0) {
		free(data);
		msg(a, true, "not written: with these fixes %s would no longer be valid %s (%s); undo or edit the fix",
		    f->path, dopts.format ? dopts.format : "text", err.msg);
		return MTPE_EPARSE;
	}
	mtpe_doc_free(check);
	mtpe_error_clear(&err);
	mtpe_file_id nid;
	error = mtpe_save_atomic(f->realpath, data, len, &f->id, &nid, &err);
	free(data);
	if (error < 0) {
		msg(a, true, "%s", err.msg);
		return error;
	}
	f->id = nid;
	f->saved = true;
	*wrote = true;
	/* the saved bytes become the new original; the journal starts over */
	if (f->j) {
		mtpe_session_set_journal(f->s, NULL);
		mtpe_journal_rekey(f->j, nid.sha, &err);
	}
	/* where the current hit will be in the new bytes, to stay there */
	size_t new_off = 0;
	if (f->cur >= 0) {
		mtpe_buf pre = MTPE_BUF_INIT;
		if (mtpe_session_edited(f->s, 0, mtpe_session_hit(f->s, (size_t)f->cur)->f.offset, &pre, NULL, NULL, NULL,
					NULL) == 0)
			new_off = pre.len;
		mtpe_buf_dispose(&pre);
	}
	if ((error = mtpe_session_rebase(f->s, &err)) < 0) {
		msg(a, true, "%s written, but the session could not continue: %s", f->path, err.msg);
		a->quit = true;
		a->exit_code = 3;
		return error;
	}
	if (f->j) {
		mtpe_session_set_journal(f->s, f->j);
		/* what was kept or ignored before the save survives a crash after it */
		if (mtpe_journal_record_carried(f->j, f->s, &err) < 0)
			msg(a, true, "%s written; journal: %s", f->path, err.msg);
	}
	f->cur = -1;
	for (long h = mtpe_session_next(f->s, (size_t)-1, 1, false); h >= 0; h = mtpe_session_next(f->s, (size_t)h, 1, false))
		if (mtpe_session_hit(f->s, (size_t)h)->f.offset >= new_off &&
		    mtpe_session_hit_state(f->s, (size_t)h) == MTPE_HIT_PENDING) {
			f->cur = h;
			break;
		}
	if (f->cur < 0)
		f->cur = mtpe_session_next(f->s, (size_t)-1, 1, true);
	if (f->cur < 0)
		f->cur = mtpe_session_first(f->s);
	return 0;
}

int tui_app_write_all(tui_app *a)
{
	size_t written = 0;
	tui_app_wait(a); /* the save rebases the session: the worker must be done with the bytes */
	for (size_t i = 0; i < a->nfiles; i++) {
		bool w;
		int error = write_file(a, &a->files[i], &w);
		if (error < 0)
			return error;
		written += w;
	}
	if (written)
		msg(a, false, "wrote %zu file%s", written, written == 1 ? "" : "s");
	else
		msg(a, false, "nothing to write: no fix accepted");
	reset_hit_ui(a);
	return 0;
}

/* ---- edit buffer ---------------------------------------------------------- */

static void edit_set(tui_app *a, const char *s)
{
	size_t n = strlen(s);
	if (n + 1 > a->edit_cap) {
		char *e = realloc(a->edit, n + 64);
		if (!e)
			return;
		a->edit = e;
		a->edit_cap = n + 64;
	}
	memcpy(a->edit, s, n + 1);
	a->edit_len = a->edit_cur = n;
}

static void edit_insert(tui_app *a, int cp)
{
	char u[4];
	size_t l = mtpe_utf8_encode((uint32_t)cp, u);
	if (a->edit_len + l + 1 > a->edit_cap) {
		size_t cap = (a->edit_cap + l + 1) * 2;
		char *e = realloc(a->edit, cap);
		if (!e)
			return;
		a->edit = e;
		a->edit_cap = cap;
	}
	memmove(a->edit + a->edit_cur + l, a->edit + a->edit_cur, a->edit_len - a->edit_cur + 1);
	memcpy(a->edit + a->edit_cur, u, l);
	a->edit_len += l;
	a->edit_cur += l;
}

static size_t prev_char(const char *s, size_t i)
{
	if (!i)
		return 0;
	i--;
	while (i && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static size_t next_char(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return n;
	i++;
	while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* ---- actions -------------------------------------------------------------- */

static void go(tui_app *a, long hit)
{
	tui_file *f = tui_app_file(a);
	if (hit >= 0 && f->cur != hit) {
		f->cur = hit;
		reset_hit_ui(a);
	}
}

/* After a decision: on to the next undecided hit. */
static void advance(tui_app *a)
{
	tui_file *f = tui_app_file(a);
	long n = mtpe_session_next(f->s, (size_t)f->cur, 1, true);
	if (n >= 0) {
		go(a, n);
		return;
	}
	reset_hit_ui(a);
	size_t other = 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		mtpe_session_counts c;
		mtpe_session_counts_get(a->files[i].s, &c);
		if (i != a->cur)
			other += c.pending;
	}
	if (atomic_load(&tui_app_file(a)->bg_state) == TUI_BG_PENDING)
		msg(a, false, "all hits so far decided; the rest of the file is still being checked");
	else if (other)
		msg(a, false, "all hits in this file decided; > for the next file (%zu left there), w to write", other);
	else
		msg(a, false, "all hits decided; w writes, x writes and quits");
}

static void journal_warning(tui_app *a)
{
	const char *je = mtpe_session_journal_error(tui_app_file(a)->s, true);
	if (je)
		msg(a, true, "%s", je);
}

static void decide(tui_app *a, mtpe_decision_kind kind, int k, const char *text)
{
	tui_file *f = tui_app_file(a);
	if (f->cur < 0) {
		msg(a, true, "no hit here");
		return;
	}
	mtpe_error err;
	mtpe_error_clear(&err);
	if (mtpe_session_decide(f->s, (size_t)f->cur, kind, k, text, &err) < 0) {
		msg(a, true, "%s", err.msg);
		return;
	}
	a->msg[0] = '\0';
	journal_warning(a);
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	if (kind == MTPE_DECIDE_DICT_ADD)
		msg(a, false, "added '%s' to the dictionary", h->f.text);
	advance(a);
	/* a fix that raised its own rule again is shown at once */
	long n = tui_app_hit(a);
	if (n >= 0) {
		const mtpe_hit *nh = mtpe_session_hit(f->s, (size_t)n);
		if (nh->unstable)
			msg(a, true, "the fix raised %s again here", nh->f.rule);
	}
}

static void undo_redo(tui_app *a, bool redo)
{
	tui_file *f = tui_app_file(a);
	mtpe_error err;
	mtpe_error_clear(&err);
	mtpe_session_counts c;
	mtpe_session_counts_get(f->s, &c);
	size_t idx = redo ? c.decisions : c.decisions - 1;
	int error = redo ? mtpe_session_redo(f->s, &err) : mtpe_session_undo(f->s, &err);
	if (error < 0) {
		msg(a, true, "%s", err.msg);
		return;
	}
	const mtpe_decision *d = mtpe_session_decision(f->s, idx);
	if (d && d->hit != (size_t)-1) {
		go(a, (long)d->hit);
		if (mtpe_session_hit_state(f->s, d->hit) == MTPE_HIT_DEAD) {
			/* an undone hand edit takes its hit along: show the hits it had covered */
			long n = mtpe_session_next(f->s, d->hit, 1, true);
			long p = mtpe_session_next(f->s, d->hit, -1, false);
			if (p >= 0 && mtpe_session_hit(f->s, (size_t)p)->f.offset >= mtpe_session_hit(f->s, d->hit)->f.offset)
				n = p;
			if (n >= 0)
				go(a, n);
		}
		const mtpe_hit *h = mtpe_session_hit(f->s, d->hit);
		msg(a, false, "%s: %s at %d:%d", redo ? "redone" : "undone",
		    d->kind == MTPE_DECIDE_ACCEPT || d->kind == MTPE_DECIDE_CUSTOM ? "fix" : "decision",
		    h->f.line, h->f.column);
	} else {
		msg(a, false, redo ? "redone" : "undone");
	}
	if (redo)
		advance(a);
	journal_warning(a);
}

static void switch_file(tui_app *a, int dir)
{
	if (a->nfiles < 2) {
		msg(a, false, "only one file in this review");
		return;
	}
	if ((dir > 0 && a->cur + 1 >= a->nfiles) || (dir < 0 && a->cur == 0)) {
		msg(a, false, dir > 0 ? "this is the last file" : "this is the first file");
		return;
	}
	a->cur += dir > 0 ? 1 : -1;
	reset_hit_ui(a);
	tui_file *f = tui_app_file(a);
	msg(a, false, "file %zu/%zu: %s", a->cur + 1, a->nfiles, f->path);
	if (!f->resume_done)
		a->mode = TUI_MODE_RESUME;
}

static int quit_now(tui_app *a, bool keep_journal)
{
	(void)keep_journal; /* journals stay on disk unless a save removed them */
	a->quit = true;
	return TUI_R_QUIT | TUI_R_REDRAW;
}

static int write_and_quit(tui_app *a)
{
	if (tui_app_write_all(a) < 0)
		return TUI_R_REDRAW;
	/* finished on purpose: journals of files with nothing left to write go */
	for (size_t i = 0; i < a->nfiles; i++)
		if (a->files[i].j)
			mtpe_journal_discard(a->files[i].j);
	return quit_now(a, false);
}

static const mtpe_hit *cur_hit(const tui_app *a)
{
	tui_file *f = tui_app_file(a);
	return f && f->cur >= 0 ? mtpe_session_hit(f->s, (size_t)f->cur) : NULL;
}

/* Index of replacement `r` among hit i's replacements, or -1. */
static int repl_index(const mtpe_session *s, size_t i, const char *r)
{
	const mtpe_hit *h = mtpe_session_hit(s, i);
	for (size_t k = 0; k < h->f.nreplacements; k++)
		if (!strcmp(h->f.replacements[k], r))
			return (int)k;
	return -1;
}

/* Pending hits identical to the current one (rule, text) offering replacement r. */
static size_t identical_pending(const tui_app *a, const char *r, long *out, size_t max)
{
	tui_file *f = tui_app_file(a);
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	size_t n = 0;
	for (long j = mtpe_session_next(f->s, (size_t)f->cur, 1, false); j >= 0;
	     j = mtpe_session_next(f->s, (size_t)j, 1, false)) {
		if (mtpe_session_hit_state(f->s, (size_t)j) != MTPE_HIT_PENDING)
			continue;
		const mtpe_hit *o = mtpe_session_hit(f->s, (size_t)j);
		if (strcmp(o->f.rule, h->f.rule) || strcmp(o->f.text ? o->f.text : "", h->f.text ? h->f.text : "") ||
		    repl_index(f->s, (size_t)j, r) < 0)
			continue;
		if (out && n < max)
			out[n] = j;
		n++;
	}
	return n;
}

size_t tui_app_replace_all_count(const tui_app *a)
{
	const mtpe_hit *h = cur_hit(a);
	if (!h || !h->f.nreplacements)
		return 0;
	int k = a->hl < (int)h->f.nreplacements ? a->hl : 0;
	return identical_pending(a, h->f.replacements[k], NULL, 0);
}

static void replace_all(tui_app *a)
{
	tui_file *f = tui_app_file(a);
	const mtpe_hit *h = cur_hit(a);
	if (!h || !h->f.nreplacements)
		return;
	int k = a->hl < (int)h->f.nreplacements ? a->hl : 0;
	char *r = mtpe_strdup(h->f.replacements[k]);
	size_t n = identical_pending(a, r, NULL, 0);
	long *list = mtpe_calloc(n + 1, sizeof(long));
	if (!r || !list) {
		free(r);
		free(list);
		msg(a, true, "out of memory");
		return;
	}
	identical_pending(a, r, list, n);
	long first = f->cur;
	mtpe_error err;
	mtpe_error_clear(&err);
	size_t done = 0;
	/* each hit is its own decision, undoable one by one */
	if (mtpe_session_decide(f->s, (size_t)first, MTPE_DECIDE_ACCEPT, k, NULL, &err) == 0)
		done++;
	for (size_t i = 0; i < n; i++) {
		if (mtpe_session_hit_state(f->s, (size_t)list[i]) != MTPE_HIT_PENDING)
			continue;
		int kk = repl_index(f->s, (size_t)list[i], r);
		if (kk >= 0 && mtpe_session_decide(f->s, (size_t)list[i], MTPE_DECIDE_ACCEPT, kk, NULL, &err) == 0)
			done++;
	}
	advance(a);
	msg(a, false, "replaced %zu hit%s with \"%s\" (u undoes them one by one)", done, done == 1 ? "" : "s", r);
	journal_warning(a);
	free(r);
	free(list);
}

static void keep_rest(tui_app *a)
{
	tui_file *f = tui_app_file(a);
	size_t done = 0;
	long j = f->cur;
	if (j >= 0 && mtpe_session_hit_state(f->s, (size_t)j) == MTPE_HIT_PENDING &&
	    mtpe_session_decide(f->s, (size_t)j, MTPE_DECIDE_KEEP, 0, NULL, NULL) == 0)
		done++;
	for (j = mtpe_session_next(f->s, (size_t)f->cur, 1, false); j >= 0; j = mtpe_session_next(f->s, (size_t)j, 1, false))
		if (mtpe_session_hit_state(f->s, (size_t)j) == MTPE_HIT_PENDING &&
		    mtpe_session_decide(f->s, (size_t)j, MTPE_DECIDE_KEEP, 0, NULL, NULL) == 0)
			done++;
	advance(a);
	msg(a, false, "kept %zu hit%s", done, done == 1 ? "" : "s");
	journal_warning(a);
}

static size_t rest_count(const tui_app *a)
{
	tui_file *f = tui_app_file(a);
	size_t n = 0;
	for (long j = f->cur; j >= 0; j = mtpe_session_next(f->s, (size_t)j, 1, false))
		if (mtpe_session_hit_state(f->s, (size_t)j) == MTPE_HIT_PENDING)
			n++;
	return n;
}

int tui_app_details(const tui_app *a, mtpe_buf *out)
{
	const mtpe_hit *h = cur_hit(a);
	if (!h)
		return -1;
	mtpe_buf_printf(out, "%s  (%s, %s)\n\n", h->f.rule, tui_category_label(h->f.category),
			mtpe_severity_name(h->f.severity));
	mtpe_buf_printf(out, "%s\n", h->f.message ? h->f.message : "");
	mtpe_checker *chk = tui_app_file(a)->chk;
	long ri = chk ? mtpe_checker_rule_find(chk, h->f.rule) : -1;
	if (ri >= 0) {
		mtpe_rule_info info;
		mtpe_checker_rule(chk, (size_t)ri, &info);
		if (info.description && *info.description)
			mtpe_buf_printf(out, "\n%s\n", info.description);
		size_t shown = 0;
		for (size_t i = 0; i < info.nexamples && shown < 4; i++) {
			const mtpe_example *ex = &info.examples[i];
			if (ex->kind == MTPE_EXAMPLE_BAD) {
				mtpe_buf_printf(out, "\n  bad:  %s", ex->text);
				if (ex->fix)
					mtpe_buf_printf(out, "\n  fix:  %s", ex->fix);
			} else {
				mtpe_buf_printf(out, "\n  good: %s", ex->text);
			}
			shown++;
		}
		if (info.file)
			mtpe_buf_printf(out, "\n\n(rule file %s:%d)", info.file, info.line);
	}
	if (h->f.unit)
		mtpe_buf_printf(out, "\n\nunit: %s", h->f.unit);
	mtpe_buf_puts(out, "\n\nPress any key to go back.");
	return out->oom ? -1 : 0;
}

static int key_normal(tui_app *a, int key)
{
	tui_file *f = tui_app_file(a);
	const mtpe_hit *h = cur_hit(a);
	int nrep = h ? (int)h->f.nreplacements : 0;
	a->msg[0] = '\0';
	a->msg_error = false;
	switch (key) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
		int k = a->page * PAGE + (key - '1');
		if (k >= nrep) {
			msg(a, true, "no suggestion %d here", key - '0');
			break;
		}
		decide(a, MTPE_DECIDE_ACCEPT, k, NULL);
		break;
	}
	case '\n': case '\r': case TUI_KEY_ENTER: case 'y':
		if (!h)
			break;
		if (!nrep) {
			msg(a, true, "no suggestion here: e to edit, n to keep");
			break;
		}
		decide(a, MTPE_DECIDE_ACCEPT, a->hl < nrep ? a->hl : 0, NULL);
		break;
	case 'n': case ' ':
		decide(a, MTPE_DECIDE_KEEP, 0, NULL);
		break;
	case 'e':
		if (!h)
			break;
		edit_set(a, nrep ? h->f.replacements[a->hl < nrep ? a->hl : 0] : (h->f.text ? h->f.text : ""));
		a->edit_kind = TUI_EDIT_REPLACE;
		a->mode = TUI_MODE_EDIT;
		break;
	case 'i':
		decide(a, MTPE_DECIDE_IGNORE, 0, NULL);
		break;
	case 'I':
		if (!h)
			break;
		a->mode = TUI_MODE_CONFIRM;
		a->confirm = TUI_CONFIRM_IGNORE_RULE;
		break;
	case 'a':
		if (h && h->f.category != MTPE_CAT_SPELLING) {
			msg(a, true, "a adds a misspelt word to the dictionary; this is a %s hit", tui_category_label(h->f.category));
			break;
		}
		decide(a, MTPE_DECIDE_DICT_ADD, 0, NULL);
		break;
	case 'u':
		undo_redo(a, false);
		break;
	case TUI_CTRL('r'):
		undo_redo(a, true);
		break;
	case 'j': case 'k': {
		long n = mtpe_session_next(f->s, f->cur < 0 ? (size_t)-1 : (size_t)f->cur, key == 'j' ? 1 : -1, true);
		if (n < 0)
			msg(a, false, "no other undecided hit in this file");
		else
			go(a, n);
		break;
	}
	case 'J': case 'K': case TUI_KEY_RIGHT: case TUI_KEY_LEFT: {
		int dir = key == 'J' || key == TUI_KEY_RIGHT ? 1 : -1;
		long n = mtpe_session_next(f->s, f->cur < 0 ? (size_t)-1 : (size_t)f->cur, dir, false);
		if (n < 0)
			msg(a, false, dir > 0 ? "last hit" : "first hit");
		else
			go(a, n);
		break;
	}
	case TUI_KEY_UP: case TUI_KEY_BTAB:
		if (nrep) {
			a->hl = (a->hl + nrep - 1) % nrep;
			a->page = a->hl / PAGE;
		}
		break;
	case TUI_KEY_DOWN: case TUI_KEY_TAB: case '\t':
		if (nrep) {
			a->hl = (a->hl + 1) % nrep;
			a->page = a->hl / PAGE;
		}
		break;
	case 'm':
		if (nrep > PAGE) {
			a->page = (a->page + 1) % ((nrep + PAGE - 1) / PAGE);
			a->hl = a->page * PAGE;
		} else {
			msg(a, false, "no more suggestions");
		}
		break;
	case TUI_KEY_PGUP:
		a->scroll -= 5;
		break;
	case TUI_KEY_PGDN:
		a->scroll += 5;
		break;
	case TUI_KEY_HOME:
		a->scroll = 0;
		break;
	case '[':
		if (a->ctx_extra > -20)
			a->ctx_extra--;
		break;
	case ']':
		if (a->ctx_extra < 20)
			a->ctx_extra++;
		break;
	case '>':
		switch_file(a, 1);
		break;
	case '<':
		switch_file(a, -1);
		break;
	case 'w':
		tui_app_write_all(a);
		break;
	case 'x':
		return write_and_quit(a);
	case 'q': case TUI_CTRL('c'):
		if (tui_app_unsaved(a)) {
			a->mode = TUI_MODE_QUITASK;
			break;
		}
		return quit_now(a, true);
	case 'Q': {
		size_t dec = 0;
		for (size_t i = 0; i < a->nfiles; i++) {
			mtpe_session_counts c;
			mtpe_session_counts_get(a->files[i].s, &c);
			dec += c.decisions;
		}
		if (dec) {
			a->mode = TUI_MODE_CONFIRM;
			a->confirm = TUI_CONFIRM_QUIT;
			break;
		}
		return quit_now(a, true);
	}
	case '?':
		a->mode = TUI_MODE_HELP;
		break;
	case 'v':
		if (h)
			a->mode = TUI_MODE_DETAILS;
		break;
	case 'E': {
		if (!h)
			break;
		mtpe_buf t = MTPE_BUF_INIT;
		if (mtpe_session_sentence(f->s, (size_t)f->cur, &a->sent_start, &a->sent_end, &t) == 0 && t.ptr) {
			edit_set(a, t.ptr);
			a->edit_kind = TUI_EDIT_SENTENCE;
			a->mode = TUI_MODE_EDIT;
		}
		mtpe_buf_dispose(&t);
		break;
	}
	case 'g': case '/':
		edit_set(a, "");
		a->edit_kind = key == 'g' ? TUI_EDIT_GOTO : TUI_EDIT_SEARCH;
		a->mode = TUI_MODE_EDIT;
		break;
	case 'R':
		if (!h || !nrep) {
			msg(a, true, "no suggestion to apply here");
			break;
		}
		a->mode = TUI_MODE_CONFIRM;
		a->confirm = TUI_CONFIRM_REPLACE_ALL;
		break;
	case 'D':
		if (!h)
			break;
		a->mode = TUI_MODE_CONFIRM;
		a->confirm = TUI_CONFIRM_KEEP_REST;
		break;
	case TUI_CTRL('l'): case TUI_KEY_RESIZE:
		return TUI_R_REDRAW | TUI_R_FULL;
	case TUI_KEY_EOF:
		/* end of input: like q, but never asks; the journal keeps the decisions */
		if (tui_app_unsaved(a))
			msg(a, false, "end of input: %zu unsaved change%s kept in the journal", tui_app_unsaved(a),
			    tui_app_unsaved(a) == 1 ? "" : "s");
		return quit_now(a, true);
	default:
		msg(a, true, "unknown key; ? shows the keys");
		break;
	}
	return TUI_R_REDRAW;
}

/* Case-insensitive (ASCII) substring test. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static void search(tui_app *a, const char *q)
{
	tui_file *f = tui_app_file(a);
	if (!*q)
		q = a->last_search;
	if (!*q) {
		msg(a, true, "nothing to search for");
		return;
	}
	if (q != a->last_search)
		snprintf(a->last_search, sizeof(a->last_search), "%s", q);
	size_t n = mtpe_session_hit_count(f->s);
	long h = f->cur;
	for (size_t step = 0; step <= n; step++) {
		h = mtpe_session_next(f->s, h < 0 ? (size_t)-1 : (size_t)h, 1, false);
		if (h < 0)
			h = mtpe_session_next(f->s, (size_t)-1, 1, false); /* wrap around */
		if (h < 0)
			break;
		const mtpe_hit *x = mtpe_session_hit(f->s, (size_t)h);
		if (contains_ci(x->f.text, a->last_search) || contains_ci(x->f.rule, a->last_search) ||
		    contains_ci(x->f.message, a->last_search)) {
			go(a, h);
			msg(a, false, "found \"%s\" at %d:%d (/ and Enter: next)", a->last_search, x->f.line, x->f.column);
			return;
		}
		if (h == f->cur)
			break;
	}
	msg(a, true, "no hit matches \"%s\"", a->last_search);
}

static void goto_hit(tui_app *a, const char *num)
{
	tui_file *f = tui_app_file(a);
	char *end;
	long want = strtol(num, &end, 10);
	mtpe_session_counts c;
	mtpe_session_counts_get(f->s, &c);
	if (end == num || *end || want < 1 || (size_t)want > c.total) {
		msg(a, true, "give a hit number from 1 to %zu", c.total);
		return;
	}
	long h = -1;
	for (long i = 0; i < want; i++)
		h = mtpe_session_next(f->s, h < 0 ? (size_t)-1 : (size_t)h, 1, false);
	if (h >= 0)
		go(a, h);
}

/* E: replaces the sentence around the hit with text (a hand-edit hit and its decision). */
static void edit_sentence(tui_app *a, const char *text)
{
	tui_file *f = tui_app_file(a);
	mtpe_buf cur = MTPE_BUF_INIT;
	size_t st, en;
	if (f->cur < 0 || mtpe_session_sentence(f->s, (size_t)f->cur, &st, &en, &cur) < 0) {
		mtpe_buf_dispose(&cur);
		msg(a, true, "no sentence here");
		return;
	}
	bool same = st == a->sent_start && en == a->sent_end && cur.ptr && !strcmp(cur.ptr, text);
	mtpe_buf_dispose(&cur);
	if (same) {
		msg(a, false, "sentence unchanged");
		return;
	}
	mtpe_error err;
	mtpe_error_clear(&err);
	long h = mtpe_session_add_manual(f->s, a->sent_start, a->sent_end, &err);
	if (h < 0) {
		msg(a, true, "%s", err.msg);
		return;
	}
	f->cur = h;
	decide(a, MTPE_DECIDE_CUSTOM, 0, text);
}

static int key_edit(tui_app *a, int key)
{
	switch (key) {
	case TUI_KEY_ESC:
		a->mode = TUI_MODE_NORMAL;
		msg(a, false, a->edit_kind == TUI_EDIT_REPLACE ? "edit cancelled" : "cancelled");
		break;
	case '\n': case '\r': case TUI_KEY_ENTER: {
		a->mode = TUI_MODE_NORMAL;
		char *t = mtpe_strndup(a->edit ? a->edit : "", a->edit_len);
		if (t && a->edit_kind == TUI_EDIT_SENTENCE) {
			edit_sentence(a, t);
		} else if (t && a->edit_kind == TUI_EDIT_SEARCH) {
			search(a, t);
		} else if (t && a->edit_kind == TUI_EDIT_GOTO) {
			goto_hit(a, t);
		} else if (t) {
			const mtpe_hit *h = cur_hit(a);
			if (h && h->f.text && !strcmp(t, h->f.text))
				decide(a, MTPE_DECIDE_KEEP, 0, NULL); /* unchanged text is a keep */
			else
				decide(a, MTPE_DECIDE_CUSTOM, 0, t);
		}
		free(t);
		break;
	}
	case TUI_CTRL('u'):
		edit_set(a, "");
		break;
	case TUI_KEY_BACKSPACE: case 127: case 8:
		if (a->edit_cur) {
			size_t p = prev_char(a->edit, a->edit_cur);
			memmove(a->edit + p, a->edit + a->edit_cur, a->edit_len - a->edit_cur + 1);
			a->edit_len -= a->edit_cur - p;
			a->edit_cur = p;
		}
		break;
	case TUI_KEY_DELETE:
		if (a->edit_cur < a->edit_len) {
			size_t n = next_char(a->edit, a->edit_len, a->edit_cur);
			memmove(a->edit + a->edit_cur, a->edit + n, a->edit_len - n + 1);
			a->edit_len -= n - a->edit_cur;
		}
		break;
	case TUI_KEY_LEFT:
		a->edit_cur = prev_char(a->edit, a->edit_cur);
		break;
	case TUI_KEY_RIGHT:
		a->edit_cur = next_char(a->edit, a->edit_len, a->edit_cur);
		break;
	case TUI_KEY_HOME: case TUI_CTRL('a'):
		a->edit_cur = 0;
		break;
	case TUI_KEY_END: case TUI_CTRL('e'):
		a->edit_cur = a->edit_len;
		break;
	case TUI_KEY_RESIZE: case TUI_CTRL('l'):
		return TUI_R_REDRAW | TUI_R_FULL; /* the typed text stays */
	case TUI_KEY_EOF:
		a->mode = TUI_MODE_NORMAL;
		return key_normal(a, TUI_KEY_EOF);
	default:
		if (key >= 0x20 && key < TUI_KEY_BASE && key != 0x7f)
			edit_insert(a, key);
		break;
	}
	return TUI_R_REDRAW;
}

static int key_confirm(tui_app *a, int key)
{
	tui_confirm c = a->confirm;
	a->mode = TUI_MODE_NORMAL;
	a->confirm = TUI_CONFIRM_NONE;
	if (key == TUI_KEY_RESIZE) {
		a->mode = TUI_MODE_CONFIRM;
		a->confirm = c;
		return TUI_R_REDRAW | TUI_R_FULL;
	}
	if (key != 'y' && key != 'Y') {
		msg(a, false, "cancelled");
		if (key == TUI_KEY_EOF)
			return quit_now(a, true);
		return TUI_R_REDRAW;
	}
	if (c == TUI_CONFIRM_IGNORE_RULE)
		decide(a, MTPE_DECIDE_IGNORE_RULE, 0, NULL);
	else if (c == TUI_CONFIRM_REPLACE_ALL)
		replace_all(a);
	else if (c == TUI_CONFIRM_KEEP_REST)
		keep_rest(a);
	else if (c == TUI_CONFIRM_QUIT)
		return quit_now(a, true);
	return TUI_R_REDRAW;
}

static int key_quitask(tui_app *a, int key)
{
	a->mode = TUI_MODE_NORMAL;
	switch (key) {
	case 'w': case 'W': case 'x':
		return write_and_quit(a);
	case 'd': case 'D':
		return quit_now(a, true);
	case TUI_KEY_RESIZE:
		a->mode = TUI_MODE_QUITASK;
		return TUI_R_REDRAW | TUI_R_FULL;
	case TUI_KEY_EOF:
		return quit_now(a, true);
	default:
		msg(a, false, "cancelled");
		return TUI_R_REDRAW;
	}
}

static int key_resume(tui_app *a, int key)
{
	tui_file *f = tui_app_file(a);
	if (key == TUI_KEY_RESIZE || key == TUI_CTRL('l'))
		return TUI_R_REDRAW | TUI_R_FULL;
	if (key == 'q' || key == 'Q' || key == TUI_CTRL('c') || key == TUI_KEY_ESC)
		return quit_now(a, true); /* the journal stays for next time */
	if (key != 'y' && key != 'Y' && key != 'n' && key != 'N' && key != '\n' && key != '\r' &&
	    key != TUI_KEY_ENTER && key != TUI_KEY_EOF) {
		msg(a, true, "y resumes, n starts over (the journal is removed), q quits");
		return TUI_R_REDRAW;
	}
	f->resume_done = true;
	if (key == 'n' || key == 'N') {
		mtpe_journal_discard(f->j);
		msg(a, false, "starting over; the old journal was removed");
	} else if (key == TUI_KEY_EOF) {
		return quit_now(a, true);
	} else {
		size_t applied = 0, skipped = 0;
		mtpe_error err;
		mtpe_error_clear(&err);
		if (mtpe_journal_replay(f->j, f->s, &applied, &skipped, &err) < 0)
			msg(a, true, "resume failed: %s", err.msg);
		else if (skipped)
			msg(a, false, "resumed %zu decision%s (%zu no longer apply)", applied, applied == 1 ? "" : "s",
			    skipped);
		else
			msg(a, false, "resumed %zu decision%s", applied, applied == 1 ? "" : "s");
		long n = mtpe_session_next(f->s, (size_t)-1, 1, true);
		f->cur = n >= 0 ? n : mtpe_session_first(f->s);
	}
	reset_hit_ui(a);
	size_t here = a->cur;
	next_resume(a);
	if (a->mode == TUI_MODE_NORMAL)
		a->cur = here;
	return TUI_R_REDRAW;
}

int tui_app_key(tui_app *a, int key)
{
	a->keys++;
	if (!a->nfiles)
		return TUI_R_QUIT;
	switch (a->mode) {
	case TUI_MODE_EDIT: return key_edit(a, key);
	case TUI_MODE_CONFIRM: return key_confirm(a, key);
	case TUI_MODE_QUITASK: return key_quitask(a, key);
	case TUI_MODE_RESUME: return key_resume(a, key);
	case TUI_MODE_HELP:
	case TUI_MODE_DETAILS:
		if (key == TUI_KEY_RESIZE)
			return TUI_R_REDRAW | TUI_R_FULL;
		a->mode = TUI_MODE_NORMAL;
		if (key == 'q' || key == TUI_KEY_EOF)
			return key_normal(a, key);
		return TUI_R_REDRAW;
	default: return key_normal(a, key);
	}
}

const char *tui_app_prompt(const tui_app *a, char *buf, size_t n)
{
	tui_file *f = tui_app_file(a);
	const mtpe_hit *h = cur_hit(a);
	switch (a->mode) {
	case TUI_MODE_EDIT:
		if (a->edit_kind == TUI_EDIT_GOTO) {
			mtpe_session_counts c;
			mtpe_session_counts_get(f->s, &c);
			snprintf(buf, n, "Go to hit (1-%zu): ", c.total);
		} else if (a->edit_kind == TUI_EDIT_SENTENCE) {
			snprintf(buf, n, "Edit the sentence: ");
		} else if (a->edit_kind == TUI_EDIT_SEARCH) {
			if (a->last_search[0])
				snprintf(buf, n, "Search hits (text, rule id; Enter = \"%s\"): ", a->last_search);
			else
				snprintf(buf, n, "Search hits (text or rule id): ");
		} else {
			snprintf(buf, n, "Replace \"%s\" with: ", h && h->f.text ? h->f.text : "");
		}
		return buf;
	case TUI_MODE_CONFIRM:
		if (a->confirm == TUI_CONFIRM_REPLACE_ALL && h && h->f.nreplacements) {
			int k = a->hl < (int)h->f.nreplacements ? a->hl : 0;
			snprintf(buf, n, "Replace \"%s\" -> \"%s\" here and in %zu more hits? [y/N]", h->f.text,
				 h->f.replacements[k], tui_app_replace_all_count(a));
		} else if (a->confirm == TUI_CONFIRM_KEEP_REST && h) {
			size_t r = rest_count(a);
			snprintf(buf, n, "Keep the original for %zu remaining hit%s in this file? [y/N]", r, r == 1 ? "" : "s");
		} else if (a->confirm == TUI_CONFIRM_IGNORE_RULE && h) {
			size_t c = mtpe_session_filter_count(f->s, (size_t)f->cur, MTPE_DECIDE_IGNORE_RULE);
			snprintf(buf, n, "Ignore rule %s for this session (this hit and %zu more)? [y/N]", h->f.rule, c);
		} else {
			size_t u = tui_app_unsaved(a);
			snprintf(buf, n, "Quit without writing? %zu unsaved change%s stay in the journal [y/N]", u,
				 u == 1 ? "" : "s");
		}
		return buf;
	case TUI_MODE_QUITASK: {
		size_t u = tui_app_unsaved(a);
		snprintf(buf, n, "%zu unsaved change%s: [w]rite / [d]iscard (journal kept) / [c]ancel", u, u == 1 ? "" : "s");
		return buf;
	}
	case TUI_MODE_RESUME:
		snprintf(buf, n, "%s%s%zu decision%s recovered for %s, resume? [Y/n]", a->msg_error ? a->msg : "",
			 a->msg_error && a->msg[0] ? " - " : "", f->recoverable, f->recoverable == 1 ? "" : "s", f->path);
		return buf;
	default:
		return a->msg;
	}
}
