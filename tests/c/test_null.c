/*
 * Every function given NULL: fallible functions return
 * CTLS_ERR_NULL_ARGUMENT (with an error naming the argument when err is not
 * NULL) and leave *out NULL; accessors return NULL, 0 or false; _free
 * ignores NULL. Also the status names and the version.
 */
#include <ctype.h>

#include "test_util.h"

static const void *const STALE = &checks_passed;

/* Runs call (which writes to the local `err`), then checks the error it reported. */
#define EXPECT_NULL_ARGUMENT(call, argument)                                                       \
    do {                                                                                           \
        ctls_status status_ = (call);                                                              \
        CHECK_ERROR(status_, err, CTLS_ERR_NULL_ARGUMENT, (argument), NULL);                       \
    } while (0)

static void server_tls(void) {
    char *cert = pki("chain.pem");
    char *key = pki("leaf.key");
    const ctls_server_tls *tls = STALE;
    const ctls_error *err = STALE;

    EXPECT_NULL_ARGUMENT(ctls_server_tls_load(NULL, key, NULL, &tls, &err), "certificate");
    CHECK(tls == NULL);
    err = STALE;
    EXPECT_NULL_ARGUMENT(ctls_server_tls_load(cert, NULL, NULL, &tls, &err), "private_key");
    EXPECT_NULL_ARGUMENT(ctls_server_tls_load(cert, key, NULL, NULL, &err), "out");
    /* NULL checks come first: a NULL key is reported before a bad certificate is read. */
    EXPECT_NULL_ARGUMENT(ctls_server_tls_load("/tmp/\xff", NULL, NULL, &tls, &err), "private_key");
    CHECK_STATUS(ctls_server_tls_load(NULL, NULL, NULL, NULL, NULL), CTLS_ERR_NULL_ARGUMENT);

    /* A successful call sets *err to NULL. */
    err = STALE;
    CHECK_STATUS(ctls_server_tls_load(cert, key, NULL, &tls, &err), CTLS_OK);
    CHECK(err == NULL && tls != NULL);

    const uint8_t *data = STALE;
    size_t len = 7;
    CHECK_STATUS(ctls_server_tls_cert_der(NULL, 0, &data, &len), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_cert_der(tls, 0, NULL, &len), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_cert_der(tls, 0, &data, NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_key_der(NULL, &data, &len), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_key_der(tls, NULL, &len), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_key_der(tls, &data, NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK(ctls_server_tls_chain_len(NULL) == 0);
    CHECK(ctls_server_tls_certificate(NULL, 0) == NULL);
    CHECK(ctls_server_tls_chain_pem(NULL) == NULL);
    CHECK(ctls_server_tls_key_pem(NULL) == NULL);
    CHECK(ctls_server_tls_key_type(NULL) == NULL);
    CHECK(ctls_server_tls_key_algorithm(NULL) == NULL);
    CHECK(ctls_server_tls_key_bits(NULL) == 0);
    CHECK(ctls_server_tls_warnings_len(NULL) == 0);
    CHECK(ctls_server_tls_warning(NULL, 0) == NULL);
    ctls_server_tls_free(NULL);

    CHECK_STATUS(ctls_certificate_der(NULL, &data, &len), CTLS_ERR_NULL_ARGUMENT);
    const ctls_certificate *leaf = ctls_server_tls_certificate(tls, 0);
    CHECK_STATUS(ctls_certificate_der(leaf, NULL, &len), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_certificate_der(leaf, &data, NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK(ctls_certificate_pem(NULL) == NULL);
    CHECK(ctls_certificate_subject(NULL) == NULL);
    CHECK(ctls_certificate_issuer(NULL) == NULL);
    CHECK(ctls_certificate_serial(NULL) == NULL);
    CHECK(ctls_certificate_not_before(NULL) == NULL);
    CHECK(ctls_certificate_not_after(NULL) == NULL);
    CHECK(ctls_certificate_not_before_unix(NULL) == 0);
    CHECK(ctls_certificate_not_after_unix(NULL) == 0);
    CHECK(ctls_certificate_fingerprint256(NULL) == NULL);
    CHECK(ctls_certificate_public_key(NULL) == NULL);
    CHECK(!ctls_certificate_is_ca(NULL));
    CHECK(ctls_certificate_san_len(NULL) == 0);
    CHECK(ctls_certificate_san(NULL, 0) == NULL);

    CHECK(ctls_warning_code(NULL) == NULL);
    CHECK(ctls_warning_message(NULL) == NULL);
    CHECK(ctls_warning_env_var(NULL) == NULL);

    ctls_server_tls_free(tls);
    free(cert);
    free(key);
}

static void trust(void) {
    char *bundle = pki("extra-ca.pem");
    const ctls_trust *trust = STALE;
    const ctls_error *err = STALE;
    EXPECT_NULL_ARGUMENT(ctls_trust_load(NULL, &trust, &err), "extra_ca_certs");
    CHECK(trust == NULL);
    EXPECT_NULL_ARGUMENT(ctls_trust_load(bundle, NULL, &err), "out");
    EXPECT_NULL_ARGUMENT(ctls_trust_load_with_options(NULL, 0, &trust, &err), "extra_ca_certs");
    /* NULL checks come before the options are looked at. */
    EXPECT_NULL_ARGUMENT(ctls_trust_load_with_options(NULL, 1u << 30, &trust, &err), "extra_ca_certs");
    CHECK_STATUS(ctls_trust_load(NULL, NULL, NULL), CTLS_ERR_NULL_ARGUMENT);

    CHECK_STATUS(ctls_trust_load(bundle, &trust, &err), CTLS_OK);
    size_t len = 0;
    char *chain = read_pki("chain.pem", &len);
    const uint8_t *bytes = (const uint8_t *)chain;
    EXPECT_NULL_ARGUMENT(ctls_trust_verify_server(NULL, bytes, len, "localhost", &err), "trust");
    EXPECT_NULL_ARGUMENT(ctls_trust_verify_server(trust, NULL, len, "localhost", &err), "chain_pem");
    EXPECT_NULL_ARGUMENT(ctls_trust_verify_server(trust, NULL, 0, "localhost", &err), "chain_pem");
    EXPECT_NULL_ARGUMENT(ctls_trust_verify_server(trust, bytes, len, NULL, &err), "hostname");
    CHECK_STATUS(ctls_trust_verify_server(NULL, NULL, 0, NULL, NULL), CTLS_ERR_NULL_ARGUMENT);
    err = STALE;
    CHECK_STATUS(ctls_trust_verify_server(trust, bytes, len, "localhost", &err), CTLS_OK);
    CHECK(err == NULL);
    free(chain);

    CHECK(ctls_trust_extras_len(NULL) == 0);
    CHECK(ctls_trust_extra(NULL, 0) == NULL);
    CHECK(ctls_trust_extras_pem(NULL) == NULL);
    CHECK(ctls_trust_mozilla_root_count(NULL) == 0);
    CHECK(ctls_trust_system_root_count(NULL) == 0);
    CHECK(ctls_trust_warnings_len(NULL) == 0);
    CHECK(ctls_trust_warning(NULL, 0) == NULL);
    ctls_trust_free(NULL);
    ctls_trust_free(trust);
    free(bundle);
}

static void config(void) {
    const char *names[2] = {"SERVER_SSL_ENABLED", NULL};
    const char *values[2] = {"false", NULL};
    const ctls_config *config = STALE;
    const ctls_error *err = STALE;
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars(NULL, values, 1, &config, &err), "names");
    CHECK(config == NULL);
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars(names, NULL, 1, &config, &err), "values");
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars(names, values, 2, &config, &err), "names");
    names[1] = "SERVER_SSL_CERTIFICATE";
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars(names, values, 2, &config, &err), "values");
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars(names, values, 1, NULL, &err), "out");
    EXPECT_NULL_ARGUMENT(ctls_config_from_vars_with_options(names, values, 1, 0, NULL, &err), "out");
    EXPECT_NULL_ARGUMENT(ctls_config_from_env(NULL, &err), "out");
    EXPECT_NULL_ARGUMENT(ctls_config_from_env_with_options(0, NULL, &err), "out");
    CHECK_STATUS(ctls_config_from_env(NULL, NULL), CTLS_ERR_NULL_ARGUMENT);

    /* The message of a NULL entry says which one. */
    values[1] = "x";
    names[1] = NULL;
    CHECK_STATUS(ctls_config_from_vars(names, values, 2, &config, &err), CTLS_ERR_NULL_ARGUMENT);
    CHECK_CONTAINS(ctls_error_message(err), "names[1]");
    ctls_error_free(err);

    CHECK(ctls_config_server(NULL) == NULL);
    CHECK(ctls_config_management(NULL) == NULL);
    CHECK(ctls_config_trust(NULL) == NULL);
    CHECK(ctls_config_identity(NULL) == NULL);
    CHECK(ctls_config_warnings_len(NULL) == 0);
    CHECK(ctls_config_warning(NULL, 0) == NULL);
    ctls_config_free(NULL);

    CHECK(ctls_identity_base_url(NULL) == NULL);
    CHECK(ctls_identity_internal_base_url(NULL) == NULL);
    CHECK(!ctls_identity_uses_tls(NULL));
    CHECK(ctls_identity_warnings_len(NULL) == 0);
    CHECK(ctls_identity_warning(NULL, 0) == NULL);
}

