/* Host stub of the M5Core2 library API used by examples/M5Core2Lock: the LCD
 * (fillRect, startWrite/endWrite), the touch panel (ispressed, getPressPoint),
 * begin/update. Signatures follow M5Core2 0.1.x. */
#ifndef INKPIN_STUB_M5CORE2_H
#define INKPIN_STUB_M5CORE2_H
#include "Arduino.h"

typedef struct {
    int x;
    int y;
} TouchPoint_t;

class M5Display
{
  public:
    void fillRect(int32_t x, int32_t y, int32_t w, int32_t h, uint32_t color);
    void startWrite(void);
    void endWrite(void);
};

class touch
{
  public:
    bool ispressed(void);
    TouchPoint_t getPressPoint(void);
};

class M5Core2
{
  public:
    void begin(bool LCDEnable = true, bool SDEnable = true, bool SerialEnable = true,
               bool I2CEnable = false);
    void update(void);
    M5Display Lcd;
    touch Touch;
};
extern M5Core2 M5;
#endif
