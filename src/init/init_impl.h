/*
 * What the files of src/init share and nothing else needs (the public API is init.h).
 *
 *   init.c          dataset and split names, init_run, writing the spec file
 *   init_scan.c     reading the data: finding the files, probing, measuring
 *   init_propose.c  the robust statistics: label fields, histograms, bands, concerns
 *   init_render.c   the commented YAML starter spec and the one-line summary
 */
#ifndef DSCI_INIT_IMPL_H
#define DSCI_INIT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "init/init.h"

/* Whether s ends with `suffix`, ignoring ASCII case (data files are *.jsonl / *.json). */
bool init_has_suffix_ci(const char *s, const char *suffix);
/* The length of a data file's extension: .jsonl or .json, maybe compressed (.jsonl.gz,
 * .json.zst); 0 when the name is not a data file's. */
size_t init_data_ext_len(const char *name);
/* A .json file (maybe compressed): one JSON document or an array, not JSON Lines. */
bool init_is_json_name(const char *name);

/* Forgets the counts of a candidate field, keeps its path (for another pass). */
void init_field_reset(struct init_field *f);

#endif
