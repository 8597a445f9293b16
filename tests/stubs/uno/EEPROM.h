/* Host stub of the Arduino EEPROM library (1 KB, like the ATmega328P's). */
#ifndef INKPIN_STUB_UNO_EEPROM_H
#define INKPIN_STUB_UNO_EEPROM_H
#include <stdint.h>
class EEPROMClass
{
  public:
    uint8_t read(int addr);
    void update(int addr, uint8_t value);
};
extern EEPROMClass EEPROM;
#endif
