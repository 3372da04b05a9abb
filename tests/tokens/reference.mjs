// The reference counts `dsci tokens` is compared with, example by example: OpenAI's
// encodings with the npm package `tiktoken` (the WASM build of OpenAI's Rust core) and
// tokenizer.json files with `@huggingface/tokenizers`. Run by tests/e2e/t12*-tokens-*.sh
// and bench/bench_tokens.sh with DSCI_TOKENS_NPM naming the folder the packages are installed in.
//
//   node reference.mjs tiktoken-file ENCODING OUT     write the package's ranks as a .tiktoken file
//   node reference.mjs count tiktoken:ENCODING FILE    PATH:LINE<TAB>TOKENS per JSONL record
//   node reference.mjs count hf:TOKENIZER_JSON FILE
//   node reference.mjs lines SPEC FILE                 the same, each line one raw text
//   node reference.mjs ids SPEC FILE                   PATH:LINE<TAB>IDS per line
//   node reference.mjs speed tiktoken:ENCODING FILE    tokens and seconds (stderr: MB/s)
//
// Texts are what dsci counts: each message's content (ShareGPT `value`, OpenAI
// `content` when a string) encoded on its own, special-token strings as text. Bytes
// are decoded the WHATWG way (each maximal invalid UTF-8 subsequence one U+FFFD).
import fs from 'fs';
import { createRequire } from 'module';
import path from 'path';

// The packages are in $DSCI_TOKENS_NPM/node_modules (scripts/npm-tools.sh installs them).
const require = createRequire(path.join(process.env.DSCI_TOKENS_NPM || process.cwd(), 'package.json'));

function tiktokenData(encoding) {
    return require(`tiktoken/encoders/${encoding}.json`);
}

function makeEncoder(spec) {
    const [kind, arg] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
    if (kind === 'tiktoken') {
        const { get_encoding } = require('tiktoken');
        const enc = get_encoding(arg);
        return (text) => enc.encode_ordinary(text);
    }
    if (kind === 'hf') {
        const json = JSON.parse(fs.readFileSync(arg, 'utf8'));
        // Added tokens are matched in the raw text before anything else: without them,
        // their strings are text, as dsci counts them.
        json.added_tokens = [];
        const { Tokenizer } = require('@huggingface/tokenizers');
        const tok = new Tokenizer(json, {});
        return (text) => tok.encode(text, { add_special_tokens: false }).ids;
    }
    throw new Error(`unknown tokenizer ${spec}`);
}

function messageTexts(record) {
    const texts = [];
    const list = Array.isArray(record.conversations) ? record.conversations
        : Array.isArray(record.messages) ? record.messages : [];
    for (const m of list) {
        if (m && typeof m === 'object') {
            const t = record.conversations ? m.value : m.content;
            if (typeof t === 'string')
                texts.push(t);
        }
    }
    return texts;
}

function rawLines(file) {
    const bytes = fs.readFileSync(file);
    const lines = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0x0a) {
            lines.push(bytes.subarray(start, i));
            start = i + 1;
        }
    }
    if (start < bytes.length)
        lines.push(bytes.subarray(start));
    const dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    return lines.map((b) => dec.decode(b));
}

const [mode, spec, file] = process.argv.slice(2);
const out = [];
const flush = () => { process.stdout.write(out.join('')); out.length = 0; };
if (mode === 'tiktoken-file') {
    const lines = [];
    for (const line of tiktokenData(spec).bpe_ranks.split('\n').filter(Boolean)) {
        const [, offset, ...tokens] = line.split(' ');
        tokens.forEach((t, i) => lines.push(`${t} ${Number(offset) + i}\n`));
    }
    fs.writeFileSync(file, lines.join(''));
} else if (mode === 'count' || mode === 'speed') {
    const encode = makeEncoder(spec);
    const lines = rawLines(file);
    const t0 = process.hrtime.bigint();
    let total = 0, bytes = 0;
    lines.forEach((line, i) => {
        let record;
        try {
            record = JSON.parse(line);
        } catch {
            return;
        }
        if (!record || typeof record !== 'object' || Array.isArray(record))
            return;
        let n = 0;
        for (const t of messageTexts(record)) {
            n += encode(t).length;
            bytes += Buffer.byteLength(t);
        }
        total += n;
        if (mode === 'count') {
            out.push(`${file}:${i + 1}\t${n}\n`);
            if (out.length > 4096) flush();
        }
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (mode === 'speed')
        out.push(`${total} ${s.toFixed(3)} ${bytes}\n`);
} else if (mode === 'lines' || mode === 'ids') {
    const encode = makeEncoder(spec);
    rawLines(file).forEach((line, i) => {
        const ids = encode(line);
        out.push(`${file}:${i + 1}\t${mode === 'lines' ? ids.length : Array.from(ids).join(' ')}\n`);
    });
} else {
    console.error('usage: reference.mjs tiktoken-file|count|lines|ids|speed ...');
    process.exit(2);
}
flush();
