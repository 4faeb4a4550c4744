package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseCsvTest {
    private static final String HEADER = "time_ms,handoff,role,outcome,donor,acceptor,client_address,client_port,connections,"
            + "prepare_us,drain_us,extract_us,transfer_us,recreate_us,redirect_us,activate_us,release_us,total_us,"
            + "socket_state_bytes,app_state_bytes,failure";

    @TempDir
    Path dir;

    @Test
    void shouldTakeFreezeToLiveFromTheDonorsFreezeAndTheAcceptorsLiveInstant() throws Exception {
        String header = HEADER.replace("app_state_bytes,", "app_state_bytes,freeze_at_mono_us,live_at_mono_us,");
        Path n1 = dir.resolve("n1.csv");
        Path n2 = dir.resolve("n2.csv");
        Files.writeString(n1, header + "\n"
                + "100,aa,DONOR,COMPLETED,node1,node2,fd00::1,40000,1,1,2,300,4000,-1,-1,-1,8,40,90,10,7000000,-1,\n"
                + "300,cc,DONOR,ROLLED_BACK,node1,node2,fd00::1,40000,1,1,2,-1,-1,-1,-1,-1,-1,3,90,10,-1,-1,\"x\"\n");
        Files.writeString(n2, header + "\n"
                + "99,aa,ACCEPTOR,COMPLETED,node1,node2,fd00::1,40000,1,-1,-1,-1,-1,500,60,7,-1,567,90,10,-1,7001234,\n");

        List<PhaseCsv.Merged> h = PhaseCsv.handoffs(PhaseCsv.read(List.of(n1, n2)), 40000);

        assertEquals(1234L, h.get(0).freezeToLiveMicros());
        assertEquals(-1L, h.get(1).freezeToLiveMicros(), "no instants: unknown");
        // the instants are not phases
        assertEquals(false, h.get(0).phaseMicros().containsKey("freeze_at_mono"));
        assertEquals(false, h.get(0).phaseMicros().containsKey("live_at_mono"));
    }

    @Test
    void shouldMergeEachPhaseFromTheNodeThatRanIt() throws Exception {
        Path donor = dir.resolve("node1.csv");
        Path acceptor = dir.resolve("node2.csv");
        Files.writeString(donor, HEADER + "\n1,ab,DONOR,COMPLETED,node1,node2,fd00::1,40000,1,10,500,3,40,-1,-1,-1,2,555,170,77,\n"
                + "2,cd,DONOR,ROLLED_BACK,node1,node2,fd00::1,40001,1,11,-1,-1,-1,-1,-1,-1,-1,11,0,0,\"why, with a comma\"\n");
        Files.writeString(acceptor, HEADER + "\n1,ab,ACCEPTOR,COMPLETED,node1,node2,fd00::1,40000,1,-1,-1,-1,-1,9,70,1,-1,80,170,77,\n");

        List<Map<String, String>> rows = PhaseCsv.read(List.of(donor, acceptor, dir.resolve("missing.csv")));
        Map<String, Long> m = PhaseCsv.merged(rows, "node1", "node2", 40000);

        assertEquals(3, rows.size());
        Map<String, Long> expected = Map.of("prepare", 10L, "drain", 500L, "extract", 3L, "transfer", 40L, "recreate", 9L,
                "redirect", 70L, "activate", 1L, "release", 2L);
        expected.forEach((p, us) -> assertEquals(us, m.get(p), p));
        assertEquals("COMPLETED", PhaseCsv.outcome(rows, "node1", "node2", 40000));
        assertEquals("ROLLED_BACK", PhaseCsv.outcome(rows, "node1", "node2", 40001));
        assertEquals("unknown", PhaseCsv.outcome(rows, "node2", "node3", 40000));
    }

    @Test
    void shouldKeepEachHandoffOfAConnectionHandedBackAndForthApartAndInOrder() throws Exception {
        // node1 -> node2 -> node1 -> node2 on one connection; a phase column anycast-core may add later is kept too
        String header = HEADER.replace("activate_us,", "activate_us,confirm_us,");
        Path n1 = dir.resolve("n1.csv");
        Path n2 = dir.resolve("n2.csv");
        Files.writeString(n1, header + "\n"
                + "100,aa,DONOR,COMPLETED,node1,node2,fd00::1,40000,1,1,2,3,4,5,6,7,-1,8,40,90,10,\n"
                + "200,bb,ACCEPTOR,COMPLETED,node2,node1,fd00::1,40000,1,-1,-1,-1,-1,15,16,17,18,-1,60,95,10,\n"
                + "300,cc,DONOR,COMPLETED,node1,node2,fd00::1,40000,1,21,22,23,24,25,26,27,-1,28,150,4000,10,\n");
        Files.writeString(n2, header + "\n"
                + "99,aa,ACCEPTOR,COMPLETED,node1,node2,fd00::1,40000,1,-1,-1,-1,-1,5,6,7,9,-1,30,90,10,\n"
                + "201,bb,DONOR,COMPLETED,node2,node1,fd00::1,40000,1,11,12,13,14,15,16,17,-1,19,100,95,10,\n"
                + "299,cc,ACCEPTOR,COMPLETED,node1,node2,fd00::1,40000,1,-1,-1,-1,-1,25,26,27,29,-1,80,4000,10,\n"
                + "400,dd,DONOR,COMPLETED,node2,node1,fd00::1,40999,1,1,1,1,1,1,1,1,-1,1,5,90,10,\n");

        List<PhaseCsv.Merged> h = PhaseCsv.handoffs(PhaseCsv.read(List.of(n1, n2)), 40000);

        assertEquals(List.of("aa", "bb", "cc"), h.stream().map(PhaseCsv.Merged::id).toList());
        assertEquals("node2", h.get(1).donor());
        assertEquals(12L, h.get(1).phaseMicros().get("drain"));
        assertEquals(18L, h.get(1).phaseMicros().get("confirm"));
        assertEquals(29L, h.get(2).phaseMicros().get("confirm"));
        assertEquals(4000L, h.get(2).socketStateBytes());
        assertEquals(8L, h.get(0).phaseMicros().get("release"));
        assertEquals(9L, h.get(0).phaseMicros().get("confirm"));
    }
}
