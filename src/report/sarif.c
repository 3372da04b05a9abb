/*
 * The code-scanning report (--format sarif): SARIF 2.1.0, one run whose tool.driver
 * lists one rule per kind of check that ran, with stable ids (DSCI-FORMAT-001) from
 * the table below, and one result per finding of a failed or warned check, placed
 * on the JSONL line of the example. A failed check without findings (or with more
 * findings than were stored) gets one result on the spec file at the gate's key line.
 * Every string goes through json_write_string() via json_pretty, the one escaper.
 *
 * Rule ids are part of the interface (code scanning tracks alerts by them): never
 * renumber an entry, only append. A check id missing from the table gets
 * DSCI-<GATE>-9NN with NN from a hash of the id, stable across runs.
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/json_pretty.h"
#include "util/xalloc.h"
#include "util/sha256.h"

#ifndef DSCI_VERSION
#define DSCI_VERSION "0.0.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* The project's home page, from the build (CMakeLists.txt: DSCI_HOMEPAGE_URL, which
 * scripts/install-action.sh sets to the action's repository, else the origin remote). */
#ifndef DSCI_HOMEPAGE_URL
#define DSCI_HOMEPAGE_URL "https://github.com/OWNER/dsci"
#endif
#define SARIF_SRCROOT "%SRCROOT%"

struct rule_def {
    const char *check_id;   /* exact id, or a prefix ending in '.' for per-category ids */
    const char *rule_id;
    const char *name;       /* PascalCase, as SARIF suggests for rule names */
    const char *short_desc;
    const char *full_desc;
    const char *help;
};

