package org.vanycast.demo.internal.run;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vanycast.testbed.Capture;
import org.vanycast.testbed.Topology;

/**
 * The demo's group events around one download (issue 7, item 6): after the operator handoffs
 * the contact node leaves the group gracefully (its contact role, and X's home registration,
 * move to the next member in view order, a backup holding the home-agent association); then
 * that new contact node is killed ({@code kill -9}) while the client keeps downloading from
 * another node, one survivor takes X over, and a new client connection to X is answered.
 * <p>
 * The killed contact node must not be the node serving the client (that would be a crash of
 * the client's server, not a contact failover): when the new contact happens to hold the
 * client, the client is first handed to another surviving node. Times are measured and
 * reported, never judged; what is judged is that exactly one survivor holds X, that the new
 * client's download is intact, and (in {@link DemoScenario#finish}) that the main download is.
 */
final class ContactFailover {
    static final String NEW_CLIENT_DOCUMENT = "fresh.bin";
    static final long NEW_CLIENT_BYTES = 256 * 1024;
    private static final Pattern PORT = Pattern.compile("port=(\\d+) status=(\\d+)");

    private final DemoScenario s;
    private final ContainerBed bed;
    private final List<String> live = new ArrayList<>();

    ContactFailover(DemoScenario s) {
        this.s = s;
        this.bed = s.bed;
        s.nodes().forEach(n -> live.add(n.name));
    }

    /**
     * One download from {@code firstDonor} handed along {@code acceptors}; then the contact
     * node leaves, the next contact node is killed, and a new client asks X, each at an evenly
     * spaced point of the download.
     */
    DemoResult download(String firstDonor, List<String> acceptors, Path out) throws Exception {
        DemoScenario.Download d = s.begin(firstDonor, out);
        long size = s.o.sizeBytes();
        // handoffs, leave, kill, then time for the takeover and the new client before the end
        int parts = acceptors.size() + 4;
        try {
            for (int i = 0; i < acceptors.size() && d.problems.isEmpty(); i++) {
                s.handoff(d, acceptors.get(i), size * (i + 1) / parts);
            }
            if (d.problems.isEmpty() && leaveContact(d, size * (acceptors.size() + 1) / parts)
                    && killContact(d, size * (acceptors.size() + 2) / parts)) {
                newClient(d);
            }
        } finally {
            s.awaitCurl(d);
        }
        return s.finish(d);
    }

    /** The contact node leaves gracefully; waits until one survivor holds X at the home agent. */
    private boolean leaveContact(DemoScenario.Download d, long atBytes) throws Exception {
        String leaver = soleContact(d, "before the leave");
        if (leaver.isEmpty() || !s.reach(d, atBytes, leaver + " (contact) leaving")) {
            return false;
        }
        long at = d.bytes();
        long wall = DemoScenario.wallNanos();
        long t = System.nanoTime();
        String reply = bed.control(leaver, "leave");
        double leaveMs = (System.nanoTime() - t) / 1e6;
        boolean ok = reply.startsWith("ok ");
        live.remove(leaver);
        String next = "";
        double movedMs = -1;
        if (ok) {
            String[] holder = {""};
            ContainerBed.poll(20_000, 1, () -> !(holder[0] = bed.homeAgentHolder(live)).isEmpty());
            next = holder[0];
            movedMs = next.isEmpty() ? -1 : (System.nanoTime() - t) / 1e6;
        }
        s.log.printf("%s (contact node) leaves the group at %d bytes: %s (%.0f ms); X registered at the home agent by %s"
                + " %.0f ms after the request%n", leaver, at, ok ? "left" : reply, leaveMs, next.isEmpty() ? "nobody" : next,
                movedMs);
        d.mark(DemoResult.Event.LEAVE, leaver, at, wall, leaveMs, ok, ok ? leaver + " left the group gracefully ("
                + (leaver.equals(d.holder) ? "handing its client on" : "no client of its own") + ")" : reply);
        if (!ok) {
            d.problems.add("graceful leave of the contact node " + leaver + ": " + reply);
            return false;
        }
        if (leaver.equals(d.holder)) {
            String holder = s.clientHolder(leaver);
            d.handoffs.add(new DemoResult.Handoff(leaver, holder, atBytes, !holder.isEmpty(), "COMPLETED", Map.of(), -1,
                    "graceful leave: " + reply));
            if (holder.isEmpty()) {
                d.problems.add("the client of " + leaver + " did not move to another node when it left");
                return false;
            }
            d.holder = holder;
        }
        d.mark(DemoResult.Event.CONTACT_MOVED, next, at, wall, movedMs, !next.isEmpty(), next.isEmpty()
                ? "no surviving node registered X at the home agent within 20 s"
                : "contact role moved to " + next + ", which registered X at the home agent");
        if (next.isEmpty()) {
            d.problems.add("after " + leaver + " left, no node registered X at the home agent");
            return false;
        }
        String contact = soleContact(d, "after " + leaver + " left");
        if (!contact.equals(next)) {
            d.problems.add("after " + leaver + " left, the home agent names " + next + " but the contact node is '" + contact + "'");
            return false;
        }
        return true;
    }

