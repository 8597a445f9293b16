/* Host stub of the Arduino core API used by examples/M5Core2Lock (compile check only). */
#ifndef INKPIN_STUB_ARDUINO_H
#define INKPIN_STUB_ARDUINO_H
#include <stddef.h>
#include <stdint.h>

#define OUTPUT 1
#define INPUT 0
#define HIGH 1
#define LOW 0
unsigned long millis(void);
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t level);
void delay(unsigned long ms);

class HardwareSerial
{
  public:
    void begin(unsigned long baud);
    size_t println(const char *s);
    int printf(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
};
extern HardwareSerial Serial;
#endif
