/*
 * The gates in report order. A gate listed here runs when its enabled() says so; the
 * engine knows nothing else about them.
 */
#include <stddef.h>

#include "card/card.h"
#include "gates/gate.h"

extern const struct gate gate_pii;   /* src/gates/pii.c */

extern const struct gate gate_leakage;   /* src/gates/leakage.c */

static const struct gate *const gates[] = {
    &gate_format,
    &gate_coverage,
    &gate_quality,
    &gate_splits,
    &gate_duplicates,
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