static const struct rule_def rule_table[] = {
    { "format.valid_json", "DSCI-FORMAT-001", "ValidJson", "Every line is valid JSON.",
      "Each line of a JSONL data file must parse as one JSON value.",
      "Fix or remove the line at the reported position; a JSONL file holds one JSON object per line." },
    { "format.schema", "DSCI-FORMAT-002", "Schema", "Every example matches the dataset format.",
      "Each record must have the fields its format (sharegpt, openai, alpaca) requires, with the right types.",
      "Add the missing fields or correct their types so the record matches the format named in the spec." },
    { "format.turn_order", "DSCI-FORMAT-003", "TurnOrder", "Conversation turns alternate.",
      "Turns must alternate between the human (user) and the assistant, starting with the human after any system turn, and end on the assistant's reply (gates.format.ends_with_reply).",
      "Merge or reorder consecutive turns of the same role; add the missing reply or drop the unanswered last turn." },
    { "format.non_empty", "DSCI-FORMAT-004", "NonEmptyMessages", "No message is empty.",
      "Every message must contain text other than whitespace.",
      "Write the missing message text or drop the empty turn." },
    { "format.tool_calls", "DSCI-FORMAT-005", "ToolCalls", "Tool calls are well-formed.",
      "Tool calls must name a declared tool, carry valid JSON arguments and give every required parameter.",
      "Declare the tool, fix the arguments JSON or add the missing parameter." },
    { "format.hygiene", "DSCI-FORMAT-006", "FileHygiene", "Data files are clean.",
      "Data files should be UTF-8 without a byte order mark, end with a newline and use LF line endings.",
      "Re-save the file as UTF-8 with LF line endings and a final newline." },
    { "format.examples", "DSCI-FORMAT-007", "SplitExamples", "Every split holds examples.",
      "A split listed in dataset.files must hold at least one example: an empty file, [] or blank lines train nothing.",
      "Add examples to the empty split, or remove it from dataset.files." },
    { "coverage.", "DSCI-COVERAGE-001", "CategoryCoverage", "Each category has enough examples.",
      "Every coverage category of the spec must have at least its minimum number of examples.",
      "Add examples of the reported category until it reaches its minimum." },
    { "quality.human_length", "DSCI-QUALITY-001", "HumanLength", "Human messages have a typical length.",
      "The mean length of human messages, in Unicode code points, should lie in the target band.",
      "Rewrite the shortest or longest human messages so the mean falls in the target band." },
    { "quality.assistant_length", "DSCI-QUALITY-002", "AssistantLength",
      "Assistant messages have a typical length.",
      "The mean length of assistant messages, in Unicode code points, should lie in the target band.",
      "Rewrite the shortest or longest assistant messages so the mean falls in the target band." },
    { "quality.unique_messages", "DSCI-QUALITY-003", "UniqueMessages", "Messages are mostly distinct.",
      "The share of distinct message texts should be at least the target.",
      "Vary or remove the repeated messages." },
    { "quality.turn_variance", "DSCI-QUALITY-004", "TurnVariance", "Conversation lengths are consistent.",
      "The variance of the number of turns per conversation should not exceed the target.",
      "Shorten the longest conversations or split them." },
    { "splits.overlap", "DSCI-SPLITS-002", "SplitOverlap", "No example is shared across splits.",
      "An example may appear in only one split, otherwise evaluation leaks training data.",
      "Remove the shared example from all but one split." },
    { "splits.", "DSCI-SPLITS-001", "SplitSize", "Each split has its share of examples.",
      "Each split must hold at least its minimum number of examples and about its ratio of the total.",
      "Move examples between splits until each meets its ratio and minimum." },
    { "duplicates.exact", "DSCI-DUPLICATES-001", "ExactDuplicates", "No example appears twice.",
      "Two examples with the same normalized content are exact duplicates.",
      "Delete all but one copy of the duplicated example." },
    { "duplicates.near", "DSCI-DUPLICATES-002", "NearDuplicates", "No two examples are nearly identical.",
      "Examples whose estimated Jaccard similarity passes the threshold are near duplicates.",
      "Rewrite or remove one of the two similar examples." },
    { "reproducibility.version", "DSCI-REPRODUCIBILITY-001", "VersionFile", "The version file is present.",
      "The version file named in the spec must exist and give the dataset version.",
      "Run dsci bump to write the version file." },
    { "reproducibility.checksums", "DSCI-REPRODUCIBILITY-002", "Checksums", "Checksums match the data.",
      "The SHA-256 checksums in the version file must match the data files.",
      "Run dsci bump to record the checksums of the current data files." },
    { "reproducibility.random_seed", "DSCI-REPRODUCIBILITY-003", "RandomSeed", "The random seed is recorded.",
      "The version file must record the random seed used to generate or split the data.",
      "Add generation_config.random_seed to the version file." },
    { "reproducibility.model", "DSCI-REPRODUCIBILITY-004", "Model", "The generating model is recorded.",
      "The version file must record the model used to generate the data.",
      "Add generation_config.model to the version file." },
    { "reproducibility.card", "DSCI-REPRODUCIBILITY-005", "DatasetCard", "The dataset card exists.",
      "The dataset card named in the spec must exist.",
      "Run dsci card to write the dataset card." },
    { "reproducibility.card_current", "DSCI-REPRODUCIBILITY-006", "DatasetCardCurrent",
      "The dataset card is up to date.",
      "The generated parts of the dataset card must match the data, the spec and the version file.",
      "Run dsci card to regenerate the dataset card." },
    { "regression.coverage.", "DSCI-REGRESSION-001", "CoverageDrop", "No category lost examples.",
      "A coverage category may not fall below its count in the baseline version.",
      "Restore the removed examples of the category or add new ones." },
    { "regression.max_removed", "DSCI-REGRESSION-002", "RemovedExamples", "Few baseline examples were removed.",
      "The share of baseline examples removed must stay under the spec's maximum.",
      "Restore removed examples, or make the removal a deliberate major version." },
    { "regression.human_length", "DSCI-REGRESSION-003", "HumanLengthDrift",
      "Human message length stays in its band.",
      "The mean human message length may not leave its target band when it was inside it in the baseline.",
      "Bring the mean human message length back into its target band." },
    { "regression.assistant_length", "DSCI-REGRESSION-004", "AssistantLengthDrift",
      "Assistant message length stays in its band.",
      "The mean assistant message length may not leave its target band when it was inside it in the baseline.",
      "Bring the mean assistant message length back into its target band." },
    { "regression.unique_messages", "DSCI-REGRESSION-005", "UniqueMessagesDrift",
      "Message uniqueness stays in its band.",
      "The share of distinct messages may not leave its target band when it was inside it in the baseline.",
      "Vary or remove the repeated messages added since the baseline." },
    { "regression.turn_variance", "DSCI-REGRESSION-006", "TurnVarianceDrift",
      "Turn variance stays in its band.",
      "The variance of turns per conversation may not leave its target band when it was inside it in the baseline.",
      "Bring conversation lengths back toward the baseline." },
    { "regression.tokenizer", "DSCI-REGRESSION-007", "TokenizerChanged", "The tokenizer is the baseline's.",
      "The tokenizer file gates.tokens counts with has the same SHA-256 as in the baseline version.",
      "Restore the baseline's tokenizer, or release the change as a new major version." },
    { "tokens.tokenizer", "DSCI-TOKENS-001", "Tokenizer", "The tokenizer loads and is the pinned one.",
      "The tokenizer file named by gates.tokens.tokenizer must load, and match gates.tokens.sha256 when pinned.",
      "Commit the tokenizer file, restore the pinned one, or pin the new file's SHA-256." },
    { "tokens.max_tokens", "DSCI-TOKENS-002", "MaxTokens", "Every example fits the context length.",
      "An example's tokens, with the chat template's overhead, may not exceed gates.tokens.max_tokens.",
      "Shorten or split the example; a fine-tuning job truncates or rejects it." },
    { "tokens.min_tokens", "DSCI-TOKENS-003", "MinTokens", "Every example has a minimum of tokens.",
      "An example's tokens, with the chat template's overhead, must reach gates.tokens.min_tokens.",
      "Lengthen or remove the example." },
    { "tokens.max_total_tokens", "DSCI-TOKENS-004", "MaxTotalTokens", "The dataset fits its token budget.",
      "The tokens of all examples may not exceed gates.tokens.max_total_tokens.",
      "Remove examples or raise the budget." },
};

