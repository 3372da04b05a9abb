/*
 * GSSAPI for the static build only. Debian's libgit2.a contains the HTTP Negotiate
 * (Kerberos) authentication code, which references GSSAPI, and Debian ships no static
 * GSSAPI library. dsci never talks to a remote, so these functions are never reached;
 * if they were, each fails with GSS_S_FAILURE, which libgit2 reports as an ordinary
 * authentication failure. Signatures follow RFC 2744 with the types reduced to what the
 * linker needs (C has no link-time type checking; the ABI is pointers and integers).
 */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;

#define GSS_S_FAILURE (13u << 16)

struct gss_oid_desc_stub {
    OM_uint32 length;
    void *elements;
};

static struct gss_oid_desc_stub hostbased_service = { 0, NULL };
void *GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void *ctx, void *out);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, void *mech,
                             OM_uint32 *more, void *out);
OM_uint32 gss_import_name(OM_uint32 *minor, void *in, void *type, void *out);
OM_uint32 gss_indicate_mechs(OM_uint32 *minor, void *out);
OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void *ctx, void *target, void *mech,
                               OM_uint32 flags, OM_uint32 time, void *bindings, void *input,
                               void *actual_mech, void *output, OM_uint32 *ret_flags,
                               OM_uint32 *ret_time);
OM_uint32 gss_release_buffer(OM_uint32 *minor, void *buffer);
OM_uint32 gss_release_name(OM_uint32 *minor, void *name);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, void *set);

static OM_uint32 unavailable(OM_uint32 *minor)
{
    if (minor)
        *minor = 0;
    return GSS_S_FAILURE;
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void *ctx, void *out)
{
    (void)ctx;
    (void)out;
    return unavailable(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, void *mech,
                             OM_uint32 *more, void *out)
{
    (void)status;
    (void)type;
    (void)mech;
    (void)out;
    if (more)
        *more = 0;
    return unavailable(minor);
}

OM_uint32 gss_import_name(OM_uint32 *minor, void *in, void *type, void *out)
{
    (void)in;
    (void)type;
    (void)out;
    return unavailable(minor);
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, void *out)
{
    (void)out;
    return unavailable(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void *ctx, void *target, void *mech,
                               OM_uint32 flags, OM_uint32 time, void *bindings, void *input,
                               void *actual_mech, void *output, OM_uint32 *ret_flags,
                               OM_uint32 *ret_time)
{
    (void)cred; (void)ctx; (void)target; (void)mech; (void)flags; (void)time;
    (void)bindings; (void)input; (void)actual_mech; (void)output;
    if (ret_flags)
        *ret_flags = 0;
    if (ret_time)
        *ret_time = 0;
    return unavailable(minor);
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, void *buffer)
{
    (void)buffer;
    return unavailable(minor);
}

OM_uint32 gss_release_name(OM_uint32 *minor, void *name)
{
    (void)name;
    return unavailable(minor);
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, void *set)
{
    (void)set;
    return unavailable(minor);
}
