#include "pc/pc_keys.h"

enum pc_key_action pc_key_feed(struct pc_keys *k, uint8_t key, uint8_t out[2],
			       unsigned int *n)
{
	*n = 0;
	if (!k->escaped) {
		if (key == PC_KEY_ESCAPE) {
			k->escaped = true;
			return PC_KEY_PASS;
		}
		out[(*n)++] = key;
		return PC_KEY_PASS;
	}
	k->escaped = false;
	switch (key) {
	case PC_KEY_STOP:
		return PC_KEY_STOP_GUEST;
	case PC_KEY_HELP:
		return PC_KEY_SHOW_HELP;
	case PC_KEY_ESCAPE:
		out[(*n)++] = PC_KEY_ESCAPE;
		return PC_KEY_PASS;
	default:
		out[(*n)++] = PC_KEY_ESCAPE;
		out[(*n)++] = key;
		return PC_KEY_PASS;
	}
}
