package org.vanycast.tcp.internal.kernel;

import java.io.IOException;

/** A libc call failed: names the call (and what it was for) with errno and its strerror text. */
public final class NativeCallException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    NativeCallException(String call, int errno, String text) {
        super(call + " failed: " + text + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call, e.g. {@code setsockopt(TCP_REPAIR)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
