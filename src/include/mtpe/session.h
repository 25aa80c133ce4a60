/*
 * session.h - the review session model (no curses): one document, its hits
 * (findings) and the translator's decisions on them.
 *
 * Model (the `git add -p` one): the original bytes are never modified.
 * A decision records what to do with one hit (accept replacement k, accept
 * typed text, keep, ignore this match, ignore the rule, add the word to the
 * personal dictionary). The new bytes are a splice of the original bytes with
 * the effective accepted replacements; bytes outside accepted spans are copied
 * verbatim (CRLF, BOM, no final newline, everything).
 *
 * Decisions form an undo stack with redo. After an accept the sentence is
 * checked again: findings that are new in the edited sentence become new hits
 * (owned by that decision, so undo removes them). A new finding that touches
 * replaced text is "widened" to cover the whole replaced span in original
 * coordinates; accepting it supersedes the decision it covers. A new finding of
 * the rule that was just fixed, on the fixed text, is flagged `unstable`.
 *
 * Hit states, by precedence: dead (its creating decision was undone), decided
 * (has a decision), obsolete (pending but overlaps an accepted fix), filtered
 * (hidden by an ignore or a dictionary add), pending.
 *
 * Hits are identified by index (stable for the life of the session; new hits
 * are appended). Navigation uses document order.
 */
#ifndef MTPE_SESSION_H
#define MTPE_SESSION_H

#include "mtpe/common.h"
#include "mtpe/doc.h"
#include "mtpe/finding.h"

struct mtpe_checker;
struct mtpe_journal;

typedef struct mtpe_session mtpe_session;

typedef enum mtpe_decision_kind {
	MTPE_DECIDE_NONE = 0,
	MTPE_DECIDE_ACCEPT = 1,      /* replacement k of the hit */
	MTPE_DECIDE_CUSTOM = 2,      /* typed replacement text */
	MTPE_DECIDE_KEEP = 3,        /* keep the original */
	MTPE_DECIDE_IGNORE = 4,      /* ignore this match (rule + text) for the session */
	MTPE_DECIDE_IGNORE_RULE = 5, /* ignore the rule for the session */
	MTPE_DECIDE_DICT_ADD = 6     /* add the word to the personal dictionary */
} mtpe_decision_kind;

typedef enum mtpe_hit_state {
	MTPE_HIT_PENDING = 0,
	MTPE_HIT_DECIDED,
	MTPE_HIT_OBSOLETE,
	MTPE_HIT_FILTERED,
	MTPE_HIT_DEAD
} mtpe_hit_state;

/* A hit: a finding (span in ORIGINAL bytes) plus its review state. Read-only for callers. */
typedef struct mtpe_hit {
	mtpe_finding f;        /* for re-check hits: text/replacements are the widened, edited text */
	unsigned origin;       /* id of the decision whose re-check created it; 0 = initial check */
	bool unstable;         /* the fix of its parent raised the same rule again */
	bool alive;
	mtpe_decision_kind carried; /* decided before the last save (not undoable); 0 = no */
	long dec;              /* index of its current decision, -1 = none */
	unsigned filtered_by;  /* id of the ignore/dictionary decision hiding it, 0 = none */
	unsigned obsoleted_by; /* id of the accepted decision it overlaps, 0 = none */
	unsigned *covers;      /* ids of decisions whose replaced text this hit spans */
	size_t ncovers;
} mtpe_hit;

typedef struct mtpe_decision {
	unsigned id;             /* unique, increasing, never reused */
	mtpe_decision_kind kind;
	size_t hit;              /* SIZE_MAX: placeholder (replayed decision whose hit is gone) */
	int k;                   /* replacement index (ACCEPT) */
	char *text;              /* replacement (ACCEPT, CUSTOM) or the word (DICT_ADD); owned */
	long prev;               /* the hit's previous decision index, -1 */
	bool checked;            /* its re-check ran (children exist) */
	bool dict_written;       /* DICT_ADD wrote the personal dictionary */
} mtpe_decision;

