#include "version/semver.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* One parse failure reason, without the quoted input (callers add that). */
#define WHY_MAX 160

/* Longest identifier quoted in a reason; the rest of the message must still fit. */
#define QUOTE_MAX 40

static const char *const core_names[] = { "major", "minor", "patch" };

/* Not <ctype.h>: the spec's character classes are ASCII whatever the locale says. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
}

/* How a bad character reads in a message: quoted when printable, as a byte otherwise. */
static void describe_char(char out[32], char c)
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x80)
        snprintf(out, 32, "byte 0x%02x (non-ASCII)", u);
    else if (u < 0x20 || u == 0x7f)
        snprintf(out, 32, "byte 0x%02x (control)", u);
    else
        snprintf(out, 32, "'%c'", c);
}

/* One number of the core at *pp; advances *pp past it. */
static int parse_core_number(uint64_t *out, const char **pp, int which, char why[WHY_MAX])
{
    const char *p = *pp, *name = core_names[which];
    char what[32];
    uint64_t v = 0;

    if (*p == '\0' || *p == '.') {
        snprintf(why, WHY_MAX, "missing %s version", name);
        return -1;
    }
    if (!is_digit(*p)) {
        describe_char(what, *p);
        if (which == 0 && (*p == 'v' || *p == 'V'))
            /* The usual cause is a tag prefix configured without its 'v'. */
            snprintf(why, WHY_MAX, "major version must be a number, found %s "
                     "(a leading 'v' belongs in versioning.tag_prefix)", what);
        else
            snprintf(why, WHY_MAX, "%s version must be a number, found %s", name, what);
        return -1;
    }
    if (p[0] == '0' && is_digit(p[1])) {
        snprintf(why, WHY_MAX, "leading zero in %s version", name);
        return -1;
    }
    for (; is_digit(*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            snprintf(why, WHY_MAX, "%s version is larger than %" PRIu64, name, UINT64_MAX);
            return -1;
        }
        v = v * 10 + d;
    }
    *out = v;
    *pp = p;
    return 0;
}

/*
 * Checks the dot-separated identifiers in [start, end): the pre-release when `pre`, else
 * the build metadata (where leading zeros are allowed and '+' is just a bad character).
 */
static int check_identifiers(const char *start, const char *end, bool pre, char why[WHY_MAX])
{
    const char *kind = pre ? "pre-release" : "build metadata";
    const char *id = start;

    for (;;) {
        const char *id_end = id;
        bool numeric = true;
        for (; id_end < end && *id_end != '.'; id_end++) {
            if (!is_ident_char(*id_end)) {
                char what[32];
                describe_char(what, *id_end);
                snprintf(why, WHY_MAX, "invalid character %s in %s", what, kind);
                return -1;
            }
            numeric = numeric && is_digit(*id_end);
        }
        size_t len = (size_t)(id_end - id);
        if (len == 0) {
            snprintf(why, WHY_MAX, "empty %s identifier", kind);
            return -1;
        }
        if (pre && numeric && len > 1 && id[0] == '0') {
            int shown = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
            snprintf(why, WHY_MAX, "leading zero in numeric pre-release identifier '%.*s%s'", shown, id,
                     len > QUOTE_MAX ? "..." : "");
            return -1;
        }
        if (id_end == end)
            return 0;
        id = id_end + 1;
    }
}

/*
 * The parser proper: fills *out (SEMVER_INIT on failure) or writes the reason to `why`.
 * Apart from semver_parse so the baseline search can try tags without touching err_last().
 */
