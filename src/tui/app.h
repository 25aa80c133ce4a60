/*
 * app.h - the review controller: the files of a review, the UI state (current
 * hit, highlighted suggestion, prompt modes) and the key handler. No curses:
 * the curses front end (tui.c) and the line mode (line.c) both feed keys to
 * tui_app_key() and draw from this state (view.c renders it into cells).
 *
 * Keys are Unicode code points; special keys use the TUI_KEY_* values above
 * the Unicode range. Control keys are their ASCII codes (Ctrl-R = 18).
 */
#ifndef MTPE_TUI_APP_H
#define MTPE_TUI_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mtpe/check.h"
#include "mtpe/doc.h"
#include "mtpe/journal.h"
#include "mtpe/save.h"
#include "mtpe/session.h"

enum {
	TUI_KEY_BASE = 0x110000,
	TUI_KEY_UP, TUI_KEY_DOWN, TUI_KEY_LEFT, TUI_KEY_RIGHT,
	TUI_KEY_PGUP, TUI_KEY_PGDN, TUI_KEY_HOME, TUI_KEY_END,
	TUI_KEY_BACKSPACE, TUI_KEY_DELETE, TUI_KEY_ENTER, TUI_KEY_TAB, TUI_KEY_BTAB,
	TUI_KEY_RESIZE, TUI_KEY_EOF
};
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_ESC 27

/* Result flags of tui_app_key. */
enum { TUI_R_REDRAW = 1, TUI_R_QUIT = 2, TUI_R_MOVED = 4, TUI_R_FULL = 8 };

typedef enum tui_mode {
	TUI_MODE_NORMAL,
	TUI_MODE_EDIT,     /* one-line editor in the prompt row */
	TUI_MODE_CONFIRM,  /* [y/N] for a bulk or destructive action */
	TUI_MODE_QUITASK,  /* [w]rite / [d]iscard / [c]ancel */
	TUI_MODE_RESUME,   /* N decisions recovered, resume? [Y/n] */
	TUI_MODE_HELP,
	TUI_MODE_DETAILS   /* rule description and examples (v) */
} tui_mode;

typedef enum tui_edit_kind {
	TUI_EDIT_REPLACE, /* e: the replacement text */
	TUI_EDIT_GOTO,    /* g: a hit number */
	TUI_EDIT_SEARCH,  /* /: text or rule id */
	TUI_EDIT_SENTENCE /* E: the whole sentence around the hit */
} tui_edit_kind;

typedef enum tui_confirm {
	TUI_CONFIRM_NONE,
	TUI_CONFIRM_IGNORE_RULE,
	TUI_CONFIRM_QUIT,
	TUI_CONFIRM_REPLACE_ALL, /* R: this replacement on every identical pending hit */
	TUI_CONFIRM_KEEP_REST    /* D: keep this and every remaining pending hit of the file */
} tui_confirm;

typedef struct tui_file {
	char *path;          /* as given on the command line */
	char *realpath;      /* canonical (symlinks resolved) */
	mtpe_session *s;
	mtpe_journal *j;
	mtpe_file_id id;     /* identity at open (or after our last save) */
	long cur;            /* current hit, -1 = none */
	size_t recoverable;  /* decisions found in the journal at open */
	bool resume_done;
	bool saved;          /* written at least once in this session */
	/* progressive open: the UI starts on a quick check of the file's start
	 * while a worker thread checks the whole file */
	atomic_int bg_state; /* TUI_BG_* */
	mtpe_findings bg;    /* the worker's findings (owned by the worker until DONE) */
	mtpe_error bg_err;
	mtpe_checker *chk;   /* borrowed: this file's checker (its .mtpe.yaml) */
	mtpe_checker *bg_chk;/* borrowed: a second one for the worker, or NULL */
	char *lock_path;     /* our lock file (removed at dispose), NULL if none */
	char lock_warning[400];
} tui_file;

