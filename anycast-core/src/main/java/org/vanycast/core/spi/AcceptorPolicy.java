package org.vanycast.core.spi;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/** Chooses which node should accept a client (paper §4.5: any metric the service likes). */
@ConsumerType
public interface AcceptorPolicy {

    /**
     * @param client     the client connection to be handed off
     * @param candidates the group members that may accept it (the donor excluded)
     * @return the chosen member, or empty to keep the client where it is
     */
    Optional<Candidate> choose(InetSocketAddress client, List<Candidate> candidates);

    /** A member as the policy sees it: its name and whatever metrics it reported. */
    record Candidate(String nodeName, Map<String, Double> metrics) {
        public Candidate {
            metrics = Map.copyOf(metrics);
        }

        public double metric(String key, double fallback) {
            return metrics.getOrDefault(key, fallback);
        }
    }
}
