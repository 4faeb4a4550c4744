package org.vanycast.mipv6.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet6Address;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class RouteNetlinkTest {

    @Test
    void seg6ProbeShouldAgreeWithWhatIpRouteCanInstall() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            boolean installed;
            try {
                TwoHosts.sh("ip", "-n", h.a, "-6", "route", "add", "fd7e:eeee::b/128", "encap", "seg6", "mode", "encap.red",
                        "segs", h.addrB.getHostAddress(), "dev", "eth0");
                installed = true;
            } catch (java.io.IOException e) {
                assertTrue(e.getMessage().contains("not supported"), e.getMessage());
                installed = false;
            }
            assertEquals(installed, RouteNetlink.seg6Unavailability().isEmpty(),
                    "probe says " + RouteNetlink.seg6Unavailability());
            RouteNetlink.seg6Unavailability()
                    .ifPresent(why -> assertTrue(why.contains("CONFIG_IPV6_SEG6_LWTUNNEL"), why));
        }
    }

    @Test
    void shouldInstallReplaceAndDeleteDeviceRoute() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address home = TwoHosts.v6("fd7e:eeee::a");
            int eth0 = NetNs.call(h.a, () -> RouteNetlink.ifIndex("eth0"));
            int lo = NetNs.call(h.a, () -> RouteNetlink.ifIndex("lo"));
            try (RouteNetlink nl = NetNs.call(h.a, RouteNetlink::open)) {
                nl.replaceDeviceRoute(home, eth0, 254);
                String routes = TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a");
                assertTrue(routes.contains("dev eth0"), routes);
                nl.replaceDeviceRoute(home, lo, 254);
                routes = TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a");
                assertTrue(routes.contains("dev lo") && !routes.contains("eth0"), "replaced in place: " + routes);
                nl.deleteRoute(home, 254);
                assertEquals("", TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a").strip());
            }
        }
    }

    @Test
    void shouldInstallReplaceAndDeleteSeg6EncapRouteAndDecapRule() throws Exception {
        assumeTrue(RouteNetlink.seg6Unavailability().isEmpty(), () -> RouteNetlink.seg6Unavailability().get());
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address home = TwoHosts.v6("fd7e:eeee::a");
            Inet6Address other = TwoHosts.v6(h.prefix + "3");
            RouteNetlink nl = NetNs.call(h.a, RouteNetlink::open);
            int eth0 = NetNs.call(h.a, () -> RouteNetlink.ifIndex("eth0"));
            try (nl) {
                nl.replaceEncapRoute(home, h.addrB, eth0, 254);
                String routes = TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a");
                assertTrue(routes.contains("encap seg6 mode encap.red segs 1 [ " + h.addrB.getHostAddress().replace(":0:0:0:0:0:0:0", "::") + " ]")
                        || routes.contains("encap.red"), routes);
                assertTrue(routes.contains(Addresses.text(h.addrB)), routes);
                nl.replaceEncapRoute(home, other, eth0, 254);
                routes = TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a");
                assertTrue(routes.contains(Addresses.text(other)), "replaced in place: " + routes);
                assertEquals(1, routes.strip().split("\n").length, routes);

                nl.addRule(h.addrB, h.addrA, 41, 200, 100);
                String rules = TwoHosts.sh("ip", "-n", h.a, "-6", "rule", "show");
                assertTrue(rules.contains("100:") && rules.contains("ipproto ipv6") && rules.contains("lookup 200"), rules);
                nl.deleteRule(h.addrB, h.addrA, 41, 200, 100);
                assertFalse(TwoHosts.sh("ip", "-n", h.a, "-6", "rule", "show").contains("lookup 200"));

                nl.deleteRoute(home, 254);
                assertEquals("", TwoHosts.sh("ip", "-n", h.a, "-6", "route", "show", "fd7e:eeee::a").strip());
                NativeException e = assertThrows(NativeException.class, () -> nl.deleteRoute(home, 254));
                assertTrue(e.getMessage().contains("RTM_DELROUTE"), e.getMessage());
            }
        }
    }
}
