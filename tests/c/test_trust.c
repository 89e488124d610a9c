/*
 * ctls_trust end to end: loading bundles (strict and lenient), the extra
 * certificates, and verifying chains: trusted through an intermediate,
 * trusted directly (self-signed CA:TRUE), untrusted, wrong host, expired,
 * not yet valid, unreadable chains and host names.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "test_util.h"

static const ctls_trust *load_trust(const char *name, uint32_t options) {
    char *path = pki(name);
    const ctls_trust *trust = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_trust_load_with_options(path, options, &trust, &err);
    CHECK_STATUS(status, CTLS_OK);
    if (status != CTLS_OK) {
        fprintf(stderr, "  loading %s: %s\n", path, ctls_error_message(err));
        ctls_error_free(err);
    }
    free(path);
    return trust;
}

static ctls_status verify(const ctls_trust *trust, const char *chain_name, const char *host,
                          const ctls_error **err) {
    size_t len = 0;
    char *chain = read_pki(chain_name, &len);
    ctls_status status = ctls_trust_verify_server(trust, (const uint8_t *)chain, len, host, err);
    free(chain);
    return status;
}

static void expect_verify(const ctls_trust *trust, const char *chain_name, const char *host,
                          ctls_status expected) {
    const ctls_error *err = NULL;
    ctls_status status = verify(trust, chain_name, host, &err);
    if (expected == CTLS_OK) {
        CHECK_STATUS(status, CTLS_OK);
        CHECK(err == NULL);
        if (err != NULL) {
            fprintf(stderr, "  verifying %s for %s: %s\n", chain_name, host, ctls_error_message(err));
        }
        ctls_error_free(err);
    } else {
        CHECK_ERROR(status, err, expected, NULL, NULL);
    }
}

static void bundle_and_extras(void) {
    const ctls_trust *trust = load_trust("extra-ca.pem", 0);
    CHECK(ctls_trust_extras_len(trust) == 2);
    CHECK_CONTAINS(ctls_certificate_subject(ctls_trust_extra(trust, 0)), "CN=console-tls test root CA");
    CHECK_CONTAINS(ctls_certificate_subject(ctls_trust_extra(trust, 1)), "CN=identity.local");
    CHECK(ctls_certificate_is_ca(ctls_trust_extra(trust, 1)));
    CHECK(ctls_trust_extra(trust, 2) == NULL);
    char *bundle = read_pki("extra-ca.pem", NULL);
    CHECK_STR(ctls_trust_extras_pem(trust), bundle);
    /* Everything anchored on, for OpenSSL-style CA files: Mozilla's roots
     * first, the extras last. */
    const char *trusted = ctls_trust_trusted_pem(trust);
    size_t blocks = 0;
    for (const char *at = trusted; (at = strstr(at, "-----BEGIN CERTIFICATE-----")) != NULL; at++) blocks++;
    CHECK(blocks == ctls_trust_mozilla_root_count(trust) + 2);
    CHECK(strlen(trusted) > strlen(bundle));
    CHECK_STR(trusted + strlen(trusted) - strlen(bundle), bundle);
    CHECK(ctls_trust_trusted_pem(NULL) == NULL);
    free(bundle);
    CHECK(ctls_trust_warnings_len(trust) == 0);
    CHECK(ctls_trust_warning(trust, 0) == NULL);
    /* Mozilla's roots are always there; the system's only on request. */
    CHECK(ctls_trust_mozilla_root_count(trust) > 100);
    CHECK(ctls_trust_system_root_count(trust) == 0);
    ctls_trust_free(trust);

    /* Duplicates collapse, with a warning naming the argument. */
    trust = load_trust("duplicates.pem", 0);
    CHECK(ctls_trust_extras_len(trust) == 2);
    CHECK(ctls_trust_warnings_len(trust) == 1);
    CHECK_STR(ctls_warning_code(ctls_trust_warning(trust, 0)), "WARN_DUPLICATE_CERTIFICATE");
    CHECK_STR(ctls_warning_env_var(ctls_trust_warning(trust, 0)), "extra_ca_certs");
    ctls_trust_free(trust);

    /* Inline PEM and the file: form work too. */
    char *pem = read_pki("extra-ca.pem", NULL);
    const ctls_trust *inline_trust = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_trust_load(pem, &inline_trust, &err), CTLS_OK);
    CHECK(ctls_trust_extras_len(inline_trust) == 2);
    expect_verify(inline_trust, "chain.pem", "localhost", CTLS_OK);
    ctls_trust_free(inline_trust);
    free(pem);
    char *url = pki_with_prefix("file:", "extra-ca.pem");
    CHECK_STATUS(ctls_trust_load(url, &inline_trust, &err), CTLS_OK);
    CHECK(ctls_trust_extras_len(inline_trust) == 2);
    ctls_trust_free(inline_trust);
    free(url);

    /* The operating system's store, where this machine has one. */
    FILE *system_bundle = fopen("/etc/ssl/certs/ca-certificates.crt", "r");
    if (system_bundle != NULL) {
        fclose(system_bundle);
        trust = load_trust("extra-ca.pem", CTLS_OPTION_SYSTEM_ROOTS);
        CHECK(ctls_trust_system_root_count(trust) > 0);
        ctls_trust_free(trust);
    }
}