#define N_RULE_DEFS (sizeof(rule_table) / sizeof(rule_table[0]))

/* A rule used by this run: a table entry, or one made up for an unknown check id. */
struct rule_use {
    char *rule_id;
    const struct rule_def *def;     /* NULL for an unknown check id */
    const struct section *sec;      /* the first section that used it */
    const struct check *check;      /* the first check that used it */
};

struct rules {
    struct rule_use *v;
    size_t n, alloc;
};

static const struct rule_def *rule_def_for(const char *check_id)
{
    size_t len = strlen(check_id);
    /* Exact ids first, so "splits.overlap" does not fall into the "splits." family. */
    for (size_t i = 0; i < N_RULE_DEFS; i++)
        if (!strcmp(rule_table[i].check_id, check_id))
            return &rule_table[i];
    for (size_t i = 0; i < N_RULE_DEFS; i++) {
        size_t plen = strlen(rule_table[i].check_id);
        if (rule_table[i].check_id[plen - 1] == '.' && len > plen &&
            !strncmp(rule_table[i].check_id, check_id, plen))
            return &rule_table[i];
    }
    return NULL;
}

static char *unknown_rule_id(const struct section *sec, const char *check_id)
{
    uint32_t h = 2166136261u; /* FNV-1a: stable across runs and platforms */
    struct buf b = BUF_INIT;
    const char *gate = sec->gate ? sec->gate : "gate";

    for (const unsigned char *p = (const unsigned char *)check_id; *p; p++)
        h = (h ^ *p) * 16777619u;
    buf_addstr(&b, "DSCI-");
    for (const char *p = gate; *p; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            c = '-';
        buf_addch(&b, c);
    }
    buf_printf(&b, "-%03u", 900u + h % 100u);
    return buf_detach(&b, NULL);
}

