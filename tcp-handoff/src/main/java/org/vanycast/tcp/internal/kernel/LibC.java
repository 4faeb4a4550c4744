package org.vanycast.tcp.internal.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc calls (JNA direct mapping: no proxy, no reflection per call, which keeps
 * a syscall at well under a microsecond of overhead on the handoff path). Package-private:
 * everything goes through {@link Syscalls}, which checks arguments and maps errno.
 */
final class LibC {
    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

    static native int connect(int fd, byte[] addr, int addrLen) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, byte[] value, int[] len) throws LastErrorException;

    static native int ioctl(int fd, long request, int[] value) throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native String strerror(int errnum);
}