/* A piece of an edited window: original span -> edited span. */
typedef struct mtpe_piece {
	size_t o_start, o_end; /* original bytes */
	size_t e_start, e_end; /* in the edited output */
	unsigned dec_id;       /* 0 = verbatim; else the decision whose replacement this is */
} mtpe_piece;

typedef struct mtpe_session_counts {
	size_t total;    /* alive hits */
	size_t pending;  /* left */
	size_t done;     /* decided + filtered + obsolete */
	size_t changes;  /* effective accepted replacements (what a save would write) */
	size_t decisions;/* depth of the undo stack */
	size_t redo;     /* depth of the redo stack */
} mtpe_session_counts;

typedef struct mtpe_session_options {
	const char *personal_path; /* personal dictionary for DICT_ADD (NULL = no file write) */
	bool recheck;              /* re-check the sentence after an accept (default true) */
} mtpe_session_options;
#define MTPE_SESSION_OPTIONS_INIT { NULL, true }

/*
 * Creates a session over doc (ownership of doc moves to the session, also on
 * failure) and runs the checker on it. chk is borrowed and must outlive the
 * session; it may be NULL (then `findings` gives the hits and no re-check runs).
 * findings (may be NULL) are used instead of running the checker; they are
 * moved into the session (the vector is left empty).
 */
int mtpe_session_new(mtpe_session **out, mtpe_doc *doc, struct mtpe_checker *chk,
		     mtpe_findings *findings, const mtpe_session_options *opts, mtpe_error *err);
void mtpe_session_free(mtpe_session *s);

/* Borrowed document (the original bytes). */
const mtpe_doc *mtpe_session_doc(const mtpe_session *s);
/* Number of hits ever created (dead ones included). */
size_t mtpe_session_hit_count(const mtpe_session *s);
/* Borrowed hit i (valid until the next call that changes the session). */
const mtpe_hit *mtpe_session_hit(const mtpe_session *s, size_t i);
mtpe_hit_state mtpe_session_hit_state(const mtpe_session *s, size_t i);
/* The hit's current decision, or NULL. */
const mtpe_decision *mtpe_session_hit_decision(const mtpe_session *s, size_t i);
/* Decision i of the stack (0 = oldest); i < decisions + redo. */
const mtpe_decision *mtpe_session_decision(const mtpe_session *s, size_t i);
void mtpe_session_counts_get(const mtpe_session *s, mtpe_session_counts *out);
/* 1-based rank of hit i among alive hits in document order (0 if dead). */
size_t mtpe_session_hit_rank(const mtpe_session *s, size_t i);

/*
 * Records a decision on hit i. k is the replacement index for ACCEPT; text is
 * the typed replacement for CUSTOM (copied). Re-deciding a decided hit
 * replaces its decision (undo brings the old one back). Fails with
 * MTPE_EINVAL (message in err) on an obsolete or dead hit, a bad k, DICT_ADD
 * on a non-spelling hit, or when later decisions depend on the fix replaced.
 */
int mtpe_session_decide(mtpe_session *s, size_t i, mtpe_decision_kind kind, int k,
			const char *text, mtpe_error *err);
/* Undo / redo the last decision; MTPE_ENOTFOUND when there is nothing to undo/redo. */
int mtpe_session_undo(mtpe_session *s, mtpe_error *err);
int mtpe_session_redo(mtpe_session *s, mtpe_error *err);
/* Number of pending hits (other than i) that IGNORE / IGNORE_RULE / DICT_ADD on i would hide. */
size_t mtpe_session_filter_count(const mtpe_session *s, size_t i, mtpe_decision_kind kind);

/*
 * Next hit after (dir > 0) or before (dir < 0) hit `from` in document order;
 * from = SIZE_MAX starts at the edge. undecided: only pending hits, wrapping
 * around. Returns the hit index or -1.
 */
