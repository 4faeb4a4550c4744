package org.vanycast.core.internal.policy;

import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vanycast.core.spi.AcceptorPolicy;

/**
 * The default acceptor choice: the candidate with the smallest {@code load / weight}. A node's
 * weight comes from operator configuration when set, else from its own report ({@code weight}
 * metric), else 1. Weight 0 (or less) excludes a node; a node without a {@code load} report
 * is not chosen, since it may not be ready. Ties go to the lexicographically smaller name so
 * the choice is reproducible.
 */
public final class LeastLoadedPolicy implements AcceptorPolicy {
    public static final String LOAD = "load";
    public static final String WEIGHT = "weight";

    private final Map<String, Double> configuredWeights;

    public LeastLoadedPolicy(Map<String, Double> configuredWeights) {
        this.configuredWeights = Map.copyOf(configuredWeights);
    }

    public LeastLoadedPolicy() {
        this(Map.of());
    }

    @Override
    public Optional<Candidate> choose(InetSocketAddress client, List<Candidate> candidates) {
        return candidates.stream()
                .filter(c -> c.metrics().containsKey(LOAD) && weight(c) > 0)
                .min(Comparator.comparingDouble(this::score).thenComparing(Candidate::nodeName));
    }

    double score(Candidate c) {
        return Math.max(0, c.metric(LOAD, 0)) / weight(c);
    }

    private double weight(Candidate c) {
        Double w = configuredWeights.get(c.nodeName());
        double weight = w != null ? w : c.metric(WEIGHT, 1.0);
        return Double.isFinite(weight) ? weight : 0;
    }

    /**
     * Parses operator weights written as {@code node=weight} entries.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, Double> parseWeights(String[] entries) {
        java.util.HashMap<String, Double> weights = new java.util.HashMap<>();
        java.util.List<String> all = new java.util.ArrayList<>();
        for (String e : entries == null ? new String[0] : entries) {
            // a .cfg file gives one string: accept comma-separated entries in each value
            all.addAll(java.util.Arrays.asList(e.split(",")));
        }
        for (String e : all) {
            String entry = e.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("weight entry must be node=number: '" + entry + "'");
            }
            try {
                double w = Double.parseDouble(entry.substring(eq + 1).trim());
                if (!Double.isFinite(w) || w < 0) {
                    throw new NumberFormatException();
                }
                weights.put(entry.substring(0, eq).trim(), w);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("weight must be a finite number >= 0: '" + entry + "'");
            }
        }
        return weights;
    }
}
