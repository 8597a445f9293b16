/* Host stub of ESP-IDF's esp_system.h (esp_fill_random). */
#ifndef INKPIN_STUB_ESP_SYSTEM_H
#define INKPIN_STUB_ESP_SYSTEM_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void esp_fill_random(void *buf, size_t len);
#ifdef __cplusplus
}
#endif
#endif
