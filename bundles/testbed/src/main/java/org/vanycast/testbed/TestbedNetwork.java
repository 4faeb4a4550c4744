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
            steerByFlow(hostNs, "eth0");
            steerByFlow(router, rif);
        }
        // The home network of ha: a link of its own (veth pair inside ha: this kernel has no
        // dummy interfaces) carrying the home agent address; the router sends it to ha.
        String ha = t.ns("ha");
        Sh.inNs(ha, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.seg6_enabled=1",
                "net.ipv6.conf.eth0.seg6_enabled=1");
        Sh.run("ip", "-n", ha, "link", "add", "name", "home0", "type", "veth", "peer", "name", "home1");
        Sh.run("ip", "-n", ha, "link", "set", "dev", "home0", "up");
        Sh.run("ip", "-n", ha, "link", "set", "dev", "home1", "up");
        steerByFlow(ha, "home0");
        steerByFlow(ha, "home1");
        Sh.run("ip", "-n", ha, "-6", "addr", "add", Topology.str(t.homeAgent()) + "/64", "dev", "home0", "nodad");
        Sh.run("ip", "-n", router, "-6", "route", "add", t.homePrefix(), "via", Topology.str(t.hostAddress("ha")));
        for (String node : c.nodeNames()) {
            // Nodes may bind sockets to X before it is assigned to them (acceptors).
            Sh.inNs(t.ns(node), "sysctl", "-qw", "net.ipv6.ip_nonlocal_bind=1", "net.ipv6.conf.all.seg6_enabled=1",
                    "net.ipv6.conf.eth0.seg6_enabled=1");
        }
    }

    /**
     * Keeps each flow's packets in order on a link, as a wire does. A veth hands what it
     * receives to the backlog of the CPU that sent it; two packets of one TCP connection sent
     * from different CPUs (a pure ACK from softirq, the FIN from the application thread) then
     * wait in different backlogs and can swap. The client, already in TIME_WAIT, answers the
     * stale ACK with a duplicate ACK, which the closed server socket answers with a reset.
     * Receive packet steering on every CPU picks the backlog by flow hash instead: one backlog
     * per flow, spread over the CPUs as a NIC's receive-side scaling would.
     */
    static void steerByFlow(String ns, String dev) throws IOException {
        String mask = Long.toHexString(cpuMask());
        // `ip netns exec` mounts the namespace's own sysfs, where its devices are
        Sh.inNs(ns, "sh", "-c", "for q in /sys/class/net/" + dev + "/queues/rx-*/rps_cpus; do echo " + mask
                + " > \"$q\" || exit 1; done");
    }

    /** Every CPU this JVM may run on (at most 63: the masks here are one long). */
    static long cpuMask() {
        int n = Math.min(63, Math.max(1, Runtime.getRuntime().availableProcessors()));
        return (1L << n) - 1;
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
