package org.vanycast.core.internal.tls;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bouncy Castle JSSE logs every connection and every refused handshake (with a stack trace)
 * through java.util.logging at INFO. Between nodes that is noise; unless someone configured
 * that logger, it is turned down to WARNING.
 */
public final class JsseLogging {
    /** Held so the configured level is not lost when the logger would be collected. */
    private static final Logger BCJSSE = Logger.getLogger("org.bouncycastle.jsse");

    private JsseLogging() {
    }

    public static void quietUnlessConfigured() {
        synchronized (BCJSSE) {
            if (BCJSSE.getLevel() == null) {
                BCJSSE.setLevel(Level.WARNING);
            }
        }
    }
}
