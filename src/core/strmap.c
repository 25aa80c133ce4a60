/* strmap.c - open-addressing string hash map (linear probing, power-of-two size). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "mtpe/common.h"

uint32_t strmap_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
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
