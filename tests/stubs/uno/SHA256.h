/* Host stub of SHA256 from Rhys Weatherley's Arduino "Crypto" library (the
 * calls examples/UnoDoorLock makes), on libsodium's SHA-256 and HMAC-SHA256. */
#ifndef INKPIN_STUB_UNO_SHA256_H
#define INKPIN_STUB_UNO_SHA256_H
#include <stddef.h>
#include <sodium.h>
class SHA256
{
  public:
    SHA256()
    {
        crypto_hash_sha256_init(&hash_);
        hmac_ = false;
    }
    void update(const void *data, size_t len);
    void finalize(void *hash, size_t len);
    void resetHMAC(const void *key, size_t keyLen);
    void finalizeHMAC(const void *key, size_t keyLen, void *hash, size_t hashLen);
    void clear(void);

  private:
    crypto_hash_sha256_state hash_;
    crypto_auth_hmacsha256_state mac_;
    bool hmac_;
};
#endif