long mtpe_session_next(const mtpe_session *s, size_t from, int dir, bool undecided);
/* First pending hit in document order, else the first alive hit, else -1. */
long mtpe_session_first(const mtpe_session *s);

/*
 * The new bytes: original with the effective accepted replacements spliced
 * in. *out is caller-owned (NUL-terminated), *outlen its length.
 */
int mtpe_session_splice(const mtpe_session *s, char **out, size_t *outlen);

/*
 * Edited text of original bytes [start, end) (start/end on UTF-8 boundaries,
 * widened to cover accepted spans they cut) into out, with the piece map
 * (caller frees *pieces). *wstart and *wend receive the widened original span.
 */
int mtpe_session_edited(const mtpe_session *s, size_t start, size_t end, mtpe_buf *out,
			mtpe_piece **pieces, size_t *npieces, size_t *wstart, size_t *wend);
/* Maps an original offset to the edited text through pieces; end = bias right in replaced text. */
size_t mtpe_piece_map(const mtpe_piece *p, size_t n, size_t off, bool end);

/*
 * The sentence around hit i with replacement `repl` (NULL = current text) put
 * in place of the hit, into out; *hl_start and *hl_end give the replacement's span
 * in out. Used for the "after:" preview.
 */
int mtpe_session_preview(const mtpe_session *s, size_t i, const char *repl, mtpe_buf *out,
			 size_t *hl_start, size_t *hl_end);

/*
 * The sentence around hit i: its original span [*start, *end) (widened over
 * accepted fixes it cuts) and, when text is non-NULL, its current (edited)
 * text appended to text.
 */
int mtpe_session_sentence(const mtpe_session *s, size_t i, size_t *start, size_t *end, mtpe_buf *text);
/*
 * Adds a hit for a hand edit of original bytes [start, end) (rule
 * MTPE_MANUAL_RULE), owned by the next decision: deciding it (CUSTOM) replaces
 * the span, undoing that decision removes the hit again. Accepted fixes inside
 * the span are covered (superseded). Returns the hit index or a negative error.
 */
long mtpe_session_add_manual(mtpe_session *s, size_t start, size_t end, mtpe_error *err);
#define MTPE_MANUAL_RULE "EDIT"

/*
 * Attaches a journal (borrowed): every decide/undo/redo is appended to it.
 * NULL detaches. A failed journal write does not undo the decision; its
 * message is kept and returned by mtpe_session_journal_error until cleared.
 */
void mtpe_session_set_journal(mtpe_session *s, struct mtpe_journal *j);
const char *mtpe_session_journal_error(mtpe_session *s, bool clear);

/* Finds the alive hit with this identity (journal key); -1 if none. */
long mtpe_session_find_hit(const mtpe_session *s, size_t offset, size_t length, unsigned origin,
			   const char *rule);
/* Marks hit i as decided before the last save (kind != NONE; not undoable). Journal replay. */
int mtpe_session_set_carried(mtpe_session *s, size_t i, mtpe_decision_kind kind);
/* Records a placeholder decision (a replayed decision whose hit no longer exists). */
int mtpe_session_push_placeholder(mtpe_session *s, mtpe_decision_kind kind, const char *text);

/*
 * Adds findings of a later, complete check of the same bytes (moved out of
 * fs, which is left empty): those already present as initial hits (same
 * offset, length and rule) are dropped, the others become initial hits, with
 * the ignores in force applied and those overlapping an accepted fix marked
 * obsolete. Used when the UI opens on a quick check of the file's start.
 */
int mtpe_session_merge(mtpe_session *s, mtpe_findings *fs, mtpe_error *err);

/*
 * After a successful save of the spliced bytes: makes them the new original.
 * Hits not changed by an accepted fix move to the new offsets and keep their
 * state (kept hits stay decided, ignores stay in force); the undo history is
 * dropped. On failure the session is unchanged.
 */
int mtpe_session_rebase(mtpe_session *s, mtpe_error *err);

#endif
