/* Host stub of mbedTLS PKCS#5 (PBKDF2) as used by the port. */
#ifndef INKPIN_STUB_MBEDTLS_PKCS5_H
#define INKPIN_STUB_MBEDTLS_PKCS5_H
#include <stddef.h>
#include <stdint.h>
#include "mbedtls/md.h"
#ifdef __cplusplus
extern "C" {
#endif
int mbedtls_pkcs5_pbkdf2_hmac(mbedtls_md_context_t *ctx, const unsigned char *password, size_t plen,
                              const unsigned char *salt, size_t slen, unsigned int iteration_count,
                              uint32_t key_length, unsigned char *output);
#ifdef __cplusplus
}
#endif
#endif
