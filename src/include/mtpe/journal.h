/*
 * journal.h - the crash journal of a review session.
 *
 * One append-only text file per (file real path, SHA-256 of its bytes), in
 * $XDG_STATE_HOME/mtpe/journal/ (default ~/.local/state/mtpe/journal/), mode
 * 0600 in a 0700 folder. It holds the file's path and hash and one line per
 * decide / undo / redo (offsets, rule id, replacement text in hex; no
 * surrounding text), fsync'd after each line. The file is created at the
 * first decision and deleted after a successful save. A torn last line (crash
 * mid-write) is ignored on replay.
 */
#ifndef MTPE_JOURNAL_H
#define MTPE_JOURNAL_H

#include "mtpe/common.h"
#include "mtpe/session.h"

typedef struct mtpe_journal mtpe_journal;

/*
 * Opens the journal for the file whose canonical path is realpath and whose
 * bytes hash to sha (32 bytes). Nothing is created until the first record.
 * state_dir overrides the state folder (NULL = from the environment).
 */
int mtpe_journal_open(mtpe_journal **out, const char *realpath, const unsigned char sha[32],
		      const char *state_dir, mtpe_error *err);
void mtpe_journal_free(mtpe_journal *j);
/* Path of the journal file (borrowed). */
const char *mtpe_journal_path(const mtpe_journal *j);
/* Number of decisions a replay would leave on the undo stack (0 = nothing to recover). */
size_t mtpe_journal_recoverable(const mtpe_journal *j);
/*
 * Replays the stored records onto s (which must be freshly opened on the same
 * bytes). *applied receives the number of decisions on the stack afterwards
 * plus the hits marked decided before a save,
 * *skipped the number whose hit no longer exists. Appending continues after.
 */
int mtpe_journal_replay(mtpe_journal *j, mtpe_session *s, size_t *applied, size_t *skipped,
			mtpe_error *err);
/* Appends one record and fsyncs. */
int mtpe_journal_record_decide(mtpe_journal *j, const mtpe_session *s, const mtpe_decision *d,
			       mtpe_error *err);
int mtpe_journal_record_undo(mtpe_journal *j, mtpe_error *err);
/*
 * Records the hits decided before a save (the session's carried state) so a
 * crash after the save loses no review work; one append, one fsync.
 */
int mtpe_journal_record_carried(mtpe_journal *j, const mtpe_session *s, mtpe_error *err);
int mtpe_journal_record_redo(mtpe_journal *j, mtpe_error *err);
/* Deletes the journal file (after a save, or when the user declines to resume). */
int mtpe_journal_discard(mtpe_journal *j);
/*
 * Starts over for new file contents (after a save): discards the file and
 * re-keys the journal to the new hash.
 */
int mtpe_journal_rekey(mtpe_journal *j, const unsigned char sha[32], mtpe_error *err);

/* State folder for mtpe ($XDG_STATE_HOME/mtpe or ~/.local/state/mtpe); caller frees. */
char *mtpe_state_dir(void);

#endif
