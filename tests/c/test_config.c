/*
 * ctls_config end to end: configurations from name/value pairs (and from the
 * process environment), both listeners, the trust and Identity they carry,
 * warnings, options, and each configuration error naming its variable.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>

#include "test_util.h"

#define MAX_VARS 24

/* A list of name/value pairs; values made with pki() are freed by vars_free. */
typedef struct {
    const char *names[MAX_VARS];
    const char *values[MAX_VARS];
    char *owned[MAX_VARS];
    size_t count;
} vars;

static void set(vars *v, const char *name, const char *value) {
    v->names[v->count] = name;
    v->values[v->count] = value;
    v->owned[v->count] = NULL;
    v->count++;
}

static void set_path(vars *v, const char *name, const char *file) {
    char *path = pki(file);
    set(v, name, path);
    v->owned[v->count - 1] = path;
}

static void vars_free(vars *v) {
    for (size_t i = 0; i < v->count; i++) {
        free(v->owned[i]);
    }
    v->count = 0;
}

static const ctls_config *load_ok(const vars *v, uint32_t options) {
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    ctls_status status =
        ctls_config_from_vars_with_options(v->names, v->values, v->count, options, &config, &err);
    CHECK_STATUS(status, CTLS_OK);
    CHECK(err == NULL);
    if (status != CTLS_OK) {
        fprintf(stderr, "  %s\n", ctls_error_message(err));
        ctls_error_free(err);
    }
    return config;
}

static void expect_config_error(const vars *v, uint32_t options, ctls_status expected,
                                const char *env_var, const char *path_suffix) {
    const ctls_config *config = (const ctls_config *)v; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_status status =
        ctls_config_from_vars_with_options(v->names, v->values, v->count, options, &config, &err);
    CHECK(config == NULL);
    CHECK_ERROR(status, err, expected, env_var, path_suffix);
}

static void full_configuration(void) {
    vars v = {0};
    set(&v, "SERVER_SSL_ENABLED", "true");
    set_path(&v, "SERVER_SSL_CERTIFICATE", "chain.pem");
    set_path(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "leaf-encrypted.key");
    set(&v, "SERVER_SSL_PASSPHRASE", "correct horse");
    set(&v, "MANAGEMENT_SERVER_SSL_ENABLED", "YES");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE", "rsa.pem");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "rsa-legacy-encrypted.key");
    set(&v, "MANAGEMENT_SERVER_SSL_PASSPHRASE", "correct horse");
    set(&v, "KEYCLOAK_BASE_URL", "https://identity.local:8443/auth");
    set_path(&v, "NODE_EXTRA_CA_CERTS", "extra-ca.pem");
    set(&v, "UNRELATED", "ignored");
    const ctls_config *config = load_ok(&v, 0);

    const ctls_server_tls *server = ctls_config_server(config);
    const ctls_server_tls *management = ctls_config_management(config);
    CHECK(server != NULL && management != NULL);
    CHECK(ctls_server_tls_chain_len(server) == 2);
    CHECK_STR(ctls_server_tls_key_type(server), "ECDSA P-256");
    CHECK_CONTAINS(ctls_certificate_subject(ctls_server_tls_certificate(server, 0)), "CN=localhost");
    CHECK(ctls_server_tls_chain_len(management) == 1);
    CHECK_STR(ctls_server_tls_key_type(management), "RSA 2048-bit");
    /* Each call is a new reference to the same listener. */
    const ctls_server_tls *again = ctls_config_server(config);
    CHECK(again == server);
    ctls_server_tls_free(again);
    CHECK(ctls_config_warnings_len(config) == 0);

    const ctls_trust *trust = ctls_config_trust(config);
    CHECK(trust != NULL && ctls_trust_extras_len(trust) == 2);
    size_t len = 0;
    char *identity_pem = read_pki("identity.pem", &len);
    CHECK_STATUS(ctls_trust_verify_server(trust, (const uint8_t *)identity_pem, len, "identity.local", NULL),
                 CTLS_OK);
    free(identity_pem);
    /* The server's own chain verifies with the config's trust. */
    const char *chain = ctls_server_tls_chain_pem(server);
    CHECK_STATUS(ctls_trust_verify_server(trust, (const uint8_t *)chain, strlen(chain), "localhost", NULL),
                 CTLS_OK);

    const ctls_identity *identity = ctls_config_identity(config);
    CHECK_STR(ctls_identity_base_url(identity), "https://identity.local:8443/auth");
    /* Unset internal URL: the base URL is used backend-to-backend. */
    CHECK_STR(ctls_identity_internal_base_url(identity), "https://identity.local:8443/auth");
    CHECK(ctls_identity_uses_tls(identity));
    CHECK(ctls_identity_warnings_len(identity) == 0);
    ctls_config_free(config);
    /* The listeners and the trust are the caller's: they outlive the config. */
    CHECK_STR(ctls_server_tls_key_type(management), "RSA 2048-bit");
    CHECK_STATUS(ctls_trust_verify_server(trust, (const uint8_t *)chain, strlen(chain), "localhost", NULL),
                 CTLS_OK);
    ctls_server_tls_free(server);
    ctls_server_tls_free(management);
    ctls_trust_free(trust);
    vars_free(&v);
}

