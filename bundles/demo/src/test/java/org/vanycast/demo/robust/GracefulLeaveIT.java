package org.vanycast.demo.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

/**
 * Issue 7: a node with many active downloads is asked to leave and every download completes
 * intact on the other node. Three ways an operator asks: {@code leave} on the node's control
 * endpoint, removing the node's {@code org.vanycast.core.node} configuration (the component's
 * deactivation is the graceful leave), or SIGTERM to the node container (the launcher stops
 * its framework). The count is
 * {@code -Drobust.leave.downloads} (default 10; the 50 is a heavier manual run).
 */
@Tag("netns")
class GracefulLeaveIT {
    private static final Pattern LEFT = Pattern.compile("node node1 left group \\S+ \\((\\d+) client\\(s\\) handed off\\)");

    @Test
    void shouldHandEveryActiveDownloadToAnotherNodeWhenTheOperatorRemovesTheNodesConfiguration() throws Exception {
        leave("config", bed -> Files.delete(bed.nodeDir("node1").resolve("etc/org.vanycast.core.node.cfg")));
    }

    @Test
    void shouldHandEveryActiveDownloadToAnotherNodeWhenTheOperatorAsksTheNodeToLeave() throws Exception {
        leave("control", bed -> {
            String reply = bed.control("node1", "leave");
            assertTrue(reply.startsWith("ok"), "leave on node1's control endpoint: " + reply);
        });
    }

    @Test
    void shouldHandEveryActiveDownloadToAnotherNodeWhenTheNodeContainerGetsSigterm() throws Exception {
        leave("sigterm", bed -> bed.signal("node1", "TERM"));
    }

    interface Trigger {
        void leave(RobustBed bed) throws Exception;
    }

    private void leave(String how, Trigger trigger) throws Exception {
        int count = Integer.getInteger("robust.leave.downloads", 10);
        long size = 512 * 1024;
        Path out = Path.of("target/robust/graceful-leave-" + how).toAbsolutePath();
        // client link 8 Mbit/s: the downloads share it, so all of them are still running when node1 leaves
        try (RobustBed bed = RobustBed.start("rl", 2, 8000, out, System.out)) {
            List<String> docs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                docs.add("doc" + i + ".bin");
                bed.document(docs.get(i), size);
            }
            Capture capture = Capture.start(bed.tb.ns("client"), "eth0", out.resolve("client.pcap"));
            Path got = out.resolve("received");
            Process curl = bed.curl(got, docs);
            assertTrue(RobustBed.poll(60_000, 20, () -> {
                try {
                    return bed.clientPorts().size() == count || !curl.isAlive();
                } catch (Exception e) {
                    return false;
                }
            }) && curl.isAlive(), "all " + count + " downloads connected");
            assertTrue(RobustBed.poll(60_000, 5, () -> received(got, docs) >= count * size / 5 || !curl.isAlive()),
                    "downloads under way");
            long before = received(got, docs);
            assertEquals(count, bed.clientPorts().size(), "every download still running when node1 is asked to leave");

            long t0 = System.nanoTime();
            trigger.leave(bed);
            Matcher[] left = {null};
            assertTrue(RobustBed.poll(90_000, 20, () -> (left[0] = LEFT.matcher(bed.logText("node1"))).find()),
                    "node1 left its group: " + bed.tail("node1"));
            long leaveMillis = RobustBed.ms(t0);
            assertEquals(count, Integer.parseInt(left[0].group(1)), "clients handed off by node1: " + bed.tail("node1"));

            assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "downloads finished");
            assertEquals(0, curl.exitValue(), Files.readString(got.resolve("curl.log")));
            assertEquals(List.of(), bed.corrupted(got, docs), "downloads that differ from the service's documents");
            capture.stop();
            int resets = RobustBed.resets(capture.file());
            assertEquals(0, resets, "TCP resets on the client's wire");
            bed.awaitStatus("node2", "role=CONTACT", 20_000);
            assertTrue(RobustBed.poll(15_000, 10, () -> bed.tb.address("node2").equals(bed.agents.homeAgent().bindings()
                    .get(bed.x()))), "node2 holds X at the home agent; ha-agent " + bed.agents.homeAgent().counters() + "\n"
                    + bed.tail("node2"));
            assertEquals(bed.tb.address("node2"), bed.agents.cnAgent().bindings().get(bed.x()),
                    "the client's binding for X points to node2");

            String handoff = bed.logText("node1").lines().filter(l -> l.contains("role=DONOR")).reduce((a, b) -> b).orElse("");
            System.out.println("graceful leave (" + how + "), node1: " + handoff.substring(Math.max(0, handoff.indexOf("handoff="))));
            String line = String.format("graceful leave (" + how + "): %d downloads of %d kB, %.0f%% received when node1 was asked to leave;"
                    + " node1 handed off %s and left after %d ms; all intact on node2, %d resets",
                    count, size / 1024, 100.0 * before / (count * size), left[0].group(1), leaveMillis, resets);
            System.out.println(line);
            Files.writeString(out.resolve("leave-" + how + "-" + count + ".csv"), "downloads,kbytes_each,leave_ms,resets\n"
                    + String.format("%d,%d,%d,%d%n", count, size / 1024, leaveMillis, resets));
        }
    }

    private static long received(Path dir, List<String> docs) {
        long n = 0;
        for (String d : docs) {
            try {
                Path f = dir.resolve(d);
                n += Files.exists(f) ? Files.size(f) : 0;
            } catch (java.io.IOException e) {
                // not there yet
            }
        }
        return n;
    }
}
