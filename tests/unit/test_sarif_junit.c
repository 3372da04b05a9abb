/*
 * The SARIF and JUnit reporters and the XML escaper, fed hostile strings: quotes,
 * <, &, control characters, invalid UTF-8, "]]>". Well-formedness is checked by
 * python3's strict parsers (xml.etree, json) when python3 is there, and always by
 * byte-level checks here.
 */
#include "test_helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "run/result.h"
#include "util/buf.h"
#include "util/xml_write.h"

#define HOSTILE "q\"uo'te <tag> & amp; ]]> ctl\x01\x1f\x7f bad\xff\xc0\xe2\x82 nl\n cr\r tab\t nonchar\xef\xbf\xbe ok\xc3\xa9"

static char *xml_of(const char *s, bool attr)
{
    struct buf b = BUF_INIT;
    assert_int_equal(xml_buf_text(&b, s, strlen(s), attr), 0);
    return buf_detach(&b, NULL);
}

static void test_xml_write__escapes_markup(void **state)
{
    (void)state;
    char *t = xml_of("a<b&c\"d'e>f ]]>", false);
    assert_string_equal(t, "a&lt;b&amp;c&quot;d&apos;e&gt;f ]]&gt;");
    free(t);
}

static void test_xml_write__replaces_forbidden_characters(void **state)
{
    (void)state;
    char *t = xml_of("x\x01y\x1fz\x7f", false);
    assert_string_equal(t, "x\xef\xbf\xbdy\xef\xbf\xbdz\x7f"); /* DEL is a legal XML 1.0 character */
    free(t);
    t = xml_of("\xff|\xc0\xaf|\xe2\x82|\xed\xa0\x80|\xef\xbf\xbf|\xf4\x90\x80\x80", false);
    assert_string_equal(t, "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|"
                           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|"
                           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    free(t);
    t = xml_of("caf\xc3\xa9 \xf0\x9f\x98\x80", false);
    assert_string_equal(t, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    free(t);
}

static void test_xml_write__keeps_whitespace(void **state)
{
    (void)state;
    char *t = xml_of("a\tb\nc\rd", false);
    assert_string_equal(t, "a\tb\nc&#13;d");
    free(t);
    t = xml_of("a\tb\nc\rd", true);
    assert_string_equal(t, "a&#9;b&#10;c&#13;d");
    free(t);
}

static void test_xml_write__nul_bytes_and_cap(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_int_equal(xml_buf_text(&b, "a\0b", 3, false), 0);
    assert_string_equal(buf_cstr(&b), "a\xef\xbf\xbd" "b");
    b.max = b.len + 3;
    assert_int_equal(xml_buf_text(&b, "&&&", 3, false), -1);
    assert_string_equal(buf_cstr(&b), "a\xef\xbf\xbd" "b"); /* rolled back */
    buf_release(&b);
}

/* A run with every status, hostile text everywhere a string goes, and an unknown check id. */
static void build(struct result *r)
{
    struct spec_loc loc = { 12, 3 };
    result_init(r);
    r->date = strdup("2025-01-01T15:30:00Z");
    r->spec_path = strdup("specs/task api.yaml");
    r->dataset_name = strdup(HOSTILE);
    r->version = strdup("1.0.0");
    r->source = strdup("worktree");

    struct section *s = result_add_section(r, "format", "FORMAT", LEVEL_BLOCK, loc);
    struct check *c = result_add_check(s, "format.valid_json", "Valid JSON");
    c->status = STATUS_FAIL;
    c->blocking = true;
    check_set_value(c, "104/106 (98%%)");
    check_set_remediation(c, "fix %s", HOSTILE);
    check_add_finding(c, "data/splits/train.jsonl", 7, "invalid_json", "%s", HOSTILE);
    check_add_finding(c, "data/a b#%.jsonl", 0, "invalid_json", "whole file");
    check_add_finding(c, NULL, 0, "invalid_json", "no file at all");
    c = result_add_check(s, "format.schema", HOSTILE);
    c->status = STATUS_PASS;
    c = result_add_check(s, "format.tool_calls", "Tool calls");
    c->status = STATUS_SKIP;
    check_set_value(c, "no tools");

    s = result_add_section(r, "quality", "QUALITY", LEVEL_WARN, (struct spec_loc){ 0, 0 });
    s->note = strdup(HOSTILE);
    c = result_add_check(s, "quality.human_length", "Avg human length");
    c->status = STATUS_WARN;
    check_set_value(c, "%s", HOSTILE);
    check_set_threshold(c, "target: 30-80");
    c = result_add_check(s, "quality.turn_variance", "Turn variance");
    c->status = STATUS_FAIL; /* non-blocking FAIL, as quality keeps at level warn */
    check_set_value(c, "3.5");

    s = result_add_section(r, "splits", "SPLITS", LEVEL_BLOCK, loc);
    c = result_add_check(s, "splits.train", "train");
    c->status = STATUS_PASS;
    c = result_add_check(s, "splits.overlap", "No overlap between splits");
    c->status = STATUS_PASS;

    s = result_add_section(r, "leakage", "LEAKAGE", LEVEL_BLOCK, loc);
    c = result_add_check(s, "leakage.shared", "Shared examples");
    c->status = STATUS_FAIL;
    c->blocking = true;
    c->findings_total = 5; /* more than were stored */
}

static char *render(const char *format, size_t *len)
{
    struct result r;
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    struct report_options o = { 0 };
    const struct reporter *rep = report_find(format);

    assert_non_null(rep);
    build(&r);
    assert_int_equal(rep->write(f, &r, &o), 0);
    fclose(f);
    result_release(&r);
    if (len)
        *len = n;
    return text;
}

/* No byte XML 1.0 or JSON forbids raw, and only well-formed UTF-8. */
static void assert_clean_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20)
            assert_true(c == '\n' || c == '\t' || c == '\r');
    }
    /* The invalid bytes of HOSTILE must not survive; python3 checks the rest. */
    assert_true(memchr(s, '\xff', n) == NULL);
    assert_true(memchr(s, '\xc0', n) == NULL);
}