static void nothing_enabled(void) {
    /* No variables at all: both listeners absent, Mozilla's roots only. */
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_config_from_vars(NULL, NULL, 0, &config, &err), CTLS_OK);
    CHECK(config != NULL && err == NULL);
    CHECK(!present(ctls_config_server(config)));
    CHECK(!present(ctls_config_management(config)));
    const ctls_trust *trust = ctls_config_trust(config);
    CHECK(ctls_trust_extras_len(trust) == 0);
    CHECK(ctls_trust_mozilla_root_count(trust) > 100);
    CHECK(ctls_identity_base_url(ctls_config_identity(config)) == NULL);
    CHECK(ctls_identity_internal_base_url(ctls_config_identity(config)) == NULL);
    CHECK(!ctls_identity_uses_tls(ctls_config_identity(config)));
    size_t len = 0;
    char *chain = read_pki("chain.pem", &len);
    CHECK_STATUS(ctls_trust_verify_server(trust, (const uint8_t *)chain, len, "localhost", NULL),
                 CTLS_ERR_CERT_UNTRUSTED);
    free(chain);
    ctls_trust_free(trust);
    ctls_config_free(config);

    /* Disabled: the listener's other variables are not read. */
    vars v = {0};
    set(&v, "SERVER_SSL_ENABLED", "off");
    set(&v, "SERVER_SSL_CERTIFICATE", "classpath:cert.pem");
    set(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE", "/nonexistent.pem");
    config = load_ok(&v, 0);
    CHECK(!present(ctls_config_server(config)) && !present(ctls_config_management(config)));
    ctls_config_free(config);
    vars_free(&v);

    /* Only the management listener; a later duplicate wins. */
    set(&v, "MANAGEMENT_SERVER_SSL_ENABLED", "false");
    set(&v, "MANAGEMENT_SERVER_SSL_ENABLED", "1");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE", "combined.pem");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "combined.pem");
    config = load_ok(&v, 0);
    CHECK(!present(ctls_config_server(config)));
    CHECK(present(ctls_config_management(config)));
    ctls_config_free(config);
    vars_free(&v);
}

