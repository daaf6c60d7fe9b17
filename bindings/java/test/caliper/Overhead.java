package caliper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Timing by hand (not a test): the cost of one {@code decideJson} call through JNA, the best of
 * several rounds after warm-up; compare with {@code cargo bench -p caliper-ffi --bench overhead}.
 *
 * <pre>java -cp /usr/share/java/jna.jar:classes -Djna.library.path=target/release caliper.Overhead examples/xr-49-2-individual.json</pre>
 */
public final class Overhead {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        final int calls = 20_000;
        try (Rules rules = Rules.embedded()) {
            long sink = 0;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 10; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    sink += rules.decideJson(text).length();
                }
                best = Math.min(best, (System.nanoTime() - t) / (double) calls);
            }
            System.out.printf("decideJson: %.2f µs/call (%d)%n", best / 1000.0, sink % 7);
        }
    }
}