static bool have_python(void)
{
    return system("python3 -c pass >/dev/null 2>&1") == 0;
}

/* Writes `text` to a temporary file and runs python3 `script` on it; returns its exit code. */
static int python_check(const char *text, size_t n, const char *script)
{
    char path[] = "/tmp/dsci-test-sarif-junit.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    char *cmd = NULL;
    assert_true(asprintf(&cmd, "python3 -c '%s' %s", script, path) > 0);
    int rc = system(cmd);
    free(cmd);
    unlink(path);
    return rc;
}

static void test_junit__hostile_text_stays_well_formed(void **state)
{
    (void)state;
    size_t n;
    char *x = render("junit", &n);

    assert_clean_utf8(x, n);
    assert_null(strstr(x, "<tag>"));
    assert_null(strstr(x, "]]>"));
    /* junit-10.xsd: no skipped or timestamp on <testsuites> */
    assert_non_null(strstr(x, "<testsuites name=\"dsci\" tests=\"8\" failures=\"3\" errors=\"0\" time=\"0\">"));
    assert_non_null(strstr(x, "<testsuite name=\"FORMAT\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(x, "<testcase classname=\"dsci.format\" name=\"Valid JSON\""));
    assert_non_null(strstr(x, "<failure message=\"Valid JSON: 104/106 (98%)\" type=\"blocking\">"
                              "data/splits/train.jsonl:7: q&quot;uo&apos;te &lt;tag&gt; &amp; amp; ]]&gt;"));
    assert_non_null(strstr(x, "<skipped message=\"no tools\"/>"));
    assert_non_null(strstr(x, "<system-out>[WARN] Avg human length: "));
    assert_non_null(strstr(x, "type=\"non-blocking\""));
    assert_non_null(strstr(x, "... and 5 more"));

    if (have_python()) {
        assert_int_equal(python_check(x, n,
            "import sys, xml.etree.ElementTree as E\n"
            "r = E.parse(sys.argv[1]).getroot()\n"
            "c = r.findall(\"./testsuite/testcase\")\n"
            "assert len(c) == int(r.get(\"tests\")) == 8\n"
            "assert sum(x.find(\"failure\") is not None for x in c) == int(r.get(\"failures\")) == 3\n"
            "assert sum(x.find(\"skipped\") is not None for x in c) == 1\n"
            "assert sum(int(t.get(\"skipped\")) for t in r.findall(\"testsuite\")) == 1\n"
            "n = c[1].get(\"name\")\n"
            "assert n.startswith(\"q\\\"uo\\x27te <tag> & amp; ]]> ctl\\ufffd\\ufffd\\x7f bad\\ufffd\\ufffd\\ufffd nl\\n cr\\r tab\\t nonchar\\ufffd ok\\u00e9\"), repr(n)\n"), 0);
    } else {
        print_message("python3 not found: XML parse check skipped\n");
    }
    free(x);
}

