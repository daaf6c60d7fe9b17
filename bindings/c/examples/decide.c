/*
 * decide: a C program over caliper's C ABI.
 *
 *   decide CASES.jsonl            one case document a line in, one decision document a line out
 *   decide --threads N CASES.jsonl  the same cases decided on N threads sharing one handle; each
 *                                 thread's documents must equal the first thread's
 *   decide --review REQUESTS.jsonl  one review request (a case with "proposed") a line in, one
 *                                 review document a line out (偏离审查)
 *   decide --hostile              NULL pointers, bytes that are not UTF-8, malformed JSON, a freed
 *                                 handle: each must give an error document, never a crash
 *
 * Build: cc -o decide decide.c -I../include -L<target dir> -lcaliper_ffi -lpthread
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caliper.h"

#define MAX_CASES 1024 /* cases read from one file */
#define MAX_LINE 65536 /* bytes in one case document */

static char *cases[MAX_CASES];
static size_t case_count;

static int read_cases(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "无法打开 %s\n", path);
        return -1;
    }
    static char line[MAX_LINE];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n == 0) {
            continue;
        }
        if (case_count == MAX_CASES) {
            fprintf(stderr, "案件超过 %d 件\n", MAX_CASES);
            fclose(f);
            return -1;
        }
        cases[case_count] = malloc(n + 1);
        memcpy(cases[case_count], line, n + 1);
        case_count++;
    }
    fclose(f);
    return 0;
}

static void free_cases(void) {
    for (size_t i = 0; i < case_count; i++) {
        free(cases[i]);
    }
}

static CaliperRules *load(void) {
    char *error = NULL;
    CaliperRules *rules = caliper_rules_embedded(&error);
    if (rules == NULL) {
        fprintf(stderr, "规则集未能加载：%s\n", error);
        caliper_string_free(error);
    }
    return rules;
}

struct job {
    CaliperRules *rules;
    char **out;
};

static void *decide_all(void *arg) {
    struct job *job = arg;
    for (size_t i = 0; i < case_count; i++) {
        job->out[i] = caliper_decide(job->rules, cases[i]);
    }
    return NULL;
}

static int run_threads(CaliperRules *rules, int threads) {
    pthread_t ids[64];
    struct job jobs[64];
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "线程数须在 1 到 64 之间\n");
        return 1;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t].rules = rules;
        jobs[t].out = calloc(case_count, sizeof(char *));
        pthread_create(&ids[t], NULL, decide_all, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
    }
    int status = 0;
    for (size_t i = 0; i < case_count; i++) {
        for (int t = 1; t < threads; t++) {
            if (strcmp(jobs[0].out[i], jobs[t].out[i]) != 0) {
                fprintf(stderr, "第 %zu 件：线程 %d 的决定与线程 0 不同\n", i + 1, t);
                status = 1;
            }
        }
        puts(jobs[0].out[i]);
    }
    for (int t = 0; t < threads; t++) {
        for (size_t i = 0; i < case_count; i++) {
            caliper_string_free(jobs[t].out[i]);
        }
        free(jobs[t].out);
    }
    return status;
}

/* Prints the document and checks that it is an error document with the given code. */
static int expect_error(const char *what, char *doc, const char *code) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"code\":\"%s\"", code);
    int ok = doc != NULL && strstr(doc, "\"error\":{") != NULL && strstr(doc, needle) != NULL &&
             strstr(doc, "\"outcome\"") == NULL;
    printf("%s %s: %s\n", ok ? "ok" : "FAILED", what, doc != NULL ? doc : "(NULL)");
    caliper_string_free(doc);
    return ok ? 0 : 1;
}

