package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One netfilter queue (NFQUEUE) bound in the calling thread's network namespace, through
 * libnetfilter_queue. Packets are delivered to user space with an id; each must get a
 * verdict: accept, drop, or accept a modified copy. Verdicts may be given later (the WAN
 * emulator holds them to delay packets) but only from the thread that calls {@link #poll}.
 *
 * <p>Why NFQUEUE: this kernel lacks {@code CONFIG_IPV6_MIP6}, so it drops packets carrying a
 * Home Address option or a type 2 routing header before any socket sees them; an
 * ip6tables-legacy rule in the raw table queues them first (nftables' {@code queue}
 * statement is not built into this kernel).
 *
 * <p>Not thread-safe: one thread polls and gives verdicts.
 */
public final class NfQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfQueue.class);
    private static final Availability AVAILABILITY = Availability.probe(() -> {
        NfqLib.INSTANCE.hashCode();
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/netfilter/nfnetlink_queue"))
                || java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/net/netfilter"))
                ? null : "no /proc/net/netfilter: nfnetlink not in this kernel";
    });

    private final Pointer handle;
    private final Pointer queue;
    private final int fd;
    private final int number;
    private final Memory buffer = new Memory(256 * 1024);
    /** {@code struct timeval} of the packet being read. */
    private final Memory stamp = new Memory(16);
    /** The socket that keeps the kernel stamping packets (see {@link #stampArrivals}); -1 when none. */
    private int stampingFd = -1;
    private final List<QueuedPacket> batch = new ArrayList<>();
    private final LibC.PollFd[] pollFds = (LibC.PollFd[]) new LibC.PollFd().toArray(1);
    private final LibC.Timespec timeout = new LibC.Timespec();
    private boolean closed;

    private NfQueue(Pointer handle, Pointer queue, int number) {
        this.handle = handle;
        this.queue = queue;
        this.number = number;
        this.fd = NfqLib.INSTANCE.nfq_fd(handle);
        pollFds[0].fd = fd;
        pollFds[0].events = LibC.POLLIN;
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    /**
     * Binds queue {@code number} in the calling thread's namespace, copying up to
     * {@code copyRange} bytes of each packet, holding at most {@code maxLen} packets.
     */
    public static NfQueue open(int number, int copyRange, int maxLen) throws NativeException {
        AVAILABILITY.ensure("NFQUEUE");
        NfqLib lib = NfqLib.INSTANCE;
        Pointer h = lib.nfq_open();
        if (h == null) {
            throw new NativeException("nfq_open", Native.getLastError());
        }
        // Older kernels want the family bound; newer ones ignore it.
        lib.nfq_bind_pf(h, (short) LibC.AF_INET6);
        NfQueue[] self = new NfQueue[1];
        NfqLib.NfqCallback trampoline = (qh, msg, nfad, data) -> self[0].onPacket(qh, msg, nfad, data);
        Pointer q = lib.nfq_create_queue(h, (short) number, trampoline, null);
        if (q == null) {
            int err = Native.getLastError();
            lib.nfq_close(h);
            throw new NativeException("nfq_create_queue(" + number + ")", err);
        }
        NfQueue nq = new NfQueue(h, q, number);
        nq.trampoline = trampoline;
        self[0] = nq;
        if (lib.nfq_set_mode(q, (byte) NfqLib.NFQNL_COPY_PACKET, copyRange) < 0) {
            int err = Native.getLastError();
            nq.close();
            throw new NativeException("nfq_set_mode", err);
        }
        if (lib.nfq_set_queue_maxlen(q, maxLen) < 0) {
            LOG.debug("nfq_set_queue_maxlen({}) failed: {}", maxLen, NativeException.describe(Native.getLastError()));
        }
        return nq;
    }

    // Kept as a field: JNA must not garbage-collect a callback the library still calls.
    @SuppressWarnings("unused")
    private NfqLib.NfqCallback trampoline;

    /**
     * Sets the calling thread's timer slack (default 50 µs) so that time-outs expire on time;
     * the WAN emulator uses 1 µs. Returns false if the kernel refused.
     */
    public static boolean setTimerSlackNanos(long nanos) {
        return LibC.INSTANCE.prctl(LibC.PR_SET_TIMERSLACK, nanos, 0, 0, 0) == 0;
    }

    /**
     * Gives the calling thread real-time (SCHED_FIFO) priority {@code priority} so that packet
     * release times hold on a loaded machine. The thread must block between bursts (it does:
     * in {@link #pollNanos}); the kernel still caps real-time tasks at 95 % CPU. Returns false
     * if refused (no CAP_SYS_NICE).
     */
    public static boolean setRealtimePriority(int priority) {
        return LibC.INSTANCE.sched_setscheduler(0, LibC.SCHED_FIFO, new int[] {priority}) == 0;
    }

    /**
     * Makes the calling thread SCHED_BATCH (nice 0): when it wakes up it does not preempt the
     * thread running on its CPU. Returns false if the kernel refused.
     */
    public static boolean setBatchScheduling() {
        return LibC.INSTANCE.sched_setscheduler(0, LibC.SCHED_BATCH, new int[] {0}) == 0;
    }

    public int number() {
        return number;
    }

    /**
     * Makes sure every packet queued from now on carries the time the kernel took it in
     * ({@link QueuedPacket#kernelStampMicros()}): the kernel stamps received packets, and hands
     * the stamp to the queue, only while some socket asks for timestamps, so this keeps one such
     * socket open (any network namespace will do; it sends and receives nothing) until
     * {@link #close}. Returns false, with the reason logged, if the kernel refused.
     */
    public boolean stampArrivals() {
        if (stampingFd >= 0) {
            return true;
        }
        int fd = LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            LOG.info("nfqueue {}: no socket to turn kernel timestamps on: {}", number,
                    NativeException.describe(Native.getLastError()));
            return false;
        }
        if (LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_TIMESTAMPNS, new int[] {1}, 4) < 0) {
            LOG.info("nfqueue {}: SO_TIMESTAMPNS refused: {}", number, NativeException.describe(Native.getLastError()));
            LibC.INSTANCE.close(fd);
            return false;
        }
        stampingFd = fd;
        return true;
    }

    /**
     * Waits up to {@code timeoutMillis} for queued packets and returns those that arrived
     * (possibly none). Each returned packet still needs a verdict.
     */
    public List<QueuedPacket> poll(int timeoutMillis) throws NativeException {
        return pollNanos(timeoutMillis * 1_000_000L);
    }

    /**
     * Like {@link #poll(int)} with a nanosecond time-out ({@code ppoll}), for callers that must
     * wake up precisely (the WAN emulator releasing held packets).
     */
    public List<QueuedPacket> pollNanos(long timeoutNanos) throws NativeException {
        batch.clear();
        timeout.tv_sec = timeoutNanos / 1_000_000_000L;
        timeout.tv_nsec = timeoutNanos % 1_000_000_000L;
        int n = LibC.INSTANCE.ppoll(pollFds, 1, timeout, null);
        if (n < 0) {
            int err = Native.getLastError();
            if (err == LibC.EINTR) {
                return List.copyOf(batch);
            }
            throw new NativeException("poll(nfqueue " + number + ")", err);
        }
        if (n == 0) {
            return List.of();
        }
        // Drain what is readable without blocking again.
        for (int i = 0; i < 64; i++) {
            int len = LibC.INSTANCE.recv(fd, buffer, (int) buffer.size(), 0x40 /* MSG_DONTWAIT */);
            if (len < 0) {
                int err = Native.getLastError();
                if (err == LibC.EAGAIN || err == LibC.EINTR) {
                    break;
                }
                if (err == LibC.ENOBUFS) {
                    // The kernel dropped packets because we were slow; they are lost, not stuck.
                    LOG.debug("nfqueue {}: receive buffer overrun", number);
                    continue;
                }
                throw new NativeException("recv(nfqueue " + number + ")", err);
            }
            NfqLib.INSTANCE.nfq_handle_packet(handle, buffer, len);
        }
        return List.copyOf(batch);
    }

    private int onPacket(Pointer qh, Pointer msg, Pointer nfad, Pointer data) {
        Pointer hdr = NfqLib.INSTANCE.nfq_get_msg_packet_hdr(nfad);
        if (hdr == null) {
            return 0;
        }
        int idBe = hdr.getInt(0);
        int id = Integer.reverseBytes(idBe);
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
            id = idBe;
        }
        PointerByReference ref = new PointerByReference();
        int len = NfqLib.INSTANCE.nfq_get_payload(nfad, ref);
        byte[] payload = len > 0 ? ref.getValue().getByteArray(0, len) : new byte[0];
        // only a queue that asked for stamps reads them (one more native call per packet)
        long stampMicros = stampingFd >= 0 && NfqLib.INSTANCE.nfq_get_timestamp(nfad, stamp) == 0
                ? stamp.getLong(0) * 1_000_000L + stamp.getLong(8) : 0;
        batch.add(new QueuedPacket(id, payload, NfqLib.INSTANCE.nfq_get_indev(nfad),
                NfqLib.INSTANCE.nfq_get_outdev(nfad), stampMicros));
        return 0;
    }

    public void accept(int id) throws NativeException {
        verdict("accept", id, NfqLib.NF_ACCEPT, null);
    }

    public void drop(int id) throws NativeException {
        verdict("drop", id, NfqLib.NF_DROP, null);
    }

    /** Accepts {@code packet} (a whole IPv6 packet) in place of the queued one. */
    public void acceptModified(int id, byte[] packet) throws NativeException {
        verdict("accept-modified", id, NfqLib.NF_ACCEPT, packet);
    }

    private void verdict(String what, int id, int verdict, byte[] packet) throws NativeException {
        int rc = NfqLib.INSTANCE.nfq_set_verdict(queue, id, verdict,
                packet == null ? 0 : packet.length, packet);
        if (rc < 0) {
            throw new NativeException("nfq_set_verdict(" + what + ", queue " + number + ")", Native.getLastError());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        NfqLib.INSTANCE.nfq_destroy_queue(queue);
        NfqLib.INSTANCE.nfq_close(handle);
        if (stampingFd >= 0) {
            LibC.INSTANCE.close(stampingFd);
            stampingFd = -1;
        }
    }

    /**
     * A queued packet: netfilter id, the IPv6 packet, input/output interface indexes (0 if none),
     * and when the kernel took it in (CLOCK_REALTIME, µs since the epoch; 0 when the kernel did
     * not stamp it or the queue did not ask for stamps: see {@link NfQueue#stampArrivals}).
     */
    public record QueuedPacket(int id, byte[] packet, int inIfindex, int outIfindex, long kernelStampMicros) {
    }
}
