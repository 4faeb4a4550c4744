package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.internal.kernel.NetNs;

@Tag("netns")
class TestbedLifecycleTest {

    @Test
    void shouldBuildDescribeAndRemoveEverything() throws Exception {
        TestbedConfig cfg = new TestbedConfig(TestbedSupport.id("lc"), 3, Map.of("client", 5.0), Map.of("node3", 2000), false);
        Topology t = new Topology(cfg.id());
        try (Testbed tb = Testbed.create(cfg)) {
            for (String host : List.of("router", "client", "ha", "node1", "node2", "node3")) {
                assertTrue(NetNs.exists(t.ns(host)), host);
            }
            Sh.Result r = tb.exec("client", "ip", "-6", "route", "show", "default");
            assertEquals(0, r.exit());
            assertTrue(r.output().contains(Topology.str(t.routerAddress("client"))), r.output());
            String json = Json.write(tb.status(false));
            assertTrue(json.contains("\"logicalAddress\":\"" + Topology.str(t.logicalAddress()) + "\""), json);
            assertTrue(json.contains("\"namespace\":\"" + t.ns("node3") + "\""), json);
            assertTrue(json.contains("\"bandwidthKbit\":2000"), json);
            assertTrue(tb.exec("router", "tc", "qdisc", "show", "dev", "r-node3").output().contains("tbf"));
            assertEquals(10, tb.echoRtts("client", tb.address("node3"), 10).size(), "every host reachable");
            // the client link's 5 ms counts from the kernel's stamp of each packet's arrival
            @SuppressWarnings("unchecked")
            Map<String, Object> wan = (Map<String, Object>) tb.status(false).get("wanEmulator");
            assertTrue((Long) wan.get("delayedPackets") >= 20, wan.toString());
            assertEquals(wan.get("delayedPackets"), wan.get("stampedPackets"), wan.toString());
        }
        for (String host : List.of("router", "client", "ha", "node1", "node2", "node3")) {
            assertFalse(NetNs.exists(t.ns(host)), host + " removed");
        }
        assertFalse(Files.exists(Testbed.STATE_ROOT.resolve(cfg.id())), "state removed");
    }

    /** Packets of one flow must not overtake each other on a link (see TestbedNetwork.steerByFlow). */
    @Test
    void shouldSteerEveryLinksReceiveQueuesByFlowOnEveryCpu() throws Exception {
        TestbedConfig cfg = new TestbedConfig(TestbedSupport.id("rps"), 2, Map.of(), Map.of(), false);
        try (Testbed tb = Testbed.create(cfg)) {
            long all = TestbedNetwork.cpuMask();
            List<String[]> ends = new java.util.ArrayList<>();
            for (String host : List.of("client", "ha", "node1", "node2")) {
                ends.add(new String[] {host, "eth0"});
                ends.add(new String[] {"router", Topology.routerIf(host)});
            }
            ends.add(new String[] {"ha", "home0"});
            ends.add(new String[] {"ha", "home1"});
            for (String[] end : ends) {
                Sh.Result r = tb.exec(end[0], "sh", "-c", "cat /sys/class/net/" + end[1] + "/queues/rx-*/rps_cpus");
                assertEquals(0, r.exit(), r.output());
                for (String mask : r.output().strip().split("\\s+")) {
                    assertEquals(all, Long.parseLong(mask.replace(",", ""), 16), end[0] + " " + end[1] + ": " + r.output());
                }
            }
        }
    }

    @Test
    void shouldSweepTestbedWhoseOwnerDied() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(TestbedSupport.id("st")).withAgents(false);
        Topology t = new Topology(cfg.id());
        Testbed.writeState(cfg, -1);
        try {
            TestbedNetwork.build(cfg);
            // An owner that is certainly gone: a process that already exited.
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Testbed.writeState(cfg, gone.pid());
            List<String> removed = Testbed.sweepStale();
            assertTrue(removed.contains(t.ns("router")), removed.toString());
            assertFalse(NetNs.exists(t.ns("client")));
        } finally {
            Testbed.destroy(cfg.id());
        }
    }

    @Test
    void shouldRemoveTestbedOfKilledDaemonOnDown() throws Exception {
        String id = TestbedSupport.id("cr");
        Topology t = new Topology(id);
        try {
            assertEquals(0, TestbedCommand.run(new String[] {"up", "--id", id, "--no-agents"}));
            assertEquals(1, TestbedCommand.run(new String[] {"up", "--id", id, "--no-agents"}), "a running testbed is not rebuilt");
            long pid = Long.parseLong(Files.readString(Testbed.STATE_ROOT.resolve(id).resolve("daemon.pid")).strip());
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroyForcibly();
            daemon.onExit().get();
            assertTrue(NetNs.exists(t.ns("router")), "a crash leaves the network behind");
            assertEquals(0, TestbedCommand.run(new String[] {"down", "--id", id}));
            assertFalse(NetNs.exists(t.ns("router")));
            assertFalse(Files.exists(Testbed.STATE_ROOT.resolve(id)));
        } finally {
            Testbed.destroy(id);
        }
    }

    @Test
    void shouldAnswerUsageErrorsWithExitTwo() {
        assertEquals(2, TestbedCommand.run(new String[] {}));
        assertEquals(2, TestbedCommand.run(new String[] {"frobnicate"}));
        assertEquals(2, TestbedCommand.run(new String[] {"up", "--id", "Not Valid"}));
        assertEquals(1, TestbedCommand.run(new String[] {"status", "--id", "zz9"}));
    }
}
