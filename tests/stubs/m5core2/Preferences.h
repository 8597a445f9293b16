/* Host stub of the ESP32 Arduino Preferences (NVS) API used by the port. */
#ifndef INKPIN_STUB_PREFERENCES_H
#define INKPIN_STUB_PREFERENCES_H
#include <stddef.h>

class Preferences {
public:
    bool begin(const char *name, bool readOnly = false, const char *partition_label = NULL);
    void end(void);
    size_t putBytes(const char *key, const void *value, size_t len);
    size_t getBytesLength(const char *key);
    size_t getBytes(const char *key, void *buf, size_t maxLen);
};
#endif
