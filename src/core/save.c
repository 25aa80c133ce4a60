/*
 * save.c - atomic, durable save (temp file + fsync + rename + fsync of the
 * folder), file identity (stat + SHA-256), and SHA-256 itself (FIPS 180-4).
 */
#include "mtpe/save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- SHA-256 -------------------------------------------------------------- */

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void mtpe_sha256(const void *data, size_t len, unsigned char out[32])
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const unsigned char *p = data;
	size_t n = len;
	while (n >= 64) {
		sha_block(h, p);
		p += 64;
		n -= 64;
	}
	unsigned char tail[128];
	memset(tail, 0, sizeof(tail));
	if (n)
		memcpy(tail, p, n);
	tail[n] = 0x80;
	size_t tl = n + 9 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha_block(h, tail);
	if (tl == 128)
		sha_block(h, tail + 64);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

void mtpe_hex(const unsigned char *in, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[in[i] >> 4];
		out[2 * i + 1] = x[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- fault injection seam ------------------------------------------------- */

static int fail_at = -1;

void mtpe_save_fail_at(int n)
{
	fail_at = n;
}

/* Counts a system call; true when it must fail (errno = EIO). */
static bool inject(void)
{
	if (fail_at < 0)
		return false;
	if (fail_at-- == 0) {
		errno = EIO;
		return true;
	}
	return false;
}

/* ---- identity --------------------------------------------------------------- */

static int read_file(const char *path, mtpe_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char tmp[65536];
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		mtpe_buf_put(b, tmp, (size_t)r);
	}
	close(fd);
	return b->oom ? -1 : 0;
}

static void fill_stat(mtpe_file_id *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime_sec = (long long)st->st_mtim.tv_sec;
	id->mtime_nsec = (long long)st->st_mtim.tv_nsec;
	id->mode = st->st_mode;
	id->nlink = (unsigned long)st->st_nlink;
}

int mtpe_file_id_get(mtpe_file_id *out, const char *path, const char *data, size_t len, mtpe_error *err)
{
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return mtpe_error_set(err, MTPE_EIO, "cannot stat '%s': %s", path, strerror(errno));
	fill_stat(out, &st);
	if (data) {
		mtpe_sha256(data, len, out->sha);
		return 0;
	}
	mtpe_buf b = MTPE_BUF_INIT;
	if (read_file(path, &b) < 0) {
		int e = errno;
		mtpe_buf_dispose(&b);
		return mtpe_error_set(err, MTPE_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	mtpe_sha256(b.ptr ? b.ptr : "", b.len, out->sha);
	mtpe_buf_dispose(&b);
	return 0;
}

/* ---- atomic save ---------------------------------------------------------- */

static int fail(mtpe_error *err, int code, const char *what, const char *path, int e)
{
	return mtpe_error_set(err, code, "cannot save '%s': %s: %s", path, what, strerror(e));
}

int mtpe_save_atomic(const char *path, const char *data, size_t len, const mtpe_file_id *expect,
		     mtpe_file_id *newid, mtpe_error *err)
{
	char *target = realpath(path, NULL);
	char *tmp = NULL;
	int fd = -1, dfd = -1, error = 0;
	struct stat st;
	if (!target)
		return fail(err, MTPE_EIO, "cannot resolve the path", path, errno);
	if (stat(target, &st) < 0) {
		error = fail(err, MTPE_EIO, "stat", path, errno);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = mtpe_error_set(err, MTPE_EUNSUPPORTED, "cannot save '%s': not a regular file", path);
		goto done;
	}
	if (st.st_nlink > 1) {
		error = mtpe_error_set(err, MTPE_EUNSUPPORTED,
				       "cannot save '%s': it has %lu hard links and replacing it would split them; "
				       "copy the file, review the copy, and copy it back",
				       path, (unsigned long)st.st_nlink);
		goto done;
	}
	if (expect) {
		mtpe_file_id now;
		if ((error = mtpe_file_id_get(&now, target, NULL, 0, err)) < 0)
			goto done;
		if (now.dev != expect->dev || now.ino != expect->ino || now.size != expect->size ||
		    now.mtime_sec != expect->mtime_sec || now.mtime_nsec != expect->mtime_nsec ||
		    memcmp(now.sha, expect->sha, 32) != 0) {
			error = mtpe_error_set(err, MTPE_ECHANGED,
					       "'%s' changed on disk since it was opened; not overwriting it "
					       "(your decisions are kept in the journal)", path);
			goto done;
		}
	}
	/* temp file next to the target: same file system, so rename is atomic */
	char *slash = strrchr(target, '/');
	size_t dl = slash ? (size_t)(slash - target) : 0;
	const char *base = slash ? slash + 1 : target;
	size_t tl = dl + strlen(base) + 32;
	tmp = malloc(tl);
	if (!tmp) {
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(tmp, tl, "%.*s/.%s.mtpe-XXXXXX", (int)dl, target, base);
	fd = inject() ? -1 : mkstemp(tmp);
	if (fd < 0) {
		error = fail(err, MTPE_EIO, "cannot create a temporary file", path, errno);
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (inject() || fchmod(fd, st.st_mode & 07777) < 0) {
		error = fail(err, MTPE_EIO, "fchmod", path, errno);
		goto done;
	}
	if (fchown(fd, st.st_uid, st.st_gid) < 0 && fchown(fd, (uid_t)-1, st.st_gid) < 0) {
		/* not permitted: the file becomes ours, which is what any editor does */
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = inject() ? -1 : write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error = fail(err, MTPE_EIO, "write", path, errno);
			goto done;
		}
		off += (size_t)w;
	}
	if (inject() || fsync(fd) < 0) {
		error = fail(err, MTPE_EIO, "fsync", path, errno);
		goto done;
	}
	int cfd = fd;
	fd = -1;
	int cr = close(cfd);
	if (inject() || cr < 0) {
		error = fail(err, MTPE_EIO, "close", path, errno);
		goto done;
	}
	if (inject() || rename(tmp, target) < 0) {
		error = fail(err, MTPE_EIO, "rename", path, errno);
		goto done;
	}
	free(tmp);
	tmp = NULL;
	char *dir = mtpe_strndup(target, dl ? dl : 1);
	if (dir) {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	if (dfd >= 0) {
		if (inject() || fsync(dfd) < 0) {
			/* the data is in place; only durability of the name is in doubt */
			error = fail(err, MTPE_EIO, "fsync of the folder", path, errno);
		}
		close(dfd);
	}
	if (!error && newid) {
		struct stat ns;
		if (stat(target, &ns) == 0) {
			fill_stat(newid, &ns);
			mtpe_sha256(data, len, newid->sha);
		}
	}
done:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(target);
	return error;
}
