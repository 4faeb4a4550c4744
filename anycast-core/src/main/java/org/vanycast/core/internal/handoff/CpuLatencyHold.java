package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the CPUs out of their idle sleep while a handoff is under way on this node: a CPU
 * latency request of 0 µs through Linux's PM QoS interface ({@code /dev/cpu_dma_latency}),
 * in force while the file is held open and gone when it is closed (or the process dies).
 * The cpuidle governor then picks the polling idle state, so a thread woken by a packet or a
 * timer runs at once instead of after the CPU's exit from halt, which on a virtual machine is
 * a trip through the hypervisor: in the local handoff bench on the test machine, freeze ->
 * live went from 0.83-0.84 ms median (p90 2.1-2.7) to 0.72 (p90 1.2-1.9) with the nodes' own
 * windows, and to 0.67-0.69 with the request held for the whole run by an outside process.
 * Idle CPUs spin meanwhile, so the request lasts only from a handoff's start (donor) or its
 * Prepare (acceptor) to its end: each is a {@link Window}; the file is open while any window
 * is, and a window that is never closed ends at its deadline.
 *
 * <p>Needs write access to the device (root, or a udev rule); where it has none, or the kernel
 * has no PM QoS, windows do nothing and {@link #unavailabilityCause} says why.
 */
public final class CpuLatencyHold implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuLatencyHold.class);
    /** Linux's PM QoS CPU latency device. */
    public static final Path DEVICE = Path.of("/dev/cpu_dma_latency");
    /** No request: windows do nothing. */
    public static final CpuLatencyHold NONE = new CpuLatencyHold(null, null);

    /** One handoff's claim on the request; closing it twice is harmless. */
    public interface Window extends AutoCloseable {
        @Override
        void close();
    }

    private static final Window NO_WINDOW = () -> {
    };

    private final Path device;
    private final ScheduledExecutorService timer;
    private FileChannel held;
    private int windows;
    private boolean closed;
    private boolean failureLogged;

    private CpuLatencyHold(Path device, ScheduledExecutorService timer) {
        this.device = device;
        this.timer = timer;
    }

    /**
     * A hold on {@code device} (normally {@link #DEVICE}) whose windows' deadlines run on
     * {@code timer}; {@link #NONE} when the device cannot be written (logged at info level).
     */
    public static CpuLatencyHold on(Path device, ScheduledExecutorService timer) {
        Optional<String> cause = unavailabilityCause(device);
        if (cause.isPresent()) {
            LOG.info("CPU latency requests during handoffs unavailable: {}", cause.get());
            return NONE;
        }
        LOG.info("CPUs kept out of idle sleep during handoffs (a 0 us latency request through {})", device);
        return new CpuLatencyHold(device, timer);
    }

    /** Why this process cannot request a CPU latency through {@code device}, or empty. */
    public static Optional<String> unavailabilityCause(Path device) {
        if (!Files.exists(device)) {
            return Optional.of(device + " does not exist (a kernel without PM QoS, or not Linux)");
        }
        if (!Files.isWritable(device)) {
            return Optional.of(device + " is not writable by this process (root, or a udev rule granting it, needed)");
        }
        return Optional.empty();
    }

    /** Whether windows of this hold can request anything. */
    public boolean isAvailable() {
        return device != null;
    }

    /**
     * Opens a window: the request is in force from now until the window is closed, or
     * {@code atMost} has passed, whichever comes first.
     */
    public Window hold(Duration atMost) {
        if (device == null) {
            return NO_WINDOW;
        }
        synchronized (this) {
            if (closed) {
                return NO_WINDOW;
            }
            if (windows++ == 0) {
                request();
            }
        }
        AtomicBoolean open = new AtomicBoolean(true);
        Window w = () -> {
            if (open.compareAndSet(true, false)) {
                release();
            }
        };
        try {
            timer.schedule(() -> {
                if (open.get()) {
                    LOG.debug("a CPU latency window outlived its {} ms: closed", atMost.toMillis());
                    w.close();
                }
            }, atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            w.close(); // shutting down: no window without its deadline
            return NO_WINDOW;
        }
        return w;
    }

    /** Windows open now (for tests and diagnostics). */
    public synchronized int openWindows() {
        return windows;
    }

    /** Whether the request is in force now: the device is held open. */
    public synchronized boolean requesting() {
        return held != null;
    }

    private synchronized void release() {
        if (windows > 0 && --windows == 0) {
            drop();
        }
    }

    /** Opens the device and writes 0 (µs, in hex text as the kernel accepts it); a failure is logged once. */
    private void request() {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(device, StandardOpenOption.WRITE);
            ch.write(ByteBuffer.wrap("0".getBytes(StandardCharsets.US_ASCII)));
            held = ch;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // it requested nothing
                }
            }
            if (!failureLogged) {
                failureLogged = true;
                LOG.info("CPU latency request through {} failed: {}", device, e.toString());
            }
        }
    }

    private void drop() {
        FileChannel ch = held;
        held = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", device, e.toString());
            }
        }
    }

    /** Ends the request, whatever windows are still open; later windows do nothing. */
    @Override
    public synchronized void close() {
        if (device == null) {
            return; // NONE: shared, nothing to end
        }
        closed = true;
        windows = 0;
        drop();
    }
}