/* The index of the rule for check c in `rules`, adding it on first use. */
static size_t rule_index(struct rules *rules, const struct section *sec, const struct check *c)
{
    const char *check_id = c->id ? c->id : "";
    const struct rule_def *def = rule_def_for(check_id);
    char *id = def ? xstrdup(def->rule_id) : unknown_rule_id(sec, check_id);

    for (size_t i = 0; i < rules->n; i++) {
        if (!strcmp(rules->v[i].rule_id, id)) {
            free(id);
            return i;
        }
    }
    if (rules->n == rules->alloc) {
        rules->alloc = rules->alloc ? rules->alloc * 2 : 16;
        rules->v = xreallocarray(rules->v, rules->alloc, sizeof(*rules->v));
    }
    rules->v[rules->n] = (struct rule_use){ id, def, sec, c };
    return rules->n++;
}

static void rules_release(struct rules *rules)
{
    for (size_t i = 0; i < rules->n; i++)
        free(rules->v[i].rule_id);
    free(rules->v);
}

static const char *level_for_gate(enum gate_level level)
{
    switch (level) {
    case LEVEL_BLOCK: return "error";
    case LEVEL_WARN: return "warning";
    case LEVEL_OFF: return "none";
    }
    return "warning";
}

/* A result's level: what blocks is an error, what only warns a warning, the rest a note. */
static const char *level_for_check(const struct check *c)
{
    if (c->status == STATUS_FAIL)
        return c->blocking ? "error" : "warning";
    if (c->status == STATUS_WARN)
        return "warning";
    return "note";
}

/* SARIF messages are sentences: end them with a period (the validator asks for it). */
static void end_sentence(struct buf *b)
{
    if (b->len && !strchr(".!?", b->ptr[b->len - 1]))
        buf_addch(b, '.');
}

static void write_text_object(struct jw *w, const char *key, const char *text)
{
    jw_open(w, key, '{');
    jw_str(w, "text", text);
    jw_close(w, '}');
}

static void write_rule(struct jw *w, const struct rule_use *u)
{
    struct buf name = BUF_INIT, sdesc = BUF_INIT, fdesc = BUF_INIT, help = BUF_INIT;
    const struct rule_def *d = u->def;
    const char *check_name = u->check->name ? u->check->name : u->check->id;

    if (d) {
        buf_addstr(&name, d->name);
        buf_addstr(&sdesc, d->short_desc);
        buf_addstr(&fdesc, d->full_desc);
        buf_addstr(&help, d->help);
    } else {
        /* Unknown to the table: describe it from what the check itself says. */
        buf_addstr(&name, u->check->id ? u->check->id : "check");
        buf_printf(&sdesc, "%s check of the %s gate", check_name ? check_name : "A",
                   u->sec->gate ? u->sec->gate : "unnamed");
        end_sentence(&sdesc);
        buf_printf(&fdesc, "The check '%s' of the %s gate.", u->check->id ? u->check->id : "",
                   u->sec->gate ? u->sec->gate : "unnamed");
        buf_addstr(&help, u->check->remediation ? u->check->remediation
                                                : "See the text report for what the check measures");
        end_sentence(&help);
    }

    jw_open(w, NULL, '{');
    jw_str(w, "id", u->rule_id);
    jw_str(w, "name", buf_cstr(&name));
    write_text_object(w, "shortDescription", buf_cstr(&sdesc));
    write_text_object(w, "fullDescription", buf_cstr(&fdesc));
    write_text_object(w, "help", buf_cstr(&help));
    jw_open(w, "defaultConfiguration", '{');
    jw_str(w, "level", level_for_gate(u->sec->level));
    jw_close(w, '}');
    jw_open(w, "properties", '{');
    jw_str(w, "gate", u->sec->gate ? u->sec->gate : "");
    jw_open(w, "tags", '[');
    jw_str(w, NULL, "dataset");
    jw_str(w, NULL, u->sec->gate ? u->sec->gate : "gate");
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, '}');

    buf_release(&name);
    buf_release(&sdesc);
    buf_release(&fdesc);
    buf_release(&help);
}

