/* Host stub of the mbedTLS message-digest API used by the port (mbedTLS 2.28, ESP-IDF 4.4). */
#ifndef INKPIN_STUB_MBEDTLS_MD_H
#define INKPIN_STUB_MBEDTLS_MD_H
#ifdef __cplusplus
extern "C" {
#endif
typedef enum { MBEDTLS_MD_NONE = 0, MBEDTLS_MD_SHA256 = 6 } mbedtls_md_type_t;
typedef struct mbedtls_md_info_t mbedtls_md_info_t;
typedef struct {
    const mbedtls_md_info_t *md_info;
    void *md_ctx;
    void *hmac_ctx;
} mbedtls_md_context_t;
const mbedtls_md_info_t *mbedtls_md_info_from_type(mbedtls_md_type_t md_type);
void mbedtls_md_init(mbedtls_md_context_t *ctx);
int mbedtls_md_setup(mbedtls_md_context_t *ctx, const mbedtls_md_info_t *md_info, int hmac);
void mbedtls_md_free(mbedtls_md_context_t *ctx);
#ifdef __cplusplus
}
#endif
#endif