static int hostile(void) {
    int failed = 0;
    CaliperRules *rules = load();
    if (rules == NULL) {
        return 1;
    }
    failed += expect_error("NULL 案件", caliper_decide(rules, NULL), "B0701");
    failed += expect_error("NULL 句柄", caliper_decide(NULL, "{}"), "B0701");
    failed += expect_error("NULL 字节", caliper_decide_bytes(rules, NULL, 3), "B0701");
    const char not_utf8[] = "{\"violation\":\"XR-49-2\",\"case_id\":\"\xff\xfe\"}";
    failed += expect_error("非 UTF-8 字节", caliper_decide(rules, not_utf8), "E0504");
    failed += expect_error("非 UTF-8 字节（带长度）",
                           caliper_decide_bytes(rules, (const uint8_t *)not_utf8, strlen(not_utf8)),
                           "E0504");
    failed += expect_error("截断的 JSON", caliper_decide(rules, "{\"violation\":\"XR-49-2\","), "E0504");
    failed += expect_error("不是对象的 JSON", caliper_decide(rules, "[1,2,3]"), "E0504");
    failed += expect_error("空文本", caliper_decide(rules, ""), "E0504");
    failed += expect_error("未知的违法行为", caliper_decide(rules, "{\"violation\":\"XR-99\",\"facts\":{}}"),
                           "E0503");
    failed += expect_error("未声明的事实",
                           caliper_decide(rules, "{\"violation\":\"XR-49-2\",\"facts\":{\"volum_m3\":1}}"),
                           "E0501");
    failed += expect_error("伪造的句柄", caliper_decide((CaliperRules *)(uintptr_t)0xdeadbeef, "{}"), "B0702");

    failed += expect_error("审查：NULL 请求", caliper_review(rules, NULL), "B0701");
    failed += expect_error("审查：NULL 字节", caliper_review_bytes(rules, NULL, 3), "B0701");
    failed += expect_error("审查：非 UTF-8 字节",
                           caliper_review_bytes(rules, (const uint8_t *)not_utf8, strlen(not_utf8)), "E0504");
    failed += expect_error("审查：截断的 JSON", caliper_review(rules, "{\"violation\":"), "E0504");
    failed += expect_error("审查：缺少 proposed",
                           caliper_review(rules, "{\"violation\":\"XR-49-2\",\"facts\":{}}"), "E0504");

    char *error = NULL;
    failed += caliper_rules_load(NULL, &error) == NULL ? 0 : 1;
    failed += expect_error("NULL 路径", error, "B0701");
    error = NULL;
    failed += caliper_rules_load("/nonexistent/caliper-rules", &error) == NULL ? 0 : 1;
    failed += expect_error("不存在的路径", error, "B0705");
    error = NULL;
    failed += caliper_rules_from_sources("{\"main.rules\": 5}", "main.rules", &error) == NULL ? 0 : 1;
    failed += expect_error("files_json 不是文本", error, "B0705");
    error = NULL;
    failed += caliper_rules_from_sources("{\"main.rules\": \"违法行为 {\"}", "main.rules", &error) == NULL ? 0 : 1;
    failed += expect_error("有错误的规则", error, "B0704");
    failed += caliper_rules_from_sources("{}", "main.rules", NULL) == NULL ? 0 : 1;

    char *info = caliper_rules_info(rules);
    printf("info: %s\n", info);
    failed += strstr(info, "\"digest\":\"sha256:") != NULL ? 0 : 1;
    caliper_string_free(info);
    char *diags = caliper_rules_diagnostics(rules);
    failed += diags[0] == '[' ? 0 : 1;
    caliper_string_free(diags);
    printf("version: %s\n", caliper_version());

    failed += caliper_rules_free(rules) ? 0 : 1;
    failed += expect_error("释放后的句柄", caliper_decide(rules, "{}"), "B0702");
    failed += expect_error("释放后的句柄（审查）", caliper_review(rules, "{}"), "B0702");
    failed += expect_error("释放后的句柄（info）", caliper_rules_info(rules), "B0702");
    failed += caliper_rules_free(rules) ? 1 : 0; /* a second free is refused, not a double free */
    failed += caliper_rules_free(NULL) ? 1 : 0;
    caliper_string_free(NULL);
    printf("hostile inputs: %d check(s) failed\n", failed);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--hostile") == 0) {
        return hostile();
    }
    int threads = 0;
    int review = 0;
    const char *path = NULL;
    if (argc == 3 && strcmp(argv[1], "--review") == 0) {
        review = 1;
        path = argv[2];
    } else if (argc == 4 && strcmp(argv[1], "--threads") == 0) {
        threads = atoi(argv[2]);
        path = argv[3];
    } else if (argc == 2) {
        path = argv[1];
    } else {
        fprintf(stderr, "用法：decide CASES.jsonl | decide --threads N CASES.jsonl | decide --review REQUESTS.jsonl | decide --hostile\n");
        return 2;
    }
    if (read_cases(path) != 0) {
        free_cases();
        return 1;
    }
    CaliperRules *rules = load();
    if (rules == NULL) {
        free_cases();
        return 1;
    }
    int status = 0;
    if (threads > 0) {
        status = run_threads(rules, threads);
    } else {
        for (size_t i = 0; i < case_count; i++) {
            char *doc = review ? caliper_review(rules, cases[i]) : caliper_decide(rules, cases[i]);
            puts(doc);
            caliper_string_free(doc);
        }
    }
    caliper_rules_free(rules);
    free_cases();
    return status;
}
