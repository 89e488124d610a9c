#!/bin/sh
# Writes the throwaway PKI the C and Python tests load into DIR (made fresh
# on every run, so that no certificate in it ever expires).
#
#   root.pem/.key            EC P-256 root CA
#   intermediate.pem/.key    EC P-256 intermediate CA, issued by root
#   leaf.pem/.key            EC P-256 server certificate for localhost and 127.0.0.1, PKCS#8 key
#   chain.pem                leaf + intermediate
#   leaf.der, intermediate.der, leaf.key.der, rsa.key.der   DER forms (the key as PKCS#8), by openssl
#   combined.pem             leaf + intermediate + leaf key in one file
#   wrong-order.pem          intermediate + leaf
#   leaf-encrypted.key       leaf key as encrypted PKCS#8 (PBES2, AES-256-CBC), passphrase "correct horse"
#   rsa.pem/.key             RSA 2048 server certificate (PKCS#1 key), issued by intermediate, for localhost
#   rsa-legacy-encrypted.key rsa.key with OpenSSL's legacy PEM encryption, passphrase "correct horse"
#   other.key                an unrelated EC P-256 key (mismatch)
#   rsa1024.key              an RSA 1024 key (unsupported)
#   expired.pem/.key         leaf for localhost, valid in 2020 only
#   future.pem/.key          leaf for localhost, valid from 2100
#   identity.pem/.key        self-signed CA:TRUE certificate for identity.local (openssl req -x509)
#   untrusted.pem/.key       self-signed certificate for localhost that nothing trusts
#   extra-ca.pem             root + identity: the NODE_EXTRA_CA_CERTS bundle
#   duplicates.pem           root, identity, root again
#   expired-chain.pem, future-chain.pem   those leaves + intermediate
#   bad-bundle.pem           root, a corrupt block, identity
#   not-a-cert.pem           a CERTIFICATE block whose DER is not X.509
#   bad-base64.pem           a CERTIFICATE block that is not base64
#   no-cert.pem              text without any PEM block
#   empty.pem                0 bytes
#   big.pem                  9 MiB (over the 8 MiB limit)
set -eu

dir=${1:?usage: make-pki.sh DIR}
mkdir -p "$dir"
cd "$dir"

quiet() { "$@" 2>/dev/null >/dev/null || { echo "make-pki.sh: failed: $*" >&2; "$@"; exit 1; }; }

cat > ca.ext <<'EXT'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
cat > leaf.ext <<'EXT'
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT

ec_key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
csr() { quiet openssl req -new -key "$1" -subj "$2" -out "$3"; }

ec_key root.key
csr root.key "/CN=console-tls test root CA" root.csr
quiet openssl x509 -req -in root.csr -signkey root.key -days 3650 -extfile ca.ext -out root.pem

ec_key intermediate.key
csr intermediate.key "/CN=console-tls test intermediate CA" intermediate.csr
quiet openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial \
    -days 3650 -extfile ca.ext -out intermediate.pem

issue() { # key subject out
    csr "$1" "$2" "$3.csr"
    quiet openssl x509 -req -in "$3.csr" -CA intermediate.pem -CAkey intermediate.key \
        -CAcreateserial -days 825 -extfile leaf.ext -out "$3"
}

ec_key leaf.key
issue leaf.key "/CN=localhost/O=console-tls tests" leaf.pem
cat leaf.pem intermediate.pem > chain.pem
cat chain.pem leaf.key > combined.pem
cat intermediate.pem leaf.pem > wrong-order.pem
quiet openssl pkcs8 -topk8 -in leaf.key -v2 aes-256-cbc -passout "pass:correct horse" -out leaf-encrypted.key

quiet openssl genrsa -traditional -out rsa.key 2048
issue rsa.key "/CN=localhost/O=console-tls tests RSA" rsa.pem
quiet openssl rsa -in rsa.key -traditional -aes256 -passout "pass:correct horse" -out rsa-legacy-encrypted.key

ec_key other.key
quiet openssl genrsa -traditional -out rsa1024.key 1024

# Backdated and postdated certificates need `openssl ca` (x509 -req cannot set dates in OpenSSL 3.0).
mkdir -p ca-db
: > ca-db/index.txt
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
CNF
echo 1000 > ca-db/serial
dated() { # name startdate enddate
    ec_key "$1.key"
    csr "$1.key" "/CN=localhost" "$1.csr"
    quiet openssl ca -batch -config ca.cnf -cert intermediate.pem -keyfile intermediate.key \
        -in "$1.csr" -out "$1.pem" -startdate "$2" -enddate "$3" -extfile leaf.ext -notext
}
dated expired 20200101000000Z 20210101000000Z
dated future 21000101000000Z 21010101000000Z

# What `openssl req -x509` makes by default: a self-signed CA:TRUE certificate.
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout identity.key \
    -subj "/CN=identity.local" -addext "subjectAltName=DNS:identity.local" -days 825 -out identity.pem
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout untrusted.key \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" -days 825 -out untrusted.pem

cat root.pem identity.pem > extra-ca.pem
cat root.pem identity.pem root.pem > duplicates.pem
cat expired.pem intermediate.pem > expired-chain.pem
cat future.pem intermediate.pem > future-chain.pem
{
    cat root.pem
    printf -- '-----BEGIN CERTIFICATE-----\nMIIBkzCCATmgAwIBAgIUQ29ycnVwdA==\n-----END CERTIFICATE-----\n'
    cat identity.pem
} > bad-bundle.pem
printf -- '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n' > not-a-cert.pem
printf -- '-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n' > bad-base64.pem
printf 'just some text\n' > no-cert.pem
: > empty.pem
truncate -s 9M big.pem

# DER forms to compare what the library returns with what openssl reads.
quiet openssl x509 -in leaf.pem -outform DER -out leaf.der
quiet openssl x509 -in intermediate.pem -outform DER -out intermediate.der
quiet openssl pkcs8 -topk8 -nocrypt -in leaf.key -outform DER -out leaf.key.der
quiet openssl pkcs8 -topk8 -nocrypt -in rsa.key -outform DER -out rsa.key.der

rm -f ./*.csr ./*.srl
