// The consumer compiled as C++11 (main.c is written in the common subset).
#include "main.c"