static void verification(void) {
    const ctls_trust *trust = load_trust("extra-ca.pem", 0);
    /* leaf + intermediate, anchored at the extra root; by name and by address. */
    expect_verify(trust, "chain.pem", "localhost", CTLS_OK);
    expect_verify(trust, "chain.pem", "127.0.0.1", CTLS_OK);
    expect_verify(trust, "rsa.pem", "localhost", CTLS_ERR_CERT_UNTRUSTED); /* intermediate missing */
    expect_verify(trust, "chain.pem", "console.example.com", CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    expect_verify(trust, "chain.pem", "10.0.0.1", CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    expect_verify(trust, "leaf.pem", "localhost", CTLS_ERR_CERT_UNTRUSTED);
    expect_verify(trust, "untrusted.pem", "localhost", CTLS_ERR_CERT_UNTRUSTED);
    expect_verify(trust, "expired-chain.pem", "localhost", CTLS_ERR_CERT_EXPIRED);
    expect_verify(trust, "future-chain.pem", "localhost", CTLS_ERR_CERT_NOT_YET_VALID);
    /* A self-signed CA:TRUE certificate (openssl req -x509) is trusted directly... */
    expect_verify(trust, "identity.pem", "identity.local", CTLS_OK);
    /* ...but still checked for the name. */
    expect_verify(trust, "identity.pem", "localhost", CTLS_ERR_CERT_HOSTNAME_MISMATCH);

    /* A DER certificate is a chain of one. */
    expect_verify(trust, "leaf.der", "localhost", CTLS_ERR_CERT_UNTRUSTED);

    /* The message says what to do. */
    const ctls_error *err = NULL;
    CHECK_STATUS(verify(trust, "untrusted.pem", "localhost", &err), CTLS_ERR_CERT_UNTRUSTED);
    CHECK_CONTAINS(ctls_error_message(err), "NODE_EXTRA_CA_CERTS");
    ctls_error_free(err);
    CHECK_STATUS(verify(trust, "chain.pem", "console.example.com", &err),
                 CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    CHECK_CONTAINS(ctls_error_message(err), "console.example.com");
    CHECK_CONTAINS(ctls_error_message(err), "DNS:localhost");
    ctls_error_free(err);

    /* Chains that cannot be read name the argument and the block. */
    CHECK_STATUS(verify(trust, "not-a-cert.pem", "localhost", &err), CTLS_ERR_CERT_INVALID);
    CHECK(ctls_error_block(err) == 1);
    CHECK_ERROR(CTLS_ERR_CERT_INVALID, err, CTLS_ERR_CERT_INVALID, "chain_pem", NULL);
    CHECK_STATUS(verify(trust, "no-cert.pem", "localhost", &err), CTLS_ERR_PEM_INVALID);
    CHECK_ERROR(CTLS_ERR_PEM_INVALID, err, CTLS_ERR_PEM_INVALID, "chain_pem", NULL);
    const uint8_t nothing[1] = {0};
    ctls_status status = ctls_trust_verify_server(trust, nothing, 0, "localhost", &err);
    CHECK_ERROR(status, err, CTLS_ERR_PEM_INVALID, "chain_pem", NULL);

    /* Host names. */
    status = verify(trust, "chain.pem", "not a host name!", &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "hostname", NULL);
    status = verify(trust, "chain.pem", "local\xffhost", &err);
    CHECK_ERROR(status, err, CTLS_ERR_INVALID_UTF8, "hostname", NULL);

    /* err may be NULL. */
    CHECK_STATUS(verify(trust, "untrusted.pem", "localhost", NULL), CTLS_ERR_CERT_UNTRUSTED);
    ctls_trust_free(trust);
}

static void expect_trust_error(const char *name, ctls_status expected, const char *path_suffix) {
    char *path = pki(name);
    const ctls_trust *trust = (const ctls_trust *)path; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_status status = ctls_trust_load(path, &trust, &err);
    CHECK(trust == NULL);
    CHECK_ERROR(status, err, expected, "extra_ca_certs", path_suffix);
    free(path);
}

static void loading_errors(void) {
    expect_trust_error("missing.pem", CTLS_ERR_FILE_NOT_FOUND, "/missing.pem");
    expect_trust_error("ca-db", CTLS_ERR_FILE_UNREADABLE, "/ca-db");
    expect_trust_error("big.pem", CTLS_ERR_FILE_TOO_LARGE, "/big.pem");
    expect_trust_error("empty.pem", CTLS_ERR_PEM_INVALID, "/empty.pem");
    expect_trust_error("no-cert.pem", CTLS_ERR_PEM_INVALID, "/no-cert.pem");

    /* A corrupt block in the middle: strict is an error naming block 2... */
    char *path = pki("bad-bundle.pem");
    const ctls_trust *trust = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_trust_load(path, &trust, &err);
    CHECK(status == CTLS_ERR_CERT_INVALID || status == CTLS_ERR_PEM_INVALID);
    CHECK(ctls_error_block(err) == 2);
    CHECK(ctls_error_line(err) > 1);
    CHECK_ERROR(status, err, status, "extra_ca_certs", "/bad-bundle.pem");
    /* ...lenient keeps the good blocks before and after it, with a warning. */
    CHECK_STATUS(ctls_trust_load_with_options(path, CTLS_OPTION_LENIENT_TRUST, &trust, &err), CTLS_OK);
    CHECK(ctls_trust_extras_len(trust) == 2);
    CHECK(ctls_trust_warnings_len(trust) == 1);
    CHECK_STR(ctls_warning_code(ctls_trust_warning(trust, 0)), "WARN_TRUST_PROBLEM");
    CHECK_CONTAINS(ctls_warning_message(ctls_trust_warning(trust, 0)), "block 2");
    expect_verify(trust, "identity.pem", "identity.local", CTLS_OK);
    expect_verify(trust, "chain.pem", "localhost", CTLS_OK);
    ctls_trust_free(trust);
    free(path);

    /* Lenient and missing: Mozilla's roots only, with a warning. */
    path = pki("missing.pem");
    CHECK_STATUS(ctls_trust_load_with_options(path, CTLS_OPTION_LENIENT_TRUST, &trust, &err), CTLS_OK);
    CHECK(ctls_trust_extras_len(trust) == 0);
    CHECK_STR(ctls_trust_extras_pem(trust), "");
    CHECK(ctls_trust_warnings_len(trust) == 1);
    expect_verify(trust, "chain.pem", "localhost", CTLS_ERR_CERT_UNTRUSTED);
    ctls_trust_free(trust);

    /* Options this library does not have, locations it does not read. */
    status = ctls_trust_load_with_options(path, 1u << 7, &trust, &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "options", NULL);
    free(path);
    status = ctls_trust_load("https://example.com/ca.pem", &trust, &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "extra_ca_certs", NULL);
    /* Paths are bytes: a missing one that is not UTF-8 is named exactly... */
    status = ctls_trust_load("/nonexistent/\xff.pem", &trust, &err);
    CHECK_ERROR(status, err, CTLS_ERR_FILE_NOT_FOUND, "extra_ca_certs", "/nonexistent/\xff.pem");
    CHECK(trust == NULL);
    /* ...and one that exists loads. */
    char *bundle_path = pki("extra-ca.pem");
    char *odd_path = pki("\xff extra-ca.pem");
    CHECK(symlink(bundle_path, odd_path) == 0);
    status = ctls_trust_load(odd_path, &trust, &err);
    CHECK_STATUS(status, CTLS_OK);
    CHECK(ctls_trust_extras_len(trust) == 2);
    ctls_trust_free(trust);
    unlink(odd_path);
    free(odd_path);
    free(bundle_path);
}

/* A chain as separate items, as a TLS client holds it: DER and PEM mixed. */
static void verification_of_items(void) {
    const ctls_trust *trust = NULL;
    const ctls_error *err = NULL;
    char *bundle = pki("extra-ca.pem");
    CHECK_STATUS(ctls_trust_load(bundle, &trust, &err), CTLS_OK);
    free(bundle);
    size_t leaf_len = 0, intermediate_len = 0, identity_len = 0;
    char *leaf = read_pki("leaf.der", &leaf_len);
    char *intermediate = read_pki("intermediate.pem", &intermediate_len);
    char *identity = read_pki("identity.pem", &identity_len);
    const uint8_t *items[] = {(const uint8_t *)leaf, (const uint8_t *)intermediate};
    size_t lens[] = {leaf_len, intermediate_len};
    CHECK_STATUS(ctls_trust_verify_server_items(trust, items, lens, 2, "localhost", NULL), CTLS_OK);
    /* Without the intermediate the leaf leads nowhere. */
    CHECK_STATUS(ctls_trust_verify_server_items(trust, items, lens, 1, "localhost", &err),
                 CTLS_ERR_CERT_UNTRUSTED);
    ctls_error_free(err);
    /* A self-signed Identity as its only (PEM) item. */
    const uint8_t *one[] = {(const uint8_t *)identity};
    size_t one_len[] = {identity_len};
    CHECK_STATUS(ctls_trust_verify_server_items(trust, one, one_len, 1, "identity.local", NULL), CTLS_OK);
    /* A bad item is named by its position. */
    const uint8_t *bad[] = {(const uint8_t *)leaf, (const uint8_t *)"not a certificate"};
    size_t bad_len[] = {leaf_len, 17};
    CHECK_STATUS(ctls_trust_verify_server_items(trust, bad, bad_len, 2, "localhost", &err),
                 ctls_error_status(err));
    CHECK(ctls_error_status(err) == CTLS_ERR_PEM_INVALID || ctls_error_status(err) == CTLS_ERR_CERT_INVALID);
    CHECK_STR(ctls_error_env_var(err), "chain");
    CHECK(ctls_error_block(err) == 2);
    ctls_error_free(err);
    /* NULL arrays and items. */
    CHECK_STATUS(ctls_trust_verify_server_items(trust, NULL, lens, 2, "localhost", NULL), CTLS_ERR_NULL_ARGUMENT);
    const uint8_t *null_item[] = {(const uint8_t *)leaf, NULL};
    CHECK_STATUS(ctls_trust_verify_server_items(trust, null_item, lens, 2, "localhost", NULL),
                 CTLS_ERR_NULL_ARGUMENT);
    free(leaf);
    free(intermediate);
    free(identity);
    ctls_trust_free(trust);
}

int main(int argc, char **argv) {
    start(argc, argv);
    bundle_and_extras();
    verification();
    verification_of_items();
    loading_errors();
    return finish("test_trust");
}