static int parse(struct semver *out, const char *text, char why[WHY_MAX])
{
    const char *p = text, *pre = NULL, *pre_end = NULL, *build = NULL, *build_end = NULL;
    uint64_t core[3] = { 0, 0, 0 };
    struct semver init = SEMVER_INIT;

    *out = init;
    if (*p == '\0') {
        snprintf(why, WHY_MAX, "empty version");
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (parse_core_number(&core[i], &p, i, why) < 0)
            return -1;
        if (i == 2)
            break;
        if (*p == '\0') {
            snprintf(why, WHY_MAX, "missing %s version (expected MAJOR.MINOR.PATCH)", core_names[i + 1]);
            return -1;
        }
        if (*p != '.') {
            char what[32];
            describe_char(what, *p);
            snprintf(why, WHY_MAX, "expected '.' after %s version, found %s", core_names[i], what);
            return -1;
        }
        p++;
    }
    if (*p != '\0' && *p != '-' && *p != '+') {
        char what[32];
        describe_char(what, *p);
        snprintf(why, WHY_MAX, "unexpected %s after patch version", what);
        return -1;
    }
    if (*p == '-') {
        /* '+' cannot occur in a pre-release identifier, so the first one starts the build. */
        pre = p + 1;
        pre_end = pre + strcspn(pre, "+");
        if (check_identifiers(pre, pre_end, true, why) < 0)
            return -1;
        p = pre_end;
    }
    if (*p == '+') {
        build = p + 1;
        build_end = build + strlen(build);
        if (check_identifiers(build, build_end, false, why) < 0)
            return -1;
    }

    out->major = core[0];
    out->minor = core[1];
    out->patch = core[2];
    out->prerelease = pre ? xstrndup(pre, (size_t)(pre_end - pre)) : NULL;
    out->build = build ? xstrndup(build, (size_t)(build_end - build)) : NULL;
    return 0;
}

/* The input as it may appear in a one-line message: control bytes escaped, long text cut. */
static char *printable(const char *text)
{
    struct buf b = BUF_INIT;
    size_t i;
    for (i = 0; text[i] && i < 200; i++) {
        unsigned char u = (unsigned char)text[i];
        if (u < 0x20 || u == 0x7f)
            buf_printf(&b, "\\x%02x", u);
        else
            buf_addch(&b, text[i]);
    }
    if (text[i])
        buf_addstr(&b, "...");
    return buf_detach(&b, NULL);
}

int semver_parse(struct semver *out, const char *text)
{
    char why[WHY_MAX];

    if (parse(out, text, why) == 0)
        return 0;
    char *shown = printable(text);
    int ret = err_set(DSCI_EUSAGE, "'%s': %s", shown, why);
    free(shown);
    return ret;
}

void semver_release(struct semver *v)
{
    struct semver init = SEMVER_INIT;
    if (!v)
        return;
    free(v->prerelease);
    free(v->build);
    *v = init;
}

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

static int compare_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return n > 0;
}

/* Two pre-release identifiers, §11.4.1-3. */
static int compare_identifier(const char *a, size_t an, const char *b, size_t bn)
{
    bool a_num = all_digits(a, an), b_num = all_digits(b, bn);

    if (a_num && b_num) {
        /* The spec puts no bound on these numbers: compare them as digit strings, where
         * the longer is larger once leading zeros (only in hand-built structs) are gone. */
        while (an > 1 && *a == '0')
            a++, an--;
        while (bn > 1 && *b == '0')
            b++, bn--;
        if (an != bn)
            return an < bn ? -1 : 1;
        return sign(memcmp(a, b, an));
    }
    if (a_num != b_num)
        return a_num ? -1 : 1;
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return sign(c);
    return compare_u64(an, bn);
}

/* Two pre-release strings field by field; with all shared fields equal, more fields win. */
static int compare_prerelease(const char *a, const char *b)
{
    for (;;) {
        size_t an = strcspn(a, "."), bn = strcspn(b, ".");
        int c = compare_identifier(a, an, b, bn);
        if (c)
            return c;
        a += an;
        b += bn;
        if (*a == '\0' || *b == '\0')
            return (*a != '\0') - (*b != '\0');
        a++;
        b++;
    }
}

/* An empty string counts as absent: it can only come from a hand-built struct. */
static bool has_prerelease(const struct semver *v)
{
    return v->prerelease && v->prerelease[0];
}

int semver_compare(const struct semver *a, const struct semver *b)
{
    int c = compare_u64(a->major, b->major);
    if (!c)
        c = compare_u64(a->minor, b->minor);
    if (!c)
        c = compare_u64(a->patch, b->patch);
    if (c)
        return c;

    bool a_pre = has_prerelease(a), b_pre = has_prerelease(b);
    if (!a_pre || !b_pre)
        return (b_pre ? 1 : 0) - (a_pre ? 1 : 0); /* a release is above its pre-releases */
    return compare_prerelease(a->prerelease, b->prerelease);
}

char *semver_format(const struct semver *v)
{
    bool pre = has_prerelease(v), build = v->build && v->build[0];
    return xasprintf("%" PRIu64 ".%" PRIu64 ".%" PRIu64 "%s%s%s%s", v->major, v->minor, v->patch,
                     pre ? "-" : "", pre ? v->prerelease : "", build ? "+" : "", build ? v->build : "");
}

