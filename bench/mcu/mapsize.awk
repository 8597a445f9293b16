# mapsize.awk - bytes per (group, kind) from a GNU ld map file, counting only
# input sections that were linked (the memory map part, not the discarded list).
#   awk -f mapsize.awk fw.map  ->  lines "group kind bytes"
# group: recognizer (ink.o, net.o, the model's .o), runtime (libgcc, libc),
#        other (startup, benchmark, sample). kind: text, rodata, data, bss.
# The kind comes from the input section name (AVR keeps constants in .text
# as .progmem*, RISC-V uses .srodata/.sdata/.sbss), except that whatever sits
# in a RAM output section (.data, .bss) counts as data or bss.
function kind_of(sec) {
    if (sec ~ /^\.(progmem|rodata|srodata)/) return "rodata"
    if (sec ~ /^\.(text|init|fini|vectors|ctors|dtors|trampolines|jumptables|lowtext|isr_vector)/) return "text"
    if (sec ~ /^\.(data|sdata)/) return "data"
    if (sec ~ /^\.(bss|sbss|noinit)/ || sec == "COMMON") return "bss"
    return ""
}
function group_of(file) {
    if (file ~ /(^|\/)(ink|net|[a-z0-9_]*model[a-z0-9_]*)\.o$/) return "recognizer"
    if (file ~ /lib(gcc|c|c_nano|m|atmega328p)\.a\(/) return "runtime"
    return "other"
}
function add(sec, size, file,   k) {
    k = kind_of(sec)
    # What lands in a RAM output section costs RAM whatever its input name
    # (AVR copies .rodata into .data).
    if (out ~ /^\.(data|sdata)/ && k != "") k = "data"
    if (out ~ /^\.(bss|sbss|noinit)/ && k != "") k = "bss"
    if (k == "" || size == 0) return
    bytes[group_of(file) " " k] += size
}
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
# an output section starts at column 0
/^\.[A-Za-z_]/ { out = $1 }
# " .sec  0xADDR  0xSIZE  file" on one line
/^ [.A-Za-z_][^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / {
    add($1, strtonum_hex($3), $4); pending = ""; next
}
# " .long.section.name" alone, then "   0xADDR  0xSIZE  file"
/^ [.A-Za-z_][^ ]*$/ { pending = $1; next }
/^ +0x[0-9a-f]+ +0x[0-9a-f]+ [^ ]/ && pending != "" {
    add(pending, strtonum_hex($2), $3); pending = ""; next
}
{ pending = "" }
function strtonum_hex(h,   i, c, v) {
    v = 0
    h = tolower(substr(h, 3))
    for (i = 1; i <= length(h); i++) {
        c = index("0123456789abcdef", substr(h, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
END { for (k in bytes) print k, bytes[k] }
