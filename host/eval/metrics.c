/* metrics.c - confusion matrix, accuracies, text table and JSON (metrics.h). */
#include "eval/metrics.h"

#include <math.h>
#include <string.h>

void metrics_init(metrics *m)
{
    memset(m, 0, sizeof *m);
}

int metrics_add(metrics *m, int truth, int pred)
{
    if (truth < 0 || truth >= METRICS_CLASSES || pred < 0 || pred >= METRICS_CLASSES)
        return 0;
    m->confusion[truth][pred]++;
    m->n++;
    return 1;
}

void metrics_merge(metrics *dst, const metrics *src)
{
    for (int t = 0; t < METRICS_CLASSES; t++)
        for (int p = 0; p < METRICS_CLASSES; p++)
            dst->confusion[t][p] += src->confusion[t][p];
    dst->n += src->n;
}

uint64_t metrics_correct(const metrics *m)
{
    uint64_t k = 0;
    for (int c = 0; c < METRICS_CLASSES; c++)
        k += m->confusion[c][c];
    return k;
}

uint64_t metrics_class_total(const metrics *m, int c)
{
    uint64_t k = 0;
    for (int p = 0; p < METRICS_CLASSES; p++)
        k += m->confusion[c][p];
    return k;
}

double metrics_accuracy(const metrics *m)
{
    return m->n ? (double)metrics_correct(m) / (double)m->n : 0.0;
}

double metrics_class_accuracy(const metrics *m, int c)
{
    uint64_t total = metrics_class_total(m, c);
    return total ? (double)m->confusion[c][c] / (double)total : NAN;
}

/* Width of the widest count, at least `min`: keeps the matrix columns aligned
 * whether the counts are 3 or 5 digits. */
static int count_width(const metrics *m, int min)
{
    uint64_t max = m->n;
    int w = 1;
    while (max >= 10) {
        max /= 10;
        w++;
    }
    return w > min ? w : min;
}

void metrics_print(FILE *f, const metrics *m)
{
    uint64_t correct = metrics_correct(m);
    fprintf(f, "accuracy %.2f%% (%llu of %llu)\n\n", 100.0 * metrics_accuracy(m),
            (unsigned long long)correct, (unsigned long long)m->n);
    int w = count_width(m, 5);
    fprintf(f, "class  %*s  %*s  accuracy\n", w, "n", w, "correct");
    for (int c = 0; c < METRICS_CLASSES; c++) {
        double a = metrics_class_accuracy(m, c);
        fprintf(f, "%5d  %*llu  %*llu  ", c, w, (unsigned long long)metrics_class_total(m, c),
                w > 7 ? w : 7, (unsigned long long)m->confusion[c][c]);
        if (isnan(a))
            fprintf(f, "%8s\n", "-");
        else
            fprintf(f, "%7.2f%%\n", 100.0 * a);
    }
    fprintf(f, "\nconfusion (rows: true digit, columns: predicted)\n");
    fprintf(f, "true\\pred");
    for (int p = 0; p < METRICS_CLASSES; p++)
        fprintf(f, " %*d", w, p);
    fprintf(f, "\n");
    for (int t = 0; t < METRICS_CLASSES; t++) {
        fprintf(f, "%9d", t);
        for (int p = 0; p < METRICS_CLASSES; p++)
            fprintf(f, " %*llu", w, (unsigned long long)m->confusion[t][p]);
        fprintf(f, "\n");
    }
}

int metrics_add_json(const metrics *m, cJSON *obj)
{
    if (!cJSON_AddNumberToObject(obj, "n", (double)m->n) ||
        !cJSON_AddNumberToObject(obj, "accuracy", metrics_accuracy(m)))
        return -1;
    cJSON *per = cJSON_AddArrayToObject(obj, "per_class");
    if (!per)
        return -1;
    for (int c = 0; c < METRICS_CLASSES; c++) {
        double a = metrics_class_accuracy(m, c);
        cJSON *v = isnan(a) ? cJSON_CreateNull() : cJSON_CreateNumber(a);
        if (!v || !cJSON_AddItemToArray(per, v))
            return -1;
    }
    cJSON *conf = cJSON_AddArrayToObject(obj, "confusion");
    if (!conf)
        return -1;
    for (int t = 0; t < METRICS_CLASSES; t++) {
        cJSON *row = cJSON_CreateArray();
        if (!row || !cJSON_AddItemToArray(conf, row))
            return -1;
        for (int p = 0; p < METRICS_CLASSES; p++) {
            cJSON *v = cJSON_CreateNumber((double)m->confusion[t][p]);
            if (!v || !cJSON_AddItemToArray(row, v))
                return -1;
        }
    }
    return 0;
}
