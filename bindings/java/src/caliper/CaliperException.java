package caliper;

/** A rule set that could not be loaded: the error document, with every diagnostic. */
public final class CaliperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String document;

    CaliperException(String code, String document) {
        super(code + ": " + document);
        this.code = code;
        this.document = document;
    }

    /** The error code ({@code B0704} for rules with errors, {@code B07xx} for bad arguments). */
    public String code() {
        return code;
    }

    /** The whole error document, {@code {"error":{...},"diagnostics":[...]}}. */
    public String document() {
        return document;
    }
}