enum { TUI_BG_NONE = 0, TUI_BG_PENDING, TUI_BG_DONE, TUI_BG_MERGED };

typedef struct tui_app_options {
	mtpe_checker *chk;          /* borrowed */
	const char *personal_path;  /* personal dictionary for `a` */
	const char *state_dir;      /* journal folder override (NULL = XDG) */
	mtpe_doc_options dopts;
	bool no_journal;
	mtpe_checker *bg_chk;       /* second checker for the worker thread; NULL = check synchronously */
	size_t quick_bytes;         /* quick check of this many bytes first (0 = 64 KiB) */
} tui_app_options;

typedef struct tui_app {
	tui_app_options o;
	tui_file *files;
	size_t nfiles, cur;
	tui_mode mode;
	tui_confirm confirm;
	int hl;               /* highlighted suggestion (index into replacements) */
	int page;             /* suggestion page (9 per page) */
	int ctx_extra;        /* context lines added/removed with ] and [ */
	int scroll;           /* context scroll in rows (PgUp/PgDn), 0 = hit a third down */
	tui_edit_kind edit_kind;
	size_t sent_start, sent_end; /* E: the sentence's original span */
	char last_search[256];
	char *edit;           /* edit buffer (UTF-8) */
	size_t edit_len, edit_cap, edit_cur; /* cursor as a byte offset */
	char msg[768];        /* message row */
	bool msg_error;
	bool quit;
	int exit_code;
	unsigned long keys;   /* keys handled (for the benchmark and tests) */
	pthread_t worker;
	bool worker_started;
	/* front end hook: show a message now (before a blocking wait); may be NULL */
	void (*notify)(struct tui_app *a);
} tui_app;

/*
 * Opens every file: load, identity, check, journal. chks[i] and bg_chks[i]
 * (either array may be NULL; borrowed) give file i its own checkers, else
 * o->chk and o->bg_chk are used. Files that cannot be opened are reported
 * into err (first failure) and the call fails.
 */
int tui_app_init(tui_app *a, const tui_app_options *o, const char *const *paths, size_t n,
		 mtpe_checker *const *chks, mtpe_checker *const *bg_chks, mtpe_error *err);
void tui_app_dispose(tui_app *a);
/* Starts the UI: asks to resume journals (mode RESUME) or positions on the first hit. */
void tui_app_start(tui_app *a);
/* Handles one key; returns TUI_R_* flags. */
int tui_app_key(tui_app *a, int key);
/* Merges the results of finished background checks; returns TUI_R_REDRAW if any. */
int tui_app_poll(tui_app *a);
/* True while a background check is still running. */
bool tui_app_busy(const tui_app *a);
/* Removes this review's lock files (before a quick exit). */
void tui_app_release_locks(tui_app *a);
/* Waits for the background checks and merges them. */
void tui_app_wait(tui_app *a);

/* Current file / session / hit (hit may be -1). */
tui_file *tui_app_file(const tui_app *a);
long tui_app_hit(const tui_app *a);
/* Prompt text for the prompt row (edit, confirm...), or the message; never NULL. */
const char *tui_app_prompt(const tui_app *a, char *buf, size_t n);
/* Pending hits other than the current one that R would change (same rule, text and replacement). */
size_t tui_app_replace_all_count(const tui_app *a);
/* Details page of the current hit's rule (v) into out; returns 0 or -1 when there is none. */
int tui_app_details(const tui_app *a, mtpe_buf *out);
/* Total unsaved changes (effective accepted fixes) over all files. */
size_t tui_app_unsaved(const tui_app *a);
/* Writes every file with unsaved changes; returns 0 or a negative error (message set). */
int tui_app_write_all(tui_app *a);
/* Short name of a category for the issue pane (SPELLING, GRAMMAR, STYLE, TERM...). */
const char *tui_category_label(int cat);
/* Describes a decision for "(was: ...)" into buf. */
const char *tui_decision_label(const mtpe_session *s, size_t hit, char *buf, size_t n);

#endif
