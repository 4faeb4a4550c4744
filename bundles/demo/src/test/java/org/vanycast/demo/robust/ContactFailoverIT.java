package org.vanycast.demo.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

/**
 * Issue 7: the contact node is killed ({@code kill -9} of its node container) while a client
 * it handed to another node is still downloading. Exactly one backup takes X over by a new
 * home registration, new clients reach the service at X through it, and the handed-off
 * download finishes intact without a reset. The takeover time is measured and printed
 * (goal: under 1 s), never asserted.
 */
@Tag("netns")
class ContactFailoverIT {

    @Test
    void shouldLetExactlyOneBackupTakeXOverWhenTheContactNodeIsKilled() throws Exception {
        Path out = Path.of("target/robust/contact-failover").toAbsolutePath();
        try (RobustBed bed = RobustBed.start("rf", 3, 4000, out, System.out)) {
            long size = 2L << 20;
            bed.document("handed.bin", size);
            bed.document("fresh.bin", 256 * 1024);
            Inet6Address node1 = bed.tb.address("node1");
            assertEquals(node1, bed.agents.homeAgent().bindings().get(bed.x()), "node1 registered X at the home agent");

            Capture capture = Capture.start(bed.tb.ns("client"), "eth0", out.resolve("client.pcap"));
            Path got = out.resolve("handed");
            Process curl = bed.curl(got, List.of("handed.bin"));
            assertTrue(RobustBed.awaitSize(got.resolve("handed.bin"), size / 4, curl), "download under way");
            List<Integer> ports = bed.clientPorts();
            assertEquals(1, ports.size(), "one client connection: " + ports);
            String reply = bed.handoff("node1", ports.get(0), "node3");
            assertTrue(reply.startsWith("ok "), reply);
            assertTrue(RobustBed.awaitSize(got.resolve("handed.bin"), size / 2, curl), "node3 serves the download");

            long killed = bed.kill9("node1");
            List<String> survivors = List.of("node2", "node3");
            long[] takeover = {-1};
            String[] holder = {""};
            boolean moved = RobustBed.poll(20_000, 1, () -> !(holder[0] = bed.bed.homeAgentHolder(survivors)).isEmpty());
            takeover[0] = System.nanoTime() - killed;
            assertTrue(moved, "a backup registered X at the home agent; node2: " + bed.tail("node2"));
            // Exactly one: the registration names one care-of address, and one survivor says CONTACT.
            List<String> contacts = new ArrayList<>();
            assertTrue(RobustBed.poll(10_000, 50, () -> {
                contacts.clear();
                contacts.addAll(bed.bed.contacts(survivors));
                return contacts.size() == 1 && bed.statusQuietly(contacts.get(0)).contains("members=2");
            }), "one contact node among the survivors: " + contacts);
            String contact = contacts.get(0);
            assertEquals(contact, holder[0], "the home agent's binding names the new contact node");

            Path fresh = out.resolve("fresh");
            Process newClient = bed.curl(fresh, List.of("fresh.bin"));
            assertTrue(newClient.waitFor(60, TimeUnit.SECONDS), "new client finished");
            assertEquals(0, newClient.exitValue(), Files.readString(fresh.resolve("curl.log")));
            assertEquals(List.of(), bed.corrupted(fresh, List.of("fresh.bin")), "new client's download intact");

            assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "handed-off download finished");
            assertEquals(0, curl.exitValue(), Files.readString(got.resolve("curl.log")));
            assertEquals(List.of(), bed.corrupted(got, List.of("handed.bin")), "handed-off download intact");
            capture.stop();
            int resets = RobustBed.resets(capture.file());
            assertEquals(0, resets, "TCP resets on the client's wire");
            // still exactly one contact after the dust settled (fenced: never two)
            assertEquals(1, bed.bed.contacts(survivors).size());
            assertNotNull(bed.agents.homeAgent().bindings().get(bed.x()));
            String line = String.format("contact failover: kill -9 node1 -> %s registered X at the home agent after %.1f ms"
                    + " (goal < 1000 ms); new client intact; handed-off client (node3) intact, %d resets",
                    contact, takeover[0] / 1e6, resets);
            System.out.println(line);
            Files.writeString(out.resolve("takeover.csv"), "takeover_ms,new_contact,resets\n"
                    + String.format("%.3f,%s,%d%n", takeover[0] / 1e6, contact, resets));
        }
    }
}
