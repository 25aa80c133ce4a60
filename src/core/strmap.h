/*
 * strmap.h - a small open-addressing hash map from byte strings to pointers.
 * Keys are copied and owned by the map; values are borrowed unless the caller
 * frees them with strmap_dispose's callback.
 */
#ifndef MTPE_STRMAP_H
#define MTPE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot {
	char *key;
	size_t len;
	uint32_t hash;
	void *val;
} strmap_slot;

typedef struct strmap {
	strmap_slot *slots;
	size_t cap, used;
} strmap;

uint32_t strmap_hash(const char *s, size_t n);
/* Returns the slot's value pointer address, or NULL if absent. */
void **strmap_get(const strmap *m, const char *key, size_t len);
/* Inserts or replaces; returns 0 or MTPE_ENOMEM. */
int strmap_put(strmap *m, const char *key, size_t len, void *val);
void strmap_dispose(strmap *m, void (*free_val)(void *));

#endif
