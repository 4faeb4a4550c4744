package org.vanycast.cli.internal;

/** Two jars map the same command to different classes: refuse to guess which one wins. */
public final class DuplicateCommandException extends Exception {
    private static final long serialVersionUID = 1L;

    public DuplicateCommandException(String message) {
        super(message);
    }
}
