/* kdf.c - Argon2id PIN hash and random bytes for host ports. See kdf.h. */
#include "platform/kdf.h"

#include <sodium.h>

const kdf_params kdf_host_params = {KDF_HOST_OPSLIMIT, KDF_HOST_MEMLIMIT};

int kdf_argon2id(const kdf_params *p, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin,
                 size_t pin_len, const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    /* crypto_pwhash's salt size is fixed at 16 bytes: the HAL's salt must match. */
    _Static_assert(HAL_KDF_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");
    if (!p || !hash || (!pin && pin_len) || !salt || sodium_init() < 0)
        return -1;
    if (crypto_pwhash(hash, HAL_KDF_HASH_BYTES, pin, pin_len, salt, p->opslimit, p->memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return -1;
    return 0;
}

int kdf_hal_argon2id(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                     const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    return kdf_argon2id(&kdf_host_params, hash, pin, pin_len, salt);
}

int kdf_hal_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(buf, n);
    return 0;
}
