package org.vanycast.node.internal.launch;

/** The node's configuration is unusable; the message is the one line the user sees. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
