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
    void shouldMergeEachPhaseFromTheNodeThatRanIt() throws Exception {
        Path donor = dir.resolve("node1.csv");
        Path acceptor = dir.resolve("node2.csv");
        Files.writeString(donor, HEADER + "\n1,ab,DONOR,COMPLETED,node1,node2,fd00::1,40000,1,10,500,3,40,-1,-1,-1,2,555,170,77,\n"
                + "2,cd,DONOR,ROLLED_BACK,node1,node2,fd00::1,40001,1,11,-1,-1,-1,-1,-1,-1,-1,11,0,0,\"why, with a comma\"\n");
        Files.writeString(acceptor, HEADER + "\n1,ab,ACCEPTOR,COMPLETED,node1,node2,fd00::1,40000,1,-1,-1,-1,-1,9,70,1,-1,80,170,77,\n");

        List<Map<String, String>> rows = PhaseCsv.read(List.of(donor, acceptor, dir.resolve("missing.csv")));
        Map<String, Long> m = PhaseCsv.merged(rows, "node1", "node2", 40000);

        assertEquals(3, rows.size());
        assertEquals(List.of(10L, 500L, 3L, 40L, 9L, 70L, 1L, 2L), List.copyOf(m.values()));
        assertEquals("COMPLETED", PhaseCsv.outcome(rows, "node1", "node2", 40000));
        assertEquals("ROLLED_BACK", PhaseCsv.outcome(rows, "node1", "node2", 40001));
        assertEquals("unknown", PhaseCsv.outcome(rows, "node2", "node3", 40000));
    }
}
