package caliper;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Decides the case in the file given: {@code java caliper.Example examples/xr-49-2-individual.json}. */
public final class Example {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        try (Rules rules = Rules.embedded()) {
            String decision = rules.decideJson(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
            String code = Rules.errorCode(decision);
            out.println(decision);
            System.exit(code == null ? 0 : 2);
        }
    }
}