/*
 * A path as a URI reference: repo-relative paths stay relative (resolved against
 * %SRCROOT%), with every byte outside RFC 3986's unreserved set and '/' percent-
 * encoded, so a file named "a b#1.jsonl" still makes a valid URI.
 */
static void uri_encode(struct buf *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            buf_addch(out, (char)c);
        } else {
            buf_addch(out, '%');
            buf_addch(out, hex[c >> 4]);
            buf_addch(out, hex[c & 15]);
        }
    }
}

/* `char_column`: in characters (code points), as the run's columnKind declares; the
 * finding's byte column (text, JSON, GitHub) would be wrong on non-ASCII lines. */
static void write_location(struct jw *w, const char *path, size_t line, size_t char_column)
{
    struct buf uri = BUF_INIT;
    bool absolute = path[0] == '/';

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    if (absolute)
        buf_addstr(&uri, "file://");
    uri_encode(&uri, path);

    jw_open(w, NULL, '{');
    jw_open(w, "physicalLocation", '{');
    jw_open(w, "artifactLocation", '{');
    jw_str(w, "uri", buf_cstr(&uri));
    if (!absolute)
        jw_str(w, "uriBaseId", SARIF_SRCROOT);
    jw_close(w, '}');
    /* Code scanning needs a start line: a finding about a whole file points at its first. */
    jw_open(w, "region", '{');
    jw_u64(w, "startLine", line ? line : 1);
    if (line && char_column)   /* JSON array files: a minified array is one line */
        jw_u64(w, "startColumn", char_column);
    jw_close(w, '}');
    jw_close(w, '}');
    jw_close(w, '}');
    buf_release(&uri);
}

/* A regression finding about a removed example has no line in the head; its one related
 * location is the example's place in the baseline (gates/regression.c). */
static bool baseline_place(const struct finding *f)
{
    return f->line == 0 && f->n_related == 1 && f->kind && !strcmp(f->kind, "removed");
}

/*
 * partialFingerprints: what code scanning matches alerts by from one run to the next,
 * so an alert survives its example moving to another line. The hash covers the check id
 * and the finding's content key (the example(s) it is about, the same key the
 * known-findings file uses); a removed example its place in the baseline; any other
 * finding its file, kind and message with the digits left out (line and column numbers). Findings that hash alike
 * in one run are told apart by their order (":2", ":3", as GitHub's own
 * primaryLocationLineHash does).
 */
struct fingerprints {
    struct fp_slot { unsigned char d[16]; uint32_t count; } *slot;
    size_t n, cap;
};

static uint32_t fingerprint_count(struct fingerprints *fp, const unsigned char d[16])
{
    if (2 * (fp->n + 1) > fp->cap) {
        struct fingerprints grown = { NULL, 0, fp->cap ? 2 * fp->cap : 256 };
        grown.slot = xcalloc(grown.cap, sizeof(*grown.slot));
        for (size_t i = 0; i < fp->cap; i++) {
            if (!fp->slot[i].count)
                continue;
            size_t j;
            memcpy(&j, fp->slot[i].d, sizeof(j));
            for (j %= grown.cap; grown.slot[j].count; j = (j + 1) % grown.cap)
                ;
            grown.slot[j] = fp->slot[i];
        }
        grown.n = fp->n;
        free(fp->slot);
        *fp = grown;
    }
    size_t j;
    memcpy(&j, d, sizeof(j));
    for (j %= fp->cap; fp->slot[j].count; j = (j + 1) % fp->cap)
        if (!memcmp(fp->slot[j].d, d, 16))
            return ++fp->slot[j].count;
    memcpy(fp->slot[j].d, d, 16);
    fp->slot[j].count = 1;
    fp->n++;
    return 1;
}

