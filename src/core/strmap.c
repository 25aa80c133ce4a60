/* strmap.c - open-addressing string hash map (linear probing, power-of-two size). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "mtpe/common.h"

/* Eight bytes a step (most keys are words: one or two steps), then a 64-bit finalizer. */
uint32_t strmap_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t v;
		memcpy(&v, s, 8);
		h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ v) * 0x94D049BB133111EBull;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

void **strmap_get(const strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	uint32_t h = strmap_hash(key, len);
	size_t i = h & (m->cap - 1);
	while (m->slots[i].key) {
		strmap_slot *s = &m->slots[i];
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return &s->val;
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static int grow(strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	strmap_slot *ns = mtpe_calloc(ncap, sizeof(*ns));
	if (!ns)
		return MTPE_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int strmap_put(strmap *m, const char *key, size_t len, void *val)
{
	void **v = strmap_get(m, key, len);
	if (v) {
		*v = val;
		return 0;
	}
	if ((m->used + 1) * 2 > m->cap && grow(m) < 0)
		return MTPE_ENOMEM;
	uint32_t h = strmap_hash(key, len);
	size_t i = h & (m->cap - 1);
	while (m->slots[i].key)
		i = (i + 1) & (m->cap - 1);
	char *k = mtpe_strndup(key, len);
	if (!k)
		return MTPE_ENOMEM;
	m->slots[i].key = k;
	m->slots[i].len = len;
	m->slots[i].hash = h;
	m->slots[i].val = val;
	m->used++;
	return 0;
}

void strmap_dispose(strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		free(m->slots[i].key);
		if (free_val)
			free_val(m->slots[i].val);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
