package org.vanycast.core.internal.channel;

import java.io.IOException;

/**
 * A send whose write did not finish within its write timeout: the peer stopped reading and the
 * buffers between the nodes are full. The connection was dropped, so the peer never receives
 * the message (a truncated frame is discarded with the connection); it may have received it
 * only when the write finished just as the timeout fired.
 */
public final class WriteTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public WriteTimeoutException(String message) {
        super(message);
    }

    public WriteTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