static void write_fingerprint(struct jw *w, struct fingerprints *fp, const struct check *c,
                              const struct finding *f)
{
    struct sha256 h;
    unsigned char d[32];
    char hex[65], text[80];
    const char *id = c->id ? c->id : "";

    sha256_init(&h);
    sha256_update(&h, id, strlen(id) + 1);
    if (f && f->keyed) {
        sha256_update(&h, "key", 4);
        sha256_update(&h, f->key, FINDING_KEY_SIZE);
    } else if (f && baseline_place(f)) {   /* the baseline does not move */
        char at[32];
        snprintf(at, sizeof(at), ":%zu", f->related[0].line);
        sha256_update(&h, f->related[0].path, strlen(f->related[0].path));
        sha256_update(&h, at, strlen(at));
    } else if (f) {
        const char *parts[] = { f->path ? f->path : "", f->kind ? f->kind : "", f->message ? f->message : "" };
        for (size_t i = 0; i < 3; i++) {
            for (const char *p = parts[i]; *p; p++)
                if (*p < '0' || *p > '9')
                    sha256_update(&h, p, 1);
            sha256_update(&h, "", 1);
        }
    }
    sha256_final(&h, d);
    sha256_hex(hex, d);
    uint32_t n = fingerprint_count(fp, d);
    if (n > 1)
        snprintf(text, sizeof(text), "%.32s:%" PRIu32, hex, n);
    else
        snprintf(text, sizeof(text), "%.32s", hex);
    jw_open(w, "partialFingerprints", '{');
    jw_str(w, "dsciFindingHash/v1", text);
    jw_close(w, '}');
}

static void write_result(struct jw *w, const struct rules *rules, size_t ri, const struct check *c,
                         const char *text, const char *path, size_t line, const char *kind,
                         const struct finding *f, struct fingerprints *fp)
{
    jw_open(w, NULL, '{');
    jw_str(w, "ruleId", rules->v[ri].rule_id);
    jw_u64(w, "ruleIndex", ri);
    jw_str(w, "level", level_for_check(c));
    write_text_object(w, "message", text);
    jw_open(w, "locations", '[');
    if (f && baseline_place(f))   /* a removed example: where it stood in the baseline */
        write_location(w, f->related[0].path, f->related[0].line, 0);
    else if (path && *path)
        write_location(w, path, line, f && f->path && path == f->path ? f->char_column : 0);
    jw_close(w, ']');
    if (f && f->n_related && !baseline_place(f)) {   /* the other copies, members, or the train example */
        jw_open(w, "relatedLocations", '[');
        for (size_t i = 0; i < f->n_related; i++)
            write_location(w, f->related[i].path, f->related[i].line, 0);
        jw_close(w, ']');
    }
    write_fingerprint(w, fp, c, f);
    jw_open(w, "properties", '{');
    jw_str(w, "check", c->id ? c->id : "");
    jw_str(w, "status", status_name(c->status));
    jw_bool(w, "blocking", c->blocking);
    if (kind)
        jw_str(w, "kind", kind);
    if (f && baseline_place(f))
        jw_str(w, "locationIn", "baseline");
    if (f && f->has_record)   /* the element's index in its JSON array file */
        jw_u64(w, "record", f->record);
    jw_close(w, '}');
    jw_close(w, '}');
}

