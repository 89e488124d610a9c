#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the test fixtures.
set -euo pipefail
cd "$(dirname "$0")"
for target in pem_scan certificate_chain private_key legacy_decrypt settings trust_bundle identity_url; do
  mkdir -p "corpus/$target"
done
for f in ../tests/fixtures/*/*.pem ../tests/fixtures/*/*.der; do
  name=$(basename "$f")
  cp "$f" "corpus/pem_scan/$name"
  cp "$f" "corpus/certificate_chain/$name"
  cp "$f" "corpus/trust_bundle/$name"
  { printf '\0'; cat "$f"; } > "corpus/private_key/0-$name"
  { printf '\1'; cat "$f"; } > "corpus/private_key/1-$name"
done
printf 'AES-256-CBC,00112233445566778899AABBCCDDEEFF' > corpus/legacy_decrypt/aes
printf 'true\0file:/tmp/x.pem\0/tmp/y.pem\0pass' > corpus/settings/basic
# Identity URLs: the base URL, a NUL, then the internal URL.
printf 'https://identity.example.com/auth\0http://keycloak:8080' > corpus/identity_url/both
printf 'https://user:secret@[::1]:8443/realms/console' > corpus/identity_url/credentials
printf 'HTTP://192.168.0.1./%%7e?q#f' > corpus/identity_url/odd-forms
printf 'file:///etc/passwd\0https://' > corpus/identity_url/bad-schemes
