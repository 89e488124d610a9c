/*
 * ctls_server_tls_load_key_store and SERVER_SSL_KEY_STORE through
 * ctls_config_from_vars: PKCS#12 stores made by OpenSSL 3 (default and
 * -legacy) and keytool load to the identity of the PEM pair they were made
 * from; each failure has its status, code, argument and path, never the
 * password. Reads the committed stores of tests/fixtures/keystore (paths
 * relative to the repository root, where run.sh runs the programs).
 */
#include "test_util.h"

#define STORES "tests/fixtures/keystore/"
#define PASSWORD "fixture-secret-7Qx"

static const ctls_server_tls *load_pem(const char *cert, const char *key) {
    const ctls_server_tls *tls = NULL;
    CHECK_STATUS(ctls_server_tls_load(cert, key, NULL, &tls, NULL), CTLS_OK);
    return tls;
}

/* Both handles hold the same chain (DER) and the same PKCS#8 key. */
static void check_same_identity(const ctls_server_tls *a, const ctls_server_tls *b) {
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) {
        return;
    }
    size_t len = ctls_server_tls_chain_len(a);
    CHECK(len == 3);
    CHECK(len == ctls_server_tls_chain_len(b));
    for (size_t i = 0; i < len; i++) {
        const uint8_t *da = NULL, *db = NULL;
        size_t la = 0, lb = 0;
        CHECK_STATUS(ctls_server_tls_cert_der(a, i, &da, &la), CTLS_OK);
        CHECK_STATUS(ctls_server_tls_cert_der(b, i, &db, &lb), CTLS_OK);
        CHECK(la == lb && la > 0 && memcmp(da, db, la) == 0);
    }
    const uint8_t *ka = NULL, *kb = NULL;
    size_t kla = 0, klb = 0;
    CHECK_STATUS(ctls_server_tls_key_der(a, &ka, &kla), CTLS_OK);
    CHECK_STATUS(ctls_server_tls_key_der(b, &kb, &klb), CTLS_OK);
    CHECK(kla == klb && kla > 0 && memcmp(ka, kb, kla) == 0);
    CHECK_STR(ctls_server_tls_key_type(a), ctls_server_tls_key_type(b));
    CHECK(ctls_server_tls_warnings_len(a) == 0);
}

static void stores_load_their_pem_pair(void) {
    const ctls_server_tls *rsa = load_pem(STORES "rsa-chain.pem", STORES "rsa-key.pem");
    const ctls_server_tls *ec = load_pem(STORES "ec-chain.pem", STORES "ec-key.pem");
    struct {
        const char *store, *password, *alias;
        const ctls_server_tls *pair;
    } cases[] = {
        {STORES "rsa.p12", PASSWORD, NULL, rsa},
        {"file:" STORES "rsa-legacy.p12", PASSWORD, NULL, rsa},
        {STORES "ec-legacy.p12", PASSWORD, NULL, ec},
        {STORES "rsa-keytool.p12", PASSWORD, NULL, rsa},
        {STORES "ec-keytool-legacy.p12", PASSWORD, NULL, ec},
        {STORES "rsa-empty-password.p12", NULL, NULL, rsa},
        {STORES "rsa-empty-password.p12", "", NULL, rsa},
        {STORES "two-aliases.p12", PASSWORD, "EC-SERVER", ec},
        {STORES "two-aliases.p12", PASSWORD, "rsa-server", rsa},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ctls_server_tls *tls = (const ctls_server_tls *)&checks_passed; /* stale */
        const ctls_error *err = NULL;
        ctls_status status =
            ctls_server_tls_load_key_store(cases[i].store, cases[i].password, cases[i].alias, &tls, &err);
        CHECK_STATUS(status, CTLS_OK);
        if (status != CTLS_OK) {
            fprintf(stderr, "  %s: %s\n", cases[i].store, ctls_error_message(err));
            ctls_error_free(err);
            continue;
        }
        check_same_identity(tls, cases[i].pair);
        ctls_server_tls_free(tls);
    }
    ctls_server_tls_free(rsa);
    ctls_server_tls_free(ec);
}

static void expect_error(const char *store, const char *password, const char *alias,
                         ctls_status expected, const char *argument, const char *path_suffix) {
    const ctls_server_tls *tls = (const ctls_server_tls *)&checks_passed; /* stale */
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load_key_store(store, password, alias, &tls, &err);
    CHECK(tls == NULL);
    if (err != NULL) {
        const char *message = ctls_error_message(err);
        CHECK(strstr(message, PASSWORD) == NULL);
        CHECK(strstr(message, "wrong-secret") == NULL);
    }
    CHECK_ERROR(status, err, expected, argument, path_suffix);
}

