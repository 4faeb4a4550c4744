package org.vanycast.tcp.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class KernelFacilityTest {

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void shouldFindTcpRepairAvailableWithCapNetAdmin() {
        assumeTrue(root(), "needs CAP_NET_ADMIN");
        assertEquals(java.util.Optional.empty(), TcpRepair.unavailabilityCause());
        assertTrue(SocketFilter.isAvailable(), () -> SocketFilter.unavailabilityCause().orElse(""));
    }

    @Test
    void shouldReachJdkChannelInternalsWithAddOpens() {
        assertTrue(ChannelFds.isAvailable(), () -> ChannelFds.unavailabilityCause().orElse(""));
    }

    @Test
    void shouldNameCallAndStrerrorWhenTheKernelRefuses() throws Exception {
        int fd;
        try (SocketChannel unconnected = SocketChannel.open()) {
            fd = ChannelFds.fdOf(unconnected);
            // TCP_REPAIR_WINDOW outside repair mode: the kernel answers EPERM
            NativeCallException e = assertThrows(NativeCallException.class, () -> TcpRepair.window(fd));
            assertEquals("getsockopt(TCP_REPAIR_WINDOW)", e.call());
            assertEquals(1, e.errno());
            assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        }
    }

    @Test
    void shouldReportBadFileDescriptorWithItsErrnoText() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> TcpRepair.outq(1_000_000));
        assertEquals("ioctl(SIOCOUTQ)", e.call());
        assertTrue(e.getMessage().contains("Bad file descriptor"), e.getMessage());
    }

    @Test
    void shouldRejectNegativeDescriptorBeforeCallingTheKernel() {
        assertThrows(IllegalArgumentException.class, () -> TcpRepair.enter(-1));
    }

    @Test
    void shouldRefuseToAdoptAnInvalidDescriptor() {
        assertThrows(IllegalArgumentException.class, () -> ChannelFds.adopt(-1, null));
    }
}