static void warnings_and_options(void) {
    vars v = {0};
    set(&v, "SERVER_SSL_ENABLED", "true");
    set_path(&v, "SERVER_SSL_CERTIFICATE", "expired.pem");
    set_path(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "expired.key");
    set(&v, "KEYCLOAK_BASE_URL", "https://identity.example.com");
    set(&v, "KEYCLOAK_INTERNAL_BASE_URL", "http://keycloak.identity.svc:8080");
    const ctls_config *config = load_ok(&v, 0);
    CHECK(ctls_config_warnings_len(config) == 2);
    const ctls_warning *first = ctls_config_warning(config, 0);
    const ctls_warning *second = ctls_config_warning(config, 1);
    CHECK_STR(ctls_warning_code(first), "WARN_CERT_EXPIRED");
    CHECK_STR(ctls_warning_env_var(first), "SERVER_SSL_CERTIFICATE");
    CHECK_CONTAINS(ctls_warning_message(first), "SERVER_SSL_CERTIFICATE: ");
    CHECK_STR(ctls_warning_code(second), "WARN_IDENTITY_NOT_ENCRYPTED");
    CHECK_STR(ctls_warning_env_var(second), "KEYCLOAK_INTERNAL_BASE_URL");
    CHECK(ctls_config_warning(config, 2) == NULL);
    /* The same warnings on the listener and on Identity. */
    const ctls_server_tls *server = ctls_config_server(config);
    CHECK(ctls_server_tls_warnings_len(server) == 1);
    ctls_server_tls_free(server);
    const ctls_identity *identity = ctls_config_identity(config);
    CHECK(ctls_identity_warnings_len(identity) == 1);
    CHECK_STR(ctls_warning_code(ctls_identity_warning(identity, 0)), "WARN_IDENTITY_NOT_ENCRYPTED");
    CHECK_STR(ctls_identity_base_url(identity), "https://identity.example.com/");
    CHECK_STR(ctls_identity_internal_base_url(identity), "http://keycloak.identity.svc:8080/");
    CHECK(ctls_identity_uses_tls(identity));
    ctls_config_free(config);

    /* Requiring TLS makes the http:// URL an error. */
    expect_config_error(&v, CTLS_OPTION_REQUIRE_TLS, CTLS_ERR_URL_NOT_HTTPS, "KEYCLOAK_INTERNAL_BASE_URL",
                        NULL);
    expect_config_error(&v, 64, CTLS_ERR_CONFIG_INVALID, "options", NULL);
    vars_free(&v);

    /* A missing NODE_EXTRA_CA_CERTS: an error, or a warning when lenient. */
    set_path(&v, "NODE_EXTRA_CA_CERTS", "missing.pem");
    expect_config_error(&v, 0, CTLS_ERR_FILE_NOT_FOUND, "NODE_EXTRA_CA_CERTS", "/missing.pem");
    config = load_ok(&v, CTLS_OPTION_LENIENT_TRUST);
    CHECK(ctls_config_warnings_len(config) == 1);
    CHECK_STR(ctls_warning_code(ctls_config_warning(config, 0)), "WARN_TRUST_PROBLEM");
    CHECK_STR(ctls_warning_env_var(ctls_config_warning(config, 0)), "NODE_EXTRA_CA_CERTS");
    ctls_config_free(config);
    vars_free(&v);
}

