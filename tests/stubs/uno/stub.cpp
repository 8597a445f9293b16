/* stub.cpp - host implementations of the Arduino/EEPROM/Crypto calls that
 * examples/UnoDoorLock makes, and a harness that types on its serial port,
 * advances its clock, cuts its power and watches the door pin. Used by
 * tests/uno_door_stub.sh only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>

#include <sodium.h>

#include "Arduino.h"
#include "EEPROM.h"
#include "SHA256.h"

static unsigned long now_ms;
static std::string serial_in, serial_out;
static uint8_t eeprom[1024];
static int pin_level[20];
static bool pin_output[20];
static long eeprom_writes;

HardwareSerial Serial;
EEPROMClass EEPROM;

unsigned long millis(void)
{
    return now_ms;
}
unsigned long micros(void)
{
    return now_ms * 1000ul + (unsigned long)(rand() % 1000);
}
int analogRead(uint8_t)
{
    return rand() % 1024;
}
void pinMode(uint8_t pin, uint8_t mode)
{
    if (pin < 20)
        pin_output[pin] = mode == OUTPUT;
}
void digitalWrite(uint8_t pin, uint8_t level)
{
    if (pin < 20 && pin_output[pin])
        pin_level[pin] = level;
}
void HardwareSerial::begin(unsigned long)
{
}
int HardwareSerial::available(void)
{
    return (int)serial_in.size();
}
int HardwareSerial::read(void)
{
    if (serial_in.empty())
        return -1;
    int c = (unsigned char)serial_in[0];
    serial_in.erase(0, 1);
    return c;
}
size_t HardwareSerial::print(const char *s)
{
    serial_out += s;
    return strlen(s);
}
size_t HardwareSerial::print(char c)
{
    serial_out += c;
    return 1;
}
size_t HardwareSerial::println(const char *s)
{
    serial_out += s;
    serial_out += '\n';
    return strlen(s) + 1;
}
size_t HardwareSerial::println(unsigned long v)
{
    serial_out += std::to_string(v) + "\n";
    return 1;
}
size_t HardwareSerial::println(void)
{
    serial_out += '\n';
    return 1;
}

uint8_t EEPROMClass::read(int addr)
{
    return addr >= 0 && addr < 1024 ? eeprom[addr] : 0xFF;
}
void EEPROMClass::update(int addr, uint8_t v)
{
    if (addr >= 0 && addr < 1024 && eeprom[addr] != v) {
        eeprom[addr] = v;
        eeprom_writes++;
    }
}

void SHA256::update(const void *data, size_t len)
{
    if (hmac_)
        crypto_auth_hmacsha256_update(&mac_, (const unsigned char *)data, len);
    else
        crypto_hash_sha256_update(&hash_, (const unsigned char *)data, len);
}
void SHA256::finalize(void *hash, size_t len)
{
    unsigned char out[32];
    crypto_hash_sha256_final(&hash_, out);
    memcpy(hash, out, len < 32 ? len : 32);
    crypto_hash_sha256_init(&hash_);
}
void SHA256::resetHMAC(const void *key, size_t keyLen)
{
    crypto_auth_hmacsha256_init(&mac_, (const unsigned char *)key, keyLen);
    hmac_ = true;
}
void SHA256::finalizeHMAC(const void *, size_t, void *hash, size_t hashLen)
{
    unsigned char out[32];
    crypto_auth_hmacsha256_final(&mac_, out);
    memcpy(hash, out, hashLen < 32 ? hashLen : 32);
    hmac_ = false;
}
void SHA256::clear(void)
{
    sodium_memzero(&mac_, sizeof mac_);
    crypto_hash_sha256_init(&hash_);
}

/* ---- harness ----------------------------------------------------------------------- */

void setup();
void loop();

static int failures;
static void expect(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "uno stub: FAIL: %s\n", what);
        failures++;
    }
}

static void run_ms(unsigned long ms)
{
    unsigned long end = now_ms + ms;
    while (now_ms < end) {
        loop();
        now_ms += 10;
    }
}

static void type(const char *keys)
{
    serial_in += keys;
    run_ms(100);
}

/* Power on: the pins float (inputs) until setup() drives them. */
static void power_on(void)
{
    memset(pin_level, 0xFF, sizeof pin_level);
    memset(pin_output, 0, sizeof pin_output);
    serial_in.clear();
    setup();
    expect(pin_output[8] && pin_level[8] == LOW, "door pin 8 is an output, low, after setup()");
}

static bool said(const char *s)
{
    return serial_out.find(s) != std::string::npos;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 1;
    if (argc == 2 && strcmp(argv[1], "--kdf") == 0) { /* for the reference check */
        extern int uno_kdf_for_test(uint8_t *, const char *, size_t, const uint8_t *);
        uint8_t salt[16], hash[32];
        for (int i = 0; i < 16; i++)
            salt[i] = (uint8_t)i;
        uno_kdf_for_test(hash, "2580", 4, salt);
        for (int i = 0; i < 32; i++)
            printf("%02x", hash[i]);
        printf("\n");
        return 0;
    }
    memset(eeprom, 0xFF, sizeof eeprom); /* a new chip */
    power_on();
    expect(said("NO PIN"), "a fresh EEPROM: no PIN");
    type("2580#");
    type("2580#");
    expect(said("UNLOCKED"), "PIN set: unlocked");
    expect(pin_level[8] == HIGH && pin_level[13] == HIGH, "door pin high while UNLOCKED");
    run_ms(9000);
    expect(pin_level[8] == HIGH, "still open before the relock time");
    run_ms(1500);
    expect(pin_level[8] == LOW, "relocked after 10 s");
    type("2580#");
    expect(pin_level[8] == HIGH, "the right PIN opens");
    type("L");
    expect(pin_level[8] == LOW, "L locks");
    for (int i = 0; i < 5; i++) {
        type("1111#");
        expect(pin_level[8] == LOW, "a wrong PIN never opens");
    }
    expect(said("wait s: 30"), "the fifth wrong PIN costs 30 s");
    /* Power cut during the wait: off at boot, the wait survives. */
    pin_level[8] = HIGH; /* whatever the pin did, a reset makes it float */
    serial_out.clear();
    power_on();
    expect(said("LOCKED"), "boots LOCKED");
    type("2580#");
    expect(pin_level[8] == LOW && said("wait s:"), "the wait survives the power cut");
    run_ms(31000);
    type("2580#");
    expect(pin_level[8] == HIGH, "the right PIN opens after the wait");
    /* Power cut while open: off at boot. */
    power_on();
    expect(pin_level[8] == LOW, "a power cut while open: off after boot");
    expect(!said("2580") && !said("1111"), "no PIN digit on the serial port");
    printf("uno stub: %ld EEPROM byte writes\n", eeprom_writes);
    printf("uno stub: serial output:\n%s", serial_out.c_str());
    if (failures == 0)
        printf("uno stub: PASS\n");
    return failures == 0 ? 0 : 1;
}
