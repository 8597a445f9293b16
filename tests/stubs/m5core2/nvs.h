/* Host stub of ESP-IDF's nvs.h (the calls examples/M5Core2Lock makes). */
#ifndef INKPIN_STUB_NVS_H
#define INKPIN_STUB_NVS_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL (-1)
#define ESP_ERR_NVS_BASE 0x1100
#define ESP_ERR_NVS_NOT_FOUND (ESP_ERR_NVS_BASE + 0x02)
#define ESP_ERR_NVS_INVALID_LENGTH (ESP_ERR_NVS_BASE + 0x0c)
typedef uint32_t nvs_handle_t;
typedef enum { NVS_READONLY, NVS_READWRITE } nvs_open_mode_t;
esp_err_t nvs_open(const char *name, nvs_open_mode_t mode, nvs_handle_t *out);
esp_err_t nvs_get_blob(nvs_handle_t h, const char *key, void *out, size_t *length);
esp_err_t nvs_set_blob(nvs_handle_t h, const char *key, const void *value, size_t length);
esp_err_t nvs_commit(nvs_handle_t h);
#ifdef __cplusplus
}
#endif
#endif
