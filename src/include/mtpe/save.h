/*
 * save.h - atomic, durable saving of a reviewed file, and file identity.
 *
 * mtpe_save_atomic writes a temp file in the target's folder (mkstemp, 0600),
 * gives it the original's mode (and owner where permitted), writes, fsyncs,
 * renames it over the target and fsyncs the folder. A symlink is resolved: its
 * target is replaced and the link stays a link. Before the rename the target
 * is compared with the identity recorded when it was opened (device, inode,
 * size, mtime, SHA-256); if it changed the save is refused with
 * MTPE_ECHANGED. On any error the temp file is removed and the original is
 * left alone.
 */
#ifndef MTPE_SAVE_H
#define MTPE_SAVE_H

#include <sys/types.h>

#include "mtpe/common.h"

typedef struct mtpe_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	long long mtime_sec, mtime_nsec;
	mode_t mode;
	unsigned long nlink;
	unsigned char sha[32];
} mtpe_file_id;

/* SHA-256 of data[0..len) into out. */
void mtpe_sha256(const void *data, size_t len, unsigned char out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void mtpe_hex(const unsigned char *in, size_t n, char *out);

/*
 * Records the identity of path (symlinks followed): stat fields, and the
 * SHA-256 of data/len when data is non-NULL (the bytes read at open),
 * otherwise of the file's current bytes.
 */
int mtpe_file_id_get(mtpe_file_id *out, const char *path, const char *data, size_t len,
		     mtpe_error *err);

/*
 * Atomically replaces path (its symlink target) with data. expect (may be
 * NULL) is the identity recorded at open; *newid (may be NULL) receives the
 * identity after the save. Files with several hard links are refused
 * (MTPE_EUNSUPPORTED).
 */
int mtpe_save_atomic(const char *path, const char *data, size_t len, const mtpe_file_id *expect,
		     mtpe_file_id *newid, mtpe_error *err);

/* Test hook: make the n-th system call of the next saves fail with EIO (n < 0 disables). */
void mtpe_save_fail_at(int n);

#endif
