package org.vanycast.mipv6.internal.kernel;

import java.io.IOException;

/** A failed native call, named together with the kernel's {@code strerror} text. */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + " failed: " + describe(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public NativeException(String call, String detail) {
        super(call + " failed: " + detail);
        this.errno = 0;
    }

    public int errno() {
        return errno;
    }

    static String describe(int errno) {
        try {
            return LibC.INSTANCE.strerror(errno);
        } catch (RuntimeException | LinkageError e) {
            return "errno " + errno;
        }
    }

    /** Throws a {@link NativeException} naming {@code call} when {@code rc < 0}. */
    static int check(String call, int rc) throws NativeException {
        if (rc < 0) {
            throw new NativeException(call, com.sun.jna.Native.getLastError());
        }
        return rc;
    }
}
