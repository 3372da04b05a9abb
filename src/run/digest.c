#include "run/digest.h"

#include <string.h>

enum { F_LFS = 1, F_ARRAY = 2, F_BOM = 4, F_NO_FINAL_NEWLINE = 8 };
enum { P_PARSED = 1 };

void chunk_facts_from_file(struct chunk_facts *f, const struct run_file *file, uint64_t lines, uint64_t parsed)
{
    memset(f, 0, sizeof(*f));
    f->bytes = file->bytes;
    f->records = file->records;
    f->lines = lines;
    f->parsed = parsed;
    f->format_out = (uint8_t)file->format;
    f->lfs_pointer = file->lfs_pointer;
    f->is_array = file->is_array;
    f->bom = file->bom;
    f->no_final_newline = file->no_final_newline;
    f->crlf_lines = file->crlf_lines;
    f->first_crlf_line = file->first_crlf_line;
    f->blank_lines = file->blank_lines;
    f->first_blank_line = file->first_blank_line;
    f->read_error = file->read_error;
    f->read_error_len = file->read_error ? strlen(file->read_error) : 0;
    f->read_error_line = file->read_error_line;
}

void digest_put_facts(struct buf *out, const struct chunk_facts *f)
{
    wire_put_varint(out, f->bytes);
    wire_put_varint(out, f->records);
    wire_put_varint(out, f->lines);
    wire_put_varint(out, f->parsed);
    wire_put_u8(out, f->format_out);
    wire_put_u8(out, (uint8_t)((f->lfs_pointer ? F_LFS : 0) | (f->is_array ? F_ARRAY : 0) | (f->bom ? F_BOM : 0) |
                               (f->no_final_newline ? F_NO_FINAL_NEWLINE : 0)));
    wire_put_varint(out, f->crlf_lines);
    wire_put_varint(out, f->first_crlf_line);
    wire_put_varint(out, f->blank_lines);
    wire_put_varint(out, f->first_blank_line);
    wire_put_u8(out, f->read_error != NULL);
    if (f->read_error) {
        wire_put_bytes(out, f->read_error, f->read_error_len);
        wire_put_varint(out, f->read_error_line);
    }
}

bool digest_get_facts(struct wire_in *in, struct chunk_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->bytes = wire_get_varint(in);
    f->records = wire_get_varint(in);
    f->lines = wire_get_varint(in);
    f->parsed = wire_get_varint(in);
    f->format_out = wire_get_u8(in);
    uint8_t flags = wire_get_u8(in);
    f->lfs_pointer = flags & F_LFS;
    f->is_array = flags & F_ARRAY;
    f->bom = flags & F_BOM;
    f->no_final_newline = flags & F_NO_FINAL_NEWLINE;
    f->crlf_lines = wire_get_varint(in);
    f->first_crlf_line = wire_get_varint(in);
    f->blank_lines = wire_get_varint(in);
    f->first_blank_line = wire_get_varint(in);
    if (wire_get_u8(in)) {
        f->read_error = wire_get_bytes(in, &f->read_error_len);
        f->read_error_line = wire_get_varint(in);
    }
    return !in->bad && f->format_out < FORMAT_COUNT;
}

void digest_put_place(struct buf *out, const struct example *ex, uint64_t prev_line)
{
    wire_put_varint(out, ex->line - prev_line);
    wire_put_varint(out, ex->column);
    wire_put_varint(out, ex->char_column);
    wire_put_u8(out, (uint8_t)((ex->parsed ? P_PARSED : 0) | (ex->format << 1)));
    wire_put_varint(out, ex->errors);
    if (ex->parsed)
        wire_put_raw(out, ex->hash, sizeof(ex->hash));
}

bool digest_get_place(struct wire_in *in, struct example *at, uint64_t prev_line)
{
    at->line = prev_line + wire_get_varint(in);
    at->column = wire_get_varint(in);
    at->char_column = wire_get_varint(in);
    uint8_t flags = wire_get_u8(in);
    at->parsed = flags & P_PARSED;
    at->format = (enum dataset_format)(flags >> 1);
    at->errors = (uint32_t)wire_get_varint(in);
    memset(at->hash, 0, sizeof(at->hash));
    if (at->parsed) {
        const void *h = wire_get_raw(in, sizeof(at->hash));
        if (h)
            memcpy(at->hash, h, sizeof(at->hash));
    }
    return !in->bad && (flags >> 1) < FORMAT_COUNT;
}
