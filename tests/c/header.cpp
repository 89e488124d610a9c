// The header compiles as C++17 and its functions link with C linkage.
#include "console_tls.h"

#include <cstdio>
#include <cstring>
#include <type_traits>

static_assert(CTLS_OK == 0, "CTLS_OK is 0");
static_assert(std::is_same<decltype(ctls_version()), const char *>::value, "ctls_version");

int main() {
    // The contract's signature, checked by the compiler.
    ctls_status (*load)(const char *, const char *, const char *, const ctls_server_tls **,
                        const ctls_error **) = &ctls_server_tls_load;
    (void)load;
    const ctls_config *config = nullptr;
    const ctls_error *err = nullptr;
    // No variables: nothing enabled, so both listeners are absent.
    ctls_status status = ctls_config_from_vars(nullptr, nullptr, 0, &config, &err);
    bool ok = status == CTLS_OK && err == nullptr && config != nullptr &&
              ctls_config_management(config) == nullptr && // NULL: no reference to free
              std::strcmp(ctls_status_name(CTLS_ERR_KEY_MISMATCH), "ERR_KEY_MISMATCH") == 0;
    ctls_config_free(config);
    std::printf("header.cpp: console-tls %s from C++: %s\n", ctls_version(), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
