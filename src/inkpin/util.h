/* util.h - the small byte-level helpers every inkpin module shares.
 *
 * WHAT IT DOES
 *   One owner for what the library and the host tools would otherwise write
 *   again in each file:
 *     - CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320: the zlib one),
 *       bitwise, so it costs no 1 KB table on a microcontroller;
 *     - little-endian readers and writers of 16- and 32-bit integers, so bytes
 *       are never cast to structs and the byte order is the same on every CPU;
 *     - a wipe through a volatile pointer that the compiler cannot drop as a
 *       dead store (secrets: PIN digits, hashes, salts);
 *     - a constant-time comparison whose running time depends only on the
 *       length, never on the contents (PIN hashes).
 *
 * MEMORY AND COST
 *   No globals, no tables, no allocation. util_crc32 does 8 shift/xor steps
 *   per byte; the others touch each byte once.
 *
 * API
 *   uint32_t util_crc32(uint32_t crc, const uint8_t *p, size_t n);
 *       crc of p[0..n) continuing from crc (0 to start): the value zlib's
 *       crc32(crc, p, n) returns, so a long buffer may be fed in pieces.
 *   uint16_t util_get_le16(const uint8_t *p);   uint32_t util_get_le32(const uint8_t *p);
 *   void     util_put_le16(uint8_t *p, uint16_t v);  void util_put_le32(uint8_t *p, uint32_t v);
 *   void     util_wipe(void *p, size_t n);      zeroes n bytes, never optimised away
 *   int      util_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);
 *       1 when a[0..n) == b[0..n), else 0, in time independent of the bytes.
 *
 * RETURN CONVENTION
 *   No error codes. The one exception to the library's NULL policy
 *   (docs/design.md): pointers must be valid for n bytes (n = 0 touches
 *   nothing); these byte helpers run inside other modules' loops on buffers
 *   their callers own, so they do not check for NULL.
 */
#ifndef INKPIN_UTIL_H
#define INKPIN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t util_crc32(uint32_t crc, const uint8_t *p, size_t n);

uint16_t util_get_le16(const uint8_t *p);
uint32_t util_get_le32(const uint8_t *p);
void util_put_le16(uint8_t *p, uint16_t v);
void util_put_le32(uint8_t *p, uint32_t v);

void util_wipe(void *p, size_t n);
int util_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

#ifdef __cplusplus
}
#endif

#endif
