/*
 * make_big_csv: writes a CSV of about SIZE bytes with unique rows, fast enough for the streaming
 * check of issue 15 ("reading a 10 GB CSV streams, with progress"):
 *
 *   gcc -O2 -o /tmp/make_big_csv scripts/bench/make_big_csv.c
 *   /tmp/make_big_csv 10737418240 > /big/ten.csv      # 10 GiB, ~115 million rows
 *   /usr/bin/time -v mldeck datasets add ten /big/ten.csv
 *
 * Columns: id (unique integer), amount (float), count (small integer), plan (one of 5 labels),
 * region (one of 40 labels), score (float with missing values), note (text, 1,000 distinct).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: make_big_csv SIZE_IN_BYTES\n"); return 2; }
    long long want = atoll(argv[1]);
    static const char *plans[] = {"basic", "plus", "pro", "team", "enterprise"};
    static char buffer[1 << 20];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    long long written = printf("id,amount,count,plan,region,score,note\n");
    for (long long id = 1; written < want; id++) {
        uint64_t r = next();
        int n;
        if (r % 17 == 0) {
            n = printf("%lld,%.2f,%u,%s,region-%u,,note %u\n", id, (double)(r % 1000000) / 100.0, (unsigned)(r >> 20) % 50,
                       plans[(r >> 8) % 5], (unsigned)(r >> 32) % 40, (unsigned)(r >> 40) % 1000);
        } else {
            n = printf("%lld,%.2f,%u,%s,region-%u,%.4f,note %u\n", id, (double)(r % 1000000) / 100.0, (unsigned)(r >> 20) % 50,
                       plans[(r >> 8) % 5], (unsigned)(r >> 32) % 40, (double)((r >> 16) % 100000) / 99999.0,
                       (unsigned)(r >> 40) % 1000);
        }
        if (n < 0) { perror("make_big_csv"); return 1; }
        written += n;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
