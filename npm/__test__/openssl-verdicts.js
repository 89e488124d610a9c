'use strict'

// How Node 20 reports OpenSSL's certificate verdicts, in the contract's codes:
// shared by the tests that compare a real handshake's verdict with
// console-tls's (chains-plain-node, differential-verification).

// OpenSSL's verification codes (as Node reports them) and Node's name check,
// in the contract's codes.
const CODES = {
  CERT_HAS_EXPIRED: 'ERR_CERT_EXPIRED',
  CERT_NOT_YET_VALID: 'ERR_CERT_NOT_YET_VALID',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'ERR_CERT_UNTRUSTED',
  SELF_SIGNED_CERT_IN_CHAIN: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'ERR_CERT_UNTRUSTED',
  PATH_LENGTH_EXCEEDED: 'ERR_CERT_UNTRUSTED',
  PERMITTED_SUBTREE_VIOLATION: 'ERR_CERT_UNTRUSTED',
  EXCLUDED_SUBTREE_VIOLATION: 'ERR_CERT_UNTRUSTED',
  INVALID_CA: 'ERR_CERT_UNTRUSTED',
  KEYUSAGE_NO_CERTSIGN: 'ERR_CERT_UNTRUSTED',
  UNHANDLED_CRITICAL_EXTENSION: 'ERR_CERT_INVALID',
  // An intermediate whose extendedKeyUsage lacks serverAuth breaks the
  // chain; the server certificate's own is ERR_CERT_INVALID (below).
  INVALID_PURPOSE: 'INVALID_PURPOSE',
  CA_MD_TOO_WEAK: 'ERR_CERT_INVALID',
  EE_KEY_TOO_SMALL: 'ERR_CERT_INVALID',
  CA_KEY_TOO_SMALL: 'ERR_CERT_INVALID',
  ERR_TLS_CERT_ALTNAME_INVALID: 'ERR_CERT_HOSTNAME_MISMATCH',
}

// Node 20 reports some of OpenSSL's codes only as UNSPECIFIED, with
// OpenSSL's message.
const MESSAGES = {
  'permitted subtree violation': 'ERR_CERT_UNTRUSTED',
  'excluded subtree violation': 'ERR_CERT_UNTRUSTED',
  'CA signature digest algorithm too weak': 'ERR_CERT_INVALID',
  'key usage does not include certificate signing': 'ERR_CERT_UNTRUSTED',
  'unhandled critical extension': 'ERR_CERT_INVALID',
}

// OpenSSL reports INVALID_PURPOSE both for the server certificate (its EKU
// lacks serverAuth: ERR_CERT_INVALID) and for an issuer (not a CA, or its
// EKU lacks serverAuth: a broken chain, ERR_CERT_UNTRUSTED) without saying
// which; the corpus names the cases whose issuer is at fault.
function purposeCode(name) {
  return /^(eku-)?intermediate-/.test(name) ? 'ERR_CERT_UNTRUSTED' : 'ERR_CERT_INVALID'
}

module.exports = { CODES, MESSAGES, purposeCode }
