/* tokenizer.json: written next */
#include "tokens/tokenizer_impl.h"
#include "util/err.h"
int hf_json_load(struct tokenizer *t, const char *name, const char *data, size_t len)
{
    return err_set(DSCI_EUSAGE, "%s: tokenizer.json is not supported yet", name);
}
