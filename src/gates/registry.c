/*
 * The gates in report order. A gate listed here runs when its enabled() says so; the
 * engine knows nothing else about them: what a gate needs of the run (signatures, file
 * hashes) it says in its descriptor.
 */
#include "gates/gates.h"

static const struct gate *const gates[] = {
    &gate_format,
    &gate_coverage,
    &gate_quality,
    &gate_tokens,
    &gate_splits,
    &gate_duplicates,
    &gate_preference,
    &gate_pii,
    &gate_leakage,
    &gate_reproducibility,
    &gate_card,   /* after reproducibility: adds to its section */
    NULL,
};

const struct gate *const *gate_list(void)
{
    return gates;
}

void gate_signature_shape(const struct spec *spec, size_t *shingle, size_t *permutations)
{
    *shingle = spec->gates.duplicates.shingle;
    *permutations = spec->gates.duplicates.permutations;
}
