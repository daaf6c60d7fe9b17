package caliper;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Java binding's test, run by the Rust test {@code bindings/c/tests/java.rs}: prints the
 * decision of each case of CASES.jsonl on its own line, then the review of each request of
 * REQUESTS.jsonl (both compared byte for byte with the library's), after checking that four threads sharing one {@code Rules} agree and that hostile inputs give
 * error documents. Exit status 1 on any failure.
 */
public final class BindingTest {
    private static int failures = 0;

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("FAILED: " + what);
            failures++;
        }
    }

    private static List<String> lines(String path) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(path), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        List<String> cases = lines(args[0]);
        List<String> requests = lines(args[1]);
        Rules rules = Rules.embedded();
        List<String> decisions = new ArrayList<>();
        for (String c : cases) {
            decisions.add(rules.decideJson(c));
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            runs.add(pool.submit(() -> {
                List<String> got = new ArrayList<>();
                for (String c : cases) {
                    got.add(rules.decideJson(c));
                }
                return got;
            }));
        }
        for (Future<List<String>> run : runs) {
            check(run.get().equals(decisions), "four threads on one Rules agree with one thread");
        }
        pool.shutdown();

        check(Rules.errorCode(decisions.get(0)) == null, "a decision is not an error document");
        check("E0504".equals(Rules.errorCode(rules.decideJson("{\"violation\":"))), "malformed JSON");
        check("E0504".equals(Rules.errorCode(rules.decideJson(""))), "empty text");
        check("E0501".equals(Rules.errorCode(
                rules.decideJson("{\"violation\":\"XR-49-2\",\"facts\":{\"volum_m3\":1}}"))), "unknown fact");
        check("E0503".equals(Rules.errorCode(rules.decideJson("{\"violation\":\"XR-99\"}"))), "unknown code");
        check(rules.info().contains("\"digest\":\"sha256:"), "info has the digest");
        check(rules.diagnostics().startsWith("["), "diagnostics are a JSON array");
        check(!Rules.version().isEmpty(), "a version");
        try {
            Rules.fromSources("{\"main.rules\":\"违法行为 {\"}", "main.rules");
            check(false, "rules with errors throw");
        } catch (CaliperException e) {
            check("B0704".equals(e.code()), "rules with errors: B0704, got " + e.code());
            check(e.document().contains("\"diagnostics\":[{\"code\":\"S0101\""), "the diagnostics come along");
        }
        try {
            Rules.load(Path.of("/nonexistent/caliper-rules"));
            check(false, "a missing directory throws");
        } catch (CaliperException e) {
            check("B0705".equals(e.code()), "a missing directory: B0705, got " + e.code());
        }
        List<String> reviews = new ArrayList<>();
        for (String r : requests) {
            reviews.add(rules.reviewJson(r));
        }
        check(reviews.get(0).startsWith("{\"decision\":"), "a review holds the decision");
        check("E0504".equals(Rules.errorCode(rules.reviewJson("{\"violation\":"))), "review: malformed JSON");

        Rules freed = Rules.embedded();
        freed.close();
        check("B0702".equals(Rules.errorCode(freed.decideJson(cases.get(0)))), "a freed Rules gives B0702");
        check("B0702".equals(Rules.errorCode(freed.reviewJson(requests.get(0)))), "a freed Rules gives B0702 on review");
        freed.close();

        for (String d : decisions) {
            out.println(d);
        }
        for (String r : reviews) {
            out.println(r);
        }
        rules.close();
        System.exit(failures == 0 ? 0 : 1);
    }
}
