/*
 * The one XML escaper (JUnit and any later XML output). The result is always
 * well-formed XML 1.0 character data, whatever the input bytes are:
 *   - & < > " ' become entity references, so the text is safe both between tags and
 *     inside a quoted attribute (and "]]>" can never appear);
 *   - TAB, LF and CR are kept as character references (&#9; &#10; &#13;) in
 *     attributes and CR also in text, so parsers' whitespace normalisation keeps them;
 *   - characters XML 1.0 forbids (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF)
 *     and invalid UTF-8 become U+FFFD, since not even a character reference may
 *     name them.
 *
 *   fputs("<failure message=\"", out);
 *   xml_write_text(out, msg, strlen(msg), true);
 *   fputs("\">", out);
 */
#ifndef DSCI_XML_WRITE_H
#define DSCI_XML_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* `attr`: the text goes inside a quoted attribute value (whitespace kept as references). */
void xml_write_text(FILE *out, const char *s, size_t len, bool attr);
/* Same bytes appended to a buf; returns -1 (buf rolled back) when its cap is hit. */
int xml_buf_text(struct buf *out, const char *s, size_t len, bool attr);

#endif
