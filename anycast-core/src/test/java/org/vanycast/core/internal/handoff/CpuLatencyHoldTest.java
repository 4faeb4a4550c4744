package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuLatencyHoldTest {
    private static final Duration LONG = Duration.ofMinutes(5);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void shouldHoldTheRequestWhileAnyWindowIsOpen() throws Exception {
        Path device = Files.createFile(dir.resolve("cpu_dma_latency"));
        try (CpuLatencyHold hold = CpuLatencyHold.on(device, timer)) {
            assertTrue(hold.isAvailable());
            assertFalse(hold.requesting());
            CpuLatencyHold.Window a = hold.hold(LONG);
            CpuLatencyHold.Window b = hold.hold(LONG);
            assertTrue(hold.requesting());
            assertEquals("0", Files.readString(device), "the request: 0 us");
            a.close();
            a.close(); // twice: still one window open
            assertEquals(1, hold.openWindows());
            assertTrue(hold.requesting());
            b.close();
            assertEquals(0, hold.openWindows());
            assertFalse(hold.requesting());
            try (CpuLatencyHold.Window again = hold.hold(LONG)) {
                assertTrue(hold.requesting(), "a later window asks again");
            }
            assertFalse(hold.requesting());
        }
    }

    @Test
    void shouldEndAWindowNobodyClosesAtItsDeadline() throws Exception {
        Path device = Files.createFile(dir.resolve("cpu_dma_latency"));
        try (CpuLatencyHold hold = CpuLatencyHold.on(device, timer)) {
            CpuLatencyHold.Window forgotten = hold.hold(Duration.ofMillis(20));
            CpuLatencyHold.Window kept = hold.hold(LONG);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (hold.openWindows() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, hold.openWindows(), "the forgotten window ended");
            assertTrue(hold.requesting(), "the other one still holds the request");
            forgotten.close(); // its owner closes it late: no effect on the other
            assertEquals(1, hold.openWindows());
            kept.close();
            assertFalse(hold.requesting());
        }
    }

    @Test
    void shouldEndTheRequestOnCloseAndIgnoreLaterWindows() throws Exception {
        Path device = Files.createFile(dir.resolve("cpu_dma_latency"));
        CpuLatencyHold hold = CpuLatencyHold.on(device, timer);
        CpuLatencyHold.Window w = hold.hold(LONG);
        hold.close();
        assertFalse(hold.requesting());
        w.close(); // after close: harmless
        hold.hold(LONG).close();
        assertFalse(hold.requesting());
        assertEquals(0, hold.openWindows());
    }

    @Test
    void shouldSayWhyWithoutTheDeviceAndDoNothing() {
        Path missing = dir.resolve("no-such-device");
        assertTrue(CpuLatencyHold.unavailabilityCause(missing).orElseThrow().contains("does not exist"));
        CpuLatencyHold hold = CpuLatencyHold.on(missing, timer);
        assertSame(CpuLatencyHold.NONE, hold);
        assertFalse(hold.isAvailable());
        hold.hold(LONG).close();
        assertFalse(hold.requesting());
    }

    @Test
    void shouldSwitchThePollingIdleStateOnInTheKernel() throws Exception {
        // the kernel's device (root): reading it gives the CPU latency limit in force, 0 while held
        assumeTrue(CpuLatencyHold.unavailabilityCause(CpuLatencyHold.DEVICE).isEmpty(), "needs root");
        try (CpuLatencyHold hold = CpuLatencyHold.on(CpuLatencyHold.DEVICE, timer);
                CpuLatencyHold.Window w = hold.hold(LONG)) {
            assertTrue(hold.requesting());
            assertEquals(0, limitInForce());
        }
    }

    private static int limitInForce() throws Exception {
        try (FileChannel ch = FileChannel.open(CpuLatencyHold.DEVICE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            while (b.hasRemaining() && ch.read(b) > 0) {
                // the kernel gives the s32 at once
            }
            return b.flip().getInt();
        }
    }
}
