/* main.c - a program that uses inkpin as an installed library: it draws a
 * digit as touch strokes, renders them with ink, runs the default model and
 * prints "digit confidence" (confidence in units of 1/32768) and whether the
 * device would accept it. With --ndjson it prints its drawing instead, in the
 * strokes format of `inkpin classify`, so a test can compare the two. */
#include <stdio.h>
#include <string.h>

#include <inkpin.h>

/* A "7": a bar and a slanted stem, then a cross bar; -1 ends a stroke. */
static const int drawing[] = {
    60,  62,  80,  61,  100, 60,  120, 60,  140, 59,  160, 60,  178, 62,  -1,  176, 66,  165, 90,
    152, 118, 140, 146, 128, 174, 118, 200, -1,  105, 130, 125, 129, 145, 130, 165, 131, -1,
};

static void print_ndjson(void)
{
    size_t i, n = sizeof drawing / sizeof drawing[0];
    int first_point = 1;
    printf("{\"strokes\":[[");
    for (i = 0; i < n; i++) {
        if (drawing[i] < 0) {
            printf(i + 1 < n ? "],[" : "");
            first_point = 1;
            continue;
        }
        printf("%s[%d,%d]", first_point ? "" : ",", drawing[i], drawing[i + 1]);
        first_point = 0;
        i++;
    }
    printf("]]}\n");
}

int main(int argc, char **argv)
{
    static ink_buffer ink;
    static uint8_t image[NET_IMAGE_BYTES];
    static uint8_t arena[NET_ARENA_BYTES];
    net_result result;
    ink_shape shape;
    size_t i, n = sizeof drawing / sizeof drawing[0];
    int pen_down = 0;

    if (argc > 1 && strcmp(argv[1], "--ndjson") == 0) {
        print_ndjson();
        return 0;
    }
    ink_reset(&ink);
    for (i = 0; i < n; i++) {
        if (drawing[i] < 0) {
            ink_pen_up(&ink);
            pen_down = 0;
            continue;
        }
        if (pen_down)
            ink_pen_move(&ink, drawing[i], drawing[i + 1]);
        else
            ink_pen_down(&ink, drawing[i], drawing[i + 1]);
        pen_down = 1;
        i++;
    }
    if (ink_render_shape(&ink, image, &shape) != INK_OK) {
        printf("no digit\n");
        return 1;
    }
    if (net_run(net_default_model(), image, arena, sizeof arena, &result) != NET_OK) {
        printf("engine error\n");
        return 1;
    }
    printf("inkpin %s: %d %u %s\n", INKPIN_VERSION, result.digit,
           (unsigned)result.confidence[result.digit],
           result.confidence[result.digit] >= ink_conf_needed(&shape, NET_REJECT_CONF)
               ? "accepted"
               : "draw again");
    return 0;
}