static void configuration_errors(void) {
    vars v = {0};
    set(&v, "SERVER_SSL_ENABLED", "maybe");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_INVALID, "SERVER_SSL_ENABLED", NULL);
    vars_free(&v);

    set(&v, "SERVER_SSL_ENABLED", "true");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_MISSING, "SERVER_SSL_CERTIFICATE", NULL);
    set_path(&v, "SERVER_SSL_CERTIFICATE", "chain.pem");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_MISSING, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", NULL);
    set(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_MISSING, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", NULL);
    vars_free(&v);

    set(&v, "SERVER_SSL_ENABLED", "true");
    set(&v, "SERVER_SSL_CERTIFICATE", "classpath:tls/cert.pem");
    set(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "classpath:tls/key.pem");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_INVALID, "SERVER_SSL_CERTIFICATE", NULL);
    vars_free(&v);

    /* Encrypted key: no passphrase names the passphrase variable to set. */
    set(&v, "SERVER_SSL_ENABLED", "true");
    set_path(&v, "SERVER_SSL_CERTIFICATE", "chain.pem");
    set_path(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "leaf-encrypted.key");
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_config_from_vars(v.names, v.values, v.count, &config, &err);
    CHECK_CONTAINS(ctls_error_message(err), "SERVER_SSL_PASSPHRASE");
    CHECK_ERROR(status, err, CTLS_ERR_KEY_ENCRYPTED, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                "/leaf-encrypted.key");
    /* A passphrase is bytes: not UTF-8 is fine, and simply wrong here. */
    set(&v, "SERVER_SSL_PASSPHRASE", "\xff\xfe wrong");
    expect_config_error(&v, 0, CTLS_ERR_PASSPHRASE_WRONG, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                        "/leaf-encrypted.key");
    vars_free(&v);

    /* Management errors name the management variables. */
    set(&v, "MANAGEMENT_SERVER_SSL_ENABLED", "on");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE", "chain.pem");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "other.key");
    expect_config_error(&v, 0, CTLS_ERR_KEY_MISMATCH, "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                        "/other.key");
    vars_free(&v);
    set(&v, "MANAGEMENT_SERVER_SSL_ENABLED", "on");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE", "missing.pem");
    set_path(&v, "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "leaf.key");
    expect_config_error(&v, 0, CTLS_ERR_FILE_NOT_FOUND, "MANAGEMENT_SERVER_SSL_CERTIFICATE",
                        "/missing.pem");
    vars_free(&v);

    /* Identity URLs and the extra CA bundle. */
    set(&v, "KEYCLOAK_BASE_URL", "ftp://identity.example.com");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_INVALID, "KEYCLOAK_BASE_URL", NULL);
    vars_free(&v);
    set(&v, "KEYCLOAK_INTERNAL_BASE_URL", "https://");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_INVALID, "KEYCLOAK_INTERNAL_BASE_URL", NULL);
    vars_free(&v);
    set_path(&v, "NODE_EXTRA_CA_CERTS", "bad-bundle.pem");
    config = NULL;
    status = ctls_config_from_vars(v.names, v.values, v.count, &config, &err);
    CHECK(ctls_error_block(err) == 2);
    CHECK_ERROR(status, err, status, "NODE_EXTRA_CA_CERTS", "/bad-bundle.pem");
    CHECK(status == CTLS_ERR_CERT_INVALID || status == CTLS_ERR_PEM_INVALID);
    vars_free(&v);
}

