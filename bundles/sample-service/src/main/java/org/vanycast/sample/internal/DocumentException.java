package org.vanycast.sample.internal;

/** A request the document store refuses; {@link #reason()} tells the transports which status to use. */
public final class DocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason { INVALID_NAME, NOT_FOUND, INVALID_RANGE, TOO_LARGE, IO_ERROR }

    private final Reason reason;

    public DocumentException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DocumentException(String message, Throwable cause) {
        super(message, cause);
        this.reason = Reason.IO_ERROR;
    }

    public Reason reason() {
        return reason;
    }
}