static void test_sarif__hostile_text_stays_valid_json(void **state)
{
    (void)state;
    size_t n;
    char *j = render("sarif", &n);

    assert_clean_utf8(j, n);
    assert_non_null(strstr(j, "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\""));
    assert_non_null(strstr(j, "\"version\": \"2.1.0\""));
    if (have_python()) {
        assert_int_equal(python_check(j, n,
            "import sys, json\n"
            "d = json.load(open(sys.argv[1], encoding=\"utf-8\"))\n"
            "run, = d[\"runs\"]\n"
            "drv = run[\"tool\"][\"driver\"]\n"
            "assert drv[\"name\"] == \"dsci\" and drv[\"version\"]\n"
            "ids = [r[\"id\"] for r in drv[\"rules\"]]\n"
            "assert ids[:6] == [\"DSCI-FORMAT-001\", \"DSCI-FORMAT-002\", \"DSCI-FORMAT-005\", \"DSCI-QUALITY-001\", \"DSCI-QUALITY-004\", \"DSCI-SPLITS-001\"], ids\n"
            "assert ids[6] == \"DSCI-SPLITS-002\" and ids[7].startswith(\"DSCI-LEAKAGE-9\"), ids\n"
            "res = run[\"results\"]\n"
            "loc = lambda r: r[\"locations\"][0][\"physicalLocation\"]\n"
            "m = res[0][\"message\"][\"text\"]\n"
            "assert m.startswith(\"Valid JSON: q\\\"uo\\x27te <tag> & amp; ]]> ctl\\x01\\x1f\\x7f bad\\ufffd\\ufffd\\ufffd nl\\n\"), repr(m)\n"
            "assert res[0][\"level\"] == \"error\" and loc(res[0])[\"region\"][\"startLine\"] == 7\n"
            "assert loc(res[1])[\"artifactLocation\"][\"uri\"] == \"data/a%20b%23%25.jsonl\"\n"
            "assert loc(res[2])[\"artifactLocation\"] == {\"uri\": \"specs/task%20api.yaml\", \"uriBaseId\": \"%SRCROOT%\"}\n"
            "assert loc(res[2])[\"region\"][\"startLine\"] == 12\n"
            "lv = [(r[\"ruleId\"], r[\"level\"]) for r in res[3:]]\n"
            "assert lv == [(\"DSCI-QUALITY-001\", \"warning\"), (\"DSCI-QUALITY-004\", \"warning\"), (ids[7], \"error\")], lv\n"
            "assert \"5 findings, 0 listed.\" in res[5][\"message\"][\"text\"]\n"
            "assert all(drv[\"rules\"][r[\"ruleIndex\"]][\"id\"] == r[\"ruleId\"] for r in res)\n"), 0);
    } else {
        print_message("python3 not found: JSON parse check skipped\n");
    }
    free(j);
}

static void test_sarif__rule_ids_are_stable(void **state)
{
    (void)state;
    char *a = render("sarif", NULL), *b = render("sarif", NULL);
    const char *pa = strstr(a, "\"DSCI-LEAKAGE-9"), *pb = strstr(b, "\"DSCI-LEAKAGE-9");
    assert_non_null(pa);
    assert_non_null(pb);
    assert_memory_equal(pa, pb, 20);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_write__escapes_markup),
        cmocka_unit_test(test_xml_write__replaces_forbidden_characters),
        cmocka_unit_test(test_xml_write__keeps_whitespace),
        cmocka_unit_test(test_xml_write__nul_bytes_and_cap),
        cmocka_unit_test(test_junit__hostile_text_stays_well_formed),
        cmocka_unit_test(test_sarif__hostile_text_stays_valid_json),
        cmocka_unit_test(test_sarif__rule_ids_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
