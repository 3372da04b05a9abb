#!/bin/sh
# The bundled example with gates.tokens on: `dsci card` writes the token statistics per
# split into the card's statistics block (with the tokenizer's path and hash), and the
# card stays current for `dsci card --check`.
. "$DSCI_SOURCE_DIR/tests/lib.sh"
need_command python3

copy_example
cd task-api
CARD=data/hf_dataset/README.md
mkdir tok
python3 - <<'PY'
import base64
with open("tok/bytes.tiktoken", "w") as f:
    for i in range(256):
        f.write("%s %d\n" % (base64.b64encode(bytes([i])).decode(), i))
PY
cat >>specs/task-api.yaml <<'YAML'
  tokens:
    tokenizer: tok/bytes.tiktoken
    encoding: cl100k_base
    max_tokens: 4096
YAML
make_repo . "dataset with tokens"
sum=$(sha256sum tok/bytes.tiktoken | cut -d' ' -f1)

test_ok dsci card
expect_line out "updated $CARD"
expect_line "$CARD" "Tokens counted with \`tok/bytes.tiktoken\`"
expect_line "$CARD" "sha256 \`$(printf %.12s "$sum")\`"
expect_line "$CARD" "| split | tokens | mean | p50 | p95 | max |"
expect_line "$CARD" "| train | "
expect_line "$CARD" "| **total** | "
test_ok dsci card --check
