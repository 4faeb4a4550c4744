package org.vanycast.mipv6.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class XfrmRouteOptimizationTest {

    @Test
    void shouldBeAvailableExactlyWhenKernelConfigHasMip6() throws Exception {
        Path config = Path.of("/proc/config.gz");
        Assumptions.assumeTrue(Files.isReadable(config), "no kernel config to compare with");
        String text;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(config))) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        boolean mip6 = text.contains("\nCONFIG_IPV6_MIP6=y") || text.contains("\nCONFIG_IPV6_MIP6=m");
        assertEquals(mip6, XfrmRouteOptimization.isAvailable());
        if (!mip6) {
            assertTrue(XfrmRouteOptimization.unavailabilityCause().contains("CONFIG_IPV6_MIP6"),
                    XfrmRouteOptimization.unavailabilityCause());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, XfrmRouteOptimization::create);
            assertTrue(e.getMessage().contains("CONFIG_IPV6_MIP6"));
        }
    }
}