static void errors_and_names(void) {
    CHECK_STATUS(ctls_error_status(NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK(ctls_error_code(NULL) == NULL);
    CHECK(ctls_error_message(NULL) == NULL);
    CHECK(ctls_error_env_var(NULL) == NULL);
    CHECK(ctls_error_path(NULL) == NULL);
    CHECK(ctls_error_block(NULL) == 0);
    CHECK(ctls_error_line(NULL) == 0);
    ctls_error_free(NULL);

    const struct {
        ctls_status status;
        const char *name;
    } names[] = {
        {CTLS_OK, "OK"},
        {CTLS_ERR_CONFIG_INVALID, "ERR_CONFIG_INVALID"},
        {CTLS_ERR_CONFIG_MISSING, "ERR_CONFIG_MISSING"},
        {CTLS_ERR_FILE_NOT_FOUND, "ERR_FILE_NOT_FOUND"},
        {CTLS_ERR_FILE_UNREADABLE, "ERR_FILE_UNREADABLE"},
        {CTLS_ERR_FILE_TOO_LARGE, "ERR_FILE_TOO_LARGE"},
        {CTLS_ERR_PEM_INVALID, "ERR_PEM_INVALID"},
        {CTLS_ERR_CERT_INVALID, "ERR_CERT_INVALID"},
        {CTLS_ERR_KEY_UNSUPPORTED, "ERR_KEY_UNSUPPORTED"},
        {CTLS_ERR_KEY_ENCRYPTED, "ERR_KEY_ENCRYPTED"},
        {CTLS_ERR_PASSPHRASE_WRONG, "ERR_PASSPHRASE_WRONG"},
        {CTLS_ERR_KEY_MISMATCH, "ERR_KEY_MISMATCH"},
        {CTLS_ERR_CHAIN_ORDER, "ERR_CHAIN_ORDER"},
        {CTLS_ERR_CERT_UNTRUSTED, "ERR_CERT_UNTRUSTED"},
        {CTLS_ERR_CERT_HOSTNAME_MISMATCH, "ERR_CERT_HOSTNAME_MISMATCH"},
        {CTLS_ERR_CERT_EXPIRED, "ERR_CERT_EXPIRED"},
        {CTLS_ERR_CERT_NOT_YET_VALID, "ERR_CERT_NOT_YET_VALID"},
        {CTLS_ERR_URL_NOT_HTTPS, "ERR_URL_NOT_HTTPS"},
        {CTLS_ERR_CERT_UNSUPPORTED, "ERR_CERT_UNSUPPORTED"},
        {CTLS_ERR_NULL_ARGUMENT, "ERR_NULL_ARGUMENT"},
        {CTLS_ERR_INVALID_UTF8, "ERR_INVALID_UTF8"},
        {CTLS_ERR_PANIC, "ERR_PANIC"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_STR(ctls_status_name(names[i].status), names[i].name);
    }
    CHECK(CTLS_OK == 0 && CTLS_ERR_CONFIG_INVALID == 1 && CTLS_ERR_URL_NOT_HTTPS == 17 &&
          CTLS_ERR_CERT_UNSUPPORTED == 18);
    CHECK_STR(ctls_status_name(19), "UNKNOWN");
    CHECK_STR(ctls_status_name(-1), "UNKNOWN");
    CHECK_STR(ctls_status_name(99), "UNKNOWN");

    const char *version = ctls_version();
    CHECK(version != NULL && isdigit((unsigned char)version[0]) && strchr(version, '.') != NULL);
    CHECK(ctls_version() == version);
}

int main(int argc, char **argv) {
    start(argc, argv);
    server_tls();
    trust();
    config();
    errors_and_names();
    return finish("test_null");
}