static void from_process_environment(void) {
    char *cert = pki("chain.pem");
    char *key = pki("leaf.key");
    setenv("SERVER_SSL_ENABLED", "true", 1);
    setenv("SERVER_SSL_CERTIFICATE", cert, 1);
    setenv("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", key, 1);
    unsetenv("MANAGEMENT_SERVER_SSL_ENABLED");
    unsetenv("NODE_EXTRA_CA_CERTS");
    unsetenv("KEYCLOAK_BASE_URL");
    unsetenv("KEYCLOAK_INTERNAL_BASE_URL");
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_config_from_env(&config, &err), CTLS_OK);
    CHECK(present(ctls_config_server(config)));
    CHECK(!present(ctls_config_management(config)));
    ctls_config_free(config);

    setenv("KEYCLOAK_BASE_URL", "http://identity.example.com", 1);
    CHECK_STATUS(ctls_config_from_env_with_options(CTLS_OPTION_REQUIRE_TLS, &config, &err),
                 CTLS_ERR_URL_NOT_HTTPS);
    CHECK(config == NULL);
    CHECK_ERROR(CTLS_ERR_URL_NOT_HTTPS, err, CTLS_ERR_URL_NOT_HTTPS, "KEYCLOAK_BASE_URL", NULL);

    setenv("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "", 1);
    ctls_status status = ctls_config_from_env(&config, &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_MISSING, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", NULL);
    unsetenv("SERVER_SSL_ENABLED");
    unsetenv("SERVER_SSL_CERTIFICATE");
    unsetenv("SERVER_SSL_CERTIFICATE_PRIVATE_KEY");
    unsetenv("KEYCLOAK_BASE_URL");
    free(cert);
    free(key);
}

/* Client certificates: the mode and the client CAs a host's TLS server needs. */
static void client_authentication(void) {
    vars v = {0};
    set(&v, "SERVER_SSL_ENABLED", "true");
    set_path(&v, "SERVER_SSL_CERTIFICATE", "chain.pem");
    set_path(&v, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "leaf.key");
    const ctls_config *config = load_ok(&v, 0);
    const ctls_server_tls *server = ctls_config_server(config);
    CHECK(ctls_server_tls_client_auth(server) == CTLS_CLIENT_AUTH_NONE);
    CHECK(ctls_server_tls_client_ca_len(server) == 0);
    CHECK_STR(ctls_server_tls_client_ca_pem(server), "");
    ctls_server_tls_free(server);
    ctls_config_free(config);

    set(&v, "SERVER_SSL_CLIENT_AUTH", "Need");
    set_path(&v, "SERVER_SSL_TRUST_CERTIFICATE", "extra-ca.pem");
    config = load_ok(&v, 0);
    server = ctls_config_server(config);
    CHECK(ctls_server_tls_client_auth(server) == CTLS_CLIENT_AUTH_NEED);
    CHECK(ctls_server_tls_client_ca_len(server) == 2);
    const uint8_t *data = NULL;
    size_t len = 0;
    CHECK_STATUS(ctls_server_tls_client_ca_der(server, 1, &data, &len), CTLS_OK);
    CHECK(data != NULL && len > 0 && data[0] == 0x30);
    CHECK_STATUS(ctls_server_tls_client_ca_der(server, 2, &data, &len), CTLS_ERR_CONFIG_INVALID);
    size_t bundle_len = 0;
    char *bundle = read_pki("extra-ca.pem", &bundle_len);
    const char *pem = ctls_server_tls_client_ca_pem(server);
    CHECK_CONTAINS(pem, "-----BEGIN CERTIFICATE-----");
    /* The same certificates as the bundle (root, then identity), re-encoded. */
    CHECK(pem != NULL && strlen(pem) > 0 && strlen(pem) <= bundle_len + 64);
    free(bundle);
    ctls_server_tls_free(server);
    ctls_config_free(config);

    set(&v, "SERVER_SSL_CLIENT_AUTH", "want");
    config = load_ok(&v, 0);
    server = ctls_config_server(config);
    CHECK(ctls_server_tls_client_auth(server) == CTLS_CLIENT_AUTH_WANT);
    ctls_server_tls_free(server);
    ctls_config_free(config);

    set(&v, "SERVER_SSL_CLIENT_AUTH", "sometimes");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_INVALID, "SERVER_SSL_CLIENT_AUTH", NULL);
    set(&v, "SERVER_SSL_CLIENT_AUTH", "need");
    set_path(&v, "SERVER_SSL_TRUST_CERTIFICATE", "bad-base64.pem");
    expect_config_error(&v, 0, CTLS_ERR_PEM_INVALID, "SERVER_SSL_TRUST_CERTIFICATE", "bad-base64.pem");
    set(&v, "SERVER_SSL_TRUST_CERTIFICATE", "");
    expect_config_error(&v, 0, CTLS_ERR_CONFIG_MISSING, "SERVER_SSL_TRUST_CERTIFICATE", NULL);
    vars_free(&v);

    CHECK(ctls_server_tls_client_auth(NULL) == CTLS_CLIENT_AUTH_NONE);
    CHECK(ctls_server_tls_client_ca_len(NULL) == 0);
    CHECK(ctls_server_tls_client_ca_pem(NULL) == NULL);
    CHECK_STATUS(ctls_server_tls_client_ca_der(NULL, 0, &data, &len), CTLS_ERR_NULL_ARGUMENT);
}

int main(int argc, char **argv) {
    start(argc, argv);
    full_configuration();
    nothing_enabled();
    warnings_and_options();
    configuration_errors();
    from_process_environment();
    client_authentication();
    return finish("test_config");
}
