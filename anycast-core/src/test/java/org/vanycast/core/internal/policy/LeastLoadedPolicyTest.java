package org.vanycast.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.AcceptorPolicy.Candidate;

class LeastLoadedPolicyTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("fd00::10", 40000);

    private static Candidate node(String name, double load) {
        return new Candidate(name, Map.of("load", load));
    }

    @Test
    void shouldChooseLeastLoadedCandidate() {
        var chosen = new LeastLoadedPolicy().choose(CLIENT, List.of(node("a", 5), node("b", 2), node("c", 9)));
        assertEquals("b", chosen.orElseThrow().nodeName());
    }

    @Test
    void shouldBreakTiesByName() {
        var chosen = new LeastLoadedPolicy().choose(CLIENT, List.of(node("c", 1), node("a", 1), node("b", 1)));
        assertEquals("a", chosen.orElseThrow().nodeName());
    }

    @Test
    void shouldScaleLoadByConfiguredWeight() {
        var policy = new LeastLoadedPolicy(Map.of("big", 4.0));
        var chosen = policy.choose(CLIENT, List.of(node("big", 6), node("small", 2)));
        assertEquals("big", chosen.orElseThrow().nodeName(), "6/4 < 2/1");
    }

    @Test
    void shouldUseReportedWeightWhenNotConfigured() {
        var heavy = new Candidate("heavy", Map.of("load", 3.0, "weight", 3.0));
        var chosen = new LeastLoadedPolicy().choose(CLIENT, List.of(heavy, node("plain", 2)));
        assertEquals("heavy", chosen.orElseThrow().nodeName());
    }

    @Test
    void shouldExcludeZeroWeightAndUnreportedNodes() {
        var policy = new LeastLoadedPolicy(Map.of("drained", 0.0));
        var chosen = policy.choose(CLIENT, List.of(node("drained", 0), new Candidate("silent", Map.of())));
        assertTrue(chosen.isEmpty());
    }

    @Test
    void shouldRejectMalformedWeightEntries() {
        assertEquals(Map.of("n1", 2.5), LeastLoadedPolicy.parseWeights(new String[] {" n1 = 2.5 ", ""}));
        assertEquals(Map.of("n1", 2.0, "n2", 0.5), LeastLoadedPolicy.parseWeights(new String[] {"n1=2, n2=0.5"}));
        var x = assertThrows(IllegalArgumentException.class, () -> LeastLoadedPolicy.parseWeights(new String[] {"n1=-1"}));
        assertTrue(x.getMessage().contains("n1=-1"));
        assertThrows(IllegalArgumentException.class, () -> LeastLoadedPolicy.parseWeights(new String[] {"=3"}));
        assertThrows(IllegalArgumentException.class, () -> LeastLoadedPolicy.parseWeights(new String[] {"n2=abc"}));
    }
}
