/* Host stub of the Arduino core API used by examples/UnoDoorLock. */
#ifndef INKPIN_STUB_UNO_ARDUINO_H
#define INKPIN_STUB_UNO_ARDUINO_H
#include <stddef.h>
#include <stdint.h>
#define OUTPUT 1
#define INPUT 0
#define HIGH 1
#define LOW 0
#define LED_BUILTIN 13
#define A0 14
unsigned long millis(void);
unsigned long micros(void);
int analogRead(uint8_t pin);
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t level);
class HardwareSerial
{
  public:
    void begin(unsigned long baud);
    int available(void);
    int read(void);
    size_t print(const char *s);
    size_t print(char c);
    size_t println(const char *s);
    size_t println(unsigned long v);
    size_t println(void);
};
extern HardwareSerial Serial;
#endif