static void write_check_results(struct jw *w, struct rules *rules, struct fingerprints *fp,
                                const struct result *r, const struct section *s, const struct check *c)
{
    size_t ri = rule_index(rules, s, c);
    struct buf text = BUF_INIT;
    bool noteworthy = c->status == STATUS_FAIL || c->status == STATUS_WARN;

    if (!noteworthy)
        return;
    for (size_t i = 0; i < c->n_findings; i++) {
        const struct finding *f = &c->findings[i];
        if (f->accepted)
            continue;
        buf_reset(&text);
        buf_printf(&text, "%s: %s", c->name ? c->name : "check", f->message ? f->message : "");
        end_sentence(&text);
        if (f->path && *f->path)
            write_result(w, rules, ri, c, buf_cstr(&text), f->path, f->line, f->kind, f, fp);
        else /* a finding without a file belongs to the gate's key in the spec */
            write_result(w, rules, ri, c, buf_cstr(&text), r->spec_repo_path ? r->spec_repo_path : r->spec_path, s->loc.line, f->kind, f, fp);
    }
    /* The check itself, where its findings do not already say everything. */
    if (c->n_findings == 0 || c->findings_total > c->n_findings) {
        buf_reset(&text);
        report_check_line(&text, c);
        end_sentence(&text);
        if (c->findings_total > c->n_findings)
            buf_printf(&text, " %" PRIu64 " findings, %zu listed.", c->findings_total, c->n_findings);
        if (c->remediation) {
            buf_addch(&text, ' ');
            buf_addstr(&text, c->remediation);
            end_sentence(&text);
        }
        write_result(w, rules, ri, c, buf_cstr(&text), r->spec_repo_path ? r->spec_repo_path : r->spec_path, s->loc.line, NULL, NULL, fp);
    }
    buf_release(&text);
}

static int write_sarif(FILE *out, const struct result *r, const struct report_options *opts)
{
    struct jw w = { out, 0, true };
    struct rules rules = { 0 };
    struct fingerprints fps = { 0 };
    (void)opts;

    /* Rules first, in check order, so ruleIndex is known before the results are written. */
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++)
            rule_index(&rules, &r->sections[i], &r->sections[i].checks[j]);

    jw_open(&w, NULL, '{');
    jw_str(&w, "$schema", SARIF_SCHEMA);
    jw_str(&w, "version", "2.1.0");
    jw_open(&w, "runs", '[');
    jw_open(&w, NULL, '{');

    jw_open(&w, "tool", '{');
    jw_open(&w, "driver", '{');
    jw_str(&w, "name", "dsci");
    jw_str(&w, "version", DSCI_VERSION);
    jw_str(&w, "semanticVersion", DSCI_VERSION);
    jw_str(&w, "informationUri", DSCI_HOMEPAGE_URL);
    jw_open(&w, "rules", '[');
    for (size_t i = 0; i < rules.n; i++)
        write_rule(&w, &rules.v[i]);
    jw_close(&w, ']');
    jw_close(&w, '}');
    jw_close(&w, '}');

    jw_open(&w, "results", '[');
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++)
            write_check_results(&w, &rules, &fps, r, &r->sections[i], &r->sections[i].checks[j]);
    jw_close(&w, ']');

    jw_str(&w, "columnKind", "unicodeCodePoints");
    jw_open(&w, "properties", '{');
    if (r->dataset_name)
        jw_str(&w, "dataset", r->dataset_name);
    if (r->version)
        jw_str(&w, "datasetVersion", r->version);
    if (r->baseline)
        jw_str(&w, "baseline", r->baseline);
    if (r->date)
        jw_str(&w, "date", r->date);
    jw_str(&w, "result", result_passed(r) ? "pass" : "fail");
    jw_u64(&w, "blockingFailures", result_blocking_failures(r));
    jw_close(&w, '}');

    jw_close(&w, '}');
    jw_close(&w, ']');
    jw_close(&w, '}');
    fputc('\n', out);
    rules_release(&rules);
    free(fps.slot);

    if (fflush(out) != 0 || ferror(out))
        return err_set(DSCI_EENV, "cannot write the sarif report");
    return 0;
}

const struct reporter report_sarif = { "sarif", write_sarif };
