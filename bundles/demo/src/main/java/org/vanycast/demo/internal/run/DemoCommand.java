package org.vanycast.demo.internal.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./vanycast demo [--json] [--nodes 3] [--size-mb 8] [--rate-kb 800] [--client-ms 10]
 * [--node-ms 5] [--failover yes] [--leave no] [--out results/demo]}: the handoff demo end to end
 * (node1 → node2 → node3 by operator; then node1, the contact node, leaves the group gracefully,
 * the next contact node is killed while node3 serves the client, and a new client asks X —
 * {@code --failover no} skips that; {@code --leave yes} instead makes the last holder leave);
 * exit 0 only when everything was verified.
 */
public final class DemoCommand {
    static final String USAGE = "usage: vanycast demo [--json] [--nodes 2..5] [--size-mb N] [--rate-kb N]"
            + " [--client-ms MS] [--node-ms MS] [--failover yes|no] [--leave yes|no] [--out DIR]";

    private DemoCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Preload.all();
        boolean json = false;
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                return usage(err, "unexpected '" + args[i] + "'");
            }
        }
        Options o;
        try {
            int nodes = Integer.parseInt(opt.getOrDefault("nodes", "3"));
            List<String> chain = new ArrayList<>();
            for (int i = 2; i <= nodes; i++) {
                chain.add("node" + i);
            }
            Path home = Path.of(System.getProperty("vanycast.home", "."));
            String failover = opt.getOrDefault("failover", nodes >= 3 ? "yes" : "no");
            String leave = opt.getOrDefault("leave", "no");
            if (!List.of("yes", "no").contains(leave) || !List.of("yes", "no").contains(failover)) {
                throw new IllegalArgumentException("--leave and --failover take yes or no");
            }
            o = new Options(nodes, chain, (long) (Double.parseDouble(opt.getOrDefault("size-mb", "8")) * 1024 * 1024),
                    Long.parseLong(opt.getOrDefault("rate-kb", "800")) * 1000,
                    Double.parseDouble(opt.getOrDefault("client-ms", "10")),
                    Double.parseDouble(opt.getOrDefault("node-ms", "5")),
                    Path.of(opt.getOrDefault("out", home.resolve("results/demo").toString())).toAbsolutePath(), home,
                    leave.equals("yes"), failover.equals("yes"));
            opt.keySet().removeAll(List.of("nodes", "size-mb", "rate-kb", "client-ms", "node-ms", "out", "leave", "failover"));
            if (!opt.isEmpty()) {
                return usage(err, "unknown option --" + opt.keySet().iterator().next());
            }
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        try {
            DemoResult r = new DemoScenario(o, json ? err : out).run();
            DemoReport.csv(r, o.out());
            Plots.write(r, o.out());
            EventPlot.write(r, o.out());
            if (json) {
                out.println(DemoReport.json(r));
            } else {
                DemoReport.text(r, o, out);
            }
            return r.verified() ? 0 : 1;
        } catch (Exception e) {
            err.println("vanycast demo: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vanycast demo: " + problem);
        err.println(USAGE);
        return 2;
    }
}