static void errors(void) {
    expect_error(STORES "rsa.p12", "wrong-secret", NULL, CTLS_ERR_PASSPHRASE_WRONG, "key_store", "rsa.p12");
    expect_error(STORES "rsa-legacy.p12", "wrong-secret", NULL, CTLS_ERR_PASSPHRASE_WRONG, "key_store",
                 "rsa-legacy.p12");
    expect_error(STORES "rsa.p12", NULL, NULL, CTLS_ERR_KEY_ENCRYPTED, "key_store", "rsa.p12");
    expect_error(STORES "rsa.jks", PASSWORD, NULL, CTLS_ERR_KEY_UNSUPPORTED, "key_store", "rsa.jks");
    expect_error(STORES "two-aliases.p12", PASSWORD, NULL, CTLS_ERR_CONFIG_INVALID, "alias", "two-aliases.p12");
    expect_error(STORES "two-aliases.p12", PASSWORD, "tomcat", CTLS_ERR_CONFIG_INVALID, "alias",
                 "two-aliases.p12");
    expect_error(STORES "missing.p12", PASSWORD, NULL, CTLS_ERR_FILE_NOT_FOUND, "key_store", "missing.p12");
    expect_error(STORES "rsa-chain.pem", PASSWORD, NULL, CTLS_ERR_PEM_INVALID, "key_store", "rsa-chain.pem");

    /* The message says what to do. */
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_server_tls_load_key_store(STORES "two-aliases.p12", PASSWORD, NULL, &tls, &err),
                 CTLS_ERR_CONFIG_INVALID);
    CHECK_CONTAINS(ctls_error_message(err), "\"rsa-server\"");
    CHECK_CONTAINS(ctls_error_message(err), "\"ec-server\"");
    ctls_error_free(err);
    err = NULL;
    CHECK_STATUS(ctls_server_tls_load_key_store(STORES "rsa.jks", PASSWORD, NULL, &tls, &err),
                 CTLS_ERR_KEY_UNSUPPORTED);
    CHECK_CONTAINS(ctls_error_message(err), "keytool -importkeystore");
    ctls_error_free(err);

    /* NULL checks, and an alias that is not UTF-8. */
    err = NULL;
    CHECK_STATUS(ctls_server_tls_load_key_store(NULL, PASSWORD, NULL, &tls, &err), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STR(ctls_error_env_var(err), "key_store");
    ctls_error_free(err);
    CHECK_STATUS(ctls_server_tls_load_key_store(STORES "rsa.p12", PASSWORD, NULL, NULL, NULL),
                 CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_server_tls_load_key_store(STORES "rsa.p12", PASSWORD, "\xff", &tls, NULL),
                 CTLS_ERR_INVALID_UTF8);
    CHECK(tls == NULL);
}

static void config_from_vars(void) {
    const char *names[] = {
        "SERVER_SSL_ENABLED",           "SERVER_SSL_KEY_STORE",
        "SERVER_SSL_KEY_STORE_PASSWORD", "MANAGEMENT_SERVER_SSL_ENABLED",
        "MANAGEMENT_SERVER_SSL_KEY_STORE", "MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD",
        "MANAGEMENT_SERVER_SSL_KEY_ALIAS",
    };
    const char *values[] = {
        "true", STORES "rsa.p12", PASSWORD, "true", STORES "two-aliases.p12", PASSWORD, "ec-server",
    };
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_config_from_vars(names, values, 7, &config, &err);
    CHECK_STATUS(status, CTLS_OK);
    if (status != CTLS_OK) {
        fprintf(stderr, "  %s\n", ctls_error_message(err));
        ctls_error_free(err);
        return;
    }
    const ctls_server_tls *server = ctls_config_server(config);
    const ctls_server_tls *management = ctls_config_management(config);
    const ctls_server_tls *rsa = load_pem(STORES "rsa-chain.pem", STORES "rsa-key.pem");
    const ctls_server_tls *ec = load_pem(STORES "ec-chain.pem", STORES "ec-key.pem");
    check_same_identity(server, rsa);
    check_same_identity(management, ec);
    ctls_server_tls_free(server);
    ctls_server_tls_free(management);
    ctls_server_tls_free(rsa);
    ctls_server_tls_free(ec);
    ctls_config_free(config);

    /* A wrong password names the variable. */
    values[2] = "wrong-secret";
    config = NULL;
    status = ctls_config_from_vars(names, values, 7, &config, &err);
    CHECK(config == NULL);
    CHECK_ERROR(status, err, CTLS_ERR_PASSPHRASE_WRONG, "SERVER_SSL_KEY_STORE", "rsa.p12");
    /* A key store and a certificate together. */
    const char *both_names[] = {"SERVER_SSL_ENABLED", "SERVER_SSL_KEY_STORE", "SERVER_SSL_CERTIFICATE"};
    const char *both_values[] = {"true", STORES "rsa.p12", STORES "rsa-chain.pem"};
    status = ctls_config_from_vars(both_names, both_values, 3, &config, &err);
    CHECK(config == NULL);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "SERVER_SSL_KEY_STORE", NULL);
    /* A type other than PKCS12. */
    const char *type_names[] = {"SERVER_SSL_ENABLED", "SERVER_SSL_KEY_STORE", "SERVER_SSL_KEY_STORE_TYPE"};
    const char *type_values[] = {"true", STORES "rsa.p12", "JKS"};
    status = ctls_config_from_vars(type_names, type_values, 3, &config, &err);
    CHECK_ERROR(status, err, CTLS_ERR_KEY_UNSUPPORTED, "SERVER_SSL_KEY_STORE_TYPE", "rsa.p12");
}

int main(int argc, char **argv) {
    start(argc, argv);
    stores_load_their_pem_pair();
    errors();
    config_from_vars();
    return finish("test_key_store");
}
