/*
 * ctls_server_tls_load_arguments: a listener from named arguments, by the
 * rules of the listener's environment variables: a PEM pair with client
 * authentication, a PKCS#12 key store, and each mistake (an unknown name, a
 * key store beside a PEM pair, client authentication without its CAs, an
 * empty value counting as unset) with its status and argument name.
 */
#include "test_util.h"

#define STORES "tests/fixtures/keystore/"
#define PASSWORD "fixture-secret-7Qx"

static const ctls_server_tls *load_ok(const char **names, const char **values, size_t count) {
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load_arguments(names, values, count, &tls, &err);
    CHECK_STATUS(status, CTLS_OK);
    if (err != NULL) {
        fprintf(stderr, "  %s\n", ctls_error_message(err));
        ctls_error_free(err);
    }
    return tls;
}

static void expect_error(const char **names, const char **values, size_t count, ctls_status expected,
                         const char *argument, const char *path_suffix) {
    const ctls_server_tls *tls = (const ctls_server_tls *)&checks_passed; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load_arguments(names, values, count, &tls, &err);
    CHECK(tls == NULL);
    CHECK_ERROR(status, err, expected, argument, path_suffix);
}

static void pem_pair_with_client_authentication(void) {
    char *cert = pki("chain.pem"), *key = pki("leaf-encrypted.key"), *cas = pki("root.pem");
    const char *names[] = {"certificate", "private_key", "passphrase", "client_auth", "trust_certificate"};
    const char *values[] = {cert, key, "correct horse", "NEED", cas};
    const ctls_server_tls *tls = load_ok(names, values, 5);
    CHECK(tls != NULL);
    CHECK(ctls_server_tls_client_auth(tls) == CTLS_CLIENT_AUTH_NEED);
    CHECK(ctls_server_tls_client_ca_len(tls) == 1);
    CHECK_STR(ctls_certificate_subject(ctls_server_tls_certificate(tls, 0)), "CN=localhost, O=console-tls tests");
    ctls_server_tls_free(tls);

    /* Without the client names: what ctls_server_tls_load gives. */
    tls = load_ok(names, values, 3);
    CHECK(tls != NULL && ctls_server_tls_client_auth(tls) == CTLS_CLIENT_AUTH_NONE);
    CHECK(ctls_server_tls_client_ca_len(tls) == 0);
    ctls_server_tls_free(tls);

    /* want without its CAs; an unknown mode. */
    values[3] = "want";
    expect_error(names, values, 4, CTLS_ERR_CONFIG_MISSING, "trust_certificate", NULL);
    values[3] = "optional";
    expect_error(names, values, 5, CTLS_ERR_CONFIG_INVALID, "client_auth", NULL);
    free(cert);
    free(key);
    free(cas);
}

static void key_store(void) {
    const char *names[] = {"key_store", "password", "alias", "key_store_type"};
    const char *values[] = {STORES "two-aliases.p12", PASSWORD, "EC-SERVER", "pkcs12"};
    const ctls_server_tls *tls = load_ok(names, values, 4);
    CHECK(tls != NULL);
    CHECK_STR(ctls_server_tls_key_type(tls), "ECDSA P-256");
    ctls_server_tls_free(tls);

    values[3] = "JKS";
    expect_error(names, values, 4, CTLS_ERR_KEY_UNSUPPORTED, "key_store_type", "two-aliases.p12");
    expect_error(names, values, 2, CTLS_ERR_CONFIG_INVALID, "alias", "two-aliases.p12");

    /* A key store beside a PEM pair: one source only. */
    const char *both_names[] = {"key_store", "password", "certificate"};
    const char *both_values[] = {STORES "rsa.p12", PASSWORD, STORES "rsa-chain.pem"};
    expect_error(both_names, both_values, 3, CTLS_ERR_CONFIG_INVALID, "key_store", NULL);
}

static void argument_mistakes(void) {
    char *cert = pki("chain.pem"), *key = pki("leaf.key");
    /* An argument name in another spelling is refused, not ignored. */
    const char *names[] = {"certificate", "privateKey"};
    const char *values[] = {cert, key};
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_server_tls_load_arguments(names, values, 2, &tls, &err), CTLS_ERR_CONFIG_INVALID);
    CHECK(tls == NULL);
    CHECK_CONTAINS(ctls_error_message(err), "\"privateKey\" is not an argument of a listener");
    ctls_error_free(err);

    /* An empty value is unset, as an empty variable; a later duplicate wins. */
    const char *empty_names[] = {"certificate", "private_key"};
    const char *empty_values[] = {"", key};
    expect_error(empty_names, empty_values, 2, CTLS_ERR_CONFIG_MISSING, "certificate", NULL);
    const char *dup_names[] = {"certificate", "private_key", "certificate"};
    const char *dup_values[] = {"", key, cert};
    tls = load_ok(dup_names, dup_values, 3);
    CHECK(tls != NULL);
    ctls_server_tls_free(tls);

    /* Nothing at all: the certificate is what is missing. */
    expect_error(NULL, NULL, 0, CTLS_ERR_CONFIG_MISSING, "certificate", NULL);

    /* NULL arrays, entries and out. */
    err = NULL;
    CHECK_STATUS(ctls_server_tls_load_arguments(NULL, values, 2, &tls, &err), CTLS_ERR_NULL_ARGUMENT);
    ctls_error_free(err);
    const char *null_value[] = {cert, NULL};
    CHECK_STATUS(ctls_server_tls_load_arguments(names, null_value, 2, &tls, NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_load_arguments(empty_names, values, 2, NULL, NULL), CTLS_ERR_NULL_ARGUMENT);
    free(cert);
    free(key);
}

int main(int argc, char **argv) {
    start(argc, argv);
    pem_pair_with_client_authentication();
    key_store();
    argument_mistakes();
    return finish("test_arguments");
}
