package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The few libc calls the kernel facilities need. Package-private: callers go through the
 * facility classes, which check arguments and turn {@code errno} into {@link NativeException}.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOL_SOCKET = 1;
    int SO_TIMESTAMPNS = 35;
    int SOCK_RAW = 3;
    int SOCK_NONBLOCK = 04000;
    int SOCK_CLOEXEC = 02000000;
    int IPPROTO_IPV6 = 41;
    int IPPROTO_RAW = 255;
    int IPPROTO_MH = 135;
    int IPV6_CHECKSUM = 7;
    int O_RDONLY = 0;
    int O_CLOEXEC = 02000000;
    int CLONE_NEWNET = 0x40000000;
    short POLLIN = 1;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENOBUFS = 105;

    int socket(int domain, int type, int protocol);

    int if_nametoindex(String name);

    int AF_NETLINK = 16;
    int NETLINK_ROUTE = 0;

    int bind(int fd, byte[] addr, int len);

    int setsockopt(int fd, int level, int name, int[] value, int len);

    int sendto(int fd, byte[] buf, int len, int flags, byte[] addr, int addrLen);

    int recvfrom(int fd, byte[] buf, int len, int flags, byte[] addr, int[] addrLen);

    int recv(int fd, Pointer buf, int len, int flags);

    int sendto(int fd, Pointer buf, int len, int flags, byte[] addr, int addrLen);

    int recvfrom(int fd, Pointer buf, int len, int flags, byte[] addr, int[] addrLen);

    int read(int fd, Pointer buf, int len);

    int write(int fd, Pointer buf, int len);

    int ioctl(int fd, com.sun.jna.NativeLong request, byte[] arg);

    int unshare(int flags);

    int O_RDWR = 2;
    int O_NONBLOCK = 04000;

    int poll(PollFd[] fds, int nfds, int timeout);

    int ppoll(PollFd[] fds, int nfds, Timespec timeout, Pointer sigmask);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int PR_SET_TIMERSLACK = 29;
    int SCHED_FIFO = 1;
    int SCHED_BATCH = 3;

    int sched_setscheduler(int pid, int policy, int[] param);

    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);

    String strerror(int errnum);

    /** {@code struct timespec} (64-bit). */
    @Structure.FieldOrder({"tv_sec", "tv_nsec"})
    class Timespec extends Structure {
        public long tv_sec;
        public long tv_nsec;
    }

    /** {@code struct pollfd}. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;
    }
}
