package org.vanycast.testbed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NetNs;

/**
 * Builds and removes the namespaces, veth links, addresses and routes of one testbed
 * (forking {@code ip}/{@code sysctl}: set-up time only). Everything lives inside namespaces
 * named {@code vct-<id>-*}; deleting them removes every link, route and rule with them,
 * which is what makes {@link #sweep} a complete clean-up even after a crash.
 */
final class TestbedNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(TestbedNetwork.class);

    private TestbedNetwork() {
    }

    static List<String> hosts(TestbedConfig c) {
        List<String> h = new ArrayList<>(List.of("router", "client", "ha"));
        h.addAll(c.nodeNames());
        return h;
    }

    static void build(TestbedConfig c) throws IOException {
        Topology t = new Topology(c.id());
        for (String host : hosts(c)) {
            String ns = t.ns(host);
            Sh.run("ip", "netns", "add", ns);
            Sh.run("ip", "-n", ns, "link", "set", "dev", "lo", "up");
            // No duplicate address detection (addresses are ours alone) and no router
            // advertisements: the testbed's routes are static.
            Sh.inNs(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                    "net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0");
        }
        String router = t.ns("router");
        Sh.inNs(router, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        for (String link : c.links()) {
            String hostNs = t.ns(link);
            String rif = Topology.routerIf(link);
            Sh.run("ip", "-n", router, "link", "add", "name", rif, "type", "veth", "peer", "name", "eth0", "netns", hostNs);
            Sh.run("ip", "-n", router, "link", "set", "dev", rif, "up");
            Sh.run("ip", "-n", hostNs, "link", "set", "dev", "eth0", "up");
            Sh.run("ip", "-n", router, "-6", "addr", "add", Topology.str(t.routerAddress(link)) + "/64", "dev", rif, "nodad");
            Sh.run("ip", "-n", hostNs, "-6", "addr", "add", Topology.str(t.hostAddress(link)) + "/64", "dev", "eth0", "nodad");
            Sh.run("ip", "-n", hostNs, "-6", "route", "add", "default", "via", Topology.str(t.routerAddress(link)), "dev", "eth0");
            // Checksum offload off so captures show the checksums that are really on the wire.
            Sh.tryRun(List.of("ip", "netns", "exec", hostNs, "ethtool", "-K", "eth0", "tx", "off"));
            Sh.tryRun(List.of("ip", "netns", "exec", router, "ethtool", "-K", rif, "tx", "off"));
        }
        // The home network of ha: a link of its own (veth pair inside ha: this kernel has no
        // dummy interfaces) carrying the home agent address; the router sends it to ha.
        String ha = t.ns("ha");
        Sh.inNs(ha, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.seg6_enabled=1",
                "net.ipv6.conf.eth0.seg6_enabled=1");
        Sh.run("ip", "-n", ha, "link", "add", "name", "home0", "type", "veth", "peer", "name", "home1");
        Sh.run("ip", "-n", ha, "link", "set", "dev", "home0", "up");
        Sh.run("ip", "-n", ha, "link", "set", "dev", "home1", "up");
        Sh.run("ip", "-n", ha, "-6", "addr", "add", Topology.str(t.homeAgent()) + "/64", "dev", "home0", "nodad");
        Sh.run("ip", "-n", router, "-6", "route", "add", t.homePrefix(), "via", Topology.str(t.hostAddress("ha")));
        for (String node : c.nodeNames()) {
            // Nodes may bind sockets to X before it is assigned to them (acceptors).
            Sh.inNs(t.ns(node), "sysctl", "-qw", "net.ipv6.ip_nonlocal_bind=1", "net.ipv6.conf.all.seg6_enabled=1",
                    "net.ipv6.conf.eth0.seg6_enabled=1");
        }
    }

    /** Deletes every namespace of testbed {@code id}; returns those deleted. */
    static List<String> sweep(String id) throws IOException {
        String prefix = new Topology(id).nsPrefix();
        return sweepPrefix(prefix);
    }

    static List<String> sweepPrefix(String prefix) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (String line : Sh.run("ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.isEmpty() && name.startsWith(prefix)) {
                Sh.Result r = Sh.tryRun(List.of("ip", "netns", "del", name));
                if (r.exit() == 0 || !NetNs.exists(name)) {
                    deleted.add(name);
                } else {
                    LOG.warn("could not delete namespace {}: {}", name, r.output().strip());
                }
            }
        }
        return deleted;
    }
}