    /** Kills the contact node while the client downloads from another node; waits until a survivor holds X. */
    private boolean killContact(DemoScenario.Download d, long atBytes) throws Exception {
        String victim = soleContact(d, "before the kill");
        if (victim.isEmpty()) {
            return false;
        }
        if (victim.equals(d.holder)) {
            // the client must stay on a node that survives: hand it to another survivor first
            String other = live.stream().filter(n -> !n.equals(victim)).findFirst().orElse("");
            s.log.printf("%s is the new contact node and serves the client: handing the client to %s before the kill%n",
                    victim, other);
            if (other.isEmpty() || !s.handoff(d, other, d.bytes())) {
                d.problems.add("could not move the client off the contact node " + victim + " before killing it");
                return false;
            }
        }
        if (!s.reach(d, atBytes, "kill -9 of the contact node " + victim)) {
            return false;
        }
        if (!d.curl.isAlive()) {
            d.problems.add("the download ended before the contact node " + victim + " could be killed during it");
            return false;
        }
        long at = d.bytes();
        long wall = DemoScenario.wallNanos();
        long killed = bed.kill9(victim);
        double killMs = (System.nanoTime() - killed) / 1e6;
        live.remove(victim);
        d.mark(DemoResult.Event.KILL, victim, at, wall, killMs, true, "kill -9 of " + victim + " (the contact node) while "
                + d.holder + " serves the client");
        String[] holder = {""};
        boolean moved = ContainerBed.poll(20_000, 1, () -> !(holder[0] = bed.homeAgentHolder(live)).isEmpty());
        double takeoverMs = moved ? (System.nanoTime() - killed) / 1e6 : -1;
        String contact = moved ? soleContact(d, "after the kill") : "";
        boolean ok = moved && contact.equals(holder[0]);
        s.log.printf("kill -9 %s (contact node) at %d bytes: %s registered X at the home agent %.1f ms after the kill;"
                + " the client's download %s%n", victim, at, moved ? holder[0] : "no survivor", takeoverMs,
                d.curl.isAlive() ? "goes on" : "has ended");
        d.mark(DemoResult.Event.FAILOVER, holder[0], at, wall, takeoverMs, ok, !moved
                ? "no survivor registered X at the home agent within 20 s"
                : ok ? holder[0] + " took X over (the only contact node among " + live + ")"
                : "the home agent names " + holder[0] + " but the contact node is '" + contact + "'");
        if (!moved) {
            d.problems.add("no survivor took X over within 20 s after " + victim + " was killed");
        } else if (!ok) {
            d.problems.add("after the kill the home agent names " + holder[0] + " but the contact node is '" + contact + "'");
        }
        return ok;
    }

    /** A new client connection to X after the failover: one more curl on the client, of a small document. */
    private void newClient(DemoScenario.Download d) throws Exception {
        Path dir = d.out.resolve("new-client");
        long at = d.bytes();
        long wall = DemoScenario.wallNanos();
        long t = System.nanoTime();
        Process c = bed.curl(dir, List.of(NEW_CLIENT_DOCUMENT), 60);
        boolean done = c.waitFor(90, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t) / 1e6;
        if (!done) {
            c.destroyForcibly();
        }
        int exit = done ? c.exitValue() : -1;
        Path file = dir.resolve(NEW_CLIENT_DOCUMENT);
        boolean intact = Files.exists(file) && ContainerBed.sha256(file).equals(bed.sha256(NEW_CLIENT_DOCUMENT));
        String curlLog = Files.readString(dir.resolve("curl.log")).strip();
        Matcher m = PORT.matcher(curlLog);
        d.newClientPort = m.find() ? Integer.parseInt(m.group(1)) : -1;
        String status = m.find(0) ? m.group(2) : "?";
        boolean ok = exit == 0 && intact && status.equals("200");
        String detail = NEW_CLIENT_DOCUMENT + " (" + NEW_CLIENT_BYTES + " bytes): curl exit " + exit + ", HTTP " + status
                + ", sha256 " + (intact ? "intact" : "DIFFERS") + (exit == 0 ? "" : " (" + curlLog.replace('\n', ' ') + ")");
        s.log.printf("new client after the failover: %s (%.0f ms)%n", detail, ms);
        d.mark(DemoResult.Event.NEW_CLIENT, "", at, wall, done ? ms : -1, ok, detail);
    }

    /**
     * The new-client event completed from the capture: who answered (the wire source of its
     * data) and resets on its connection.
     */
    static DemoScenario.Mark answered(DemoScenario.Mark m, int clientPort, List<Capture.Frame> frames,
                                      Map<Inet6Address, String> names, Inet6Address x) {
        if (clientPort <= 0) {
            return new DemoScenario.Mark(m.kind(), m.node(), m.atBytes(), m.wallNanos(), m.millis(), false,
                    m.detail() + "; no client port reported");
        }
        ClientTrace t = ClientTrace.of(frames, NodeContainer.HTTP_PORT, clientPort);
        // data from X itself came through the home agent (no binding on the client); from a care-of address, straight
        List<String> senders = t.bytesBySource().keySet().stream()
                .map(a -> a.equals(x) ? "X via the home agent" : names.getOrDefault(a, Topology.str(a))).toList();
        boolean ok = m.ok() && t.resets == 0 && !senders.isEmpty();
        return new DemoScenario.Mark(m.kind(), String.join("+", senders), m.atBytes(), m.wallNanos(), m.millis(), ok,
                m.detail() + ", answered by " + (senders.isEmpty() ? "nobody" : String.join(" and ", senders)) + " (client port "
                        + clientPort + "), " + t.resets + " resets");
    }

    /** The one node among the live ones that says it is the contact node ("" and a problem noted if not exactly one). */
    private String soleContact(DemoScenario.Download d, String when) throws InterruptedException {
        List<List<String>> seen = new ArrayList<>(List.of(List.of()));
        if (ContainerBed.poll(10_000, 20, () -> {
            seen.set(0, bed.contacts(live));
            return seen.get(0).size() == 1;
        })) {
            return seen.get(0).get(0);
        }
        d.problems.add("not exactly one contact node among " + live + " " + when + ": " + seen.get(0));
        return "";
    }
}
