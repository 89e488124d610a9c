/*
 * 8 threads share one trust and one config handle and, at the same time,
 * load identities and configs, verify chains (trusted, wrong host, directly
 * trusted), and read the shared handles' lazily built strings. Every thread
 * must see the same answers as a single thread would.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>

#include "test_util.h"

#define THREADS 8
#define ROUNDS 6

typedef struct {
    const ctls_trust *trust;
    const ctls_config *config;
    const char *cert_path;
    const char *key_path;
    const char *chain;
    size_t chain_len;
    const char *identity;
    size_t identity_len;
    const char *const *names;
    const char *const *values;
    size_t count;
} shared_state;

typedef struct {
    const shared_state *shared;
    int passed;
    int failed;
} thread_result;

#define TCHECK(result, cond)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            (result)->passed++;                                                                    \
        } else {                                                                                   \
            (result)->failed++;                                                                    \
            fprintf(stderr, "%s:%d: check failed in a thread: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                                          \
    } while (0)

static void *worker(void *arg) {
    thread_result *r = arg;
    const shared_state *s = r->shared;
    for (int round = 0; round < ROUNDS; round++) {
        /* A private identity, loaded while the others load theirs. */
        const ctls_server_tls *tls = NULL;
        const ctls_error *err = NULL;
        TCHECK(r, ctls_server_tls_load(s->cert_path, s->key_path, NULL, &tls, &err) == CTLS_OK);
        TCHECK(r, ctls_server_tls_chain_len(tls) == 2);
        TCHECK(r, strcmp(ctls_server_tls_chain_pem(tls), s->chain) == 0);
        ctls_server_tls_free(tls);

        /* The shared trust: trusted, wrong host, directly trusted. */
        const uint8_t *chain = (const uint8_t *)s->chain;
        TCHECK(r, ctls_trust_verify_server(s->trust, chain, s->chain_len, "localhost", NULL) == CTLS_OK);
        TCHECK(r, ctls_trust_verify_server(s->trust, chain, s->chain_len, "other.example", &err) ==
                      CTLS_ERR_CERT_HOSTNAME_MISMATCH);
        TCHECK(r, ctls_error_status(err) == CTLS_ERR_CERT_HOSTNAME_MISMATCH);
        ctls_error_free(err);
        const uint8_t *identity = (const uint8_t *)s->identity;
        TCHECK(r, ctls_trust_verify_server(s->trust, identity, s->identity_len, "identity.local", NULL) ==
                      CTLS_OK);

        /* The shared config: its trust verifies too, and its strings (built
           on first use, possibly by several threads at once) are the same
           for everyone. */
        const ctls_trust *config_trust = ctls_config_trust(s->config);
        TCHECK(r, ctls_trust_verify_server(config_trust, chain, s->chain_len, "127.0.0.1", NULL) ==
                      CTLS_OK);
        const ctls_server_tls *server = ctls_config_server(s->config);
        TCHECK(r, strcmp(ctls_server_tls_chain_pem(server), s->chain) == 0);
        TCHECK(r, strncmp(ctls_server_tls_key_pem(server), "-----BEGIN PRIVATE KEY-----", 27) == 0);
        TCHECK(r, ctls_trust_extras_pem(config_trust)[0] == '-');
        TCHECK(r, strncmp(ctls_certificate_pem(ctls_server_tls_certificate(server, 1)),
                          "-----BEGIN CERTIFICATE-----", 27) == 0);
        ctls_server_tls_free(server);
        ctls_trust_free(config_trust);

        /* A private config from the same variables. */
        const ctls_config *config = NULL;
        TCHECK(r, ctls_config_from_vars(s->names, s->values, s->count, &config, NULL) == CTLS_OK);
        TCHECK(r, present(ctls_config_server(config)));
        ctls_config_free(config);
    }
    return NULL;
}

int main(int argc, char **argv) {
    start(argc, argv);
    char *cert = pki("chain.pem");
    char *key = pki("leaf.key");
    char *bundle = pki("extra-ca.pem");
    shared_state s = {0};
    s.cert_path = cert;
    s.key_path = key;
    s.chain = read_pki("chain.pem", &s.chain_len);
    s.identity = read_pki("identity.pem", &s.identity_len);
    const char *names[] = {"SERVER_SSL_ENABLED", "SERVER_SSL_CERTIFICATE",
                           "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "NODE_EXTRA_CA_CERTS"};
    const char *values[] = {"true", cert, key, bundle};
    s.names = names;
    s.values = values;
    s.count = 4;

    const ctls_trust *trust = NULL;
    const ctls_config *config = NULL;
    CHECK_STATUS(ctls_trust_load(bundle, &trust, NULL), CTLS_OK);
    CHECK_STATUS(ctls_config_from_vars(names, values, 4, &config, NULL), CTLS_OK);
    s.trust = trust;
    s.config = config;

    pthread_t threads[THREADS];
    thread_result results[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        results[i] = (thread_result){&s, 0, 0};
        if (pthread_create(&threads[i], NULL, worker, &results[i]) == 0) {
            started++;
        }
    }
    CHECK(started == THREADS);
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        checks_passed += results[i].passed;
        checks_failed += results[i].failed;
        CHECK(results[i].passed == ROUNDS * 14 && results[i].failed == 0);
    }

    ctls_trust_free(trust);
    ctls_config_free(config);
    free((void *)s.chain);
    free((void *)s.identity);
    free(cert);
    free(key);
    free(bundle);
    return finish("test_threads");
}