int semver_bump(struct semver *out, const struct semver *from, enum semver_part part)
{
    struct semver next = { from->major, from->minor, from->patch, NULL, NULL };
    bool pre = has_prerelease(from);
    const char *overflow = NULL;
    char *text = NULL;
    int ret = 0;

    switch (part) {
    case SEMVER_NONE:
        next.prerelease = from->prerelease ? xstrdup(from->prerelease) : NULL;
        next.build = from->build ? xstrdup(from->build) : NULL;
        break;
    case SEMVER_PATCH:
        if (pre)
            break; /* x.y.z-pre precedes x.y.z, which is already a patch release */
        if (next.patch == UINT64_MAX)
            overflow = "patch";
        next.patch++;
        break;
    case SEMVER_MINOR:
        if (pre && next.patch == 0)
            break; /* x.y.0-pre precedes the minor release x.y.0 */
        if (next.minor == UINT64_MAX)
            overflow = "minor";
        next.minor++;
        next.patch = 0;
        break;
    case SEMVER_MAJOR:
        if (pre && next.minor == 0 && next.patch == 0)
            break; /* x.0.0-pre precedes the major release x.0.0 */
        if (next.major == UINT64_MAX)
            overflow = "major";
        next.major++;
        next.minor = next.patch = 0;
        break;
    default:
        ret = err_set(DSCI_EINTERNAL, "unknown version part %d", (int)part);
        goto done;
    }
    if (overflow) {
        text = semver_format(from);
        ret = err_set(DSCI_EUSAGE, "'%s': the %s version cannot go past %" PRIu64, text, overflow,
                      UINT64_MAX);
        goto done;
    }

done:
    free(text);
    if (ret < 0) {
        struct semver init = SEMVER_INIT;
        semver_release(&next);
        if (out != from)
            *out = init;
        return ret;
    }
    if (out == from)
        semver_release(out);
    *out = next;
    return 0;
}

const char *semver_part_name(enum semver_part part)
{
    switch (part) {
    case SEMVER_NONE:
        return "none";
    case SEMVER_PATCH:
        return "patch";
    case SEMVER_MINOR:
        return "minor";
    case SEMVER_MAJOR:
        return "major";
    }
    return "unknown";
}

struct candidate {
    size_t index;
    const char *name;
    struct semver version;
};

/* Highest precedence first; equal precedence in tag-name order, independent of input order. */
static int candidate_order(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    int c = semver_compare(&b->version, &a->version);
    return c ? c : strcmp(a->name, b->name);
}

/* Notes are advisory: a line that would pass the caller's cap on `notes` is dropped. */
static void note(struct buf *notes, const char *verb, const char *tag, const char *why)
{
    if (notes)
        (void)buf_printf(notes, "%s tag '%s': %s\n", verb, tag, why);
}

int semver_pick_baseline(size_t *out_index, const char *const *tags, size_t n, const char *prefix,
                         int (*is_ancestor)(void *ctx, const char *tag), void *ctx, const char *head_name,
                         struct buf *notes)
{
    struct candidate *cands = NULL;
    size_t nr = 0, alloc = 0, prefix_len = prefix ? strlen(prefix) : 0;
    int ret = 0;

    *out_index = n;
    for (size_t i = 0; i < n; i++) {
        struct semver v;
        char why[WHY_MAX];
        if (strncmp(tags[i], prefix ? prefix : "", prefix_len) != 0)
            continue; /* another dataset's or the project's own tags: not ours to mention */
        if (parse(&v, tags[i] + prefix_len, why) < 0) {
            note(notes, "ignored", tags[i], "not a semantic version");
            continue;
        }
        ALLOC_GROW(cands, nr + 1, alloc);
        cands[nr].index = i;
        cands[nr].name = tags[i];
        cands[nr].version = v;
        nr++;
    }
    if (nr > 1)
        qsort(cands, nr, sizeof(*cands), candidate_order);

    for (size_t k = 0; k < nr; k++) {
        int r = is_ancestor ? is_ancestor(ctx, cands[k].name) : 1;
        if (r < 0) {
            ret = r;
            goto done;
        }
        if (r > 0) {
            *out_index = cands[k].index;
            break;
        }
        if (notes)
            (void)buf_printf(notes, "skipped tag '%s': not an ancestor of %s\n", cands[k].name,
                             head_name ? head_name : "HEAD");
    }

done:
    for (size_t k = 0; k < nr; k++)
        semver_release(&cands[k].version);
    free(cands);
    return ret;
}
