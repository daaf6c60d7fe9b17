package caliper;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caliper rule set, loaded once and shared: {@link #decideJson} may be called from any number of
 * threads at once. JSON text in, JSON text out, the documents of the library's contract.
 *
 * <p>The rule set lives in native memory until {@link #close}; a {@code Rules} used after close
 * gives the error document {@code B0702}, never a crash.
 *
 * <pre>{@code
 * try (Rules rules = Rules.embedded()) {
 *     String decision = rules.decideJson("{\"violation\":\"XR-49-2\",\"facts\":{...}}");
 * }
 * }</pre>
 */
public final class Rules implements AutoCloseable {
    /** The C ABI of {@code libcaliper_ffi}, as JNA binds it (64-bit: {@code size_t} is a long). */
    interface Abi extends Library {
        Pointer caliper_version();

        Pointer caliper_rules_embedded(PointerByReference error);

        Pointer caliper_rules_load(byte[] path, PointerByReference error);

        Pointer caliper_rules_from_sources(byte[] filesJson, byte[] root, PointerByReference error);

        boolean caliper_rules_free(Pointer rules);

        Pointer caliper_decide_bytes(Pointer rules, byte[] caseJson, long len);

        Pointer caliper_review_bytes(Pointer rules, byte[] requestJson, long len);

        Pointer caliper_rules_info(Pointer rules);

        Pointer caliper_rules_diagnostics(Pointer rules);

        void caliper_string_free(Pointer s);
    }

    private static final Abi ABI = Native.load("caliper_ffi", Abi.class);

    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z][0-9]{4})\"");

    private final Pointer handle;

    private Rules(Pointer handle) {
        this.handle = handle;
    }

    /** The rule set embedded in the library (the shipped model rule set). */
    public static Rules embedded() {
        PointerByReference error = new PointerByReference();
        return made(ABI.caliper_rules_embedded(error), error);
    }

    /** The rule set whose root is {@code path}: a directory holding {@code main.rules}, or a file. */
    public static Rules load(Path path) {
        PointerByReference error = new PointerByReference();
        return made(ABI.caliper_rules_load(cString(path.toString()), error), error);
    }

    /**
     * A rule set from texts in memory: {@code filesJson} is a JSON object from path to text, {@code
     * root} the root file's path.
     */
    public static Rules fromSources(String filesJson, String root) {
        PointerByReference error = new PointerByReference();
        return made(ABI.caliper_rules_from_sources(cString(filesJson), cString(root), error), error);
    }

    /** The engine's version. */
    public static String version() {
        return ABI.caliper_version().getString(0, "UTF-8");
    }

    /**
     * Decides a case: the case document in, the decision document (or an error document {@code
     * {"error":{...}}}) out. Never throws for a bad case.
     */
    public String decideJson(String caseJson) {
        byte[] bytes = caseJson.getBytes(StandardCharsets.UTF_8);
        return taken(ABI.caliper_decide_bytes(handle, bytes, bytes.length));
    }

    /**
     * Reviews the decision an officer proposes (偏离审查): a case document with a {@code proposed}
     * member ({@code {"violation":…,"facts":{…},"proposed":{"outcome":…,"fine":…,"penalties":[…]}}})
     * in, {@code {"decision":{…},"review":{…}}} (or an error document) out. Never throws for a bad
     * request.
     */
    public String reviewJson(String requestJson) {
        byte[] bytes = requestJson.getBytes(StandardCharsets.UTF_8);
        return taken(ABI.caliper_review_bytes(handle, bytes, bytes.length));
    }

    /** The rule set's name, version, digest and number of warnings, as JSON. */
    public String info() {
        return taken(ABI.caliper_rules_info(handle));
    }

    /** The warnings found when the rule set loaded, as a JSON array of diagnostics. */
    public String diagnostics() {
        return taken(ABI.caliper_rules_diagnostics(handle));
    }

    /** Releases the native rule set; later calls give the error document {@code B0702}. */
    @Override
    public void close() {
        ABI.caliper_rules_free(handle);
    }

    /**
     * The error code of an error document ({@code {"error":{...}}}, or a rule set's {@code
     * {"diagnostics":[...],"error":{...}}}), or null for a decision.
     */
    public static String errorCode(String document) {
        int from;
        if (document.startsWith("{\"error\":")) {
            from = 0;
        } else if (document.startsWith("{\"diagnostics\":")) {
            from = document.lastIndexOf(",\"error\":{");
        } else {
            return null;
        }
        Matcher m = CODE.matcher(document);
        return from >= 0 && m.find(from) ? m.group(1) : null;
    }

    private static Rules made(Pointer handle, PointerByReference error) {
        if (handle == null) {
            String document = taken(error.getValue());
            throw new CaliperException(errorCode(document), document);
        }
        return new Rules(handle);
    }

    private static String taken(Pointer p) {
        if (p == null) {
            return "{\"error\":{\"at\":\"\",\"code\":\"B0703\",\"message\":\"引擎没有返回文档\"}}";
        }
        try {
            return p.getString(0, "UTF-8");
        } finally {
            ABI.caliper_string_free(p);
        }
    }

    private static byte[] cString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }
}
